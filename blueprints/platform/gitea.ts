import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { OidcClientClaim, OidcConsumer, S3BucketClaim, S3Consumer } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, propsField, resources, secretOrGenerated } from '../common';
import { EXTERNAL_DATABASE_PASSWORD_KEY, EXTERNAL_DATABASE_PORT, externalDatabasePropsField, type ExternalDatabase } from '../external-database';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { cnpgBackupBucket, postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../postgres';
import { copySecret } from '../secrets';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
import { Cnpg } from './cnpg';
import { ExternalSecrets } from './external-secrets';
import { HcloudCsi } from './hcloud-csi';
import { Keycloak } from './keycloak';

/** Gitea's HTTP port inside the pod: chart value `service.http.port` (3000), which the chart also writes to `HTTP_PORT` in `app.ini`. */
export const GITEA_HTTP_PORT = 3000;

/** Name of the login source for the Sovereign's Keycloak; it is also the segment of its callback URL (`/user/oauth2/<name>/callback`). */
export const GITEA_KEYCLOAK_SOURCE = 'Keycloak';

/** OpenID Connect login against a provider other than the Sovereign's Keycloak. */
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
   * Gitea's database: a CloudNativePG cluster in namespace `gitea` (instances, volume size, backups
   * to the cluster's S3 endpoint; see `postgresPropsField`). Ignored with `externalDatabase`.
   * @default one instance of 10Gi, no backups
   */
  readonly database?: PostgresOptions;
  /**
   * A PostgreSQL database of your own instead of the CloudNativePG cluster; its password comes from
   * the Secret it names (namespace `gitea`, key `password`).
   * @default none: the CloudNativePG cluster
   */
  readonly externalDatabase?: ExternalDatabase;
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
   * Log people in through the Sovereign's Keycloak (a client `gitea` in its realm, login source
   * `Keycloak`); `false` leaves local accounts only, unless `oidcProvider` names another provider.
   * @default true
   */
  readonly oidc?: boolean;
  /**
   * Another OpenID Connect provider instead of the Sovereign's Keycloak (then no client is claimed
   * from Keycloak, whatever `oidc` says).
   * @default none
   */
  readonly oidcProvider?: GiteaOidc;
}

/**
 * Gitea: the Sovereign's own Git server, hosting the Blueprint catalog mirror and one repository
 * per application.
 *
 * Installs one rootless Gitea pod with its repository volume; the chart's PostgreSQL subcharts and
 * Redis are off, so sessions, cache and queues stay in Gitea's process (fine for one replica). The
 * admin account comes from `gitea.admin.existingSecret`. With `ingressClassName` set, the Ingress's
 * certificate comes from the cert-manager Blueprint's issuer
 * (`cluster.blueprint(CertManager).clusterIssuerName()`) unless `clusterIssuer` names another.
 *
 * Database: a CloudNativePG cluster in namespace `gitea` (`cluster.blueprint(Cnpg).render(...)`),
 * whose host, database and owner go into `gitea.config.database` and whose `<cluster>-app` Secret
 * (key `password`) reaches `app.ini` as `GITEA__DATABASE__PASSWD`; TLS `require` (CloudNativePG
 * serves TLS with its own CA, which Gitea does not trust, so no verification). `externalDatabase`
 * names a database of your own instead.
 *
 * Login (`oidc`, default on; `oidcProvider` for another provider): an `OidcConsumer` with the client `gitea` in the Sovereign's realm.
 * The chart's `gitea.oauth` list feeds `gitea admin auth add-oauth`/`update-oauth` in its
 * configure-gitea init container; its `existingSecret` form needs the keys `key` and `secret` in the
 * Secret, while the client Secret Keycloak hands out (copied here with `copySecret`) holds
 * `client-secret`. So the source gets its client id as `key` and its secret as the shell reference
 * `${GITEA_OAUTH_CLIENT_SECRET}`, which the init script expands from `deployment.env` (the chart
 * adds `deployment.env` to every container, init containers included: templates/gitea/deployment.yaml).
 *
 * Source: `CHARTS.gitea` (https://gitea.com/gitea/helm-chart); reference catalog entry `gitea`.
 *
 * Deviation: the reference left the domain at `gitea.catalyst.local` in the chart and patched the
 * host in the kit; here `domain` defaults to `gitea.<fqdn>` everywhere.
 */
