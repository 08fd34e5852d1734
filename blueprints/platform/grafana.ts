import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { OidcClientClaim, OidcConsumer } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, propsField, resources, secretOrGenerated, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../postgres';
import { copySecret } from '../secrets';
import { telemetryBackends, urlPort, type TelemetryBackends } from '../telemetry-endpoints';
import { ACME_HTTP01_SOLVER_PORT, CertManager } from './cert-manager';
import { Cnpg } from './cnpg';
import { ExternalSecrets } from './external-secrets';
import { Keycloak } from './keycloak';
import { Loki } from './loki';
import { Mimir } from './mimir';
import { Tempo } from './tempo';

/** Grafana's HTTP port in the pod: the chart's `service.targetPort` (3000). */
export const GRAFANA_HTTP_PORT = 3000;

/** Name of the local copy of Grafana's OIDC client Secret (namespace `grafana`). */
export const GRAFANA_OIDC_SECRET = 'grafana-oidc';

/** The generated admin Secret (namespace `grafana`), with the chart's default keys `admin-user` and `admin-password`. */
const ADMIN_SECRET = 'grafana-admin';

/** Props of the Grafana Blueprint. */
export interface GrafanaProps extends BlueprintProps {
  /** Public host name of Grafana (its `root_url` and OIDC redirect). @default `grafana.<sovereign fqdn>` */
  readonly hostname?: string;
  /** Grafana replicas; they share the PostgreSQL database, so any number serves the same state. @default 1 */
  readonly replicas?: number;
  /** Log in through the Sovereign's Keycloak (a client `grafana` in its realm). @default true */
  readonly oidc?: boolean;
  /**
   * Existing Secret (namespace `grafana`) with the local administrator under `admin-user` and
   * `admin-password`, for break-glass access.
   * @default 'grafana-admin', generated in the cluster (user `admin`, random password)
   */
  readonly adminSecret?: string;
  /** Ingress class to expose Grafana with (host = `hostname`, TLS from `clusterIssuer`). No Ingress without it. @default none */
  readonly ingressClassName?: string;
  /** ClusterIssuer that signs the Ingress's certificate. @default the cert-manager Blueprint's issuer (`CertManager.clusterIssuerName()`) */
  readonly clusterIssuer?: string;
  /** Grafana's PostgreSQL database (CloudNativePG, in namespace `grafana`): instances, volume size, backups. @default one instance of 10Gi, no backups */
  readonly database?: PostgresOptions;
}

/**
 * Grafana's provisioned datasources (`datasources.yaml`): Mimir as the default Prometheus datasource,
 * Loki, and Tempo, with fixed UIDs so they link to each other (trace IDs in log lines open Tempo,
 * spans open their logs in Loki and Tempo's service graph reads Mimir). Not editable in the UI: they
 * follow the Blueprints.
 * @param backends the query URLs, from the Loki, Mimir and Tempo Blueprints (`telemetryBackends`)
 */
export function grafanaDatasources(backends: TelemetryBackends): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      { name: 'Mimir', uid: 'mimir', type: 'prometheus', access: 'proxy', url: backends.metrics.queryUrl, isDefault: true, editable: false, jsonData: { httpMethod: 'POST' } },
      {
        name: 'Loki',
        uid: 'loki',
        type: 'loki',
        access: 'proxy',
        url: backends.logs.queryUrl,
        editable: false,
        jsonData: { derivedFields: [{ name: 'TraceID', matcherRegex: '(?:trace_?id|traceID)[=:" ]+(\\w+)', datasourceUid: 'tempo', url: '$${__value.raw}' }] },
      },
      {
        name: 'Tempo',
        uid: 'tempo',
        type: 'tempo',
        access: 'proxy',
        url: backends.traces.queryUrl,
        editable: false,
        jsonData: { tracesToLogsV2: { datasourceUid: 'loki', filterByTraceID: true }, serviceMap: { datasourceUid: 'mimir' }, nodeGraph: { enabled: true } },
      },
    ],
  };
}

/**
 * Grafana: dashboards and exploration over the Sovereign's telemetry, with its three datasources
 * (Mimir, Loki, Tempo; `grafanaDatasources`) provisioned from those Blueprints' query URLs.
 *
 * People log in through Keycloak (`OidcConsumer`: client `grafana`, read with
 * `cluster.blueprint(Keycloak).oidcClient`; `grafana.ini` `auth.generic_oauth` with PKCE), the client
 * secret copied into this namespace (`copySecret`) and handed to Grafana as
 * `GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET`. Grafana's state (users, dashboards, alerts) lives in its own
 * CloudNativePG database (`PostgresConsumer`, `cluster.blueprint(Cnpg).render`), its password from
 * the operator's Secret as `GF_DATABASE_PASSWORD`, so no volume is needed and replicas share state.
 * Nothing secret is in the values or `grafana.ini` (the chart's `assertNoLeakedSecrets` holds). The
 * local admin (break-glass) password is generated in the cluster. Update checks and usage reporting
 * to grafana.com are off, and so are the chart's Helm test pod and root `initChownData` container.
 *
 * Source: `CHARTS.grafana` (the last release of grafana/helm-charts, `CHARTS.grafana.docs`;
 * https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/keycloak/);
 * reference kit slot 25, whose edges cnpg, loki, mimir, tempo and keycloak are all kept; extra edges:
 * cert-manager, whose issuer signs the Ingress certificate, and external-secrets, which generates the
 * admin Secret and copies the OIDC client Secret (so a selection of Grafana alone gets it added).
 */
