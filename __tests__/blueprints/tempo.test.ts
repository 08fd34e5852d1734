/**
 * The Tempo Blueprint: its typed endpoints (OTLP gRPC and HTTP, query) from the chart's Service
 * naming, its values against the pinned chart's data, and its allowances for the Blueprints that
 * ship spans in and query them.
 */
import { SeaweedFs, Tempo, TEMPO_HTTP_PORT, TEMPO_OTLP_GRPC_PORT, TEMPO_OTLP_HTTP_PORT } from '../../blueprints';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { clusterWithPeers, expectS3Egress, s3Expectations, telemetryPeers } from '../support/telemetry';

const chart = chartValues('tempo', 'tempo', Tempo.metadata.chart!.version);

/** The values a Tempo instance renders in a cluster of its own. */
function values(bp = new Tempo()): Json {
  return renderedValues(bp, testCluster({}, [bp]));
}

describe('Tempo typed endpoints', () => {
  it('derive the OTLP endpoints and the query URL from the release, the chart\'s Service naming and the namespace', () => {
    const tempo = new Tempo();
    expect(tempo.serviceName).toBe('tempo');
    expect(tempo.otlpGrpcEndpoint).toBe('tempo.tempo.svc.cluster.local:4317');
    expect(tempo.otlpHttpUrl).toBe('http://tempo.tempo.svc.cluster.local:4318');
    expect(tempo.queryUrl).toBe('http://tempo.tempo.svc.cluster.local:3200');
    expect(chart.tempo.server.http_listen_port).toBe(TEMPO_HTTP_PORT);
    expect(chart.tempo.receivers.otlp.protocols.grpc.endpoint).toBe(`0.0.0.0:${TEMPO_OTLP_GRPC_PORT}`);
    expect(chart.tempo.receivers.otlp.protocols.http.endpoint).toBe(`0.0.0.0:${TEMPO_OTLP_HTTP_PORT}`);
  });

  it('move with the release name and the namespace', () => {
    class Traces extends Tempo {
      static override readonly metadata = { ...Tempo.metadata, namespace: 'traces', releaseName: 'traces' };
    }
    expect(new Traces().otlpGrpcEndpoint).toBe('traces-tempo.traces.svc.cluster.local:4317');
    expect(new Traces().queryUrl).toBe('http://traces-tempo.traces.svc.cluster.local:3200');
  });
});

describe('Tempo values', () => {
  const v = values();

  it('keep 14 days by default and the chosen days when set, without usage reports', () => {
    expect(chart.tempo.retention).toBe('24h');
    expect(v.tempo.retention).toBe('336h');
    expect(values(new Tempo({ retentionDays: 30 })).tempo.retention).toBe('720h');
    expect(v.tempo.reportingEnabled).toBe(false);
  });

  it('keep the write-ahead log on a volume of the cluster\'s StorageClass, under a read-only root filesystem', () => {
    expect(chart.persistence.enabled).toBe(false);
    expect(v.persistence).toEqual({ enabled: true, size: '10Gi', storageClassName: 'hcloud-volumes-encrypted' });
    expect(v.tempo.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(chart.securityContext.seccompProfile).toBeUndefined();
    expect(v.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('set only keys the pinned chart declares or its templates read, with default and with every prop set', () => {
    const all = new Tempo({ retentionDays: 60, storageSize: '20Gi', storageClassName: 'fast' });
    for (const bp of [new Tempo(), all]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Tempo network', () => {
  it('accepts OTLP from the shippers\' namespaces and queries from Grafana\'s, and nothing when they are absent', () => {
    const names = (peers: ReturnType<typeof telemetryPeers>) => {
      const bp = new Tempo();
      return renderObjects(bp, clusterWithPeers([bp, ...peers])).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).filter((n) => n.startsWith('allow-ingress'));
    };
    expect(names(telemetryPeers())).toEqual([
      'allow-ingress-namespace-alloy-ns-4317-4318',
      'allow-ingress-namespace-opentelemetry-ns-4317-4318',
      'allow-ingress-namespace-grafana-ns-3200',
    ]);
    expect(names([])).toEqual([]);
  });
});

describe('Tempo storage in SeaweedFS', () => {
  const cluster = testCluster();
  const tempo = cluster.blueprint(Tempo);
  const seaweed = cluster.blueprint(SeaweedFs);
  const v = renderedValues(tempo, cluster);

  it('claims a traces bucket, which SeaweedFS creates for Tempo, and keeps trace blocks there', () => {
    expect(tempo.s3Buckets(cluster)).toEqual([{ bucket: 'tempo-traces', purpose: 'Tempo trace blocks' }]);
    expect(seaweed.claimedBuckets(cluster).filter((b) => b.consumer === 'tempo').map((b) => b.bucket)).toEqual(['tempo-traces']);
    expect(chart.tempo.storage.trace.backend).toBe('local');
    expect(v.tempo.storage.trace.backend).toBe('s3');
  });

  it('talks to the SeaweedFS endpoint with its own credentials, read from the copied Secret', () => {
    const bucket = seaweed.bucket(cluster, tempo, 'tempo-traces');
    const s3 = s3Expectations(bucket, v.tempo.storage.trace.s3.endpoint);
    expect(v.tempo.storage.trace.s3).toEqual({ bucket: 'tempo-traces', endpoint: s3.address, region: bucket.region, insecure: true, forcepathstyle: true, access_key: '${S3_ACCESS_KEY_ID}', secret_key: '${S3_SECRET_ACCESS_KEY}' });
    expect(v.tempo.extraArgs).toEqual({ 'config.expand-env': 'true' });
    expect(v.tempo.extraEnv).toEqual(s3.env('tempo-s3'));
    s3.expectCopied(renderObjects(tempo, cluster), 'tempo', 'tempo-s3');
    expectS3Egress(renderObjects(tempo, cluster), seaweed, bucket);
  });
});

describe('Tempo props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { retentionDays: 30, storageSize: '20Gi', storageClassName: 'fast' };
    const { sovereign, blueprint } = fromYamlProps<Tempo>('tempo', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'tempo');
    expect(values.tempo.retention).toBe('720h');
    expect(values.persistence).toEqual({ enabled: true, size: '20Gi', storageClassName: 'fast' });
  });

  it('rejects replicas, which the monolithic chart cannot scale, and retention beyond ten years', () => {
    expect(blueprintPropsProblems('tempo', { replicas: 2, retentionDays: 4000 })).toEqual([
      { path: 'spec.blueprints.props.tempo.replicas', value: 2, message: 'is not a known field; allowed here: values, network, verify, retentionDays, storageSize, storageClassName' },
      { path: 'spec.blueprints.props.tempo.retentionDays', value: 4000, message: 'must be a whole number from 1 to 3650' },
    ]);
  });
});
