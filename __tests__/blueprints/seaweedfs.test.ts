/**
 * The SeaweedFS Blueprint, the cluster's one S3 endpoint: buckets and identities from the consumers'
 * claims (toy consumers here), the typed bucket reference and its errors, the endpoint following the
 * release name and namespace, and its values against the pinned chart.
 */
import { SeaweedFs } from '../../blueprints';
import { S3_ACCESS_KEY_ID_KEY, S3_CONFIG_KEY, S3_IDENTITIES_ANNOTATION, S3_SECRET_ACCESS_KEY_KEY, SEAWEEDFS_S3_PORT } from '../../blueprints/platform/seaweedfs';
import { HelmBlueprint } from '../../blueprints/helm';
import { componentMetadata } from '../../blueprints/common';
import type { Blueprint, BlueprintMetadata } from '../../lib/blueprint';
import { Cluster } from '../../lib/cluster';
import { BlueprintError } from '../../lib/errors';
import { isS3Consumer, type S3Bucket, type S3BucketClaim, type S3Consumer } from '../../lib/services';
import { CHARTS, chartPin } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps } from '../support/props';
import { find, renderedValues, renderObjects, testCluster as builtinCluster, type Json } from '../support/render';

/**
 * A test cluster whose only S3 consumers are the given Blueprints: the built-in consumers (Loki, Mimir, Tempo, Langfuse)
 * are left out, so the toy consumers are all SeaweedFS sees.
 */
function testCluster(attrs: Parameters<typeof builtinCluster>[0], blueprints: readonly Blueprint[]): Cluster {
  const all = builtinCluster(attrs, blueprints);
  return new Cluster(all, [...all.blueprints.values()].filter((bp) => blueprints.includes(bp) || !isS3Consumer(bp)));
}

/** A toy S3 consumer: claims the given buckets and reads the first one while it is bound. */
function toyConsumer(name: string, buckets: readonly string[]) {
  return class extends HelmBlueprint implements S3Consumer {
    static readonly metadata: BlueprintMetadata = componentMetadata({
      name,
      category: 'test',
      tier: 'a-la-carte',
      summary: `Toy S3 consumer ${name}.`,
      pin: chartPin('seaweedfs'),
      podSecurity: 'test only',
      dependsOn: [SeaweedFs],
      placementModes: ['single-region'],
      resources: { cpuMillis: 0, memoryMiB: 0 },
    });

    /** The bucket it read while bound. */
    read?: S3Bucket;

    s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
      return buckets.map((bucket) => ({ bucket, purpose: `toy data of ${name}` }));
    }

    protected curatedValues(cluster: Cluster): Record<string, unknown> {
      this.read = cluster.blueprint(SeaweedFs).bucket(cluster, this, buckets[0]!);
      return { endpoint: this.read.endpoint };
    }
  };
}

const Alpha = toyConsumer('alpha', ['alpha-data', 'alpha-archive']);
const Beta = toyConsumer('beta', ['beta-data']);

