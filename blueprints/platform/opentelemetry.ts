import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { telemetryBackends, urlPort, type TelemetryBackends } from '../telemetry-endpoints';
import { CertManager } from './cert-manager';
import { Loki } from './loki';
import { Mimir } from './mimir';
import { Tempo } from './tempo';

/** OTLP over gRPC: the chart's default `ports.otlp.containerPort` and `servicePort`. */
export const OTLP_GRPC_PORT = 4317;

/** OTLP over HTTP: the chart's default `ports.otlp-http.containerPort` and `servicePort`. */
export const OTLP_HTTP_PORT = 4318;

/** UID of the `otel/opentelemetry-collector-contrib` image's user (its Dockerfile's `USER 10001`). */
const COLLECTOR_UID = 10001;

/** Props of the OpenTelemetry collector Blueprint. */
export interface OpenTelemetryProps extends BlueprintProps {
  /** Collector replicas behind the one Service; each is stateless, so more only add throughput. @default 1 */
  readonly replicas?: number;
}

/**
 * The collector pipeline configuration (the chart's `config`, merged by Helm over its defaults):
 * OTLP in over gRPC and HTTP; Kubernetes metadata added to every signal (`k8sattributes`, from the
 * chart's `kubernetesAttributes` preset), memory limit and batching; traces out to Tempo over OTLP
 * gRPC, metrics and logs to Mimir's and Loki's native OTLP endpoints over HTTP (both keep resource
 * attributes out of series and stream labels unless configured to promote them, so a pod UID never
 * becomes a label). The collector's own metrics (the chart's default `prometheus` receiver, 8888 in
 * the pod) go to Mimir too. The chart's default Jaeger and Zipkin receivers and `debug` exporter stay
 * declared (Helm merges `config` over the defaults, and a `null` to delete them does not survive
 * the rendering of the HelmRelease) but no pipeline names them, and the collector starts only the
 * components its pipelines use (https://opentelemetry.io/docs/collector/configuration/#basics).
 *
 * @param backends the write endpoints, from the Loki, Mimir and Tempo Blueprints (`telemetryBackends`)
 * @param clusterName added as the `k8s.cluster.name` resource attribute (the series label `k8s_cluster_name` in Mimir)
 */
