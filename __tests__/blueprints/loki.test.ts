/**
 * The Loki Blueprint: its typed endpoints (push, OTLP, query) from the chart's Service naming, its
 * SingleBinary values against the pinned chart's data, and its allowances for the Blueprints that
 * ship logs in and query them.
 */
import { Loki, LOKI_HTTP_PORT, SeaweedFs } from '../../blueprints';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { clusterWithPeers, expectS3Egress, s3Expectations, telemetryPeers } from '../support/telemetry';

const chart = chartValues('loki', 'loki', Loki.metadata.chart!.version);

/** The NetworkPolicies a Loki instance renders in a cluster with `peers`, by name. */
function policies(bp: Loki, peers = telemetryPeers()): Map<string, Json> {
  return new Map(renderObjects(bp, clusterWithPeers([bp, ...peers])).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Loki typed endpoints', () => {
  it('derive push, OTLP and query URLs from the release, the chart\'s Service naming and the namespace', () => {
    const loki = new Loki();
    expect({ namespace: loki.namespace, serviceName: loki.serviceName }).toEqual({ namespace: 'loki', serviceName: 'loki' });
    expect(loki.pushUrl).toBe('http://loki.loki.svc.cluster.local:3100/loki/api/v1/push');
    expect(loki.otlpUrl).toBe('http://loki.loki.svc.cluster.local:3100/otlp');
    expect(loki.queryUrl).toBe('http://loki.loki.svc.cluster.local:3100');
    expect(chart.loki.server.http_listen_port).toBe(LOKI_HTTP_PORT);
  });

  it('move with the release name and the namespace', () => {
    class Logs extends Loki {
      static override readonly metadata = { ...Loki.metadata, namespace: 'logs', releaseName: 'logs' };
    }
    class PlatformLoki extends Loki {
      static override readonly metadata = { ...Loki.metadata, releaseName: 'platform-loki' };
    }
    expect(new Logs().pushUrl).toBe('http://logs-loki.logs.svc.cluster.local:3100/loki/api/v1/push');
    expect(new PlatformLoki().queryUrl).toBe('http://platform-loki.loki.svc.cluster.local:3100');
  });
});

describe('Loki values', () => {
  const values = renderedValues(new Loki(), testCluster({}, [new Loki()]));

  it('run SingleBinary with one tenant, the scalable targets at zero and the chart\'s extras off', () => {
    expect(chart.deploymentMode).toBe('SimpleScalable');
    expect(values.deploymentMode).toBe('SingleBinary');
    expect(values.singleBinary.replicas).toBe(1);
    expect([values.read.replicas, values.write.replicas, values.backend.replicas]).toEqual([0, 0, 0]);
    expect(values.loki.auth_enabled).toBe(false);
    expect(values.loki.commonConfig.replication_factor).toBe(1);
    for (const off of ['gateway', 'chunksCache', 'resultsCache', 'lokiCanary', 'test']) expect(values[off].enabled).toBe(false);
    expect(values.sidecar.rules.enabled).toBe(false);
    expect(values.loki.analytics.reporting_enabled).toBe(false);
  });

  it('keep 30 days by default through the compactor, and the chosen days when set', () => {
    expect(values.loki.limits_config.retention_period).toBe('720h');
    expect(values.loki.compactor).toEqual({ retention_enabled: true, delete_request_store: 's3' });
    const custom = new Loki({ retentionDays: 7, replicas: 3, storageSize: '20Gi', storageClassName: 'fast' });
    const v = renderedValues(custom, testCluster({}, [custom]));
    expect(v.loki.limits_config.retention_period).toBe('168h');
    expect(v.loki.commonConfig.replication_factor).toBe(3);
    expect(v.singleBinary.persistence).toMatchObject({ size: '20Gi', storageClass: 'fast' });
  });

  it('request the volume from the cluster\'s StorageClass and keep it when the pod or release goes', () => {
    expect(values.singleBinary.persistence).toEqual({ size: '10Gi', storageClass: 'hcloud-volumes-encrypted', whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(chart.singleBinary.persistence.whenDeleted).toBe('Delete');
  });

  it('set only keys the pinned chart declares, with default and with every prop set', () => {
    const all = new Loki({ replicas: 3, retentionDays: 90, storageSize: '50Gi', storageClassName: 'fast' });
    for (const bp of [new Loki(), all]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Loki network', () => {
  it('accepts pushes from the shippers\' namespaces and queries from Grafana\'s, and nothing when they are absent', () => {
    const p = policies(new Loki());
    expect(p.get('allow-ingress-namespace-alloy-ns-3100')!.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'alloy-ns' } } }], ports: [{ port: 3100, protocol: 'TCP' }] },
    ]);
    expect([...p.keys()].filter((n) => n.startsWith('allow-ingress'))).toEqual([
      'allow-ingress-namespace-alloy-ns-3100',
      'allow-ingress-namespace-opentelemetry-ns-3100',
      'allow-ingress-namespace-grafana-ns-3100',
    ]);
    expect([...policies(new Loki(), []).keys()].filter((n) => n.startsWith('allow-ingress'))).toEqual([]);
  });
});

