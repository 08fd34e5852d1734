import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { Cilium } from './cilium';

/** Name of the ACME ClusterIssuer the cert-manager Blueprint creates unless told otherwise. */
export const DEFAULT_CLUSTER_ISSUER = 'letsencrypt-prod';

/** Let's Encrypt's production ACME directory. */
export const LETSENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';

/**
 * Port of the HTTP-01 solver pod (`acmesolver`) cert-manager starts in the namespace of the
 * certificate it validates (cert-manager's `acmeSolverListenPort`; https://cert-manager.io/docs/configuration/acme/http01/).
 */
export const ACME_HTTP01_SOLVER_PORT = 8089;

/** Port the cert-manager webhook listens on (chart value `webhook.securePort`, 10250 by default, set explicitly here). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;

/** Props of the cert-manager Blueprint. */
export interface CertManagerProps extends BlueprintProps {
  /**
   * Contact address registered with the ACME account (expiry and revocation notices go there).
   * @default the Sovereign's admin email (`spec.organization.adminEmail`)
   */
  readonly acmeEmail?: string;
  /**
   * ACME directory URL; use Let's Encrypt staging (`https://acme-staging-v02.api.letsencrypt.org/directory`)
   * while testing to stay clear of the production rate limits.
   * @default Let's Encrypt production
   */
  readonly acmeServer?: string;
  /**
   * Name of the ACME `ClusterIssuer` the Blueprint creates.
   * @default 'letsencrypt-prod'
   */
  readonly issuerName?: string;
  /**
   * Ingress class the HTTP-01 solver creates its challenge Ingress with. Cilium serves the class
   * `cilium` once its ingress controller is enabled; change it when another controller serves ingress.
   * @default 'cilium'
   */
  readonly http01IngressClass?: string;
  /**
   * Create the ACME `ClusterIssuer` at all. Turn it off when the Sovereign brings its own issuers.
   * @default true
   */
  readonly clusterIssuer?: boolean;
  /**
   * Replicas of the cert-manager controller (webhook and cainjector stay at one).
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * cert-manager: issues and renews X.509 certificates for the cluster from ACME and other issuers.
 *
 * Installs the upstream chart with its CRDs (`crds.enabled`) kept on uninstall (`crds.keep`), so
 * removing the Blueprint never deletes every Certificate in the cluster; metrics scraping is off
 * because no Prometheus Operator is installed at this point. Its `-config` folder holds one ACME
 * `ClusterIssuer` (HTTP-01) that later Blueprints can reference by name.
 *
 * Source: chart `cert-manager` (`CHARTS['cert-manager']`) from https://charts.jetstack.io
 * (https://cert-manager.io/docs/installation/helm/); reference catalog entry `cert-manager`
 * (bootstrap-kit slot 02).
 *
 * Deviations from the reference: the ACME contact defaults to the Sovereign's own admin email rather
 * than a fixed vendor address, and the issuer solves HTTP-01 only: the reference's DNS-01 issuer
 * needs a Dynadot webhook that no Blueprint installs. The requests of the cainjector are set too,
 * so every pod has requests (the reference sized only controller and webhook).
 */
export class CertManager extends HelmBlueprint<CertManagerProps> {
  /** Catalog metadata: the pinned chart `cert-manager` (charts.jetstack.io), namespace cert-manager, bootstrap kit, depends on Cilium. */
  static readonly metadata: BlueprintMetadata = {
    name: 'cert-manager',
    title: 'cert-manager',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Issues and renews TLS certificates from ACME and other issuers for every later component.',
    chart: chartPin('cert-manager'),
    namespace: 'cert-manager',
    podSecurity: { level: 'restricted', reason: 'the chart runs every pod as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile' },
    releaseName: 'cert-manager',
    dependsOn: [Cilium],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 150, memoryMiB: 192 },
    network: {
      ingress: [
        { peer: 'apiserver', ports: [{ port: CERT_MANAGER_WEBHOOK_PORT }], reason: 'the API server calls the validating and mutating webhook on its secure port (chart value webhook.securePort)' },
      ],
      egress: [
        { peer: 'apiserver', reason: 'controller, cainjector, webhook and the startupapicheck Job read and write cert-manager resources, Secrets and webhook configurations' },
        { peer: 'internet', ports: [{ port: 443 }], reason: 'ACME: the controller registers accounts and orders certificates at the issuer\'s directory over HTTPS (Let\'s Encrypt by default)' },
        {
          peer: 'internet',
          ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
          reason: 'ACME self-checks before asking the CA to validate: HTTP-01 fetches the challenge URL from the public address of the domain, DNS-01 queries the zone\'s authoritative name servers (https://cert-manager.io/docs/configuration/acme/)',
        },
      ],
    },
    sources: [CHARTS['cert-manager'].docs, 'catalog/components.json#cert-manager', 'catalog/bootstrap-kit.json slot 2'],
  };

  /** Name of the ACME ClusterIssuer this instance creates (when `clusterIssuer` is not turned off). */
  get issuerName(): string {
    return this.props.issuerName ?? DEFAULT_CLUSTER_ISSUER;
  }

  /**
   * The ClusterIssuer other Blueprints annotate their Ingresses with: `issuerName`.
   * @throws Error when this instance creates no ClusterIssuer (`clusterIssuer: false`), so a reader must name its own
   */
  clusterIssuerName(): string {
    if (this.props.clusterIssuer === false) throw new Error(`cert-manager creates no ClusterIssuer (props.clusterIssuer is false); name your own issuer in the reading Blueprint's props (e.g. Gitea's clusterIssuer)`);
    return this.issuerName;
  }

  /** Values of the pinned chart `cert-manager` from the props: CRDs installed and kept on uninstall, controller replicas, the webhook port its NetworkPolicy allows, requests and memory limits on controller, webhook, cainjector and the startupapicheck hook Job (whose security context the chart already makes restricted), metrics off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const requests = { cpu: '50m', memory: '64Mi' };
    return {
      crds: { enabled: true, keep: true },
      replicaCount: this.props.replicas ?? 1,
      resources: { requests, limits: { memory: '256Mi' } },
      webhook: { securePort: CERT_MANAGER_WEBHOOK_PORT, resources: { requests, limits: { memory: '128Mi' } } },
      cainjector: { resources: { requests, limits: { memory: '256Mi' } } },
      startupapicheck: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } },
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
          email: this.props.acmeEmail ?? ctx.sovereign.adminEmail,
          server: this.props.acmeServer ?? LETSENCRYPT_PRODUCTION,
          privateKeySecretRef: { name: `${name}-account-key` },
          solvers: [{ http01: { ingress: { ingressClassName: this.props.http01IngressClass ?? 'cilium' } } }],
        },
      },
    });
  }
}