export function collectorConfig(backends: TelemetryBackends, clusterName: string): Record<string, unknown> {
  const processors = ['memory_limiter', 'resource', 'batch'];
  return {
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` }, http: { endpoint: `\${env:MY_POD_IP}:${OTLP_HTTP_PORT}` } } },
    },
    processors: {
      resource: { attributes: [{ key: 'k8s.cluster.name', value: clusterName, action: 'upsert' }] },
    },
    exporters: {
      'otlp/tempo': { endpoint: backends.traces.otlpGrpcEndpoint, tls: { insecure: true } },
      'otlphttp/mimir': { endpoint: backends.metrics.otlpUrl },
      'otlphttp/loki': { endpoint: backends.logs.otlpUrl },
    },
    service: {
      pipelines: {
        traces: { receivers: ['otlp'], processors, exporters: ['otlp/tempo'] },
        metrics: { receivers: ['otlp', 'prometheus'], processors, exporters: ['otlphttp/mimir'] },
        logs: { receivers: ['otlp'], processors, exporters: ['otlphttp/loki'] },
      },
    },
  };
}

/**
 * OpenTelemetry Collector: the Sovereign's OTLP entry point. Workloads send traces, metrics and logs
 * over OTLP (gRPC 4317, HTTP 4318) to one Service (`otlpGrpcEndpoint`, `otlpHttpUrl`); the collector
 * adds Kubernetes metadata and ships traces to Tempo, metrics to Mimir and logs to Loki, at the
 * endpoints those Blueprints publish (`telemetryBackends`: never a host written here).
 *
 * Runs as a Deployment (`mode: deployment`, which the chart requires to be set): applications push
 * to it, nothing is collected from nodes (that is Alloy's job). The image is the contrib
 * distribution (`image.repository` must be set too): the core one lacks the `k8sattributes`
 * and `resource` processors. Jaeger and Zipkin receivers and their ports
 * are off: OTLP only.
 *
 * Source: `CHARTS['opentelemetry-collector']`
 * (https://github.com/open-telemetry/opentelemetry-helm-charts/tree/main/charts/opentelemetry-collector);
 * reference kit slot 20, whose only edge is cert-manager. Extra edges: Loki, Mimir and Tempo, the
 * backends it writes to (read through `cluster.blueprint`, so Flux applies it after them).
 */
export class OpenTelemetry extends HelmBlueprint<OpenTelemetryProps> {
  /** The props a spec may set (`spec.blueprints.props.opentelemetry`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 10).optional().describe('Collector replicas behind one Service, 1-10; default 1'),
  }) satisfies z.ZodType<OpenTelemetryProps>;

  /** Catalog metadata: chart `opentelemetry-collector`, release opentelemetry in namespace opentelemetry, after cert-manager (reference) and the three backends. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'opentelemetry',
    title: 'OpenTelemetry Collector',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'OTLP entry point for traces, metrics and logs, shipped to Tempo, Mimir and Loki.',
    pin: chartPin('opentelemetry-collector'),
    podSecurity: `the curated values run the collector as the image's UID ${COLLECTOR_UID} with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile`,
    dependsOn: [CertManager, Loki, Mimir, Tempo],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 256 },
    timeout: '15m',
    network: {
      ingress: [allow.cluster([OTLP_GRPC_PORT, OTLP_HTTP_PORT], `workloads in any namespace send OTLP over gRPC (${OTLP_GRPC_PORT}) and HTTP (${OTLP_HTTP_PORT}), the chart's ports.otlp and ports.otlp-http`)],
      egress: [allow.apiserver('the k8sattributes processor (chart preset kubernetesAttributes) watches pods, namespaces and ReplicaSets to label telemetry with its source')],
    },
    kitSlot: 20,
  });

  /** Name of the chart's Service: `opentelemetry-collector.fullname` (see `helmFullname`). */
  get serviceName(): string {
    const m = this.metadata;
    return helmFullname(m.releaseName, m.chart.chart);
  }

  /** OTLP gRPC endpoint for workloads, `host:port` without a scheme (the form OTLP gRPC exporters take), e.g. `opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:4317`. */
  get otlpGrpcEndpoint(): string {
    return `${this.serviceName}.${this.metadata.namespace}.svc.cluster.local:${OTLP_GRPC_PORT}`;
  }

  /** OTLP HTTP base URL for workloads (`OTEL_EXPORTER_OTLP_ENDPOINT`; exporters append `/v1/traces` etc.). */
  get otlpHttpUrl(): string {
    return `http://${this.serviceName}.${this.metadata.namespace}.svc.cluster.local:${OTLP_HTTP_PORT}`;
  }

  /**
   * Values of the chart `opentelemetry-collector`: Deployment mode with the pinned contrib image,
   * `replicas`, the Kubernetes attributes preset, the pipelines of `collectorConfig`, only the OTLP
   * ports, requests and a memory limit (the chart derives GOMEMLIMIT and the memory limiter from
   * it), restricted security contexts, and no Jaeger or Zipkin ports.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    return {
      mode: 'deployment',
      image: { repository: IMAGES.otelCollectorContrib.repository, tag: IMAGES.otelCollectorContrib.tag },
      replicaCount: this.props.replicas ?? 1,
      presets: { kubernetesAttributes: { enabled: true } },
      config: collectorConfig(telemetryBackends(ctx), ctx.cluster.name),
      ports: { 'jaeger-compact': { enabled: false }, 'jaeger-thrift': { enabled: false }, 'jaeger-grpc': { enabled: false }, zipkin: { enabled: false } },
      resources: resources('100m', '256Mi', '512Mi'),
      podSecurityContext: restrictedPodSecurityContext({ user: COLLECTOR_UID }),
      securityContext: restrictedContainerSecurityContext(),
    };
  }

  /** The metadata's allowances, plus egress to each backend's namespace on the port of its write endpoint. */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const backends = telemetryBackends(ctx);
    const egress: NetworkRule[] = [
      allow.namespace(ctx.blueprint(Tempo).metadata.namespace, [urlPort(`grpc://${backends.traces.otlpGrpcEndpoint}`)], 'traces to Tempo\'s OTLP gRPC receiver'),
      allow.namespace(ctx.blueprint(Mimir).metadata.namespace, [urlPort(backends.metrics.otlpUrl)], 'metrics to Mimir\'s OTLP endpoint'),
      allow.namespace(ctx.blueprint(Loki).metadata.namespace, [urlPort(backends.logs.otlpUrl)], 'logs to Loki\'s OTLP endpoint'),
    ];
    return { ingress: base.ingress, egress: [...(base.egress ?? []), ...egress] };
  }
}
