import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { S3Bucket, S3BucketClaim, S3Consumer } from '../../lib/services';
import { CHARTS } from '../../lib/versions';
import { componentMetadata, helmFullname, propsField, resources, wholeNumber } from '../common';
import { copySecret } from '../secrets';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { daysAsHours, retentionDaysField, s3CredentialEnv, S3_CREDENTIAL_REFS, s3EndpointAddress, s3Egress, telemetryIngress } from '../telemetry';
import { HcloudCsi } from './hcloud-csi';
import { SeaweedFs } from './seaweedfs';

/** What Mimir keeps in S3, each in a bucket `<name>-<purpose>` of its own: the config section and the purpose. */
const MIMIR_STORES = [
  { purpose: 'blocks', section: 'blocks_storage', what: 'Mimir TSDB blocks' },
  { purpose: 'ruler', section: 'ruler_storage', what: 'Mimir ruler rule groups' },
  { purpose: 'alertmanager', section: 'alertmanager_storage', what: 'Mimir Alertmanager configurations and state' },
] as const;

/** HTTP port of every Mimir component (the chart's `mimir.serverHttpListenPort` default). */
export const MIMIR_HTTP_PORT = 8080;

/** Infix the chart's `mimir.fullname` helper builds names with (`mimir.infixName`, not the chart name `mimir-distributed`). */
const MIMIR_INFIX = 'mimir';

/** Path prefix of Mimir's Prometheus-compatible query API (the default `-http.prometheus-http-prefix`). */
const PROMETHEUS_PREFIX = '/prometheus';

/** Default days samples are kept. */
const DEFAULT_RETENTION_DAYS = 90;

/** One Mimir component the Blueprint runs: its values key, the template of its workload, and its container's size. */
interface Component {
  /** Values key of the component, e.g. `store_gateway`. */
  readonly key: string;
  /** The chart template rendering its Deployment or StatefulSet (which renders `resources` whole). */
  readonly template: string;
  /** Whether it keeps a volume (`<key>.persistentVolume`). */
  readonly volume: boolean;
  /** CPU request, memory request and memory limit. */
  readonly size: readonly [cpu: string, memory: string, memoryLimit: string];
}

/** The Mimir components the Blueprint runs, one pod each at the default size. */
const COMPONENTS: readonly Component[] = [
  { key: 'distributor', template: 'templates/distributor/distributor-dep.yaml', volume: false, size: ['100m', '256Mi', '1Gi'] },
  { key: 'ingester', template: 'templates/ingester/ingester-statefulset.yaml', volume: true, size: ['100m', '512Mi', '2Gi'] },
  { key: 'querier', template: 'templates/querier/querier-dep.yaml', volume: false, size: ['100m', '256Mi', '1Gi'] },
  { key: 'query_frontend', template: 'templates/query-frontend/query-frontend-dep.yaml', volume: false, size: ['50m', '128Mi', '512Mi'] },
  { key: 'query_scheduler', template: 'templates/query-scheduler/query-scheduler-dep.yaml', volume: false, size: ['20m', '64Mi', '256Mi'] },
  { key: 'store_gateway', template: 'templates/store-gateway/store-gateway-statefulset.yaml', volume: true, size: ['50m', '256Mi', '1Gi'] },
  { key: 'compactor', template: 'templates/compactor/compactor-statefulset.yaml', volume: true, size: ['50m', '256Mi', '1Gi'] },
  { key: 'ruler', template: 'templates/ruler/ruler-dep.yaml', volume: false, size: ['50m', '128Mi', '512Mi'] },
  { key: 'alertmanager', template: 'templates/alertmanager/alertmanager-statefulset.yaml', volume: true, size: ['20m', '64Mi', '256Mi'] },
];

/** The components `props.replicas` scales (the write and read path); the others run one pod. */
const SCALED = new Set(['distributor', 'ingester', 'querier', 'store_gateway']);

