import { z } from 'zod';
import { mergeValues, type BlueprintMetadata, type BlueprintProps, type GeneratedSecret, type NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, bitnamiPreset, componentMetadata, propsField, resources, secretOrGenerated } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
import { ExternalSecrets } from './external-secrets';
import { HcloudCsi } from './hcloud-csi';
import { Keycloak } from './keycloak';

/** Gitea's HTTP port inside the pod: chart value `service.http.port` (3000), which the chart also writes to `HTTP_PORT` in `app.ini`. */
export const GITEA_HTTP_PORT = 3000;

/** OpenID Connect login for Gitea (e.g. against the Sovereign's Keycloak). */
export interface GiteaOidc {
  /** Name of the login source shown on the sign-in page. */
  readonly name: string;
  /** The provider's discovery document, e.g. `https://auth.example.org/realms/x/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** Existing Secret (namespace `gitea`) with the client ID under `key` and the client secret under `secret`. */
  readonly secretName: string;
}

/** Props of the Gitea Blueprint. */
export interface GiteaProps extends BlueprintProps {
  /**
   * Public host name of the Git server (Gitea's `DOMAIN`, `SSH_DOMAIN` and `ROOT_URL`).
   * @default `gitea.<sovereign fqdn>`
   */
  readonly domain?: string;
  /**
   * Existing Secret (namespace `gitea`) with the administrator's `username` and `password`.
   * @default 'gitea-admin', generated at bootstrap (user `gitea_admin`, random password)
   */
  readonly adminSecret?: string;
  /**
   * Existing Secret (namespace `gitea`) with the passwords of the embedded PostgreSQL: `password`
   * for the `gitea` database user and `postgres-password` for the superuser.
   * @default 'gitea-postgresql', generated with random passwords at bootstrap
   */
  readonly databaseSecret?: string;
  /** Size of the repository volume (Kubernetes quantity). @default '20Gi' */
  readonly storageSize?: string;
  /**
   * Ingress class to expose Gitea with (host = `domain`, TLS from `clusterIssuer`). No Ingress without it.
   * @default none
   */
  readonly ingressClassName?: string;
  /**
   * ClusterIssuer that signs the Ingress's certificate.
   * @default the cert-manager Blueprint's issuer in the cluster (`CertManager.issuerName`)
   */
  readonly clusterIssuer?: string;
  /**
   * OpenID Connect login source, typically the Sovereign's Keycloak.
   * @default none (local accounts only)
   */
  readonly oidc?: GiteaOidc;
}

/**
 * The Bitnami preset of the bundled PostgreSQL: its `bitnamilegacy` image at the subchart's tag and
 * its own NetworkPolicy off. The legacy-images switch stays unset, as the bundled subchart version
 * has no such check.
 */
const BITNAMI = bitnamiPreset({
  images: [{ path: ['postgresql', 'image'], image: IMAGES.giteaPostgresql }],
  networkPolicies: [['postgresql', 'primary', 'networkPolicy']],
  allowLegacyImages: false,
});

/**
 * Gitea: the Sovereign's own Git server, hosting the Blueprint catalog mirror and one repository
 * per application.
 *
 * Installs one rootless Gitea pod with its repository volume and the chart's single-instance
 * PostgreSQL (with `bitnamiPreset`); the chart's HA PostgreSQL and Redis are off, so sessions, cache
 * and queues stay in Gitea's process (fine for one replica). The admin account comes from
 * `gitea.admin.existingSecret`, and the database password reaches `app.ini` as
 * `GITEA__DATABASE__PASSWD` read from the database Secret, overriding the chart's built-in default.
 * With `ingressClassName` set, the Ingress's certificate comes from the cert-manager Blueprint's
 * issuer (`cluster.blueprint(CertManager).clusterIssuerName()`) unless `clusterIssuer` names another.
 *
 * Source: `CHARTS.gitea` (https://gitea.com/gitea/helm-chart); reference catalog entry `gitea`.
 *
 * Deviation: the reference left the domain at `gitea.catalyst.local` in the chart and patched the
 * host in the kit; here `domain` defaults to `gitea.<fqdn>` everywhere.
 */
