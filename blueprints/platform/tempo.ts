import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { S3Bucket, S3BucketClaim, S3Consumer } from '../../lib/services';
import { CHARTS } from '../../lib/versions';
import { componentMetadata, helmFullname, propsField, resources, restrictedContainerSecurityContext, RUNTIME_DEFAULT_SECCOMP } from '../common';
import { copySecret } from '../secrets';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { daysAsHours, EXPAND_ENV, retentionDaysField, s3CredentialEnv, S3_CREDENTIAL_REFS, s3EndpointAddress, s3Egress, telemetryIngress } from '../telemetry';
import { HcloudCsi } from './hcloud-csi';
import { SeaweedFs } from './seaweedfs';

/** Tempo's HTTP port (the chart's `tempo.server.http_listen_port`): the query API. */
export const TEMPO_HTTP_PORT = 3200;

/** Port of Tempo's OTLP gRPC receiver (the chart's `tempo.receivers.otlp.protocols.grpc.endpoint`). */
export const TEMPO_OTLP_GRPC_PORT = 4317;

/** Port of Tempo's OTLP HTTP receiver (the chart's `tempo.receivers.otlp.protocols.http.endpoint`). */
export const TEMPO_OTLP_HTTP_PORT = 4318;

/** Name the chart's `tempo.fullname` helper builds on (`.Chart.Name`, without `nameOverride`). */
const TEMPO_CHART_NAME = 'tempo';

/** Default days spans are kept. */
const DEFAULT_RETENTION_DAYS = 14;

/** Props of the Tempo Blueprint. */
export interface TempoProps extends BlueprintProps {
  /** Days spans are kept; the compactor deletes older blocks from the bucket. @default 14 */
  readonly retentionDays?: number;
  /** Size of the pod's volume (the write-ahead log of spans not yet in a block). @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of that volume. @default the cluster's (`cluster.storageClass`) */
  readonly storageClassName?: string;
}

/**
 * Grafana Tempo: the Sovereign's trace store. The OpenTelemetry collector and Alloy send spans over
 * OTLP to `otlpGrpcEndpoint` or `otlpHttpUrl`; Grafana queries `queryUrl` as a Tempo data source.
 *
 * Mode: monolithic, the only mode of the `tempo` chart (one StatefulSet pod running every
 * component), which is the reference's choice and fits a small Sovereign; Tempo scales out only
 * with the separate `tempo-distributed` chart, so there is no replicas prop. Trace blocks live in
 * one S3 bucket; the write-ahead log on a volume. One tenant (the chart's default, multitenancy
 * off); usage reports to grafana.com are off.
 *
 * Network: the OTLP receivers accept the namespaces of the cluster's telemetry shippers, the query
 * API Grafana's, when installed. The chart's Jaeger, Zipkin and OpenCensus receivers stay as the
 * chart defines them (its Service template reads their settings), and no NetworkPolicy admits them.
 *
 * Source: chart `tempo` (`CHARTS.tempo`, whose `docs` link is the chart's folder at its
 * release tag: the chart's final release in grafana/helm-charts, which marks it deprecated in
 * favour of grafana-community/helm-charts); reference kit slot 24.
 */