describe('Loki storage in SeaweedFS', () => {
  const cluster = testCluster();
  const loki = cluster.blueprint(Loki);
  const seaweed = cluster.blueprint(SeaweedFs);
  const values = renderedValues(loki, cluster);

  it('claims a chunks and a ruler bucket, which SeaweedFS creates for Loki', () => {
    expect(loki.s3Buckets(cluster)).toEqual([
      { bucket: 'loki-chunks', purpose: 'Loki log chunks and tsdb index' },
      { bucket: 'loki-ruler', purpose: 'Loki ruler rule groups' },
    ]);
    expect(seaweed.claimedBuckets(cluster).filter((b) => b.consumer === 'loki').map((b) => b.bucket)).toEqual(['loki-chunks', 'loki-ruler']);
    expect(values.loki.storage.bucketNames).toEqual({ chunks: 'loki-chunks', ruler: 'loki-ruler' });
  });

  it('talks to the SeaweedFS endpoint of its bucket with its own credentials, read from the copied Secret', () => {
    const bucket = seaweed.bucket(cluster, loki, 'loki-chunks');
    const s3 = s3Expectations(bucket, values.loki.storage.s3.endpoint);
    expect(values.loki.storage.s3).toEqual({ endpoint: s3.address, region: bucket.region, s3ForcePathStyle: true, insecure: true, accessKeyId: '${S3_ACCESS_KEY_ID}', secretAccessKey: '${S3_SECRET_ACCESS_KEY}' });
    expect(values.singleBinary.extraArgs).toEqual(['-config.expand-env=true']);
    expect(values.singleBinary.extraEnv).toEqual(s3.env('loki-s3'));
    s3.expectCopied(renderObjects(loki, cluster), 'loki', 'loki-s3');
  });

  it('may reach SeaweedFS\'s S3 port and nothing else outside its namespace', () => {
    expectS3Egress(renderObjects(loki, cluster), seaweed, seaweed.bucket(cluster, loki, 'loki-chunks'));
  });

  it('follows SeaweedFS when its release or namespace moves', () => {
    class Storage extends SeaweedFs {
      static override readonly metadata = { ...SeaweedFs.metadata, namespace: 'storage', releaseName: 'objects' };
    }
    const moved = testCluster({}, [new Loki(), new Storage()]);
    const bucket = moved.blueprint(SeaweedFs).bucket(moved, moved.blueprint(Loki), 'loki-chunks');
    expect(bucket.host).toMatch(/\.storage\.svc\.cluster\.local$/);
    expect(renderedValues(moved.blueprint(Loki), moved).loki.storage.s3.endpoint).toBe(new URL(bucket.endpoint).host);
  });
});

describe('Loki props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { replicas: 3, retentionDays: 7, storageSize: '20Gi', storageClassName: 'fast' };
    const { sovereign, blueprint } = fromYamlProps<Loki>('loki', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'loki');
    expect(values.singleBinary.replicas).toBe(3);
    expect(values.loki.limits_config.retention_period).toBe('168h');
    expect(values.singleBinary.persistence).toMatchObject({ size: '20Gi', storageClass: 'fast' });
  });

  it('rejects a fraction of a day, ten replicas and a padded size', () => {
    expect(blueprintPropsProblems('loki', { retentionDays: 1.5, replicas: 10, storageSize: '010Gi' })).toEqual([
      { path: 'spec.blueprints.props.loki.retentionDays', value: 1.5, message: 'must be a whole number' },
      { path: 'spec.blueprints.props.loki.replicas', value: 10, message: 'must be a whole number from 1 to 9' },
      { path: 'spec.blueprints.props.loki.storageSize', value: '010Gi', message: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' },
    ]);
  });
});
