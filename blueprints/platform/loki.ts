import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { S3Bucket, S3BucketClaim, S3Consumer } from '../../lib/services';
import { CHARTS } from '../../lib/versions';
import { componentMetadata, helmFullname, propsField, resources, wholeNumber } from '../common';
import { copySecret } from '../secrets';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { daysAsHours, EXPAND_ENV_FLAG, retentionDaysField, s3CredentialEnv, S3_CREDENTIAL_REFS, s3EndpointAddress, s3Egress, telemetryIngress } from '../telemetry';
import { HcloudCsi } from './hcloud-csi';
import { SeaweedFs } from './seaweedfs';

/** HTTP port of Loki (the chart's `loki.server.http_listen_port`): push, query and OTLP APIs. */
export const LOKI_HTTP_PORT = 3100;

/** Name the chart's `loki.name` helper gives (without `nameOverride`), which its full names build on. */
const LOKI_CHART_NAME = 'loki';

/** Default days log lines are kept. */
const DEFAULT_RETENTION_DAYS = 30;

/** Props of the Loki Blueprint. */
export interface LokiProps extends BlueprintProps {
  /**
   * Loki pods (SingleBinary mode: each runs every component). More than one replicates every
   * stream to min(replicas, 3) pods, so a pod can restart without losing unflushed lines.
   * @default 1
   */
  readonly replicas?: number;
  /** Days log lines are kept; the compactor deletes older chunks from the bucket. @default 30 */
  readonly retentionDays?: number;
  /** Size of each pod's volume (write-ahead log, index cache, compactor work space). @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of those volumes. @default the cluster's (`cluster.storageClass`) */
  readonly storageClassName?: string;
}

/**
 * Grafana Loki: the Sovereign's log store. The OpenTelemetry collector and Alloy push log lines to
 * `pushUrl` (or OTLP to `otlpUrl`); Grafana queries `queryUrl`.
 *
 * Mode: SingleBinary (every component in one StatefulSet, `singleBinary.replicas`), the chart's mode
 * for small installations — SimpleScalable, the chart's default, runs at least three read, write and
 * backend pods plus a gateway and two memcached caches (the chart sizes the chunks cache at 8 GiB);
 * a small Sovereign has neither the load nor the memory for them. One tenant (`auth_enabled: false`):
 * the Sovereign is one organization. Chunks and the index live in S3 (tsdb, schema v13), the
 * ruler's rules in a second bucket; the chart's admin bucket serves only Grafana Enterprise Logs.
 * The chart's nginx gateway, caches, canary, Helm test and the rules sidecar (which would need
 * cluster-wide ConfigMap reads) are off, and usage reports to grafana.com are off.
 *
 * Network: the push and query APIs (one port, `LOKI_HTTP_PORT`) accept the namespaces of the
 * cluster's telemetry shippers and of Grafana, when installed; pods of the namespace talk to each
 * other (memberlist, gRPC) through the namespace's own allowance.
 *
 * Source: chart `loki` (`CHARTS.loki`; https://github.com/grafana/loki/tree/main/production/helm/loki,
 * https://grafana.com/docs/loki/latest/setup/install/helm/install-monolithic/); reference kit slot 22.
 */
