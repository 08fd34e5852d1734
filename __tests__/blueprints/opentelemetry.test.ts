/**
 * The OpenTelemetry collector Blueprint: the chart's two required values, its pipelines into the
 * endpoints the Loki, Mimir and Tempo Blueprints publish (renaming a backend moves the exporter),
 * the references and network allowances that follow from them, its own OTLP getters, its props from
 * YAML, and its values against the pinned chart's data.
 */
import { Loki, Mimir, OpenTelemetry, Tempo } from '../../blueprints';
import { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from '../../blueprints/platform/opentelemetry';
import { App, Chart } from 'cdk8s';
import { CHARTS, IMAGES } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

/** The NetworkPolicies an instance renders in `cluster`, by name. */
function policies(bp: OpenTelemetry, cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('OpenTelemetry collector values', () => {
  it('sets the two values the chart leaves empty: mode and the pinned contrib image', () => {
    const defaults = chartValues('opentelemetry', 'opentelemetry-collector', CHARTS['opentelemetry-collector'].version);
    expect([defaults.mode, defaults.image.repository]).toEqual(['', '']);
    const values = renderedValues(new OpenTelemetry());
    expect(values.mode).toBe('deployment');
    expect(values.image).toEqual({ repository: IMAGES.otelCollectorContrib.repository, tag: IMAGES.otelCollectorContrib.tag });
    expect(values.replicaCount).toBe(1);
    expect(renderedValues(new OpenTelemetry({ replicas: 3 })).replicaCount).toBe(3);
  });

  it('exports traces to Tempo, metrics to Mimir and logs to Loki at the endpoints their Blueprints publish', () => {
    const config = renderedValues(new OpenTelemetry()).config;
    expect(config.exporters).toEqual({
      'otlp/tempo': { endpoint: ctx.blueprint(Tempo).otlpGrpcEndpoint, tls: { insecure: true } },
      'otlphttp/mimir': { endpoint: ctx.blueprint(Mimir).otlpUrl },
      'otlphttp/loki': { endpoint: ctx.blueprint(Loki).otlpUrl },
    });
    expect(config.exporters['otlp/tempo'].endpoint).toBe('tempo.tempo.svc.cluster.local:4317');
    const processors = ['memory_limiter', 'resource', 'batch'];
    expect(config.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors, exporters: ['otlp/tempo'] },
      metrics: { receivers: ['otlp', 'prometheus'], processors, exporters: ['otlphttp/mimir'] },
      logs: { receivers: ['otlp'], processors, exporters: ['otlphttp/loki'] },
    });
    expect(config.processors.resource.attributes).toEqual([{ key: 'k8s.cluster.name', value: 'hz-fsn-mgt-prod', action: 'upsert' }]);
  });

  it('follows a backend whose release moves (a subclass of the Loki Blueprint)', () => {
    class OtherLoki extends Loki {
      static override readonly metadata = { ...Loki.metadata, namespace: 'logs', releaseName: 'logstore' };
    }
    const cluster = testCluster({}, [new OtherLoki()]);
    const config = renderedValues(cluster.blueprint(OpenTelemetry), cluster).config;
    expect(config.exporters['otlphttp/loki'].endpoint).toBe('http://logstore-loki.logs.svc.cluster.local:3100/otlp');
    expect(policies(cluster.blueprint(OpenTelemetry), cluster).has('allow-egress-namespace-logs-3100')).toBe(true);
  });

  it('accepts OTLP only: the Jaeger and Zipkin ports are off and no pipeline names their receivers', () => {
    const values = renderedValues(new OpenTelemetry());
    expect(values.ports).toEqual({ 'jaeger-compact': { enabled: false }, 'jaeger-thrift': { enabled: false }, 'jaeger-grpc': { enabled: false }, zipkin: { enabled: false } });
    const receivers = Object.values(values.config.service.pipelines as Record<string, { receivers: string[] }>).flatMap((p) => p.receivers);
    expect(new Set(receivers)).toEqual(new Set(['otlp', 'prometheus']));
    expect(values.presets).toEqual({ kubernetesAttributes: { enabled: true } });
  });

  it('runs restricted with requests and a memory limit (the chart derives GOMEMLIMIT from it)', () => {
    const values = renderedValues(new OpenTelemetry());
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(OpenTelemetry.metadata.resources).toEqual({ cpuMillis: 100, memoryMiB: 256 });
  });

  it('sets only values the pinned chart declares, with every prop set', () => {
    for (const bp of [new OpenTelemetry(), new OpenTelemetry({ replicas: 2 })]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('OpenTelemetry collector wiring', () => {
  it('records its reads of Loki, Mimir and Tempo (Flux edges) and keeps the reference edge to cert-manager', () => {
    const cluster = testCluster();
    cluster.blueprint(OpenTelemetry).bind(new Chart(new App(), 'otel'), cluster);
    expect(cluster.references.get('opentelemetry')).toEqual(['loki', 'mimir', 'tempo']);
    expect(OpenTelemetry.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cert-manager', 'loki', 'mimir', 'tempo']);
  });

  it('publishes its OTLP endpoints from the chart\'s Service naming, and they move with the release', () => {
    const otel = new OpenTelemetry();
    expect(otel.otlpGrpcEndpoint).toBe(`opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:${OTLP_GRPC_PORT}`);
    expect(otel.otlpHttpUrl).toBe(`http://opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:${OTLP_HTTP_PORT}`);
    class Renamed extends OpenTelemetry {
      static override readonly metadata = { ...OpenTelemetry.metadata, namespace: 'otel', releaseName: 'opentelemetry-collector' };
    }
    expect(new Renamed().otlpGrpcEndpoint).toBe('opentelemetry-collector.otel.svc.cluster.local:4317');
  });

  it('accepts OTLP from the cluster and reaches only the API server and each backend\'s write port', () => {
    const all = policies(new OpenTelemetry());
    expect(all.get('allow-ingress-cluster-4317-4318')!.spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ port: 4317, protocol: 'TCP' }, { port: 4318, protocol: 'TCP' }] }]);
    const egress = [...all.keys()].filter((n) => n.startsWith('allow-egress-'));
    expect(egress).toEqual(['allow-egress-apiserver-6443', 'allow-egress-namespace-tempo-4317', 'allow-egress-namespace-mimir-8080', 'allow-egress-namespace-loki-3100']);
    expect(all.get('allow-egress-namespace-mimir-8080')!.spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mimir' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });
});

describe('OpenTelemetry collector props from YAML (spec.blueprints.props.opentelemetry)', () => {
  it('accepts replicas and renders them into the tree', () => {
    const { sovereign } = fromYamlProps<OpenTelemetry>('opentelemetry', { replicas: 2 });
    expect(treeValues(sovereign, 'opentelemetry').replicaCount).toBe(2);
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    expect(blueprintPropsProblems('opentelemetry', { replicas: 0 })).toEqual([{ path: 'spec.blueprints.props.opentelemetry.replicas', value: 0, message: 'must be a whole number from 1 to 10' }]);
    expect(blueprintPropsProblems('opentelemetry', { mode: 'daemonset' })).toEqual([{ path: 'spec.blueprints.props.opentelemetry.mode', value: 'daemonset', message: 'is not a known field; allowed here: values, network, verify, replicas' }]);
  });
});