export class Tempo extends HelmBlueprint<TempoProps> implements S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.tempo`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    retentionDays: retentionDaysField().describe('Days spans are kept before the compactor deletes them from the bucket (default 14)'),
    storageSize: propsField.storageSize().optional().describe('Volume size for the write-ahead log (default 10Gi)'),
    storageClassName: propsField.objectName().optional().describe("StorageClass of the volume (default: the cluster's)"),
  }) satisfies z.ZodType<TempoProps>;

  /** Catalog metadata: bootstrap kit slot 24, depends on SeaweedFS (its bucket) and the CSI driver (its volume). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'tempo',
    title: 'Grafana Tempo',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'Trace store of the Sovereign (monolithic), trace blocks in SeaweedFS.',
    pin: CHARTS.tempo,
    kitSlot: 24,
    podSecurity: 'the chart runs Tempo as UID 10001; the curated values add the RuntimeDefault seccomp profile, drop every capability and make the root filesystem read-only',
    dependsOn: [SeaweedFs, HcloudCsi],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 256 },
    timeout: '15m',
    templateValues: [
      {
        path: 'persistence.storageClassName',
        template: 'templates/statefulset.yaml',
        why: 'the volume claim template renders storageClassName from persistence.storageClassName; values.yaml documents the key only in a comment',
      },
      {
        path: 'tempo.storage.trace.s3',
        template: 'templates/configmap-tempo.yaml',
        why: 'the ConfigMap renders the config value, whose storage section is toYaml .Values.tempo.storage (every key passes through to Tempo); values.yaml documents trace.s3 only in a comment',
      },
      {
        path: 'securityContext.seccompProfile',
        template: 'templates/statefulset.yaml',
        why: 'the pod securityContext is toYaml .Values.securityContext, whose default in values.yaml has no seccompProfile',
      },
    ],
  });

  /** Namespace of Tempo and its Service. */
  get namespace(): string {
    return this.metadata.namespace;
  }

  /** Name of Tempo's Service: the chart's full name (`tempo.fullname`), the release name when it contains `tempo`, else `<release>-tempo`. */
  get serviceName(): string {
    return helmFullname(this.metadata.releaseName, TEMPO_CHART_NAME);
  }

  /** In-cluster host name of the Service. */
  private get host(): string {
    return `${this.serviceName}.${this.namespace}.svc.cluster.local`;
  }

  /** `host:port` of the OTLP gRPC receiver, as an OTLP gRPC exporter's `endpoint` takes it (plaintext). */
  get otlpGrpcEndpoint(): string {
    return `${this.host}:${TEMPO_OTLP_GRPC_PORT}`;
  }

  /** Base URL of the OTLP HTTP receiver: OTLP/HTTP exporters append `/v1/traces`. */
  get otlpHttpUrl(): string {
    return `http://${this.host}:${TEMPO_OTLP_HTTP_PORT}`;
  }

  /** URL of the query API, as a Grafana Tempo data source takes it. */
  get queryUrl(): string {
    return `http://${this.host}:${TEMPO_HTTP_PORT}`;
  }

  /** Bucket of the trace blocks: `<name>-traces`. */
  get tracesBucket(): string {
    return `${this.metadata.name}-traces`;
  }

  /** Name of the local copy of Tempo's S3 credentials Secret: `<name>-s3`. */
  get s3SecretName(): string {
    return `${this.metadata.name}-s3`;
  }

  /** The bucket Tempo keeps its trace blocks in. */
  s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
    return [{ bucket: this.tracesBucket, purpose: 'Tempo trace blocks' }];
  }

  /** The cluster's SeaweedFS bucket for the trace blocks. */
  private s3Bucket(cluster: Cluster): S3Bucket {
    return cluster.blueprint(SeaweedFs).bucket(cluster, this, this.tracesBucket);
  }

  /** Renders the copy of the S3 credentials into Tempo's namespace (`s3SecretName`), then the chart. */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    copySecret(chart, ctx, this.s3Bucket(ctx).credentials, { name: this.s3SecretName });
    super.render(chart, ctx);
  }

  /** Values of the pinned chart: trace blocks in S3, retention, a volume for the write-ahead log, restricted security contexts, no usage reports. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    const traces = this.s3Bucket(ctx);
    return {
      tempo: {
        storage: {
          trace: {
            backend: 's3',
            s3: {
              bucket: traces.bucket,
              endpoint: s3EndpointAddress(traces),
              region: traces.region,
              insecure: !traces.tls,
              forcepathstyle: traces.forcePathStyle,
              access_key: S3_CREDENTIAL_REFS.accessKeyId,
              secret_key: S3_CREDENTIAL_REFS.secretAccessKey,
            },
          },
        },
        extraArgs: { [EXPAND_ENV.flag]: EXPAND_ENV.value },
        extraEnv: s3CredentialEnv(this.s3SecretName, traces),
        retention: daysAsHours(p.retentionDays ?? DEFAULT_RETENTION_DAYS),
        reportingEnabled: false,
        resources: resources('100m', '256Mi', '2Gi'),
        securityContext: restrictedContainerSecurityContext(),
      },
      securityContext: { seccompProfile: RUNTIME_DEFAULT_SECCOMP },
      persistence: { enabled: true, size: p.storageSize ?? '10Gi', storageClassName: p.storageClassName ?? ctx.storageClass },
    };
  }

  /** The metadata's allowances, plus the OTLP receivers for the cluster's telemetry shippers and the query API for Grafana, and egress to the S3 endpoint. */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const ingress = telemetryIngress(cluster, 'Tempo', { ports: [TEMPO_OTLP_GRPC_PORT, TEMPO_OTLP_HTTP_PORT], what: 'OTLP spans' }, { ports: [TEMPO_HTTP_PORT], what: 'TraceQL queries' });
    return { ingress: [...(base.ingress ?? []), ...ingress], egress: [...(base.egress ?? []), s3Egress(cluster, this.s3Bucket(cluster), 'trace blocks')] };
  }
}
