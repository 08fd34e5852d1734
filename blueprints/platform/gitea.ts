import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin, IMAGES } from '../../lib/versions';
import { BITNAMI_LEGACY_IMAGE, BITNAMI_OWN_NETWORK_POLICY } from '../bitnami';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
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
  /**
   * Size of the repository volume (Kubernetes quantity).
   * @default '20Gi'
   */
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
 * Gitea: the Sovereign's own Git server, hosting the Blueprint catalog mirror and one repository
 * per application.
 *
 * Installs one rootless Gitea pod with its repository volume and the chart's single-instance
 * PostgreSQL; the chart's HA PostgreSQL and Redis cluster are off, so sessions, cache and queues
 * stay in Gitea's process (fine for one replica). The administrator and database passwords come from
 * existing Secrets: the admin account from `gitea.admin.existingSecret`, and the database password
 * reaches `app.ini` as the environment variable `GITEA__DATABASE__PASSWD` read from the database
 * Secret, which overrides the chart's built-in default. Pod and containers get restricted security
 * contexts.
 *
 * Network: the web UI and Git over HTTPS are served through the Cilium Ingress controller, and with
 * `ingressClassName` set cert-manager's HTTP-01 solver pod answers in this namespace too; Gitea itself
 * reaches out to the internet over HTTPS only. The bundled Bitnami PostgreSQL chart's own
 * NetworkPolicy is off: it allows all egress (`primary.networkPolicy.allowExternalEgress`), and
 * policies add up, so it would undo the namespace's default deny.
 *
 * Source: chart `gitea` (`CHARTS.gitea`) from https://dl.gitea.com/charts (https://gitea.com/gitea/helm-chart);
 * reference catalog entry `gitea` (bootstrap-kit slot 10).
 *
 * Deviations: the reference left the domain at `gitea.catalyst.local` in the chart and patched the
 * host in the kit; here `domain` defaults to `gitea.<fqdn>` everywhere. The PostgreSQL image comes
 * from `docker.io/bitnamilegacy` (Bitnami no longer publishes it under `bitnami`), at the tag the
 * bundled subchart defaults to (`IMAGES.giteaPostgresql`).
 */
export class Gitea extends HelmBlueprint<GiteaProps> {
  /** The props a spec may set (`spec.blueprints.props.gitea`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    domain: z.string().min(1).optional(),
    adminSecret: z.string().min(1).optional(),
    databaseSecret: z.string().min(1).optional(),
    storageSize: z.string().regex(/^\d+(Mi|Gi|Ti)$/, { error: 'must be a Kubernetes quantity such as 20Gi' }).optional(),
    ingressClassName: z.string().min(1).optional(),
    clusterIssuer: z.string().min(1).optional(),
    oidc: z.strictObject({ name: z.string().min(1), discoveryUrl: z.url({ protocol: /^https$/ }), secretName: z.string().min(1) }).optional(),
  }) satisfies z.ZodType<GiteaProps>;

  /** Catalog metadata: the pinned chart `gitea` (dl.gitea.com/charts), namespace gitea, bootstrap kit, depends on Keycloak and the Hetzner CSI driver (repository and PostgreSQL volumes). */
  static readonly metadata: BlueprintMetadata = {
    name: 'gitea',
    title: 'Gitea',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'The Sovereign\'s own Git server for the Blueprint catalog mirror and application repositories.',
    chart: chartPin('gitea'),
    namespace: 'gitea',
    podSecurity: { level: 'restricted', reason: 'the curated values run the rootless Gitea image as UID 1000 with no capabilities and the RuntimeDefault seccomp profile; the Bitnami PostgreSQL is restricted by default' },
    releaseName: 'gitea',
    dependsOn: [Keycloak, HcloudCsi],
    installsCrds: false,
    placementModes: ['single-region'],
    resources: { cpuMillis: 200, memoryMiB: 512 },
    network: {
      ingress: [
        { peer: 'anywhere', ports: [{ port: GITEA_HTTP_PORT }], reason: 'the web UI and Git over HTTPS reach Gitea\'s HTTP port (chart value service.http.port, 3000) through the Cilium Ingress controller' },
      ],
      egress: [
        { peer: 'internet', ports: [{ port: 443 }], reason: 'repository mirrors and migrations, outgoing webhooks, and OIDC discovery and token calls to the login source at its public HTTPS address' },
      ],
    },
    sources: [CHARTS.gitea.docs, 'catalog/components.json#gitea', 'catalog/bootstrap-kit.json slot 10'],
    templateValues: [
      ...['DOMAIN', 'SSH_DOMAIN', 'ROOT_URL'].map((key) => ({
        path: `gitea.config.server.${key}`,
        template: 'templates/_helpers.tpl',
        why: `gitea.inline_configuration ranges over every key of every gitea.config section and writes it to app.ini ([server] ${key}); values.yaml lists only SSH_PORT and SSH_LISTEN_PORT there`,
      })),
      {
        path: 'podSecurityContext.seccompProfile',
        template: 'templates/gitea/deployment.yaml',
        why: 'the pod securityContext is toYaml .Values.podSecurityContext, whose default in values.yaml holds fsGroup only',
      },
    ],
  };

