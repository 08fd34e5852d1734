/**
 * The Mimir Blueprint: its typed endpoints (remote write, OTLP, Prometheus query) from the chart's
 * Service naming, its classic-architecture values against the pinned chart's data, and its
 * allowances for the Blueprints that ship metrics in and query them.
 */
import { Mimir, MIMIR_HTTP_PORT, SeaweedFs } from '../../blueprints';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { expectS3Egress, s3Expectations, telemetryPeers } from '../support/telemetry';

const chart = chartValues('mimir', 'mimir-distributed', Mimir.metadata.chart!.version);
const COMPONENTS = ['distributor', 'ingester', 'querier', 'query_frontend', 'query_scheduler', 'store_gateway', 'compactor', 'ruler', 'alertmanager'];

/** The values a Mimir instance renders in a cluster of its own. */
function values(bp = new Mimir()): Json {
  return renderedValues(bp, testCluster({}, [bp]));
}

describe('Mimir typed endpoints', () => {
  it('derive remote-write, OTLP and query URLs from the release, the chart\'s Service naming and the namespace', () => {
    const mimir = new Mimir();
    expect(mimir.fullname).toBe('mimir');
    expect(mimir.remoteWriteUrl).toBe('http://mimir-distributor.mimir.svc.cluster.local:8080/api/v1/push');
    expect(mimir.otlpUrl).toBe('http://mimir-distributor.mimir.svc.cluster.local:8080/otlp');
    expect(mimir.queryUrl).toBe('http://mimir-query-frontend.mimir.svc.cluster.local:8080/prometheus');
    expect(chart.mimir.structuredConfig).toEqual({});
    expect(MIMIR_HTTP_PORT).toBe(8080);
  });

  it('move with the release name (the chart names by its infix "mimir", not the chart name) and the namespace', () => {
    class Metrics extends Mimir {
      static override readonly metadata = { ...Mimir.metadata, namespace: 'metrics', releaseName: 'metrics' };
    }
    class Central extends Mimir {
      static override readonly metadata = { ...Mimir.metadata, releaseName: 'central-mimir' };
    }
    expect(new Metrics().remoteWriteUrl).toBe('http://metrics-mimir-distributor.metrics.svc.cluster.local:8080/api/v1/push');
    expect(new Central().queryUrl).toBe('http://central-mimir-query-frontend.mimir.svc.cluster.local:8080/prometheus');
  });
});

