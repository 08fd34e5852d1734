import type { BlueprintProps, GeneratedSecret, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import type { HelmPostRenderPatch } from '../../constructs/flux';
import { HelmBlueprint, type HelmBlueprintMetadata } from '../helm';
import { CertManager } from './cert-manager';

/** A key of an existing Kubernetes Secret. */
export interface SecretKeyRef {
  /** Secret name (same namespace as the consumer). */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Port of the PowerDNS REST API / webserver (the chart's `powerdns.webserver.bindPort` default). */
export const POWERDNS_API_PORT = 8081;

/** Port PowerDNS answers DNS on inside the pod; the chart's Service maps port 53 to it. */
export const POWERDNS_DNS_PORT = 5353;

/**
 * Namespace whose pods may call the PowerDNS API: ExternalDNS's (`ExternalDns.metadata.namespace`,
 * written out because ExternalDNS imports this module).
 */
export const POWERDNS_API_CLIENT_NAMESPACE = 'external-dns';

/**
 * Name of the Job the chart runs once to create the zone (templates/create-zone-if-not-exists-sh-job.yaml),
 * and of its one container.
 */
export const POWERDNS_CREATE_ZONE_JOB = 'create-zone-if-not-exist-sh';

/** Default Secret holding the PowerDNS API key, in the PowerDNS and in the ExternalDNS namespace. */
export const POWERDNS_API_KEY_SECRET: SecretKeyRef = { name: 'powerdns-api-credentials', key: 'api-key' };

/** Props of the PowerDNS Blueprint. */
export interface PowerDnsProps extends BlueprintProps {
  /**
   * PowerDNS server replicas (all read and write the same database).
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Zone the chart creates through the API on first install if the database has no zone yet
   * (trailing dot optional).
   * @default the Sovereign FQDN
   */
  readonly zone?: string;
  /**
   * Existing Secret (namespace `powerdns`) with the API key that ExternalDNS and operators use.
   * @default `{ name: 'powerdns-api-credentials', key: 'api-key' }`, generated with a random key at bootstrap
   */
  readonly apiKeySecret?: SecretKeyRef;
  /**
   * Existing Secret (namespace `powerdns`) with the PostgreSQL connection under the keys `host`,
   * `port`, `dbname`, `username` and `password`: the layout of the `<cluster>-app` Secret that
   * CloudNativePG creates. The database must already hold the PowerDNS schema.
   * @default 'pdns-pg-app'
   */
  readonly databaseSecret?: string;
  /**
   * Sign zones with DNSSEC (keys are kept in the database).
   * @default true
   */
  readonly dnssec?: boolean;
  /**
   * Allow LUA records (health-checked answers used for geo and failover routing).
   * @default true
   */
  readonly luaRecords?: boolean;
}

/**
 * PowerDNS: the Sovereign's authoritative DNS server, with a REST API that ExternalDNS writes
 * records through.
 *
 * Installs PowerDNS Authoritative on the generic PostgreSQL backend (`gpgsql`); every setting that
 * is a credential (API key, database connection) is read from existing Secrets, never from values.
 * On first install the chart's Job creates the Sovereign's zone through the API. The API and
 * webserver accept clients from the pod and node ranges only, and the server container runs as the
 * image's `pdns` user (UID 953) with no capabilities.
 *
 * The chart names its Service after the release (`powerdns` for release `powerdns`), so the API is
 * `http://powerdns.powerdns.svc.cluster.local:8081` (see `PowerDns.apiUrl`); DNS is served on the
 * same Service, port 53.
 *
 * Source: chart `powerdns` (`CHARTS.powerdns`; PowerDNS Authoritative 5.0) from https://schich.tel/helm-charts
 * (chart sources: https://github.com/pschichtel/helm-charts/tree/main/charts/powerdns); reference
 * catalog entry `powerdns` (bootstrap-kit slot 11, timeout 15m).
 *
 * Network: the API accepts ExternalDNS only, DNS (5353 behind Service port 53) accepts the
 * cluster. The database needs no allowance of its own: the connection Secret must live in this
 * namespace, and so does a CloudNativePG cluster that creates it, which the namespace's own traffic
 * covers; a database elsewhere needs a `props.network` egress rule.
 *
 * The chart's zone-creation Job (`create-zone-if-not-exist-sh`, curl) has no values for resources
 * or security contexts, so a Flux post-render patch adds them (requests, non-root UID 100, no
 * capabilities, read-only root filesystem, RuntimeDefault seccomp), and the namespace enforces
 * `restricted`. Deviations from the reference: the reference's
 * wrapper chart put its database cluster in `openova-system` and exposed the API through a Traefik
 * ingress; neither exists here. The database is not part of this Blueprint (no database Blueprint
 * is in the bootstrap kit yet), hence the Secret contract above.
 */
export class PowerDns extends HelmBlueprint<PowerDnsProps> {
  /** Catalog metadata: the pinned chart `powerdns` (schich.tel/helm-charts), namespace powerdns, bootstrap kit, depends on cert-manager, timeout 15m. */
  static readonly metadata: HelmBlueprintMetadata = {
    name: 'powerdns',
    title: 'PowerDNS',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'Authoritative DNS server of the Sovereign, with DNSSEC, LUA records and a REST API.',
    chart: chartPin('powerdns'),
    namespace: 'powerdns',
    podSecurity: { level: 'restricted', reason: 'the curated values run the server as the image\'s pdns user (UID 953) with no capabilities and the RuntimeDefault seccomp profile, and the post-render patch gives the zone-creation Job the same posture' },
    releaseName: 'powerdns',
    dependsOn: [CertManager],
    installsCrds: false,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 384 },
    timeout: '15m',
    network: {
      ingress: [
        {
          peer: 'namespace',
          namespace: POWERDNS_API_CLIENT_NAMESPACE,
          ports: [{ port: POWERDNS_API_PORT }],
          reason: `ExternalDNS writes records through the REST API (chart value powerdns.webserver.bindPort, ${POWERDNS_API_PORT})`,
        },
        {
          peer: 'cluster',
          ports: [{ port: POWERDNS_DNS_PORT, protocol: 'UDP' }, { port: POWERDNS_DNS_PORT, protocol: 'TCP' }],
          reason: `DNS queries: the chart's Service (ClusterIP) maps port 53 to the server's ${POWERDNS_DNS_PORT}, so the clients are in the cluster`,
        },
      ],
    },
    sources: [CHARTS.powerdns.docs, 'catalog/components.json#powerdns', 'catalog/bootstrap-kit.json slot 11'],
    templateValues: ['name', 'key'].map((key) => ({
      path: `powerdns.db.port.${key}`,
      template: 'templates/_helpers.tpl',
      why: `powerdns.secretRef renders a secretKeyRef from .Ref.name and .Ref.key, preferring them over .Ref.value (templates/deployment.yaml passes powerdns.db.port as Ref); values.yaml declares only port.value`,
    })),
  };

  /**
   * Name of the Service the chart creates: its full name, which is the release name when that
   * already contains the chart name, else `<release>-<chart>`.
   */
  static serviceName(): string {
    const { releaseName, chart } = PowerDns.metadata;
    return releaseName.includes(chart.chart) ? releaseName : `${releaseName}-${chart.chart}`;
  }

  /** In-cluster URL of the PowerDNS REST API. */
  static apiUrl(): string {
    return `http://${PowerDns.serviceName()}.${PowerDns.metadata.namespace}.svc.cluster.local:${POWERDNS_API_PORT}`;
  }

  /** Zone name with its trailing dot, as PowerDNS expects it. */
  zone(ctx: Cluster): string {
    const zone = this.props.zone ?? ctx.sovereign.fqdn;
    return zone.endsWith('.') ? zone : `${zone}.`;
  }

  /** Values of the pinned chart `powerdns` from the props and context: gpgsql backend and API key read from Secrets, the zone, DNSSEC and LUA records, API reachable from the pod and node ranges only. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const db = p.databaseSecret ?? 'pdns-pg-app';
    const extra = [
      ...(p.dnssec ?? true ? ['gpgsql-dnssec=yes'] : []),
      ...(p.luaRecords ?? true ? ['enable-lua-records=yes'] : []),
    ];
    return {
      replicaCount: p.replicas ?? 3,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 953, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      powerdns: {
        api: { key: { ...(p.apiKeySecret ?? POWERDNS_API_KEY_SECRET) } },
        webserver: {
          bindPort: POWERDNS_API_PORT,
          allowFrom: ['127.0.0.1/32', ctx.network.podCidr, ctx.network.nodeSubnet].join(','),
        },
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

  /**
   * Requests and a restricted security context for the chart's zone-creation Job, which the chart
   * renders with neither (and no value to set them). UID 100 is `curl_user` of the
   * `curlimages/curl` image the Job runs; naming it lets the kubelet verify `runAsNonRoot`.
   */
  protected postRenderPatches(_ctx: Cluster): HelmPostRenderPatch[] {
    return [
      {
        target: { apiVersion: 'batch/v1', kind: 'Job', name: POWERDNS_CREATE_ZONE_JOB },
        patch: {
          spec: {
            template: {
              spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: POWERDNS_CREATE_ZONE_JOB,
                    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
                  },
                ],
              },
            },
          },
        },
      },
    ];
  }

  /**
   * The metadata's allowances, plus, with LUA records on (`luaRecords`), egress to public HTTP and
   * HTTPS servers: LUA records such as `ifurlup` answer only with targets whose URL responds, and the
   * server checks them itself. Checks on other ports (`ifportup`) need a `props.network` rule.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    if (this.props.luaRecords === false) return base;
    const checks: NetworkRule = {
      peer: 'internet',
      ports: [{ port: 80 }, { port: 443 }],
      reason: 'health checks of LUA records (ifurlup) against the HTTP and HTTPS targets they answer with',
    };
    return { ingress: base.ingress, egress: [...(base.egress ?? []), checks] };
  }

  /**
   * Generates the API key Secret at bootstrap unless the props name one of your own. ExternalDNS
   * declares the same Secret in its namespace; the Sovereign merges the two so both get one key.
   * The database Secret is not generated: it comes with the database.
   */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.props.apiKeySecret ? [] : [{ name: POWERDNS_API_KEY_SECRET.name, namespaces: [this.metadata.namespace], randomKeys: [POWERDNS_API_KEY_SECRET.key] }];
  }
}
