/**
 * The SeaweedFS Blueprint, the cluster's one S3 endpoint: buckets and identities from the consumers'
 * claims (toy consumers here), the typed bucket reference and its errors, the endpoint following the
 * release name and namespace, and its values against the pinned chart.
 */
import { SeaweedFs } from '../../blueprints';
import { S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY, SEAWEEDFS_S3_PORT } from '../../blueprints/platform/seaweedfs';
import { HelmBlueprint } from '../../blueprints/helm';
import { componentMetadata } from '../../blueprints/common';
import type { BlueprintMetadata } from '../../lib/blueprint';
import { Cluster } from '../../lib/cluster';
import { BlueprintError } from '../../lib/errors';
import type { S3Bucket, S3BucketClaim, S3Consumer } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { renderedValues, renderObjects, SOLO_ATTRIBUTES, testCluster, type Json } from '../support/render';

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
      ['harbor-registry', 'harbor'],
    ]);
    expect(renderedValues(seaweed, cluster).s3.createBuckets).toEqual([{ name: 'alpha-archive' }, { name: 'alpha-data' }, { name: 'beta-data' }, { name: 'harbor-registry' }]);
  });

  it('gives each consumer its own identity on its own buckets, with keys generated in the SeaweedFS namespace', () => {
    expect(seaweed.identities(cluster)).toEqual([
      { consumer: 'alpha', buckets: ['alpha-archive', 'alpha-data'], secret: { name: 'seaweedfs-s3-alpha', namespaces: ['seaweedfs'], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] } },
      { consumer: 'beta', buckets: ['beta-data'], secret: { name: 'seaweedfs-s3-beta', namespaces: ['seaweedfs'], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] } },
      { consumer: 'harbor', buckets: ['harbor-registry'], secret: { name: 'seaweedfs-s3-harbor', namespaces: ['seaweedfs'], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] } },
    ]);
    expect(seaweed.generatedSecrets(cluster).map((s) => s.name)).toEqual(['seaweedfs-s3-alpha', 'seaweedfs-s3-beta', 'seaweedfs-s3-harbor']);
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
      ['namespace', 'harbor', [{ port: SEAWEEDFS_S3_PORT }]],
    ]);
    expect(rules.egress).toEqual([]);
    const lonely = Cluster.fromAttributes(SOLO_ATTRIBUTES, [seaweed]);
    expect(seaweed.networkAllowances(lonely)).toEqual({ ingress: [], egress: [] });
    const policies = renderObjects(seaweed, cluster).filter((o) => o.kind === 'NetworkPolicy' && o.spec.ingress?.some((r: Json) => r.ports?.[0]?.port === SEAWEEDFS_S3_PORT));
    const sources = policies.flatMap((p) => p.spec.ingress.flatMap((r: Json) => r.from.map((f: Json) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])));
    expect(sources.sort()).toEqual(['alpha', 'beta', 'harbor']);
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