describe('SeaweedFS buckets and identities', () => {
  const seaweed = new SeaweedFs();
  const alpha = new Alpha();
  const beta = new Beta();
  const cluster = testCluster({}, [seaweed, alpha, beta]);

  it('creates every claimed bucket, sorted by name', () => {
    expect(seaweed.claimedBuckets(cluster).map((b) => [b.bucket, b.consumer])).toEqual([
      ['alpha-archive', 'alpha'],
      ['alpha-data', 'alpha'],
      ['beta-data', 'beta'],
    ]);
    expect(renderedValues(seaweed, cluster).s3.createBuckets).toEqual([{ name: 'alpha-archive' }, { name: 'alpha-data' }, { name: 'beta-data' }]);
  });

  it('gives each consumer its own identity on its own buckets, with keys generated in the SeaweedFS namespace', () => {
    expect(seaweed.identities(cluster)).toEqual([
      { consumer: 'alpha', buckets: ['alpha-archive', 'alpha-data'], secret: { name: 'seaweedfs-s3-alpha', namespaces: ['seaweedfs'], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] } },
      { consumer: 'beta', buckets: ['beta-data'], secret: { name: 'seaweedfs-s3-beta', namespaces: ['seaweedfs'], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] } },
    ]);
    expect(seaweed.generatedSecrets(cluster).map((s) => s.name)).toEqual(['seaweedfs-s3-alpha', 'seaweedfs-s3-beta']);
  });

  it('hands a consumer its bucket with the endpoint and its own credentials, and records the edge', () => {
    const bucket = seaweed.bucket(cluster, beta, 'beta-data');
    expect(bucket).toEqual({
      bucket: 'beta-data',
      endpoint: `http://seaweedfs-s3.seaweedfs.svc.cluster.local:${SEAWEEDFS_S3_PORT}`,
      host: 'seaweedfs-s3.seaweedfs.svc.cluster.local',
      port: 8333,
      tls: false,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { namespace: 'seaweedfs', name: 'seaweedfs-s3-beta', keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] },
      accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
      secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
    });
    const reader = new Alpha();
    const bound = testCluster({}, [new SeaweedFs(), reader]);
    renderedValues(reader, bound);
    expect(reader.read?.credentials.name).toBe('seaweedfs-s3-alpha');
    expect(bound.references.get('alpha')).toEqual(['seaweedfs']);
  });

  it('lets exactly the consumers\' namespaces reach the S3 port, and nothing in with no consumer', () => {
    const rules = seaweed.networkAllowances(cluster);
    expect(rules.ingress?.map((r) => [r.peer, r.namespace, r.ports])).toEqual([
      ['namespace', 'alpha', [{ port: SEAWEEDFS_S3_PORT }]],
      ['namespace', 'beta', [{ port: SEAWEEDFS_S3_PORT }]],
    ]);
    expect(rules.egress).toEqual([]);
    const lonely = new Cluster(cluster, [seaweed]);
    expect(seaweed.networkAllowances(lonely)).toEqual({ ingress: [], egress: [] });
    const policies = renderObjects(seaweed, cluster).filter((o) => o.kind === 'NetworkPolicy' && o.spec.ingress?.some((r: Json) => r.ports?.[0]?.port === SEAWEEDFS_S3_PORT));
    const sources = policies.flatMap((p) => p.spec.ingress.flatMap((r: Json) => r.from.map((f: Json) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])));
    expect(sources.sort()).toEqual(['alpha', 'beta']);
  });

  it('refuses a bucket the consumer did not claim, naming consumer and bucket', () => {
    expect(() => seaweed.bucket(cluster, beta, 'alpha-data')).toThrow(
      new BlueprintError('Blueprint beta asks SeaweedFS for the S3 bucket "alpha-data", but it claims beta-data; add { bucket: \'alpha-data\', purpose: \'...\' } to beta\'s s3Buckets'),
    );
    expect(() => seaweed.bucket(cluster, seaweed, 'beta-data')).toThrow(/^Blueprint seaweedfs asks SeaweedFS for the S3 bucket "beta-data", but it claims none;/);
  });

  it('refuses a consumer that is not installed in the cluster', () => {
    const alone = testCluster({}, [seaweed]);
    expect(() => seaweed.bucket(alone, alpha, 'alpha-data')).toThrow(
      `Blueprint alpha asks SeaweedFS for the S3 bucket "alpha-data", but cluster ${alone.cluster.name} has no Blueprint "alpha", so SeaweedFS creates neither the bucket nor its identity; install alpha in the cluster`,
    );
  });

  it('refuses one bucket name claimed by two consumers, and a name that is no bucket name', () => {
    const Thief = toyConsumer('thief', ['beta-data']);
    const clash = testCluster({}, [seaweed, beta, new Thief()]);
    expect(() => seaweed.claimedBuckets(clash)).toThrow(
      'the S3 bucket "beta-data" is claimed by both beta and thief; bucket names are unique in the cluster: rename one, by convention <blueprint>-<purpose>',
    );
    const Shouty = toyConsumer('shouty', ['Shouty_Data']);
    expect(() => seaweed.claimedBuckets(testCluster({}, [seaweed, new Shouty()]))).toThrow(/^Blueprint shouty claims the S3 bucket "Shouty_Data", which is not a bucket name/);
  });
});