/** Props of the Mimir Blueprint. */
export interface MimirProps extends BlueprintProps {
  /**
   * Replicas of the write and read path (distributor, ingester, querier, store-gateway), 1 or at
   * least 3: with 3 or more every series is written to 3 ingesters and every block served by 3
   * store-gateways, so one pod can fail; 2 would need both for every write.
   * @default 1
   */
  readonly replicas?: number;
  /** Days samples are kept; the compactor deletes older blocks from the bucket. @default 90 */
  readonly retentionDays?: number;
  /** Size of each ingester's volume (its write-ahead log and the last two hours of samples). @default '10Gi' */
  readonly ingesterStorageSize?: string;
  /** StorageClass of every component's volume. @default the cluster's (`cluster.storageClass`) */
  readonly storageClassName?: string;
}

/**
 * Grafana Mimir: the Sovereign's metrics store, Prometheus-compatible. The OpenTelemetry collector
 * and Alloy remote-write to `remoteWriteUrl` (or OTLP to `otlpUrl`); Grafana queries `queryUrl` as
 * a Prometheus data source.
 *
 * Mode: the chart has no monolithic mode, so this is its smallest one — the classic architecture
 * (distributors write straight to ingesters, the chart's own `classic-architecture.yaml`) with one
 * pod per component. The chart's defaults would start the ingest-storage architecture with a
 * bundled single-node Kafka, three zone-aware ingesters and store-gateways, the rollout operator,
 * an nginx gateway and a bundled MinIO; all are off. Turning Kafka off alone, as the reference
 * did, would leave `ingest_storage.enabled` on with no Kafka address, and Mimir would not start;
 * so the config turns ingest storage off and the ingesters' Push gRPC API back on (the chart's
 * base config disables it, since with Kafka nothing pushes to ingesters directly).
 * One tenant (`multitenancy_enabled: false`, tenant `anonymous`): the Sovereign is one organization.
 * Blocks, ruler rules and Alertmanager state live in three buckets (Mimir refuses to share one
 * bucket between blocks and the others without prefixes); the overrides exporter and usage reports
 * to grafana.com are off.
 *
 * Network: the distributor and query-frontend (one port, `MIMIR_HTTP_PORT`, on every component)
 * accept the namespaces of the cluster's telemetry shippers and of Grafana, when installed; the
 * components talk to each other (memberlist, gRPC) through the namespace's own allowance.
 *
 * Source: chart `mimir-distributed` (`CHARTS['mimir-distributed']`;
 * https://github.com/grafana/mimir/tree/main/operations/helm/charts/mimir-distributed,
 * https://grafana.com/docs/helm-charts/mimir-distributed/latest/); reference kit slot 23.
 */
