import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS } from '../../lib/versions';
import type { HelmPostRenderPatch } from '../../constructs/flux';
import type { SecretKeyRef } from '../../lib/services';
import { allow, componentMetadata, propsField, resources } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../postgres';
import { CertManager } from './cert-manager';
import { Cnpg } from './cnpg';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';

/** Port of the PowerDNS REST API / webserver (the chart's `powerdns.webserver.bindPort` default). */
export const POWERDNS_API_PORT = 8081;

/** Port PowerDNS answers DNS on inside the pod; the chart's Service maps port 53 to it. */
export const POWERDNS_DNS_PORT = 5353;

/** Name of the Job the chart runs once to create the zone (templates/create-zone-if-not-exists-sh-job.yaml), and of its one container. */
export const POWERDNS_CREATE_ZONE_JOB = 'create-zone-if-not-exist-sh';

/** Default Secret holding the PowerDNS API key, generated in the PowerDNS and in the ExternalDNS namespace. */
export const POWERDNS_API_KEY_SECRET: SecretKeyRef = { name: 'powerdns-api-credentials', key: 'api-key' };

/** Props of the PowerDNS Blueprint. */
export interface PowerDnsProps extends BlueprintProps {
  /** PowerDNS server replicas (all read and write the same database). @default 3 */
  readonly replicas?: number;
  /** Zone the chart creates through the API on first install if the database has no zone yet (trailing dot optional). @default the Sovereign FQDN */
  readonly zone?: string;
  /**
   * Existing Secret (namespace `powerdns`) with the API key; ExternalDNS reads the same name and key
   * in its own namespace, where you create it too.
   * @default `{ name: 'powerdns-api-credentials', key: 'api-key' }`, generated with one random key in both namespaces at bootstrap
   */
  readonly apiKeySecret?: SecretKeyRef;
  /**
   * Existing Secret (namespace `powerdns`) with the connection to an external PostgreSQL database
   * under the keys `host`, `port`, `dbname`, `username` and `password` (the layout of the
   * `<cluster>-app` Secret CloudNativePG writes). Set, no CloudNativePG database is rendered and
   * `database` is ignored; the database must already hold the PowerDNS schema.
   * @default none: the Blueprint's own CloudNativePG database, whose Secret is `Cnpg.database(...).secret` (`powerdns-pg-app`)
   */
  readonly databaseSecret?: string;
  /**
   * The CloudNativePG database (instances, volume size, backups), unless `databaseSecret` names an
   * external one.
   * @default one instance with a 10Gi volume, no backups (see `PostgresOptions`)
   */
  readonly database?: PostgresOptions;
  /** Sign zones with DNSSEC (keys are kept in the database). @default true */
  readonly dnssec?: boolean;
  /** Allow LUA records (health-checked answers used for geo and failover routing). @default true */
  readonly luaRecords?: boolean;
}

/**
 * PowerDNS: the Sovereign's authoritative DNS server (PowerDNS Authoritative 5.0 on the generic
 * PostgreSQL backend, `gpgsql`), with a REST API that ExternalDNS writes records through.
 *
 * Credentials (API key, database connection) are read from existing Secrets, never from values. On
 * first install the chart's Job creates the Sovereign's zone through the API. The API and webserver
 * accept clients from the pod and node ranges only; the server runs as the image's `pdns` user (UID
 * 953) with no capabilities. The chart names its Service after the release, so the API is
 * `http://powerdns.powerdns.svc.cluster.local:8081` (`apiUrl`); DNS is served on the same Service, port 53.
 *
 * Database: its own CloudNativePG cluster in this namespace (`cluster.blueprint(Cnpg).render`, one
 * instance by default, `props.database`), whose connection Secret the operator writes; the chart
 * reads host, port, name, user and password from it, so no name is repeated here. `databaseSecret`
 * names an external database instead.
 *
 * Network: the API accepts ExternalDNS's namespace only, and only when the cluster has ExternalDNS;
 * DNS (5353 behind Service port 53) accepts the cluster; the namespace allows what its database
 * needs (`Cnpg.withDatabaseNetwork`). The server reaches its database inside the namespace; an
 * external database needs a `props.network` egress rule.
 *
 * The zone-creation Job (curl) has no values for resources or security contexts, so a Flux
 * post-render patch adds them. Deviations from the reference: its wrapper chart put the database in
 * `openova-system` and exposed the API through a Traefik ingress; neither exists here. Its
 * dependsOn named cert-manager only, although the wrapper chart renders a CloudNativePG Cluster;
 * this Blueprint depends on CloudNativePG too (its CRDs and operator) and renders its database, so
 * the database Secret it reads exists and the release becomes ready (the reference's `pdns-pg-app`
 * never did: nothing created it).
 *
 * Source: chart `powerdns` (`CHARTS.powerdns`, https://schich.tel/helm-charts; sources at
 * https://github.com/pschichtel/helm-charts/tree/main/charts/powerdns); reference kit slot 11.
 */