describe('SeaweedFS identities config, built in-cluster', () => {
  const seaweed = new SeaweedFs();
  const cluster = testCluster({}, [seaweed, new Alpha(), new Beta()]);
  const objects = renderObjects(seaweed, cluster);

  it('templates one identity per consumer from its key Secret, allowed on its own buckets only, with no key in Git', () => {
    const es = find(objects, 'ExternalSecret', 'seaweedfs-s3-identities');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'seaweedfs-s3-identities' });
    expect(es.spec.data).toContainEqual({ secretKey: 'alpha-AWS_ACCESS_KEY_ID', remoteRef: { key: 'seaweedfs-s3-alpha', property: 'AWS_ACCESS_KEY_ID' } });
    const template: string = es.spec.target.template.data[S3_CONFIG_KEY];
    const filled = JSON.parse(template.replace(/\{\{ index \. "([^"]+)" \| toJson \}\}/g, (_m, k: string) => JSON.stringify(`<${k}>`)));
    expect(filled.identities.find((i: Json) => i.name === 'beta')).toEqual({
      name: 'beta',
      credentials: [{ accessKey: '<beta-AWS_ACCESS_KEY_ID>', secretKey: '<beta-AWS_SECRET_ACCESS_KEY>' }],
      actions: ['Read:beta-data', 'Write:beta-data', 'List:beta-data', 'Tagging:beta-data'],
    });
    expect(filled.identities.map((i: Json) => i.name)).toEqual(['alpha', 'beta']);
  });

  it('reads exactly the key Secrets, through a store on its own namespace', () => {
    const role = find(objects, 'Role', 'seaweedfs-s3-identities');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['seaweedfs-s3-alpha', 'seaweedfs-s3-beta'], verbs: ['get'] }]);
    expect(find(objects, 'SecretStore', 'seaweedfs-s3-identities').spec.provider.kubernetes.remoteNamespace).toBe('seaweedfs');
    const values = renderedValues(seaweed, cluster);
    expect(values.s3).toMatchObject({ enabled: true, enableAuth: true, existingConfigSecret: 'seaweedfs-s3-identities' });
    expect(values.s3.podAnnotations[S3_IDENTITIES_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
    expect(renderedValues(seaweed, testCluster({}, [seaweed])).s3.podAnnotations[S3_IDENTITIES_ANNOTATION]).not.toBe(values.s3.podAnnotations[S3_IDENTITIES_ANNOTATION]);
  });

  it('runs no S3 gateway while no Blueprint claims a bucket (an empty config would turn auth off)', () => {
    const alone = new Cluster(cluster, [seaweed]);
    expect(seaweed.identities(alone)).toEqual([]);
    expect(seaweed.helmValues(alone).s3).toMatchObject({ enabled: false, createBuckets: [] });
  });
});

describe('SeaweedFS endpoint, one source of truth', () => {
  it('follows a renamed release and namespace for every consumer', () => {
    class Storage extends SeaweedFs {
      static readonly metadata = { ...SeaweedFs.metadata, releaseName: 'objects', namespace: 'storage' };
    }
    const store = new Storage();
    const alpha = new Alpha();
    const beta = new Beta();
    const cluster = testCluster({}, [store, alpha, beta]);
    expect(store.s3ServiceName).toBe('objects-seaweedfs-s3');
    for (const [consumer, bucket] of [[alpha, 'alpha-data'], [beta, 'beta-data']] as const) {
      const got = store.bucket(cluster, consumer, bucket);
      expect(got.endpoint).toBe('http://objects-seaweedfs-s3.storage.svc.cluster.local:8333');
      expect(got.credentials.namespace).toBe('storage');
    }
    expect(renderedValues(alpha, cluster).endpoint).toBe('http://objects-seaweedfs-s3.storage.svc.cluster.local:8333');
  });
});

describe('SeaweedFS props from YAML and the pinned chart', () => {
  it('sizes each role from props, on the cluster storage class unless told otherwise', () => {
    const { blueprint } = fromYamlProps<SeaweedFs>('seaweedfs', { master: { replicas: 3 }, volume: { replicas: 2, storageSize: '200Gi', storageClass: 'fast' }, s3: { replicas: 2 } });
    const values = renderedValues(blueprint);
    expect(values.master).toMatchObject({ replicas: 3, data: { type: 'persistentVolumeClaim', size: '1Gi', storageClass: 'hcloud-volumes-encrypted' } });
    expect(values.volume).toMatchObject({ replicas: 2, dataDirs: [{ name: 'data1', type: 'persistentVolumeClaim', size: '200Gi', storageClass: 'fast', maxVolumes: 0 }] });
    expect(values.filer.data.size).toBe('5Gi');
    expect(values.s3.replicas).toBe(2);
    expect(blueprintPropsProblems('seaweedfs', { volume: { storageSize: 'huge' } })[0]).toMatchObject({ path: 'spec.blueprints.props.seaweedfs.volume.storageSize', value: 'huge' });
    expect(blueprintPropsProblems('seaweedfs', { replication: '001' })[0]?.path).toBe('spec.blueprints.props.seaweedfs.replication');
  });

  it('replaces the chart\'s hostPath storage and listens on the S3 port the endpoint names', () => {
    const chart = chartValues('seaweedfs', 'seaweedfs', CHARTS.seaweedfs.version);
    expect(chart.s3.port).toBe(SEAWEEDFS_S3_PORT);
    expect(chart.master.data.type).toBe('hostPath');
    expect(chart.volume.dataDirs[0].type).toBe('hostPath');
    expect(chart.global.seaweedfs.createClusterRole).toBe(true);
    expect(chartValueProblems(new SeaweedFs())).toEqual([]);
  });
});