  /** Public host name of this instance in a cluster. */
  domain(ctx: Cluster): string {
    return this.props.domain ?? `gitea.${ctx.sovereign.fqdn}`;
  }

  /**
   * Values of the pinned chart `gitea` from the props and context: rootless image with a restricted
   * security context, persistence on the cluster's storage class, optional Ingress and OIDC, admin and
   * database credentials from Secrets, bundled PostgreSQL without its own NetworkPolicy (see the
   * class), and neither Redis subchart (`redis.enabled`, `redis-cluster.enabled`: the switches of this
   * chart version; its Valkey subcharts arrived in chart 12.0.0).
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const domain = this.domain(ctx);
    const databaseSecret = p.databaseSecret ?? 'gitea-postgresql';
    const oidc = p.oidc;
    return {
      replicaCount: 1,
      image: { rootless: true },
      podSecurityContext: { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 1000,
        runAsNonRoot: true,
        runAsUser: 1000,
      },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
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
        admin: { existingSecret: p.adminSecret ?? 'gitea-admin', email: ctx.sovereign.adminEmail },
        config: { server: { DOMAIN: domain, SSH_DOMAIN: domain, ROOT_URL: `https://${domain}/` } },
        additionalConfigFromEnvs: [{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: databaseSecret, key: 'password' } } }],
        oauth: oidc ? [{ name: oidc.name, provider: 'openidConnect', existingSecret: oidc.secretName, autoDiscoverUrl: oidc.discoveryUrl }] : [],
        metrics: { enabled: false },
      },
      postgresql: {
        enabled: true,
        image: { repository: IMAGES.giteaPostgresql.repository, tag: IMAGES.giteaPostgresql.tag },
        global: { postgresql: { auth: { existingSecret: databaseSecret, secretKeys: { userPasswordKey: 'password', adminPasswordKey: 'postgres-password' } } } },
        primary: {
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          persistence: { size: '10Gi', storageClass: ctx.storageClass },
          networkPolicy: { enabled: false },
        },
      },
      'postgresql-ha': { enabled: false },
      'redis-cluster': { enabled: false },
      redis: { enabled: false },
      test: { enabled: false },
    };
  }

  /** The legacy Bitnami PostgreSQL image and its own NetworkPolicy turned off (see the class). */
  protected valueReasons(): ValueReason[] {
    return [
      { path: ['postgresql', 'image', 'repository'], reason: BITNAMI_LEGACY_IMAGE },
      { path: ['postgresql', 'primary', 'networkPolicy', 'enabled'], reason: BITNAMI_OWN_NETWORK_POLICY },
    ];
  }

  /**
   * The metadata's allowances, plus, when the Blueprint renders its Ingress (`ingressClassName`),
   * ingress to cert-manager's HTTP-01 solver: cert-manager starts the solver pod for the Ingress's
   * certificate in the Ingress's namespace, and the CA reaches it through the Ingress controller.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    if (!this.props.ingressClassName) return base;
    const solver: NetworkRule = {
      peer: 'anywhere',
      ports: [{ port: ACME_HTTP01_SOLVER_PORT }],
      reason: 'cert-manager\'s HTTP-01 solver pod for the Ingress\'s certificate answers the ACME challenge here, reached through the Cilium Ingress controller',
    };
    return { ingress: [...(base.ingress ?? []), solver], egress: base.egress };
  }

  /**
   * Generates the admin Secret (user `gitea_admin`, the reference's administrator name) and the
   * database Secret at bootstrap, unless the props name Secrets of your own.
   */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    const ns = [this.metadata.namespace];
    return [
      ...(this.props.adminSecret ? [] : [{ name: 'gitea-admin', namespaces: ns, fixed: { username: 'gitea_admin' }, randomKeys: ['password'] }]),
      ...(this.props.databaseSecret ? [] : [{ name: 'gitea-postgresql', namespaces: ns, randomKeys: ['password', 'postgres-password'] }]),
    ];
  }
}