export class Gitea extends HelmBlueprint<GiteaProps> {
  /** The props a spec may set (`spec.blueprints.props.gitea`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    domain: propsField.hostname().optional().describe('Public host name of the Git server; default gitea.<fqdn>'),
    adminSecret: propsField.objectName().optional().describe('Existing Secret in namespace gitea with the admin username and password; default: gitea-admin, generated'),
    databaseSecret: propsField.objectName().optional().describe('Existing Secret in namespace gitea with the PostgreSQL passwords under password and postgres-password; default: gitea-postgresql, generated'),
    storageSize: propsField.storageSize().optional().describe('Size of the repository volume; default 20Gi'),
    ingressClassName: propsField.objectName().optional().describe('Ingress class to expose Gitea with; no Ingress without it'),
    clusterIssuer: propsField.objectName().optional().describe('ClusterIssuer that signs the Ingress certificate; default: the cert-manager Blueprint\'s issuer'),
    oidc: z
      .strictObject({
        name: z.string().min(1).describe('Name of the login source on the sign-in page'),
        discoveryUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL, e.g. https://auth.example.org/realms/x/.well-known/openid-configuration' }).describe('The provider\'s OpenID Connect discovery document (https)'),
        secretName: propsField.objectName().describe('Existing Secret in namespace gitea with the client ID under key and the client secret under secret'),
      })
      .optional()
      .describe('OpenID Connect login source, typically the Sovereign\'s Keycloak; default none'),
  }) satisfies z.ZodType<GiteaProps>;

  /** Catalog metadata: chart `gitea`, namespace gitea, after Keycloak and the Hetzner CSI driver (repository and PostgreSQL volumes). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'gitea',
    title: 'Gitea',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'The Sovereign\'s own Git server for the Blueprint catalog mirror and application repositories.',
    pin: chartPin('gitea'),
    podSecurity: 'the curated values run the rootless Gitea image as UID 1000 with no capabilities and the RuntimeDefault seccomp profile; the Bitnami PostgreSQL is restricted by default',
    dependsOn: [Keycloak, HcloudCsi, ExternalSecrets],
    placementModes: ['single-region'],
    resources: { cpuMillis: 200, memoryMiB: 512 },
    network: {
      ingress: [allow.anywhere([GITEA_HTTP_PORT], 'the web UI and Git over HTTPS reach Gitea\'s HTTP port (chart value service.http.port, 3000) through the Cilium Ingress controller')],
      egress: [allow.internet([443], 'repository mirrors and migrations, outgoing webhooks, and OIDC discovery and token calls to the login source at its public HTTPS address')],
    },
    kitSlot: 10,
    templateValues: [
      ...['DOMAIN', 'SSH_DOMAIN', 'ROOT_URL'].map((key) => ({
        path: `gitea.config.server.${key}`,
        template: 'templates/_helpers.tpl',
        why: `gitea.inline_configuration ranges over every key of every gitea.config section and writes it to app.ini ([server] ${key}); values.yaml lists only SSH_PORT and SSH_LISTEN_PORT there`,
      })),
      { path: 'podSecurityContext.seccompProfile', template: 'templates/gitea/deployment.yaml', why: 'the pod securityContext is toYaml .Values.podSecurityContext, whose default in values.yaml holds fsGroup only' },
    ],
  });

  /** Public host name of this instance in a cluster. */
  domain(ctx: Cluster): string {
    return this.props.domain ?? `gitea.${ctx.sovereign.fqdn}`;
  }

  /** The admin and database Secrets this instance reads: the props' own, else generated at bootstrap (admin user `gitea_admin`, the reference's). */
  private secrets() {
    const namespaces = [this.metadata.namespace];
    return {
      admin: secretOrGenerated(this.props.adminSecret, { name: 'gitea-admin', namespaces, fixed: { username: 'gitea_admin' }, randomKeys: ['password'] }),
      database: secretOrGenerated(this.props.databaseSecret, { name: 'gitea-postgresql', namespaces, randomKeys: ['password', 'postgres-password'] }),
    };
  }

  /**
   * Values of the chart `gitea`: rootless image with a restricted security context, persistence on
   * the cluster's storage class, optional Ingress and OIDC, credentials from Secrets, the bundled
   * PostgreSQL with the Bitnami preset, and neither Redis subchart (`redis.enabled`,
   * `redis-cluster.enabled`: the switches of this chart version; its Valkey subcharts arrived in chart 12.0.0).
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const domain = this.domain(ctx);
    const { admin, database } = this.secrets();
    const oidc = p.oidc;
    return mergeValues(BITNAMI.values, {
      replicaCount: 1,
      image: { rootless: true },
      podSecurityContext: { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000 },
      resources: resources('100m', '256Mi', '1Gi'),
      persistence: { enabled: true, size: p.storageSize ?? '20Gi', storageClass: ctx.storageClass },
      ingress: p.ingressClassName
        ? {
            enabled: true,
            className: p.ingressClassName,
            annotations: { 'cert-manager.io/cluster-issuer': p.clusterIssuer ?? ctx.blueprint(CertManager).clusterIssuerName() },
            hosts: [{ host: domain, paths: [{ path: '/', pathType: 'Prefix' }] }],
            tls: [{ hosts: [domain], secretName: 'gitea-tls' }],
          }
        : { enabled: false },
      gitea: {
        admin: { existingSecret: admin.name, email: ctx.sovereign.adminEmail },
        config: { server: { DOMAIN: domain, SSH_DOMAIN: domain, ROOT_URL: `https://${domain}/` } },
        additionalConfigFromEnvs: [{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: database.name, key: 'password' } } }],
        oauth: oidc ? [{ name: oidc.name, provider: 'openidConnect', existingSecret: oidc.secretName, autoDiscoverUrl: oidc.discoveryUrl }] : [],
        metrics: { enabled: false },
      },
      postgresql: {
        enabled: true,
        global: { postgresql: { auth: { existingSecret: database.name, secretKeys: { userPasswordKey: 'password', adminPasswordKey: 'postgres-password' } } } },
        primary: { resources: resources('100m', '256Mi', '1Gi'), persistence: { size: '10Gi', storageClass: ctx.storageClass } },
      },
      'postgresql-ha': { enabled: false },
      'redis-cluster': { enabled: false },
      redis: { enabled: false },
      test: { enabled: false },
    });
  }

  /** The reasons of the Bitnami preset. */
  protected valueReasons(): ValueReason[] {
    return BITNAMI.reasons;
  }

  /**
   * The metadata's allowances, plus, when the Blueprint renders its Ingress (`ingressClassName`),
   * ingress to cert-manager's HTTP-01 solver: cert-manager starts the solver pod for the Ingress's
   * certificate in the Ingress's namespace, and the CA reaches it through the Ingress controller.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    if (!this.props.ingressClassName) return base;
    const solver = allow.anywhere([ACME_HTTP01_SOLVER_PORT], 'cert-manager\'s HTTP-01 solver pod for the Ingress\'s certificate answers the ACME challenge here, reached through the Cilium Ingress controller');
    return { ingress: [...(base.ingress ?? []), solver], egress: base.egress };
  }

  /** Generates the admin and database Secrets at bootstrap unless the props name Secrets of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    const { admin, database } = this.secrets();
    return [...admin.generated, ...database.generated];
  }
}