export class PowerDns extends HelmBlueprint<PowerDnsProps> implements PostgresConsumer {
  /** The props a spec may set (`spec.blueprints.props.powerdns`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: z.number().int().min(1).max(9).optional().describe('PowerDNS server replicas (default 3)'),
    zone: propsField.dnsName().optional().describe('Zone created on first install, trailing dot optional (default: the Sovereign FQDN)'),
    apiKeySecret: propsField.secretKeyRef().optional().describe('Existing Secret { name, key } with the API key, in the powerdns and the external-dns namespace'),
    databaseSecret: propsField.objectName().optional().describe('Existing Secret with the connection to an external PostgreSQL: host, port, dbname, username, password (default: the CloudNativePG database of this Blueprint)'),
    /** The CloudNativePG database (`PostgresOptions`). */
    database: postgresPropsField(),
    dnssec: z.boolean().optional().describe('Sign zones with DNSSEC (default true)'),
    luaRecords: z.boolean().optional().describe('Allow LUA records; opens egress to public HTTP(S) for their health checks (default true)'),
  }) satisfies z.ZodType<PowerDnsProps>;

  /** Catalog metadata: bootstrap kit slot 11, depends on cert-manager and CloudNativePG (its database), timeout 15m. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'powerdns',
    title: 'PowerDNS',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'Authoritative DNS server of the Sovereign, with DNSSEC, LUA records and a REST API.',
    pin: CHARTS.powerdns,
    kitSlot: 11,
    podSecurity: 'the curated values run the server as the image\'s pdns user (UID 953) with no capabilities and the RuntimeDefault seccomp profile, and the post-render patch gives the zone-creation Job the same posture',
    dependsOn: [CertManager, Cnpg, ExternalSecrets],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 384 },
    timeout: '15m',
    network: {
      ingress: [
        allow.cluster([{ port: POWERDNS_DNS_PORT, protocol: 'UDP' }, { port: POWERDNS_DNS_PORT, protocol: 'TCP' }], `DNS queries: the chart's Service (ClusterIP) maps port 53 to the server's ${POWERDNS_DNS_PORT}, so the clients are in the cluster`),
      ],
    },
    templateValues: ['name', 'key'].map((key) => ({
      path: `powerdns.db.port.${key}`,
      template: 'templates/_helpers.tpl',
      why: 'powerdns.secretRef renders a secretKeyRef from .Ref.name and .Ref.key, preferring them over .Ref.value (templates/deployment.yaml passes powerdns.db.port as Ref); values.yaml declares only port.value',
    })),
  });

  /** Namespace of the server, its Service and its API key Secret. */
  get namespace(): string {
    return this.metadata.namespace;
  }

  /** Name of the chart's Service: its full name, the release name when that contains the chart name, else `<release>-<chart>`. */
  get serviceName(): string {
    const { releaseName, chart } = this.metadata;
    return releaseName.includes(chart.chart) ? releaseName : `${releaseName}-${chart.chart}`;
  }

  /** Port of the REST API on the Service and in the pod. */
  get apiPort(): number {
    return POWERDNS_API_PORT;
  }

  /** In-cluster URL of the REST API. */
  get apiUrl(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${this.apiPort}`;
  }

  /** The Secret key holding the API key: `props.apiKeySecret`, else the generated `POWERDNS_API_KEY_SECRET`. */
  get apiKeySecret(): SecretKeyRef {
    return this.props.apiKeySecret ?? POWERDNS_API_KEY_SECRET;
  }

  /** Zone name with its trailing dot, as PowerDNS expects it. */
  zone(ctx: Cluster): string {
    const zone = this.props.zone ?? ctx.sovereign.fqdn;
    return zone.endsWith('.') ? zone : `${zone}.`;
  }

  /** Whether the Blueprint runs its own CloudNativePG database: unless `props.databaseSecret` names an external one. */
  usesCnpg(_cluster: Cluster): boolean {
    return this.props.databaseSecret === undefined;
  }

  /** The Secret with the database connection: `props.databaseSecret`, else the one CloudNativePG writes for this Blueprint's database. */
  databaseSecret(cluster: Cluster): string {
    return this.props.databaseSecret ?? cluster.blueprint(Cnpg).database(cluster, this).secret;
  }

  /** Values of the pinned chart: gpgsql backend and API key read from Secrets, the zone, DNSSEC and LUA records, API reachable from the pod and node ranges only. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const db = this.databaseSecret(ctx);
    const extra = [...(p.dnssec ?? true ? ['gpgsql-dnssec=yes'] : []), ...(p.luaRecords ?? true ? ['enable-lua-records=yes'] : [])];
    return {
      replicaCount: p.replicas ?? 3,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 953, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      powerdns: {
        api: { key: { ...this.apiKeySecret } },
        webserver: { bindPort: this.apiPort, allowFrom: ['127.0.0.1/32', ctx.network.podCidr, ctx.network.nodeSubnet].join(',') },
        dnsupdate: { enabled: false },
        zoneName: this.zone(ctx),
        db: {
          driver: 'gpgsql',
          host: { name: db, key: 'host' },
          port: { name: db, key: 'port' },
          name: { name: db, key: 'dbname' },
          username: { name: db, key: 'username' },
          password: { name: db, key: 'password' },
        },
        additionalConfig: extra.length > 0 ? `${extra.join('\n')}\n` : '',
      },
    };
  }

  /** Requests and a restricted security context for the zone-creation Job; UID 100 is `curl_user` of its `curlimages/curl` image, so the kubelet can verify `runAsNonRoot`. */
  protected postRenderPatches(_ctx: Cluster): HelmPostRenderPatch[] {
    const container = { name: POWERDNS_CREATE_ZONE_JOB, resources: resources('10m', '16Mi', '64Mi'), securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } };
    const securityContext = { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } };
    return [{ target: { apiVersion: 'batch/v1', kind: 'Job', name: POWERDNS_CREATE_ZONE_JOB }, patch: { spec: { template: { spec: { securityContext, containers: [container] } } } } }];
  }

  /**
   * The metadata's allowances, plus the REST API for ExternalDNS's namespace when the cluster has
   * ExternalDNS (a read of a dependent, so `has` first; it adds no dependsOn edge),
   * and, with LUA records on, egress to public HTTP and HTTPS: records such as `ifurlup` answer only
   * with targets whose URL responds, and the server checks them itself (`ifportup` on other ports
   * needs a `props.network` rule).
   */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const client = cluster.has(ExternalDns) ? cluster.blueprint(ExternalDns).metadata.namespace : undefined;
    const api = client ? [allow.namespace(client, [this.apiPort], `ExternalDNS writes records through the REST API (chart value powerdns.webserver.bindPort, ${this.apiPort})`)] : [];
    const checks = this.props.luaRecords === false ? [] : [allow.internet([80, 443], 'health checks of LUA records (ifurlup) against the HTTP and HTTPS targets they answer with')];
    const own = { ingress: [...api, ...(base.ingress ?? [])], egress: [...(base.egress ?? []), ...checks] };
    return this.usesCnpg(cluster) ? cluster.blueprint(Cnpg).withDatabaseNetwork(cluster, this, own) : own;
  }

  /** The release (see `HelmBlueprint.render`) and, unless the props name an external database, its CloudNativePG database. */
  protected override render(chart: BlueprintConstruct, ctx: Cluster): void {
    super.render(chart, ctx);
    if (this.usesCnpg(ctx)) ctx.blueprint(Cnpg).render(chart, ctx, this, this.props.database);
  }

  /** Generates the API key Secret at bootstrap unless the props name your own; ExternalDNS declares the same Secret in its namespace and the Sovereign gives both one value. The database Secret comes from CloudNativePG (or is yours). */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.props.apiKeySecret ? [] : [{ name: POWERDNS_API_KEY_SECRET.name, namespaces: [this.namespace], randomKeys: [POWERDNS_API_KEY_SECRET.key] }];
  }
}