export class Grafana extends HelmBlueprint<GrafanaProps> implements OidcConsumer, PostgresConsumer {
  /** The props a spec may set (`spec.blueprints.props.grafana`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    hostname: propsField.hostname().optional().describe('Public host name of Grafana; default grafana.<fqdn>'),
    replicas: wholeNumber(1, 5).optional().describe('Grafana replicas sharing the PostgreSQL database, 1-5; default 1'),
    oidc: z.boolean().optional().describe('Log in through the Sovereign\'s Keycloak; default true'),
    adminSecret: propsField.objectName().optional().describe('Existing Secret in namespace grafana with admin-user and admin-password; default: grafana-admin, generated'),
    ingressClassName: propsField.objectName().optional().describe('Ingress class to expose Grafana with; no Ingress without it'),
    clusterIssuer: propsField.objectName().optional().describe('ClusterIssuer that signs the Ingress certificate; default: the cert-manager Blueprint\'s issuer'),
    /** The CloudNativePG database (`PostgresOptions`). */
    database: postgresPropsField(),
  }) satisfies z.ZodType<GrafanaProps>;

  /** Catalog metadata: chart `grafana`, namespace grafana, after CNPG, Loki, Mimir, Tempo and Keycloak (reference), cert-manager and external-secrets. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'grafana',
    title: 'Grafana',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'Dashboards over Mimir, Loki and Tempo, with Keycloak login and its state in PostgreSQL.',
    pin: chartPin('grafana'),
    podSecurity: 'the chart runs Grafana as UID 472 with no capabilities and the RuntimeDefault seccomp profile; the root initChownData container is off',
    dependsOn: [Cnpg, Loki, Mimir, Tempo, Keycloak, CertManager, ExternalSecrets],
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 200, memoryMiB: 512 },
    timeout: '15m',
    network: {
      ingress: [allow.anywhere([GRAFANA_HTTP_PORT], `people reach Grafana's HTTP port (chart value service.targetPort, ${GRAFANA_HTTP_PORT}) through the Cilium Ingress controller`)],
    },
    kitSlot: 25,
    templateValues: [
      ...['server.root_url', 'server.enforce_domain', 'database', 'auth.generic_oauth', 'analytics.reporting_enabled'].map((path) => ({
        path: `grafana.ini.${path}`,
        template: 'templates/_config.tpl',
        why: 'grafana.configData ranges over every section of grafana.ini and writes each key to grafana.ini; values.yaml declares only a few sections and keys',
      })),
      { path: 'ingress.ingressClassName', template: 'templates/ingress.yaml', why: 'the Ingress sets spec.ingressClassName from it; values.yaml has it only in a comment' },
    ],
  });

  /** Public host name of this instance in a cluster. */
  hostname(ctx: Cluster): string {
    return this.props.hostname ?? `grafana.${ctx.sovereign.fqdn}`;
  }

  /** Public URL of Grafana, with a trailing slash (`root_url`). */
  rootUrl(ctx: Cluster): string {
    return `https://${this.hostname(ctx)}/`;
  }

  /** Whether people log in through Keycloak. */
  private get oidc(): boolean {
    return this.props.oidc ?? true;
  }

  /** The admin Secret: the props' own, else generated in the cluster. */
  private admin() {
    return secretOrGenerated(this.props.adminSecret, { name: ADMIN_SECRET, namespaces: [this.metadata.namespace], randomKeys: ['admin-password'], fixed: { 'admin-user': 'admin' } });
  }

  /** The Keycloak client Grafana logs people in with: `grafana`, redirected to `/login/generic_oauth` (none with `oidc: false`). */
  oidcClients(ctx: Cluster): readonly OidcClientClaim[] {
    if (!this.oidc) return [];
    return [{ clientId: this.metadata.name, name: 'Grafana', redirectUris: [`${this.rootUrl(ctx)}login/generic_oauth`], rootUrl: this.rootUrl(ctx) }];
  }

  /** Always true: Grafana's database is a CloudNativePG cluster in its namespace. */
  usesCnpg(_ctx: Cluster): boolean {
    return true;
  }

  /**
   * Values of the chart `grafana`: `replicas`, `grafana.ini` with the public URL, the CNPG database,
   * Keycloak login and no calls home; the datasources; secrets only as environment variables from
   * Secrets; the admin from its Secret; requests; optional Ingress; no volume, test pod or chown container.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const host = this.hostname(ctx);
    const db = ctx.blueprint(Cnpg).database(ctx, this);
    const client = this.oidc ? ctx.blueprint(Keycloak).oidcClient(ctx, this) : undefined;
    const env: Record<string, unknown> = { GF_DATABASE_PASSWORD: { secretKeyRef: { name: db.secret, key: 'password' } } };
    if (client) env.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET = { secretKeyRef: { name: GRAFANA_OIDC_SECRET, key: client.secretKey } };
    return {
      replicas: p.replicas ?? 1,
      admin: { existingSecret: this.admin().name, userKey: 'admin-user', passwordKey: 'admin-password' },
      'grafana.ini': {
        server: { domain: host, root_url: this.rootUrl(ctx), enforce_domain: false },
        analytics: { check_for_updates: false, reporting_enabled: false },
        database: { type: 'postgres', host: `${db.host}:${db.port}`, name: db.database, user: db.user, ssl_mode: 'require' },
        ...(client
          ? {
              'auth.generic_oauth': {
                enabled: true,
                name: 'Keycloak',
                client_id: client.clientId,
                scopes: 'openid email profile',
                auth_url: client.authorizeUrl,
                token_url: client.tokenUrl,
                api_url: client.userInfoUrl,
                use_pkce: true,
                allow_sign_up: true,
                login_attribute_path: 'preferred_username',
              },
            }
          : {}),
      },
      envValueFrom: env,
      datasources: { 'datasources.yaml': grafanaDatasources(telemetryBackends(ctx)) },
      resources: resources('200m', '512Mi', '1Gi'),
      persistence: { enabled: false },
      initChownData: { enabled: false },
      testFramework: { enabled: false },
      ingress: p.ingressClassName
        ? {
            enabled: true,
            ingressClassName: p.ingressClassName,
            annotations: { 'cert-manager.io/cluster-issuer': p.clusterIssuer ?? ctx.blueprint(CertManager).clusterIssuerName() },
            hosts: [host],
            tls: [{ hosts: [host], secretName: 'grafana-tls' }],
          }
        : { enabled: false },
    };
  }

  /** Why Grafana keeps no volume. */
  protected valueReasons(): ValueReason[] {
    return [{ path: ['persistence', 'enabled'], reason: 'Grafana\'s state is in its PostgreSQL database (grafana.ini database), so its pods need no volume' }];
  }

  /**
   * Renders namespace, policies, source and HelmRelease, then the CNPG `Cluster` of Grafana's
   * database and, with OIDC on, the copy of its Keycloak client Secret (`GRAFANA_OIDC_SECRET`).
   */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    super.render(chart, ctx);
    ctx.blueprint(Cnpg).render(chart, ctx, this, this.props.database);
    if (this.oidc) copySecret(chart, ctx, ctx.blueprint(Keycloak).oidcClient(ctx, this).secret, { name: GRAFANA_OIDC_SECRET });
  }

  /**
   * The metadata's allowances, plus egress to the query port of each backend's namespace; with
   * OIDC, public HTTPS for Keycloak's token and userinfo endpoints (at the issuer's public host, the
   * one the tokens name); with an Ingress, the cert-manager HTTP-01 solver; and what its CNPG
   * database needs (`Cnpg.withDatabaseNetwork`).
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const backends = telemetryBackends(ctx);
    const egress = [
      allow.namespace(ctx.blueprint(Mimir).metadata.namespace, [urlPort(backends.metrics.queryUrl)], 'queries to the Mimir datasource'),
      allow.namespace(ctx.blueprint(Loki).metadata.namespace, [urlPort(backends.logs.queryUrl)], 'queries to the Loki datasource'),
      allow.namespace(ctx.blueprint(Tempo).metadata.namespace, [urlPort(backends.traces.queryUrl)], 'queries to the Tempo datasource'),
      ...(this.oidc ? [allow.internet([443], `token and userinfo requests to Keycloak at its public issuer host ${ctx.auth.hostname}`)] : []),
    ];
    const solver = this.props.ingressClassName ? [allow.anywhere([ACME_HTTP01_SOLVER_PORT], 'cert-manager\'s HTTP-01 solver pod for the Ingress\'s certificate answers the ACME challenge here, reached through the Cilium Ingress controller')] : [];
    return ctx.blueprint(Cnpg).withDatabaseNetwork(ctx, this, { ingress: [...(base.ingress ?? []), ...solver], egress: [...(base.egress ?? []), ...egress] });
  }

  /** Generates the admin Secret in the cluster unless the props name one of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.admin().generated;
  }
}