describe('Mimir values', () => {
  const v = values();

  it('run the classic architecture: Kafka and ingest storage off together, ingesters taking pushes from distributors', () => {
    expect(chart.kafka.enabled).toBe(true);
    expect(chart.mimir.config).toMatch(/ingest_storage:\n  enabled: true/);
    expect(chart.mimir.config).toMatch(/push_grpc_method_enabled: false/);
    expect(v.kafka.enabled).toBe(false);
    expect(v.mimir.structuredConfig.ingest_storage).toEqual({ enabled: false });
    expect(v.mimir.structuredConfig.ingester.push_grpc_method_enabled).toBe(true);
  });

  it('turn off the bundled MinIO, the gateway, the rollout operator, the overrides exporter and zone awareness', () => {
    expect(chart.minio.enabled).toBe(true);
    for (const off of ['minio', 'gateway', 'rollout_operator', 'overrides_exporter']) expect(v[off].enabled).toBe(false);
    expect(v.ingester.zoneAwareReplication.enabled).toBe(false);
    expect(v.store_gateway.zoneAwareReplication.enabled).toBe(false);
    expect(v.mimir.structuredConfig.multitenancy_enabled).toBe(false);
    expect(v.mimir.structuredConfig.usage_stats.enabled).toBe(false);
  });

  it('run one pod per component with replication factor 1, and 3 with three replicas', () => {
    expect(Object.fromEntries(COMPONENTS.map((c) => [c, v[c].replicas]))).toEqual(Object.fromEntries(COMPONENTS.map((c) => [c, 1])));
    expect(v.mimir.structuredConfig.ingester.ring.replication_factor).toBe(1);
    const ha = values(new Mimir({ replicas: 3 }));
    expect(COMPONENTS.filter((c) => ha[c].replicas === 3)).toEqual(['distributor', 'ingester', 'querier', 'store_gateway']);
    expect(ha.mimir.structuredConfig.ingester.ring.replication_factor).toBe(3);
    expect(ha.mimir.structuredConfig.store_gateway.sharding_ring.replication_factor).toBe(3);
  });

  it('keep 90 days by default, and request every volume from the cluster\'s StorageClass', () => {
    expect(v.mimir.structuredConfig.limits.compactor_blocks_retention_period).toBe('2160h');
    expect(values(new Mimir({ retentionDays: 30 })).mimir.structuredConfig.limits.compactor_blocks_retention_period).toBe('720h');
    expect(['ingester', 'store_gateway', 'compactor', 'alertmanager'].map((c) => v[c].persistentVolume.storageClass)).toEqual(Array(4).fill('hcloud-volumes-encrypted'));
    expect(v.ingester.persistentVolume.size).toBe('10Gi');
  });

  it('declare the sum of the requests its values set', () => {
    const sum = (key: 'cpu' | 'memory') => COMPONENTS.reduce((total, c) => total + Number.parseInt(v[c].resources.requests[key], 10), 0);
    expect(Mimir.metadata.resources).toEqual({ cpuMillis: sum('cpu'), memoryMiB: sum('memory') });
  });

  it('set only keys the pinned chart declares or its templates read, with default and with every prop set', () => {
    const all = new Mimir({ replicas: 3, retentionDays: 400, ingesterStorageSize: '50Gi', storageClassName: 'fast' });
    for (const bp of [new Mimir(), all]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Mimir network', () => {
  it('accepts pushes from the shippers\' namespaces and PromQL from Grafana\'s on the components\' HTTP port', () => {
    const bp = new Mimir();
    const names = renderObjects(bp, testCluster({}, [bp, ...telemetryPeers()])).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(names.filter((n) => n.startsWith('allow-ingress'))).toEqual([
      'allow-ingress-namespace-alloy-ns-8080',
      'allow-ingress-namespace-opentelemetry-ns-8080',
      'allow-ingress-namespace-grafana-ns-8080',
    ]);
  });
});

describe('Mimir storage in SeaweedFS', () => {
  const cluster = testCluster();
  const mimir = cluster.blueprint(Mimir);
  const seaweed = cluster.blueprint(SeaweedFs);
  const v = renderedValues(mimir, cluster);

  it('claims a blocks, a ruler and an Alertmanager bucket, which SeaweedFS creates for Mimir', () => {
    expect(mimir.s3Buckets(cluster).map((b) => b.bucket)).toEqual(['mimir-blocks', 'mimir-ruler', 'mimir-alertmanager']);
    expect(seaweed.claimedBuckets(cluster).filter((b) => b.consumer === 'mimir').map((b) => b.bucket)).toEqual(['mimir-alertmanager', 'mimir-blocks', 'mimir-ruler']);
    const config = v.mimir.structuredConfig;
    expect([config.blocks_storage, config.ruler_storage, config.alertmanager_storage]).toEqual([
      { s3: { bucket_name: 'mimir-blocks' } },
      { s3: { bucket_name: 'mimir-ruler' } },
      { s3: { bucket_name: 'mimir-alertmanager' } },
    ]);
  });

  it('talks to the SeaweedFS endpoint with its own credentials, read from the copied Secret into every pod', () => {
    const bucket = seaweed.bucket(cluster, mimir, 'mimir-blocks');
    const s3 = s3Expectations(bucket, v.mimir.structuredConfig.common.storage.s3.endpoint);
    expect(v.mimir.structuredConfig.common.storage).toEqual({
      backend: 's3',
      s3: { endpoint: s3.address, region: bucket.region, insecure: true, bucket_lookup_type: 'path', access_key_id: '${S3_ACCESS_KEY_ID}', secret_access_key: '${S3_SECRET_ACCESS_KEY}' },
    });
    expect(v.global.extraEnv).toEqual(s3.env('mimir-s3'));
    s3.expectCopied(renderObjects(mimir, cluster), 'mimir', 'mimir-s3');
    expectS3Egress(renderObjects(mimir, cluster), seaweed, bucket);
  });
});

describe('Mimir props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { replicas: 3, retentionDays: 30, ingesterStorageSize: '20Gi', storageClassName: 'fast' };
    const { sovereign, blueprint } = fromYamlProps<Mimir>('mimir', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'mimir');
    expect(values.ingester.replicas).toBe(3);
    expect(values.ingester.persistentVolume).toEqual({ storageClass: 'fast', size: '20Gi' });
    expect(values.mimir.structuredConfig.limits.compactor_blocks_retention_period).toBe('720h');
  });

  it('rejects two replicas, which replication factor 3 cannot use, and zero days', () => {
    expect(blueprintPropsProblems('mimir', { replicas: 2, retentionDays: 0 })).toEqual([
      { path: 'spec.blueprints.props.mimir.replicas', value: 2, message: 'must be 1 or at least 3: Mimir replicates to 3 ingesters, so 2 pods could not take a write while one restarts' },
      { path: 'spec.blueprints.props.mimir.retentionDays', value: 0, message: 'must be a whole number from 1 to 3650' },
    ]);
  });
});
