import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { Cilium, CILIUM_INGRESS_CLASS } from './cilium';

/** Name of the ACME ClusterIssuer the cert-manager Blueprint creates unless told otherwise. */
export const DEFAULT_CLUSTER_ISSUER = 'letsencrypt-prod';

/** Let's Encrypt's production ACME directory. */
export const LETSENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';

/** Port of the HTTP-01 solver pod cert-manager starts in the certificate's namespace (`acmeSolverListenPort`; https://cert-manager.io/docs/configuration/acme/http01/). */
export const ACME_HTTP01_SOLVER_PORT = 8089;

/** Port the cert-manager webhook listens on (chart value `webhook.securePort`, 10250 by default, set explicitly here). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;

/** A Kubernetes object name (DNS-1123 subdomain), for the issuer and ingress class names. */
const OBJECT_NAME = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: 'must be a Kubernetes object name (lowercase letters, digits, - and .)' });

/** A ServiceAccount by name and namespace, for RBAC subjects. */
export interface ServiceAccountRef {
  /** ServiceAccount name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
}

/** Props of the cert-manager Blueprint. */
export interface CertManagerProps extends BlueprintProps {
  /** Contact address of the ACME account (expiry and revocation notices). @default the Sovereign's admin e-mail */
  readonly acmeEmail?: string;
  /**
   * ACME directory URL; Let's Encrypt staging (`https://acme-staging-v02.api.letsencrypt.org/directory`)
   * stays clear of the production rate limits while testing.
   * @default Let's Encrypt production
   */
  readonly acmeServer?: string;
  /** Name of the ACME `ClusterIssuer`; readers follow it (`clusterIssuerName()`). @default 'letsencrypt-prod' */
  readonly issuerName?: string;
  /** Ingress class of the HTTP-01 solver's challenge Ingress. @default the Cilium Blueprint's class (`Cilium.ingressClassName()`) */
  readonly http01IngressClass?: string;
  /** Create the ACME `ClusterIssuer`; off when the Sovereign brings its own issuers. @default true */
  readonly clusterIssuer?: boolean;
  /** Replicas of the controller (webhook and cainjector stay at one). @default 1 */
  readonly replicas?: number;
}

/**
 * cert-manager: issues and renews X.509 certificates for the cluster from ACME and other issuers.
 *
 * Installs the chart with its CRDs kept on uninstall (`crds.keep`), so removing the Blueprint never
 * deletes every Certificate; metrics are off (no Prometheus Operator yet). Its `-config` folder holds
 * one ACME `ClusterIssuer` (HTTP-01), which readers name through `clusterIssuerName()`.
 *
 * Source: chart `cert-manager` (`CHARTS['cert-manager']`); reference catalog entry `cert-manager`
 * (bootstrap-kit slot 02). Deviations: the ACME contact is the Sovereign's admin rather than a vendor
 * address; its own ClusterIssuer solves HTTP-01, while the reference's DNS-01 issuer comes with the
 * cert-manager-dynadot-webhook Blueprint, which reads this one's ACME facts (`acmeServer`,
 * `acmeEmail`, `controllerServiceAccount`); the cainjector gets requests too, so every pod has them.
 */
export class CertManager extends HelmBlueprint<CertManagerProps> {
  /** The props a spec may set (`spec.blueprints.props.cert-manager`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    acmeEmail: z.email({ error: 'must be an e-mail address' }).optional().describe('Contact address of the ACME account (default: the Sovereign admin e-mail)'),
    acmeServer: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/\S*)?$/i, { error: 'must be an https:// ACME directory URL' }).optional().describe('ACME directory URL (default: Let\'s Encrypt production)'),
    issuerName: OBJECT_NAME.optional().describe('Name of the ACME ClusterIssuer; every reader follows it (default letsencrypt-prod)'),
    http01IngressClass: OBJECT_NAME.optional().describe('Ingress class of the HTTP-01 challenge Ingress (default: Cilium\'s class, cilium)'),
    clusterIssuer: z.boolean().optional().describe('Create the ACME ClusterIssuer (default true)'),
    replicas: wholeNumber(1, 10).optional().describe('Controller replicas, 1-10 (default 1)'),
  }) satisfies z.ZodType<CertManagerProps>;

  /** Catalog metadata: namespace cert-manager, depends on Cilium, installs CRDs. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'cert-manager',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Issues and renews TLS certificates from ACME and other issuers for every later component.',
    pin: chartPin('cert-manager'),
    podSecurity: 'the chart runs every pod as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [Cilium],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 150, memoryMiB: 192 },
    network: {
      ingress: [allow.apiserver('the API server calls the validating and mutating webhook on its secure port (chart value webhook.securePort)', [CERT_MANAGER_WEBHOOK_PORT])],
      egress: [
        allow.apiserver('controller, cainjector, webhook and the startupapicheck Job read and write cert-manager resources, Secrets and webhook configurations'),
        allow.internet([443], 'ACME: the controller registers accounts and orders certificates at the issuer\'s directory over HTTPS (Let\'s Encrypt by default)'),
        allow.internet(
          [80, { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
          'ACME self-checks before asking the CA to validate: HTTP-01 fetches the challenge URL from the public address of the domain, DNS-01 queries the zone\'s authoritative name servers (https://cert-manager.io/docs/configuration/acme/)',
        ),
      ],
    },
    kitSlot: 2,
  });

  /** Name of the ACME ClusterIssuer this instance creates (when `clusterIssuer` is not turned off). */
  get issuerName(): string {
    return this.props.issuerName ?? DEFAULT_CLUSTER_ISSUER;
  }

