import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import type { Blueprint, BlueprintConstruct, BlueprintMetadata, BlueprintProps, GeneratedSecret, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { BlueprintError } from '../../lib/errors';
import { isS3Consumer, type S3Bucket, type S3BucketClaim, type SharedSecret } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, propsField, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { blueprintLabels } from '../namespace';
import { SECRET_REFRESH_INTERVAL, secretReaderStore } from '../secrets';
import { CertManager } from './cert-manager';
import { ExternalSecrets } from './external-secrets';
import { Flux } from './flux';
import { HcloudCsi } from './hcloud-csi';

/** Port of the S3 API on the SeaweedFS S3 gateway: chart value `s3.port` (8333), also its Service port. */
export const SEAWEEDFS_S3_PORT = 8333;

/**
 * Region S3 clients sign requests with. SeaweedFS has no regions: it checks a SigV4 signature with the
 * region named in the request's own credential scope, so any fixed name works; this is the AWS SDKs'
 * default, which clients that insist on a region accept without further settings.
 */
export const SEAWEEDFS_S3_REGION = 'us-east-1';

/** Key of the access key id in every identity Secret: the AWS SDKs' environment variable name, so a pod can load the Secret with `envFrom`. */
export const S3_ACCESS_KEY_ID_KEY = 'AWS_ACCESS_KEY_ID';

/** Key of the secret access key in every identity Secret: the AWS SDKs' environment variable name. */
export const S3_SECRET_ACCESS_KEY_KEY = 'AWS_SECRET_ACCESS_KEY';

/**
 * S3 actions one identity gets on each of its own buckets (SeaweedFS `Action:bucket` grants,
 * `Identity.CanDo` in weed/s3api/auth_credentials.go at tag 4.22): read, write, list and tag
 * objects. No `Admin`, so a consumer can neither delete its bucket nor touch another's.
 */
export const S3_BUCKET_ACTIONS = ['Read', 'Write', 'List', 'Tagging'] as const;

/** API version of the ExternalSecret and SecretStore kinds (the external-secrets Blueprint's CRDs). */
const ESO_API = 'external-secrets.io/v1';

/** Key of the identities config in its Secret: what the chart mounts for `s3.existingConfigSecret` (values.yaml comment on `existingConfigSecret`). */
export const S3_CONFIG_KEY = 'seaweedfs_s3_config';

/** Annotation on the S3 gateway pods carrying a digest of the identities (names and buckets, no keys), so a changed set restarts them: the gateway reads its config file at start and on SIGHUP only. */
export const S3_IDENTITIES_ANNOTATION = 'catalyst.openova.io/s3-identities';

/** User and group of the `seaweed` account in the SeaweedFS image (docker/Dockerfile.go_build at tag 4.22). */
const SEAWEEDFS_UID = 1000;

/** A bucket name SeaweedFS and every S3 client accept: 3-63 lowercase letters, digits and inner `-`. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** One S3 identity SeaweedFS creates: a consumer, its generated keys and the buckets it may use. */
export interface S3Identity {
  /** Name of the consumer Blueprint, also the identity's name in the SeaweedFS identities config. */
  readonly consumer: string;
  /** The Secret with the identity's keys, generated in-cluster in the SeaweedFS namespace. */
  readonly secret: GeneratedSecret;
  /** The consumer's buckets, sorted. */
  readonly buckets: readonly string[];
}

/** One claimed bucket and the Blueprint that claimed it. */
export interface ClaimedBucket extends S3BucketClaim {
  /** Name of the consumer Blueprint. */
  readonly consumer: string;
}

/** Size of one SeaweedFS role (master, volume or filer servers). */
export interface SeaweedFsRole {
  /** Number of servers of the role. @default 1 */
  readonly replicas?: number;
  /** Size of each server's data volume (Kubernetes quantity). @default per role: master '1Gi', volume '50Gi', filer '5Gi' */
  readonly storageSize?: string;
  /** StorageClass of each server's data volume. @default the cluster's storage class (`cluster.storageClass`) */
  readonly storageClass?: string;
}

/** Props of the SeaweedFS Blueprint. */
export interface SeaweedFsProps extends BlueprintProps {
  /** Master servers (cluster topology, volume assignment). `replicas` must be odd (Raft). @default one server, 1Gi */
  readonly master?: SeaweedFsRole;
  /** Volume servers (the object data). @default one server, 50Gi */
  readonly volume?: SeaweedFsRole;
  /** Filer servers (the bucket and object metadata, in LevelDB on its volume). @default one server, 5Gi */
  readonly filer?: SeaweedFsRole;
  /** The S3 gateway. @default one replica */
  readonly s3?: {
    /** Gateway replicas (stateless). @default 1 */
    readonly replicas?: number;
  };
}

/** zod schema of one role's props (`SeaweedFsRole`). */
function roleSchema(role: string, size: string): z.ZodOptional<z.ZodType<SeaweedFsRole>> {
  return z
    .strictObject({
      replicas: propsField.replicas().optional().describe(`Number of ${role} servers; default 1`),
      storageSize: propsField.storageSize().optional().describe(`Size of each ${role} server's data volume; default ${size}`),
      storageClass: propsField.objectName().optional().describe(`StorageClass of each ${role} server's data volume; default: the cluster's`),
    })
    .optional()
    .describe(`The ${role} servers`);
}

/** Default data volume size per role. */
const DEFAULT_SIZE = { master: '1Gi', volume: '50Gi', filer: '5Gi' } as const;

/**
 * SeaweedFS: the one S3 endpoint of the cluster. Every Blueprint that keeps data in S3 (Velero,
 * CNPG backups, Loki, Mimir, Tempo, Harbor, Langfuse) implements `S3Consumer` and reads its bucket
 * with `cluster.blueprint(SeaweedFs).bucket(cluster, this, '<bucket>')`; it never writes the host,
 * port, bucket or Secret name itself, so the reference's disagreements (`seaweedfs.storage.svc` in
 * one consumer, namespace `seaweedfs` in the kit, `seaweedfs-s3.openova-system` in another) cannot
 * arise: the endpoint is derived once, from this Blueprint's release name and namespace.
 *
 * SeaweedFS creates every bucket the cluster's consumers claim (`s3Buckets`) and one S3 identity per
 * consumer, allowed on its own buckets only (`S3_BUCKET_ACTIONS`). Each identity's keys are a Secret
 * generated in-cluster in the SeaweedFS namespace (`generatedSecrets`), handed to the consumer as a
 * `SharedSecret` that it copies into its own namespace.
 *
 * Source: `CHARTS.seaweedfs` (https://github.com/seaweedfs/seaweedfs/tree/4.22/k8s/charts/seaweedfs);
 * reference catalog entry `seaweedfs`, bootstrap kit slot 18.
 *
 * Dependencies: the reference's flux and cert-manager, plus the Hetzner CSI driver (the servers'
 * data volumes) and external-secrets (the consumers' generated keys and the identities config
 * built from them).
 */
export class SeaweedFs extends HelmBlueprint<SeaweedFsProps> {
  /** The props a spec may set (`spec.blueprints.props.seaweedfs`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    /** Schema of `SeaweedFsProps.master`. */
    master: roleSchema('master', DEFAULT_SIZE.master),
    /** Schema of `SeaweedFsProps.volume`. */
    volume: roleSchema('volume', DEFAULT_SIZE.volume),
    /** Schema of `SeaweedFsProps.filer`. */
    filer: roleSchema('filer', DEFAULT_SIZE.filer),
    s3: z.strictObject({ replicas: propsField.replicas().optional().describe('S3 gateway replicas; default 1') }).optional().describe('The S3 gateway'),
  }) satisfies z.ZodType<SeaweedFsProps>;

  /** Catalog metadata: chart `seaweedfs`, namespace seaweedfs, after flux, cert-manager, the Hetzner CSI driver (its volumes) and external-secrets (its keys). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'seaweedfs',
    title: 'SeaweedFS',
    category: 'storage',
    tier: 'bootstrap-kit',
    summary: 'The one S3 endpoint of the cluster: a bucket and an identity per consumer.',
    pin: chartPin('seaweedfs'),
    podSecurity: 'the curated values run every SeaweedFS server as non-root with no capabilities and the RuntimeDefault seccomp profile, on volumes instead of the chart\'s default hostPath',
    dependsOn: [Flux, CertManager, HcloudCsi, ExternalSecrets],
    placementModes: ['single-region'],
    resources: { cpuMillis: 400, memoryMiB: 768 },
    kitSlot: 18,
    templateValues: [
      { path: 'master.data.size', template: 'templates/master/master-statefulset.yaml', why: 'with master.data.type persistentVolumeClaim the volumeClaimTemplate requests storage: .Values.master.data.size; values.yaml sets only type, storageClass and hostPathPrefix for the master' },
      { path: 's3.createBuckets', template: 'templates/shared/post-install-bucket-hook.yaml', why: 'the post-install/post-upgrade Job creates each listed bucket that does not exist yet (weed shell s3.bucket.create); values.yaml documents the list in a comment only' },
    ],
  });

  /** Name of the chart's resources (`seaweedfs.fullname`, see `helmFullname`), e.g. `seaweedfs`. */
  get fullname(): string {
    return helmFullname(this.metadata.releaseName, this.metadata.chart.chart);
  }

  /** Name of the S3 gateway's Service (`seaweedfs.componentName` with suffix `s3`), e.g. `seaweedfs-s3`. */
  get s3ServiceName(): string {
    return `${this.fullname.slice(0, 62 - 's3'.length).replace(/-+$/, '')}-s3`;
  }

  /** In-cluster host name of the S3 endpoint, e.g. `seaweedfs-s3.seaweedfs.svc.cluster.local`. */
  get s3Host(): string {
    return `${this.s3ServiceName}.${this.metadata.namespace}.svc.cluster.local`;
  }

  /** In-cluster URL of the S3 endpoint (plain HTTP inside the cluster), e.g. `http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333`. */
  get s3Endpoint(): string {
    return `http://${this.s3Host}:${SEAWEEDFS_S3_PORT}`;
  }

  /**
   * Every bucket the cluster's Blueprints claim (`S3Consumer.s3Buckets`), sorted by bucket name.
   * @throws BlueprintError naming the bucket and both consumers when two claim one bucket name, or
   *   the consumer and the bucket when a name is not a valid bucket name
   */
  claimedBuckets(cluster: Cluster): ClaimedBucket[] {
    const byBucket = new Map<string, ClaimedBucket>();
    const consumers = [...cluster.blueprints.values()].filter(isS3Consumer).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    for (const bp of consumers) {
      const consumer = bp.metadata.name;
      for (const claim of bp.s3Buckets(cluster)) {
        if (!BUCKET_NAME.test(claim.bucket)) {
          throw new BlueprintError(`Blueprint ${consumer} claims the S3 bucket "${claim.bucket}", which is not a bucket name: use 3-63 lowercase letters, digits and inner "-", by convention ${consumer}-<purpose>`);
        }
        const taken = byBucket.get(claim.bucket);
        if (taken) {
          throw new BlueprintError(`the S3 bucket "${claim.bucket}" is claimed by both ${taken.consumer} and ${consumer}; bucket names are unique in the cluster: rename one, by convention <blueprint>-<purpose>`);
        }
        byBucket.set(claim.bucket, { ...claim, consumer });
      }
    }
    return [...byBucket.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
  }

  /** Name of the Secret holding one consumer's S3 keys in the SeaweedFS namespace, e.g. `seaweedfs-s3-velero`. */
  identitySecretName(consumer: string): string {
    return `${this.s3ServiceName}-${consumer}`;
  }

  /**
   * One S3 identity per consumer that claims at least one bucket, sorted by consumer name.
   * @throws BlueprintError as `claimedBuckets`
   */
  identities(cluster: Cluster): S3Identity[] {
    const byConsumer = new Map<string, string[]>();
    for (const { consumer, bucket } of this.claimedBuckets(cluster)) byConsumer.set(consumer, [...(byConsumer.get(consumer) ?? []), bucket]);
    return [...byConsumer.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([consumer, buckets]) => ({
        consumer,
        buckets,
        secret: { name: this.identitySecretName(consumer), namespaces: [this.metadata.namespace], randomKeys: [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY] },
      }));
  }

  /**
   * What `consumer` needs to use its bucket `bucket`: the endpoint, region and addressing, and its own
   * credentials as a `SharedSecret` in the SeaweedFS namespace (copy it into the consumer's namespace).
   *
   * @param cluster the cluster both Blueprints are bound into
   * @param consumer the Blueprint asking, which must be installed in `cluster` and claim `bucket` in its `s3Buckets`
   * @param bucket the bucket name
   * @throws BlueprintError naming the consumer and the bucket when the consumer does not claim it or is
   *   not installed in the cluster, or as `claimedBuckets`
   */
  bucket(cluster: Cluster, consumer: Blueprint, bucket: string): S3Bucket {
    const name = consumer.metadata.name;
    const own = isS3Consumer(consumer) ? consumer.s3Buckets(cluster).map((c) => c.bucket) : [];
    if (!own.includes(bucket)) {
      const claims = own.length > 0 ? `it claims ${own.join(', ')}` : 'it claims none';
      throw new BlueprintError(`Blueprint ${name} asks SeaweedFS for the S3 bucket "${bucket}", but ${claims}; add { bucket: '${bucket}', purpose: '...' } to ${name}'s s3Buckets`);
    }
    if (!cluster.blueprints.has(name)) {
      throw new BlueprintError(`Blueprint ${name} asks SeaweedFS for the S3 bucket "${bucket}", but cluster ${cluster.cluster.name} has no Blueprint "${name}", so SeaweedFS creates neither the bucket nor its identity; install ${name} in the cluster`);
    }
    const identity = this.identities(cluster).find((i) => i.consumer === name)!;
    const credentials: SharedSecret = { namespace: this.metadata.namespace, name: identity.secret.name, keys: [...identity.secret.randomKeys].sort() };
    return {
      bucket,
      endpoint: this.s3Endpoint,
      host: this.s3Host,
      port: SEAWEEDFS_S3_PORT,
      tls: false,
      region: SEAWEEDFS_S3_REGION,
      forcePathStyle: true,
      credentials,
      accessKeyIdKey: S3_ACCESS_KEY_ID_KEY,
      secretAccessKeyKey: S3_SECRET_ACCESS_KEY_KEY,
    };
  }

  /**
   * Values of the chart `seaweedfs`: master, volume and filer servers on volumes of the cluster's
   * storage class (the chart defaults to hostPath, which Pod Security `restricted` forbids), logs in
   * `emptyDir`, every pod non-root as the image's `seaweed` user (UID/GID 1000, docker/Dockerfile.go_build)
   * with no capabilities, and the standalone S3 gateway (`s3.enabled`, not the filer-embedded one, so
   * it scales on its own) with authentication on, reading the identities config built in-cluster
   * (`s3.existingConfigSecret`, see `render`) and creating every claimed bucket. The gateway runs
   * only while a consumer claims a bucket: SeaweedFS turns authentication off when its config holds
   * no identity, so an empty config must never be served.
   *
   * Off: the chart's ClusterRole (`global.seaweedfs.createClusterRole`, a "hack" granting the
   * service account every verb on pods in all namespaces; no SeaweedFS server calls the Kubernetes
   * API, so its service account keeps no rights), and the volume resize hook (`volume.resizeHook`, a
   * kubectl Job that deletes and recreates the volume StatefulSet when `storageSize` changes; resize
   * the claims with `kubectl` instead, the Hetzner CSI driver expands Volumes online).
   */
  protected curatedValues(cluster: Cluster): Record<string, unknown> {
    const p = this.props;
    const pvc = (role: keyof typeof DEFAULT_SIZE) => ({ type: 'persistentVolumeClaim', size: p[role]?.storageSize ?? DEFAULT_SIZE[role], storageClass: p[role]?.storageClass ?? cluster.storageClass });
    const identities = this.identities(cluster);
    const digest = createHash('sha256').update(JSON.stringify(identities.map((i) => [i.consumer, i.buckets]))).digest('hex').slice(0, 16);
    const secure = {
      podSecurityContext: { enabled: true, ...restrictedPodSecurityContext({ user: SEAWEEDFS_UID }) },
      containerSecurityContext: { enabled: true, ...restrictedContainerSecurityContext({ readOnlyRootFilesystem: false }) },
    };
    return {
      global: { seaweedfs: { createClusterRole: false } },
      master: { replicas: p.master?.replicas ?? 1, data: pvc('master'), logs: { type: 'emptyDir' }, resources: resources('100m', '128Mi', '512Mi'), ...secure },
      volume: {
        replicas: p.volume?.replicas ?? 1,
        dataDirs: [{ name: 'data1', ...pvc('volume'), maxVolumes: 0 }],
        logs: { type: 'emptyDir' },
        resizeHook: { enabled: false },
        resources: resources('100m', '256Mi', '1Gi'),
        ...secure,
      },
      filer: { replicas: p.filer?.replicas ?? 1, data: pvc('filer'), logs: { type: 'emptyDir' }, resources: resources('100m', '256Mi', '1Gi'), ...secure },
      s3: {
        enabled: identities.length > 0,
        replicas: p.s3?.replicas ?? 1,
        port: SEAWEEDFS_S3_PORT,
        enableAuth: true,
        existingConfigSecret: this.identitiesSecretName,
        podAnnotations: { [S3_IDENTITIES_ANNOTATION]: digest },
        createBuckets: this.claimedBuckets(cluster).map(({ bucket }) => ({ name: bucket })),
        createBucketsHook: { resources: resources('50m', '64Mi', '256Mi') },
        logs: { type: 'emptyDir' },
        resources: resources('100m', '128Mi', '512Mi'),
        ...secure,
      },
    };
  }

  /** Name of the Secret holding the identities config the S3 gateway reads (`s3.existingConfigSecret`), e.g. `seaweedfs-s3-identities`. */
  get identitiesSecretName(): string {
    return `${this.s3ServiceName}-identities`;
  }

  /**
   * The identities config (`S3_CONFIG_KEY`) as an external-secrets template: one identity per
   * consumer, named after it, with its keys read from its Secret and `S3_BUCKET_ACTIONS` on each of
   * its buckets. Keys appear only as template references (`{{ index . "<consumer>-<key>" | toJson }}`),
   * never as values.
   */
  identitiesTemplate(cluster: Cluster): string {
    const ref = (consumer: string, key: string) => `@@${consumer}-${key}@@`;
    const config = {
      identities: this.identities(cluster).map((i) => ({
        name: i.consumer,
        credentials: [{ accessKey: ref(i.consumer, S3_ACCESS_KEY_ID_KEY), secretKey: ref(i.consumer, S3_SECRET_ACCESS_KEY_KEY) }],
        actions: i.buckets.flatMap((bucket) => S3_BUCKET_ACTIONS.map((action) => `${action}:${bucket}`)),
      })),
    };
    return JSON.stringify(config, null, 2).replace(/"@@([a-z0-9-]+-AWS_[A-Z_]+)@@"/g, (_m, name: string) => `{{ index . "${name}" | toJson }}`);
  }

  /**
   * The chart's objects, plus, when a consumer claims a bucket, what builds the identities config
   * in-cluster from the consumers' key Secrets: a ServiceAccount allowed to `get` exactly those
   * Secrets (Role with `resourceNames`), a `SecretStore` of provider `kubernetes` on the SeaweedFS
   * namespace authenticating as it, and an `ExternalSecret` writing `identitiesSecretName` from the
   * `identitiesTemplate`, read again every `SECRET_REFRESH_INTERVAL`.
   */
  protected render(scope: BlueprintConstruct, cluster: Cluster): void {
    super.render(scope, cluster);
    const identities = this.identities(cluster);
    if (identities.length === 0) return;
    const namespace = this.metadata.namespace;
    const labels = blueprintLabels(this, cluster);
    const name = this.identitiesSecretName;
    const group = new Construct(scope, 's3-identities');
    secretReaderStore(group, { account: name, grant: name, namespace, sourceNamespace: namespace, secretNames: identities.map((i) => i.secret.name), labels });
    new ApiObject(group, 'external-secret', {
      apiVersion: ESO_API,
      kind: 'ExternalSecret',
      metadata: { name, namespace, labels },
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: SECRET_REFRESH_INTERVAL,
        secretStoreRef: { kind: 'SecretStore', name },
        target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { engineVersion: 'v2', metadata: { labels }, data: { [S3_CONFIG_KEY]: this.identitiesTemplate(cluster) } } },
        data: identities.flatMap((i) =>
          [S3_ACCESS_KEY_ID_KEY, S3_SECRET_ACCESS_KEY_KEY].map((key) => ({ secretKey: `${i.consumer}-${key}`, remoteRef: { key: i.secret.name, property: key } })),
        ),
      },
    });
  }

  /**
   * The metadata's allowances, plus ingress to the S3 port from the namespace of every Blueprint of
   * the cluster that claims a bucket (read from the consumers, so a consumer that is not installed
   * opens nothing); the masters, volume and filer servers are reached from the namespace only.
   */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const consumers = [...new Set(this.identities(cluster).map((i) => cluster.blueprints.get(i.consumer)!.metadata.namespace))].sort();
    const s3 = consumers.map((ns) => allow.namespace(ns, [SEAWEEDFS_S3_PORT], `a Blueprint in namespace ${ns} keeps data in its SeaweedFS buckets through the S3 gateway (chart value s3.port)`));
    return { ingress: [...(base.ingress ?? []), ...s3], egress: base.egress };
  }

  /** Generates each consumer's S3 keys (see `identities`). */
  generatedSecrets(cluster: Cluster): GeneratedSecret[] {
    return this.identities(cluster).map((i) => i.secret);
  }
}