export class Gitea extends HelmBlueprint<GiteaProps> implements OidcConsumer, PostgresConsumer, S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.gitea`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    domain: propsField.hostname().optional().describe('Public host name of the Git server; default gitea.<fqdn>'),
    adminSecret: propsField.objectName().optional().describe('Existing Secret in namespace gitea with the admin username and password; default: gitea-admin, generated'),
    /** The CloudNativePG database (`PostgresOptions`). */
    database: postgresPropsField(),
    /** An external PostgreSQL instead of the CloudNativePG one (`ExternalDatabase`). */
    externalDatabase: externalDatabasePropsField('gitea'),
    storageSize: propsField.storageSize().optional().describe('Size of the repository volume; default 20Gi'),
    ingressClassName: propsField.objectName().optional().describe('Ingress class to expose Gitea with; no Ingress without it'),
    clusterIssuer: propsField.objectName().optional().describe('ClusterIssuer that signs the Ingress certificate; default: the cert-manager Blueprint\'s issuer'),
    oidc: z.boolean().optional().describe("Log people in through the Sovereign's Keycloak; default true"),
    oidcProvider: z
      .strictObject({
        name: z.string().min(1).describe('Name of the login source on the sign-in page'),
        discoveryUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL, e.g. https://auth.example.org/realms/x/.well-known/openid-configuration' }).describe('The provider\'s OpenID Connect discovery document (https)'),
        secretName: propsField.objectName().describe('Existing Secret in namespace gitea with the client ID under key and the client secret under secret'),
      })
      .optional()
      .describe("Another OpenID Connect provider instead of the Sovereign's Keycloak; default none"),
  }) satisfies z.ZodType<GiteaProps>;

  /**
   * Catalog metadata: chart `gitea`, namespace gitea, after Keycloak (the reference's edge; its OIDC
   * issuer), the Hetzner CSI driver (repository and database volumes), CloudNativePG (extra edge:
   * the operator and its CRDs before the database `Cluster` in this folder) and external-secrets
   * (extra edge: it generates the admin Secret and copies the OIDC client secret).
   */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'gitea',
    title: 'Gitea',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'The Sovereign\'s own Git server for the Blueprint catalog mirror and application repositories.',
    pin: chartPin('gitea'),
    podSecurity: 'the curated values run the rootless Gitea image as UID 1000 with no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [Keycloak, HcloudCsi, Cnpg, ExternalSecrets],
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
      {
        path: 'gitea.config.database',
        template: 'templates/_helpers.tpl',
        why: 'gitea.inline_configuration ranges over every gitea.config section and writes it to app.ini ([database] DB_TYPE, HOST, NAME, USER, SSL_MODE); values.yaml has no database section, the chart defaults it to its subcharts',
      },
      { path: 'podSecurityContext.seccompProfile', template: 'templates/gitea/deployment.yaml', why: 'the pod securityContext is toYaml .Values.podSecurityContext, whose default in values.yaml holds fsGroup only' },
    ],
  });

  /** Public host name of this instance in a cluster. */
  domain(ctx: Cluster): string {
    return this.props.domain ?? `gitea.${ctx.sovereign.fqdn}`;
  }

  /** The admin Secret this instance reads: the props' own, else generated in the cluster (admin user `gitea_admin`, the reference's). */
  private adminSecret() {
    return secretOrGenerated(this.props.adminSecret, { name: 'gitea-admin', namespaces: [this.metadata.namespace], fixed: { username: 'gitea_admin' }, randomKeys: ['password'] });
  }

  /** Whether Gitea logs people in through the Sovereign's Keycloak (`oidc` not false, no `oidcProvider`). */
  private keycloakLogin(): boolean {
    return this.props.oidc !== false && this.props.oidcProvider === undefined;
  }

  /** Gitea's client in the Sovereign's realm, when it logs in through Keycloak: redirect URI `https://<domain>/user/oauth2/Keycloak/callback`. */
  oidcClients(cluster: Cluster): OidcClientClaim[] {
    if (!this.keycloakLogin()) return [];
    const root = `https://${this.domain(cluster)}`;
    return [{ clientId: this.metadata.name, name: 'Gitea', redirectUris: [`${root}/user/oauth2/${GITEA_KEYCLOAK_SOURCE}/callback`], rootUrl: root }];
  }

  /** Whether CloudNativePG runs the database (no `externalDatabase`). */
  usesCnpg(_cluster: Cluster): boolean {
    return this.props.externalDatabase === undefined;
  }

  /** The database's backup bucket when `database.backups` is on (and the database is CloudNativePG's). */
  s3Buckets(cluster: Cluster): S3BucketClaim[] {
    return this.usesCnpg(cluster) && this.props.database?.backups ? [cnpgBackupBucket(this)] : [];
  }

  /** `app.ini`'s `[database]` section and the environment variable with the password: the CloudNativePG cluster's, or the props' own database. */
  private databaseConfig(cluster: Cluster): { config: Record<string, string>; password: { name: string; key: string } } {
    const own = this.props.externalDatabase;
    if (own) {
      return {
        config: { DB_TYPE: 'postgres', HOST: `${own.host}:${own.port ?? EXTERNAL_DATABASE_PORT}`, NAME: own.database, USER: own.user, SSL_MODE: own.sslMode ?? 'require' },
        password: { name: own.passwordSecret, key: EXTERNAL_DATABASE_PASSWORD_KEY },
      };
    }
    const db = cluster.blueprint(Cnpg).database(cluster, this);
    return { config: { DB_TYPE: 'postgres', HOST: `${db.host}:${db.port}`, NAME: db.database, USER: db.user, SSL_MODE: 'require' }, password: { name: db.secret, key: 'password' } };
  }

  /** The `gitea.oauth` list and the environment it reads: Keycloak's client, another provider, or none. */
  private oauth(cluster: Cluster): { sources: Record<string, unknown>[]; env: Record<string, unknown>[] } {
    const oidc = this.props.oidcProvider;
    if (oidc) return { sources: [{ name: oidc.name, provider: 'openidConnect', existingSecret: oidc.secretName, autoDiscoverUrl: oidc.discoveryUrl }], env: [] };
    if (!this.keycloakLogin()) return { sources: [], env: [] };
    const client = cluster.blueprint(Keycloak).oidcClient(cluster, this);
    return {
      sources: [
        {
          name: GITEA_KEYCLOAK_SOURCE,
          provider: 'openidConnect',
          key: client.clientId,
          secret: '${GITEA_OAUTH_CLIENT_SECRET}',
          autoDiscoverUrl: `${client.issuerUrl}/.well-known/openid-configuration`,
          groupClaimName: 'groups',
        },
      ],
      env: [{ name: 'GITEA_OAUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: client.secret.name, key: client.secretKey } } }],
    };
  }

  /**
   * Values of the chart `gitea`: rootless image with a restricted security context, persistence on
   * the cluster's storage class, optional Ingress, the login source, the admin account and database
   * password from Secrets, the CloudNativePG (or external) database, neither PostgreSQL subchart,
   * and neither Redis subchart (`redis.enabled`, `redis-cluster.enabled`: the switches of this chart
   * version; its Valkey subcharts arrived in chart 12.0.0).
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const domain = this.domain(ctx);
    const database = this.databaseConfig(ctx);
    const oauth = this.oauth(ctx);
    return {
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
      deployment: { env: oauth.env },
      gitea: {
        admin: { existingSecret: this.adminSecret().name, email: ctx.sovereign.adminEmail },
        config: { server: { DOMAIN: domain, SSH_DOMAIN: domain, ROOT_URL: `https://${domain}/` }, database: database.config },
        additionalConfigFromEnvs: [{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: database.password } }],
        oauth: oauth.sources,
        metrics: { enabled: false },
      },
      postgresql: { enabled: false },
      'postgresql-ha': { enabled: false },
      'redis-cluster': { enabled: false },
      redis: { enabled: false },
      test: { enabled: false },
    };
  }

  /** Renders the chart (see `HelmBlueprint.render`), its CloudNativePG database unless `externalDatabase` is set, and the copy of its Keycloak client secret. */
  protected override render(scope: BlueprintConstruct, cluster: Cluster): void {
    super.render(scope, cluster);
    if (this.usesCnpg(cluster)) cluster.blueprint(Cnpg).render(scope, cluster, this, this.props.database);
    if (this.keycloakLogin()) copySecret(scope, cluster, cluster.blueprint(Keycloak).oidcClient(cluster, this).secret);
  }

  /**
   * The metadata's allowances, the database network with CloudNativePG (`Cnpg.withDatabaseNetwork`), and,
   * when the Blueprint renders its Ingress (`ingressClassName`), ingress to cert-manager's HTTP-01
   * solver: cert-manager starts the solver pod for the Ingress's certificate in the Ingress's
   * namespace, and the CA reaches it through the Ingress controller.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const own = super.networkAllowances(ctx);
    const base = this.usesCnpg(ctx) ? ctx.blueprint(Cnpg).withDatabaseNetwork(ctx, this, own) : own;
    if (!this.props.ingressClassName) return base;
    const solver = allow.anywhere([ACME_HTTP01_SOLVER_PORT], 'cert-manager\'s HTTP-01 solver pod for the Ingress\'s certificate answers the ACME challenge here, reached through the Cilium Ingress controller');
    return { ingress: [...(base.ingress ?? []), solver], egress: base.egress };
  }

  /** Generates the admin Secret in the cluster unless the props name one of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.adminSecret().generated;
  }
}