export class Mimir extends HelmBlueprint<MimirProps> implements S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.mimir`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 9)
      .refine((n) => n !== 2, { error: 'must be 1 or at least 3: Mimir replicates to 3 ingesters, so 2 pods could not take a write while one restarts' })
      .optional()
      .describe('Replicas of the distributor, ingester, querier and store-gateway: 1, or 3 to 9 for replication factor 3 (default 1)'),
    retentionDays: retentionDaysField().describe('Days samples are kept before the compactor deletes them from the bucket (default 90)'),
    ingesterStorageSize: propsField.storageSize().optional().describe('Volume size per ingester for its write-ahead log (default 10Gi)'),
    storageClassName: propsField.objectName().optional().describe("StorageClass of every component's volume (default: the cluster's)"),
  }) satisfies z.ZodType<MimirProps>;

  /** Catalog metadata: bootstrap kit slot 23, depends on SeaweedFS (its buckets) and the CSI driver (its volumes). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'mimir',
    title: 'Grafana Mimir',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'Prometheus-compatible metrics store of the Sovereign (classic architecture), blocks in SeaweedFS.',
    pin: CHARTS['mimir-distributed'],
    kitSlot: 23,
    podSecurity: 'the chart runs every component as UID 10001 with the RuntimeDefault seccomp profile, a read-only root filesystem and no capabilities',
    dependsOn: [SeaweedFs, HcloudCsi],
    placementModes: ['active-active', 'single-region'],
    resources: {
      cpuMillis: COMPONENTS.reduce((sum, c) => sum + Number.parseInt(c.size[0], 10), 0),
      memoryMiB: COMPONENTS.reduce((sum, c) => sum + Number.parseInt(c.size[1], 10), 0),
    },
    timeout: '15m',
    templateValues: COMPONENTS.flatMap((c) => [
      { path: `${c.key}.resources.limits`, template: c.template, why: `the container's resources are toYaml .Values.${c.key}.resources, whose default in values.yaml has requests only` },
      ...(c.volume
        ? [{ path: `${c.key}.persistentVolume.storageClass`, template: c.template, why: "the volume claim template takes storageClassName from persistentVolume.storageClass (a zone's storageClass only with zone-aware replication); values.yaml documents the key only in a comment" }]
        : []),
    ]),
  });

  /** Namespace of Mimir and its Services. */
  get namespace(): string {
    return this.metadata.namespace;
  }

  /** The chart's full name (`mimir.fullname`): the release name when it contains `mimir`, else `<release>-mimir`; every Service is `<fullname>-<component>`. */
  get fullname(): string {
    return helmFullname(this.metadata.releaseName, MIMIR_INFIX);
  }

  /** In-cluster base URL of one component's Service, e.g. `http://mimir-distributor.mimir.svc.cluster.local:8080`. */
  private serviceUrl(component: string): string {
    return `http://${this.fullname}-${component}.${this.namespace}.svc.cluster.local:${MIMIR_HTTP_PORT}`;
  }

  /** URL Prometheus remote-write clients push to: the distributor's `/api/v1/push`. */
  get remoteWriteUrl(): string {
    return `${this.serviceUrl('distributor')}/api/v1/push`;
  }

  /** Base URL of the distributor's OTLP endpoint: OTLP/HTTP exporters append `/v1/metrics`. */
  get otlpUrl(): string {
    return `${this.serviceUrl('distributor')}/otlp`;
  }

  /** URL of the Prometheus-compatible query API on the query-frontend, as a Grafana Prometheus data source takes it (`.../prometheus`). */
  get queryUrl(): string {
    return `${this.serviceUrl('query-frontend')}${PROMETHEUS_PREFIX}`;
  }

  /** Bucket of one of Mimir's stores: `<name>-blocks`, `<name>-ruler` or `<name>-alertmanager`. */
  bucketName(purpose: (typeof MIMIR_STORES)[number]['purpose']): string {
    return `${this.metadata.name}-${purpose}`;
  }

  /** Name of the local copy of Mimir's S3 credentials Secret: `<name>-s3`. */
  get s3SecretName(): string {
    return `${this.metadata.name}-s3`;
  }

  /** The buckets Mimir keeps its data in: blocks, ruler rules, Alertmanager state. */
  s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
    return MIMIR_STORES.map((s) => ({ bucket: this.bucketName(s.purpose), purpose: s.what }));
  }

  /** The cluster's SeaweedFS bucket for one store (one identity, so one credentials Secret, for all three). */
  private s3Bucket(cluster: Cluster, purpose: (typeof MIMIR_STORES)[number]['purpose']): S3Bucket {
    return cluster.blueprint(SeaweedFs).bucket(cluster, this, this.bucketName(purpose));
  }

  /** Renders the copy of the S3 credentials into Mimir's namespace (`s3SecretName`), then the chart. */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    copySecret(chart, ctx, this.s3Bucket(ctx, 'blocks').credentials, { name: this.s3SecretName });
    super.render(chart, ctx);
  }

  /** Replication factor of ingesters and store-gateways: 3 from 3 replicas on, else 1. */
  private replicationFactor(): number {
    return (this.props.replicas ?? 1) >= 3 ? 3 : 1;
  }

  /** Values of the pinned chart: classic architecture, one tenant, every bundled extra off, S3 storage, retention by the compactor. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const replicas = p.replicas ?? 1;
    const rf = this.replicationFactor();
    const storageClass = p.storageClassName ?? ctx.storageClass;
    const components = Object.fromEntries(
      COMPONENTS.map((c) => {
        const volume = c.volume ? { persistentVolume: { storageClass, ...(c.key === 'ingester' ? { size: p.ingesterStorageSize ?? '10Gi' } : {}) } } : {};
        const zones = c.key === 'ingester' || c.key === 'store_gateway' ? { zoneAwareReplication: { enabled: false } } : {};
        return [c.key, { replicas: SCALED.has(c.key) ? replicas : 1, resources: resources(...c.size), ...volume, ...zones }];
      }),
    );
    const blocks = this.s3Bucket(ctx, 'blocks');
    const stores = Object.fromEntries(MIMIR_STORES.map((s) => [s.section, { s3: { bucket_name: this.s3Bucket(ctx, s.purpose).bucket } }]));
    return {
      ...components,
      global: { extraEnv: s3CredentialEnv(this.s3SecretName, blocks) },
      overrides_exporter: { enabled: false },
      gateway: { enabled: false },
      kafka: { enabled: false },
      minio: { enabled: false },
      rollout_operator: { enabled: false },
      mimir: {
        structuredConfig: {
          multitenancy_enabled: false,
          usage_stats: { enabled: false },
          common: {
            storage: {
              backend: 's3',
              s3: {
                endpoint: s3EndpointAddress(blocks),
                region: blocks.region,
                insecure: !blocks.tls,
                bucket_lookup_type: blocks.forcePathStyle ? 'path' : 'auto',
                access_key_id: S3_CREDENTIAL_REFS.accessKeyId,
                secret_access_key: S3_CREDENTIAL_REFS.secretAccessKey,
              },
            },
          },
          ...stores,
          ingest_storage: { enabled: false },
          ingester: { push_grpc_method_enabled: true, ring: { replication_factor: rf } },
          store_gateway: { sharding_ring: { replication_factor: rf } },
          alertmanager: { sharding_ring: { replication_factor: 1 } },
          limits: { compactor_blocks_retention_period: daysAsHours(p.retentionDays ?? DEFAULT_RETENTION_DAYS) },
        },
      },
    };
  }

  /** Why the bundled Kafka and MinIO are off and the ingesters take pushes again. */
  protected valueReasons(_ctx: Cluster): ValueReason[] {
    return [
      { path: ['kafka', 'enabled'], reason: 'classic architecture: distributors write to ingesters directly, so no Kafka (ingest_storage is off in mimir.structuredConfig with it)' },
      { path: ['minio', 'enabled'], reason: "the cluster's one S3 endpoint is SeaweedFS (mimir.structuredConfig.common.storage)" },
      { path: ['mimir', 'structuredConfig', 'ingester', 'push_grpc_method_enabled'], reason: "the chart's base config turns the Push API off for the ingest-storage architecture; the classic one needs it" },
    ];
  }

  /** The metadata's allowances, plus the HTTP port for the cluster's telemetry shippers (remote write, OTLP) and Grafana (PromQL), and egress to the S3 endpoint. */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const ingress = telemetryIngress(cluster, 'Mimir', { ports: [MIMIR_HTTP_PORT], what: 'remote-write and OTLP pushes to the distributor' }, { ports: [MIMIR_HTTP_PORT], what: 'PromQL queries to the query-frontend' });
    return { ingress: [...(base.ingress ?? []), ...ingress], egress: [...(base.egress ?? []), s3Egress(cluster, this.s3Bucket(cluster, 'blocks'), 'blocks, rules and Alertmanager state')] };
  }
}
