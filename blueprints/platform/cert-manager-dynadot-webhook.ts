import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { z } from 'zod';
import { BLUEPRINT_PROPS_SCHEMA, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { IMAGES } from '../../lib/versions';
import { allow, componentMetadata, propsField, restrictedContainerSecurityContext, RUNTIME_DEFAULT_SECCOMP, wholeNumber } from '../common';
import { imageRef, RenderedBlueprint } from '../rendered';
import { openBaoSecret } from '../secrets';
import { CertManager } from './cert-manager';
import { ExternalSecrets } from './external-secrets';

/** API group the webhook serves and ClusterIssuers name (`GROUP_NAME` of the binary, the reference's default). */
export const DYNADOT_GROUP_NAME = 'acme.dynadot.openova.io';

/** Solver name the binary answers to (`Name()` in `core/cmd/cert-manager-dynadot-webhook/main.go`). */
export const DYNADOT_SOLVER_NAME = 'dynadot';

/** Version of the aggregated API cert-manager's webhook library registers (`v1alpha1`). */
export const DYNADOT_API_VERSION = 'v1alpha1';

/** Port the webhook serves TLS on (`--secure-port`); the Service maps 443 to it. */
export const DYNADOT_WEBHOOK_PORT = 4443;

/** Name of the DNS-01 ClusterIssuer unless the props say otherwise (the reference's `letsencrypt-dns01-prod`). */
export const DEFAULT_DNS01_ISSUER = 'letsencrypt-dns01-prod';

/** Name of the Deployment, Service and ServiceAccount. */
const NAME = 'cert-manager-dynadot-webhook';

/** UID and GID of `nobody`, the user the image runs as (its Containerfile: `USER 65534:65534`). */
const NOBODY = 65534;

/** Path of the Dynadot credentials in OpenBao's KV mount unless the props say otherwise. */
export const DEFAULT_DYNADOT_OPENBAO_PATH = 'dynadot/api';

/** Name of the Secret the webhook reads its credentials from, when they come from OpenBao. */
const CREDENTIALS_SECRET = 'dynadot-api-credentials';

/** The keys of the Dynadot credentials Secret: the api3.json API key and secret. */
export const DYNADOT_CREDENTIAL_KEYS = {
  /** Key of the Dynadot API key. */
  apiKey: 'api-key',
  /** Key of the Dynadot API secret. */
  apiSecret: 'api-secret',
} as const;

/** Props of the cert-manager Dynadot webhook Blueprint. */
export interface CertManagerDynadotWebhookProps extends BlueprintProps {
  /**
   * The Dynadot-registered domains the webhook may write challenge records in, and the ClusterIssuer
   * solves for (its solver's `selector.dnsZones`); each the domain as registered at Dynadot.
   * @default the Sovereign FQDN's last two labels (`omani.works` for `omantel.omani.works`)
   */
  readonly zones?: readonly string[];
  /**
   * Path of the Dynadot credentials in OpenBao's KV version 2 mount (keys `api-key` and `api-secret`,
   * from Dynadot account → API), e.g. `bao kv put secret/dynadot/api api-key=... api-secret=...`;
   * an ExternalSecret copies them into the Secret `dynadot-api-credentials` the webhook reads.
   * @default 'dynadot/api'
   */
  readonly openBaoPath?: string;
  /**
   * An existing Secret in the webhook's namespace with the Dynadot API key and secret under `api-key`
   * and `api-secret`, instead of OpenBao. The Blueprint never carries the credentials.
   * @default none: the credentials come from OpenBao (`openBaoPath`)
   */
  readonly credentialsSecret?: string;
  /** Name of the DNS-01 ClusterIssuer; readers follow it (`clusterIssuerName`). @default 'letsencrypt-dns01-prod' */
  readonly issuerName?: string;
  /** Webhook replicas; two keep a challenge going through a node drain. @default 1 */
  readonly replicas?: number;
}

/** The registrable part of a DNS name as far as two labels tell: `omani.works` for `omantel.omani.works`. */
function parentDomain(fqdn: string): string {
  return fqdn.split('.').slice(-2).join('.');
}

/**
 * cert-manager's DNS-01 solver for zones registered at Dynadot: an aggregated-API webhook that
 * cert-manager calls to write and remove the `_acme-challenge` TXT records, and a ClusterIssuer that
 * uses it (for wildcard certificates, which HTTP-01 cannot get).
 *
 * The binary is the reference project's own (`core/cmd/cert-manager-dynadot-webhook`, image
 * `IMAGES.certManagerDynadotWebhook`, the tag its CI pushed for the commit that added it); it
 * publishes no chart or manifests, so this Blueprint renders the standard set of a cert-manager
 * webhook (https://cert-manager.io/docs/configuration/acme/dns01/webhook/): a Deployment and Service
 * (443 → 4443), the `APIService` `v1alpha1.acme.dynadot.openova.io`, its serving certificate from a
 * self-signed CA of its own (Issuer → CA Certificate → CA Issuer → serving Certificate, whose CA
 * cert-manager's cainjector writes into the APIService), the RBAC of an aggregated API server
 * (auth delegation, the authentication ConfigMap reader, flow-control reads) and the ClusterRole that
 * lets cert-manager's controller (`CertManager.controllerServiceAccount`) create challenge requests.
 * Every cert-manager object needs cert-manager's CRDs, which the dependency installs, so all sit in
 * the main folder.
 *
 * The ClusterIssuer `letsencrypt-dns01-prod` registers with cert-manager's ACME directory and
 * contact (`CertManager.acmeServer`, `acmeEmail`) and solves DNS-01 through this webhook for
 * `zones`; the webhook itself refuses any other domain (`DYNADOT_MANAGED_DOMAINS`), so a wrong
 * Issuer cannot touch a zone the Sovereign does not own.
 *
 * Credentials: the Dynadot API key and secret (keys `api-key`, `api-secret`) live in OpenBao at
 * `openBaoPath` (default `dynadot/api` in the KV mount of the external-secrets Blueprint's OpenBao
 * store); an ExternalSecret (`openBaoSecret`) copies them into the Secret `dynadot-api-credentials`,
 * which the kubelet reads into the container's environment, so the Blueprint never carries them and
 * needs no Secret RBAC. `credentialsSecret` names an existing Secret instead. Until the credentials
 * are in OpenBao the Secret does not exist, the pod cannot start and the Blueprint's Kustomization
 * is not ready (a mandatory Blueprint: store them when the Sovereign is created).
 *
 * Pod Security `restricted` (the image runs as `nobody`). Network: the API server calls the webhook
 * on 4443 (the aggregated API is proxied by the API server), the webhook calls the API (auth
 * delegation) and Dynadot's API over HTTPS.
 *
 * Source: https://github.com/openova-io/openova (`core/cmd/cert-manager-dynadot-webhook/main.go`,
 * `platform/cert-manager-dynadot-webhook/chart`); reference catalog entry
 * `cert-manager-dynadot-webhook` (tier mandatory, no kit slot). dependsOn: cert-manager (the
 * reference's), and external-secrets, whose OpenBao store the credentials come through (extra edge;
 * the `openBaoSecret` read records it too). Reference inconsistencies resolved:
 * the chart pinned the floating tag `latest` (here the commit tag); its Role on the credentials
 * Secret was unused (the kubelet reads `secretKeyRef`s); the credentials had to be replicated from
 * `openova-system` by hand (here from OpenBao); the managed-domains list came from the credentials
 * Secret (here a typed prop, not a secret).
 */
export class CertManagerDynadotWebhook extends RenderedBlueprint<CertManagerDynadotWebhookProps> {
  /** The props a spec may set (`spec.blueprints.props.cert-manager-dynadot-webhook`). */
  static readonly propsSchema = BLUEPRINT_PROPS_SCHEMA.extend({
    zones: z.array(propsField.dnsName()).min(1).optional().describe("Dynadot-registered domains the webhook may write challenge records in (default: the Sovereign FQDN's last two labels)"),
    openBaoPath: z
      .string()
      .max(200)
      .regex(/^[a-z0-9][-a-z0-9_]*(\/[a-z0-9][-a-z0-9_]*)*$/, { error: "must be a path in OpenBao's KV mount: lowercase segments of letters, digits, '-' and '_' joined by '/', e.g. dynadot/api" })
      .optional()
      .describe('Path of the Dynadot credentials (api-key, api-secret) in OpenBao\'s KV mount (default dynadot/api)'),
    credentialsSecret: propsField.objectName().optional().describe('Existing Secret in the webhook namespace with the Dynadot API key and secret under api-key and api-secret, instead of OpenBao'),
    issuerName: propsField.objectName().optional().describe('Name of the DNS-01 ClusterIssuer (default letsencrypt-dns01-prod)'),
    replicas: wholeNumber(1, 5).optional().describe('Webhook replicas, 1-5 (default 1)'),
  }) satisfies z.ZodType<CertManagerDynadotWebhookProps>;

  /** Catalog metadata: rendered objects, its own namespace, mandatory, depends on cert-manager. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'cert-manager-dynadot-webhook',
    title: 'cert-manager Dynadot DNS-01 webhook',
    category: 'security',
    tier: 'mandatory',
    summary: 'Lets cert-manager solve DNS-01 challenges (wildcard certificates) in zones registered at Dynadot, with a ClusterIssuer that uses it.',
    pin: { images: [IMAGES.certManagerDynadotWebhook], docs: 'https://cert-manager.io/docs/configuration/acme/dns01/webhook/' },
    podSecurity: 'the webhook runs as nobody without privilege escalation or capabilities, with a read-only root filesystem and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, ExternalSecrets],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    network: {
      ingress: [allow.apiserver('the API server proxies cert-manager\'s challenge requests to the aggregated API the webhook serves (--secure-port)', [DYNADOT_WEBHOOK_PORT])],
      egress: [
        allow.apiserver('the webhook delegates authentication and authorization of each request to the API server (TokenReview, SubjectAccessReview) and reads the authentication ConfigMap'),
        allow.internet([443], 'the webhook writes and removes TXT records through Dynadot\'s API (https://api.dynadot.com/api3.json)'),
      ],
    },
    moreSources: ['https://github.com/openova-io/openova/tree/main/core/cmd/cert-manager-dynadot-webhook'],
  });

  /** Name of the DNS-01 ClusterIssuer this instance creates; Blueprints that need wildcard certificates name it. */
  get clusterIssuerName(): string {
    return this.props.issuerName ?? DEFAULT_DNS01_ISSUER;
  }

  /** The zones the webhook may write and the ClusterIssuer solves for (see `CertManagerDynadotWebhookProps.zones`). */
  zones(cluster: Cluster): readonly string[] {
    return this.props.zones ?? [parentDomain(cluster.sovereign.fqdn)];
  }

  /**
   * The Secret with the Dynadot credentials the webhook reads: `credentialsSecret`, else the copy of
   * the OpenBao secret at `openBaoPath` that this renders (`openBaoSecret`).
   */
  private credentials(scope: BlueprintConstruct, cluster: Cluster): string {
    if (this.props.credentialsSecret) return this.props.credentialsSecret;
    return openBaoSecret(scope, cluster, { name: CREDENTIALS_SECRET, path: this.props.openBaoPath ?? DEFAULT_DYNADOT_OPENBAO_PATH, keys: Object.values(DYNADOT_CREDENTIAL_KEYS) });
  }

  /** Renders the webhook, its API registration, serving certificate, RBAC and the DNS-01 ClusterIssuer (see the class). */
  protected renderObjects(scope: BlueprintConstruct, cluster: Cluster): void {
    const certManager = cluster.blueprint(CertManager);
    const meta = (name: string) => this.objectMeta(cluster, name);
    const namespace = this.metadata.namespace;
    const labels = meta(NAME).labels;
    const selector = { 'app.kubernetes.io/name': NAME };
    const servingSecret = `${NAME}-tls`;
    new k8s.KubeServiceAccount(scope, 'service-account', { metadata: meta(NAME), automountServiceAccountToken: true });
    new k8s.KubeService(scope, 'service', {
      metadata: meta(NAME),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'https', port: 443, targetPort: k8s.IntOrString.fromString('https'), protocol: 'TCP' }] },
    });
    const credentials = this.credentials(scope, cluster);
    const secretEnv = (name: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: credentials, key } } });
    new k8s.KubeDeployment(scope, 'deployment', {
      metadata: meta(NAME),
      spec: {
        replicas: this.props.replicas ?? 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            serviceAccountName: NAME,
            securityContext: { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, fsGroup: NOBODY, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
            containers: [
              {
                name: 'webhook',
                image: imageRef(IMAGES.certManagerDynadotWebhook),
                args: [`--secure-port=${DYNADOT_WEBHOOK_PORT}`, '--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key'],
                env: [
                  { name: 'GROUP_NAME', value: DYNADOT_GROUP_NAME },
                  { name: 'DYNADOT_MANAGED_DOMAINS', value: this.zones(cluster).join(',') },
                  secretEnv('DYNADOT_API_KEY', DYNADOT_CREDENTIAL_KEYS.apiKey),
                  secretEnv('DYNADOT_API_SECRET', DYNADOT_CREDENTIAL_KEYS.apiSecret),
                ],
                ports: [{ name: 'https', containerPort: DYNADOT_WEBHOOK_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('https'), scheme: 'HTTPS' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('https'), scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: { requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { memory: k8s.Quantity.fromString('256Mi') } },
                securityContext: restrictedContainerSecurityContext() as k8s.SecurityContext,
                volumeMounts: [{ name: 'tls', mountPath: '/tls', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [
              { name: 'tls', secret: { secretName: servingSecret } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
            ],
          },
        },
      },
    });
    this.renderServingCertificate(scope, cluster, servingSecret);
    new k8s.KubeApiService(scope, 'api-service', {
      metadata: { name: `${DYNADOT_API_VERSION}.${DYNADOT_GROUP_NAME}`, labels, annotations: { 'cert-manager.io/inject-ca-from': `${namespace}/${servingSecret}` } },
      spec: { group: DYNADOT_GROUP_NAME, version: DYNADOT_API_VERSION, groupPriorityMinimum: 1000, versionPriority: 15, service: { name: NAME, namespace, port: 443 } },
    });
    this.renderRbac(scope, cluster, certManager);
    new ApiObject(scope, 'cluster-issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: this.clusterIssuerName, labels },
      spec: {
        acme: {
          email: certManager.acmeEmail(cluster),
          server: certManager.acmeServer,
          privateKeySecretRef: { name: `${this.clusterIssuerName}-account-key` },
          solvers: [{ selector: { dnsZones: [...this.zones(cluster)] }, dns01: { webhook: { groupName: DYNADOT_GROUP_NAME, solverName: DYNADOT_SOLVER_NAME } } }],
        },
      },
    });
  }

  /** The self-signed CA chain of the serving certificate: Issuer → CA Certificate → CA Issuer → serving Certificate (Secret `servingSecret`). */
  private renderServingCertificate(scope: BlueprintConstruct, cluster: Cluster, servingSecret: string): void {
    const meta = (name: string) => this.objectMeta(cluster, name);
    const namespace = this.metadata.namespace;
    const certManagerObject = (id: string, kind: string, name: string, spec: Record<string, unknown>) => new ApiObject(scope, id, { apiVersion: 'cert-manager.io/v1', kind, metadata: meta(name), spec });
    const ecdsa = { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' };
    certManagerObject('selfsigned-issuer', 'Issuer', `${NAME}-selfsign`, { selfSigned: {} });
    certManagerObject('ca-certificate', 'Certificate', `${NAME}-ca`, {
      secretName: `${NAME}-ca`,
      isCA: true,
      commonName: `ca.${NAME}.${namespace}`,
      duration: '43800h',
      privateKey: ecdsa,
      issuerRef: { name: `${NAME}-selfsign`, kind: 'Issuer' },
    });
    certManagerObject('ca-issuer', 'Issuer', `${NAME}-ca`, { ca: { secretName: `${NAME}-ca` } });
    certManagerObject('serving-certificate', 'Certificate', servingSecret, {
      secretName: servingSecret,
      duration: '8760h',
      renewBefore: '720h',
      dnsNames: [NAME, `${NAME}.${namespace}`, `${NAME}.${namespace}.svc`],
      privateKey: ecdsa,
      issuerRef: { name: `${NAME}-ca`, kind: 'Issuer' },
    });
  }

  /** RBAC of an aggregated API server, and the right of cert-manager's controller to call it. */
  private renderRbac(scope: BlueprintConstruct, cluster: Cluster, certManager: CertManager): void {
    const labels = this.objectMeta(cluster, NAME).labels;
    const webhook: k8s.Subject = { kind: 'ServiceAccount', name: NAME, namespace: this.metadata.namespace };
    const rbac = 'rbac.authorization.k8s.io';
    const clusterRole = (id: string, name: string, rules: k8s.PolicyRule[]) => new k8s.KubeClusterRole(scope, id, { metadata: { name, labels }, rules });
    const clusterBinding = (id: string, name: string, role: string, subject: k8s.Subject) =>
      new k8s.KubeClusterRoleBinding(scope, id, { metadata: { name, labels }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: role }, subjects: [subject] });
    clusterBinding('auth-delegator', `${NAME}:auth-delegator`, 'system:auth-delegator', webhook);
    new k8s.KubeRoleBinding(scope, 'auth-reader', {
      metadata: { name: `${NAME}:auth-reader`, namespace: 'kube-system', labels },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [webhook],
    });
    clusterRole('flowcontrol', `${NAME}:flowcontrol`, [{ apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: ['prioritylevelconfigurations', 'flowschemas'], verbs: ['get', 'list', 'watch'] }]);
    clusterBinding('flowcontrol-binding', `${NAME}:flowcontrol`, `${NAME}:flowcontrol`, webhook);
    const controller = certManager.controllerServiceAccount;
    clusterRole('domain-solver', `${NAME}:domain-solver`, [{ apiGroups: [DYNADOT_GROUP_NAME], resources: ['*'], verbs: ['create'] }]);
    clusterBinding('domain-solver-binding', `${NAME}:domain-solver`, `${NAME}:domain-solver`, { kind: 'ServiceAccount', name: controller.name, namespace: controller.namespace });
  }
}