export class Loki extends HelmBlueprint<LokiProps> implements S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.loki`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 9).optional().describe('Loki pods, each running every component (default 1; 3 or more replicate each stream 3 times)'),
    retentionDays: retentionDaysField().describe('Days log lines are kept before the compactor deletes them from the bucket (default 30)'),
    storageSize: propsField.storageSize().optional().describe('Volume size per pod for the write-ahead log and caches (default 10Gi)'),
    storageClassName: propsField.objectName().optional().describe("StorageClass of the volumes (default: the cluster's)"),
  }) satisfies z.ZodType<LokiProps>;

  /** Catalog metadata: bootstrap kit slot 22, depends on SeaweedFS (its buckets) and the CSI driver (its volumes). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'loki',
    title: 'Grafana Loki',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'Log store of the Sovereign (SingleBinary), chunks and index in SeaweedFS.',
    pin: CHARTS.loki,
    kitSlot: 22,
    podSecurity: 'the chart runs Loki as UID 10001 with a read-only root filesystem and no capabilities; the curated values add the RuntimeDefault seccomp profile',
    dependsOn: [SeaweedFs, HcloudCsi],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 250, memoryMiB: 512 },
    timeout: '15m',
    templateValues: [
      {
        path: 'loki.limits_config.retention_period',
        template: 'templates/_helpers.tpl',
        why: 'loki.calculatedConfig renders loki.config, whose limits_config section is toYaml .Values.loki.limits_config (every key passes through); values.yaml lists other limits only',
      },
      {
        path: 'loki.storage.bucketNames',
        template: 'templates/_helpers.tpl',
        why: 'loki.commonStorageConfig and loki.rulerStorageConfig read the chunks and ruler bucket names with dig "storage" "bucketNames" from .Values.loki (required for object storage); values.yaml documents bucketNames only in a comment',
      },
      {
        path: 'loki.podSecurityContext.seccompProfile',
        template: 'templates/single-binary/statefulset.yaml',
        why: 'the pod securityContext is the loki.podSecurityContext helper (templates/_helpers.tpl), toYaml .Values.loki.podSecurityContext, whose default in values.yaml has no seccompProfile',
      },
    ],
  });

  /** Namespace of Loki and its Service. */
  get namespace(): string {
    return this.metadata.namespace;
  }

  /** Name of the Service in front of the Loki pods: the chart's full name (`loki.singleBinaryFullname`), the release name when it contains `loki`, else `<release>-loki`. */
  get serviceName(): string {
    return helmFullname(this.metadata.releaseName, LOKI_CHART_NAME);
  }

  /** In-cluster base URL of Loki's HTTP API, e.g. `http://loki.loki.svc.cluster.local:3100`. */
  get url(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${LOKI_HTTP_PORT}`;
  }

  /** URL log shippers push to (Loki's push API, `POST /loki/api/v1/push`). */
  get pushUrl(): string {
    return `${this.url}/loki/api/v1/push`;
  }

  /** Base URL of Loki's native OTLP endpoint: OTLP/HTTP exporters append `/v1/logs`. */
  get otlpUrl(): string {
    return `${this.url}/otlp`;
  }

  /** URL of the query API, as a Grafana Loki data source takes it (the base URL; queries go to `/loki/api/v1/...`). */
  get queryUrl(): string {
    return this.url;
  }

  /** Bucket of the log chunks and the tsdb index: `<name>-chunks`. */
  get chunksBucket(): string {
    return `${this.metadata.name}-chunks`;
  }

  /** Bucket of the ruler's rule groups: `<name>-ruler`. */
  get rulerBucket(): string {
    return `${this.metadata.name}-ruler`;
  }

  /** Name of the local copy of Loki's S3 credentials Secret: `<name>-s3`. */
  get s3SecretName(): string {
    return `${this.metadata.name}-s3`;
  }

  /** The buckets Loki keeps its data in (the chart's admin bucket serves Grafana Enterprise Logs only). */
  s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
    return [
      { bucket: this.chunksBucket, purpose: 'Loki log chunks and tsdb index' },
      { bucket: this.rulerBucket, purpose: 'Loki ruler rule groups' },
    ];
  }

  /** The cluster's SeaweedFS bucket `bucket` (one identity, so one credentials Secret, for both). */
  private s3Bucket(cluster: Cluster, bucket: string): S3Bucket {
    return cluster.blueprint(SeaweedFs).bucket(cluster, this, bucket);
  }

  /** Renders the copy of the S3 credentials into Loki's namespace (`s3SecretName`), then the chart. */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    copySecret(chart, ctx, this.s3Bucket(ctx, this.chunksBucket).credentials, { name: this.s3SecretName });
    super.render(chart, ctx);
  }

  /** Values of the pinned chart: SingleBinary, one tenant, tsdb on S3, retention by the compactor, the scalable targets, gateway and caches off. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const replicas = p.replicas ?? 1;
    const zero = { replicas: 0 };
    const chunks = this.s3Bucket(ctx, this.chunksBucket);
    return {
      deploymentMode: 'SingleBinary',
      loki: {
        auth_enabled: false,
        storage: {
          type: 's3',
          bucketNames: { chunks: chunks.bucket, ruler: this.s3Bucket(ctx, this.rulerBucket).bucket },
          s3: {
            endpoint: s3EndpointAddress(chunks),
            region: chunks.region,
            s3ForcePathStyle: chunks.forcePathStyle,
            insecure: !chunks.tls,
            accessKeyId: S3_CREDENTIAL_REFS.accessKeyId,
            secretAccessKey: S3_CREDENTIAL_REFS.secretAccessKey,
          },
        },
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        commonConfig: { replication_factor: Math.min(replicas, 3) },
        schemaConfig: { configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 's3', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }] },
        limits_config: { retention_period: daysAsHours(p.retentionDays ?? DEFAULT_RETENTION_DAYS) },
        compactor: { retention_enabled: true, delete_request_store: 's3' },
        analytics: { reporting_enabled: false },
      },
      singleBinary: {
        replicas,
        extraArgs: [EXPAND_ENV_FLAG],
        extraEnv: s3CredentialEnv(this.s3SecretName, chunks),
        resources: resources('250m', '512Mi', '2Gi'),
        persistence: { size: p.storageSize ?? '10Gi', storageClass: p.storageClassName ?? ctx.storageClass, whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
      read: zero,
      write: zero,
      backend: zero,
      gateway: { enabled: false },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
      lokiCanary: { enabled: false },
      test: { enabled: false },
      sidecar: { rules: { enabled: false } },
    };
  }

  /** Why the mode differs from the chart's default and why the rules sidecar is off. */
  protected valueReasons(_ctx: Cluster): ValueReason[] {
    return [
      { path: ['deploymentMode'], reason: "monolithic Loki for a small Sovereign: the chart's SimpleScalable default runs 3 read, 3 write and 3 backend pods, a gateway and caches" },
      { path: ['sidecar', 'rules', 'enabled'], reason: 'the rules sidecar needs cluster-wide ConfigMap reads; rules go to the ruler bucket through the ruler API' },
    ];
  }

  /** The metadata's allowances, plus the HTTP API for the cluster's telemetry shippers and Grafana, and egress to the S3 endpoint. */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const ingress = telemetryIngress(cluster, 'Loki', { ports: [LOKI_HTTP_PORT], what: 'log pushes (Loki push API and OTLP)' }, { ports: [LOKI_HTTP_PORT], what: 'LogQL queries' });
    return { ingress: [...(base.ingress ?? []), ...ingress], egress: [...(base.egress ?? []), s3Egress(cluster, this.s3Bucket(cluster, this.chunksBucket), 'log chunks, index and rules')] };
  }
}