  /** ACME directory every ACME issuer of the cluster registers with: `acmeServer`, else Let's Encrypt production. */
  get acmeServer(): string {
    return this.props.acmeServer ?? LETSENCRYPT_PRODUCTION;
  }

  /** Contact address of the cluster's ACME accounts: `acmeEmail`, else the Sovereign's admin e-mail. */
  acmeEmail(cluster: Cluster): string {
    return this.props.acmeEmail ?? cluster.sovereign.adminEmail;
  }

  /**
   * The ServiceAccount of cert-manager's controller (the chart's `serviceAccount.name` default: its
   * fullname), which a DNS-01 webhook's RBAC lets create challenge requests.
   */
  get controllerServiceAccount(): ServiceAccountRef {
    const m = this.metadata;
    return { name: helmFullname(m.releaseName, m.chart.chart), namespace: m.namespace };
  }

  /**
   * The ClusterIssuer other Blueprints annotate their Ingresses with: `issuerName`.
   * @throws Error when this instance creates no ClusterIssuer (`clusterIssuer: false`), so a reader must name its own
   */
  clusterIssuerName(): string {
    if (this.props.clusterIssuer === false) throw new Error(`cert-manager creates no ClusterIssuer (props.clusterIssuer is false); name your own issuer in the reading Blueprint's props (e.g. Gitea's clusterIssuer)`);
    return this.issuerName;
  }

  /**
   * Ingress class of the HTTP-01 challenge Ingress: `http01IngressClass`, else the class of the
   * cluster's Cilium Ingress controller (`CILIUM_INGRESS_CLASS` in a cluster bound without Cilium).
   * @throws Error when Cilium's Ingress controller is off and no class is given
   */
  http01IngressClass(cluster: Cluster): string {
    if (this.props.http01IngressClass) return this.props.http01IngressClass;
    return cluster.has(Cilium) ? cluster.blueprint(Cilium).ingressClassName() : CILIUM_INGRESS_CLASS;
  }

  /** Values: CRDs installed and kept, controller replicas, the webhook port its NetworkPolicy allows, requests and memory limits on every pod and the startupapicheck hook Job (restricted by the chart), metrics off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {
      crds: { enabled: true, keep: true },
      replicaCount: this.props.replicas ?? 1,
      resources: resources('50m', '64Mi', '256Mi'),
      webhook: { securePort: CERT_MANAGER_WEBHOOK_PORT, resources: resources('50m', '64Mi', '128Mi') },
      cainjector: { resources: resources('50m', '64Mi', '256Mi') },
      startupapicheck: { resources: resources('10m', '32Mi', '64Mi') },
      prometheus: { enabled: false, servicemonitor: { enabled: false } },
    };
  }

  /** Emits the ACME `ClusterIssuer` (it needs the `cert-manager.io` CRDs this Blueprint installs). */
  protected override renderConfig(chart: Construct, ctx: Cluster): void {
    if (this.props.clusterIssuer === false) return;
    const name = this.issuerName;
    new ApiObject(chart, 'cluster-issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name, labels: this.labels(ctx) },
      spec: {
        acme: {
          email: this.acmeEmail(ctx),
          server: this.acmeServer,
          privateKeySecretRef: { name: `${name}-account-key` },
          solvers: [{ http01: { ingress: { ingressClassName: this.http01IngressClass(ctx) } } }],
        },
      },
    });
  }
}
