import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { S3BucketClaim, S3Consumer } from '../../lib/services';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, componentMetadata, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { blueprintLabels } from '../namespace';
import { copySecret } from '../secrets';
import { ExternalSecrets } from './external-secrets';
import { SEAWEEDFS_S3_PORT, SeaweedFs } from './seaweedfs';

/** API version of Velero's kinds (the CRDs in the pinned chart's `crds/`). */
const VELERO_API = 'velero.io/v1';

/** The bucket Velero keeps its backups in (`S3Consumer` convention `<blueprint>-<purpose>`). */
export const VELERO_BUCKET = 'velero-backups';

/** Name of the BackupStorageLocation every Schedule writes to; Velero's default location name. */
export const VELERO_STORAGE_LOCATION = 'default';

/** Name of the copy of Velero's S3 keys in its namespace, loaded into the server's environment (chart value `credentials.extraSecretRef`). */
export const VELERO_S3_SECRET = 'velero-s3-credentials';

/** UID and GID the Velero pod runs as: the plugin image's `USER 65532:65532`; the Velero image runs as any non-root user. */
const VELERO_UID = 65532;

/** A Go duration of hours, minutes and seconds as Velero's TTL takes it, e.g. `720h` or `72h30m`. */
const GO_DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;

/** A cron expression of five fields (minute hour day-of-month month day-of-week), as Velero's Schedule takes it. */
const CRON = /^(\S+\s+){4}\S+$/;

/** One backup schedule: a Velero `Schedule` whose Backups keep the cluster's objects for `ttl`. */
export interface VeleroSchedule {
  /** Name of the Schedule (and prefix of its Backups), a Kubernetes object name. */
  readonly name: string;
  /** When to back up: a five-field cron expression in UTC, e.g. `0 3 * * *`. */
  readonly cron: string;
  /** How long each Backup is kept, a Go duration of hours/minutes/seconds. @default the props' `ttl` */
  readonly ttl?: string;
  /** Namespaces to back up; `*` for all. @default ['*'] */
  readonly includedNamespaces?: readonly string[];
  /** Namespaces to leave out. @default none */
  readonly excludedNamespaces?: readonly string[];
}

/** Props of the Velero Blueprint. */
export interface VeleroProps extends BlueprintProps {
  /** Backup schedules. @default one schedule `daily` at 03:00 UTC of every namespace */
  readonly schedules?: readonly VeleroSchedule[];
  /** How long Backups are kept unless a schedule says otherwise, a Go duration. @default '720h' (30 days) */
  readonly ttl?: string;
}

/** The default schedule: every namespace, daily at 03:00 UTC. */
const DAILY: VeleroSchedule = { name: 'daily', cron: '0 3 * * *' };

/**
 * Velero: backups of the cluster's Kubernetes objects to the cluster's S3 endpoint (SeaweedFS), on
 * schedules, restorable into this or a new cluster.
 *
 * Installs the chart with the AWS object-store plugin (`IMAGES.veleroPluginForAws`, copied into the
 * server by an init container; plugin 1.14 is the one for Velero 1.18 per the plugin's compatibility
 * table). Velero is an `S3Consumer`: it claims the bucket `velero-backups` and reads it with
 * `cluster.blueprint(SeaweedFs).bucket(...)`; its keys are copied into its namespace with
 * `copySecret` and loaded into the server's environment (`credentials.extraSecretRef`, the AWS SDK's
 * default credential chain), so no credentials file and no literal key exist. The
 * `BackupStorageLocation` and the `Schedule`s are in the `-config` folder (Velero's own CRDs), not in
 * chart values.
 *
 * Volume data is not backed up, on purpose: the Hetzner CSI driver has no VolumeSnapshot support,
 * so `snapshotsEnabled` is off; and file-system backups need the node agent, a DaemonSet that mounts
 * `/var/lib/kubelet/pods` from the host as root, which would make the namespace `privileged`. The
 * data that matters has its own path: PostgreSQL backs up through CloudNativePG to S3, and object
 * data already lives in SeaweedFS. What Velero keeps are the objects only the cluster holds
 * (Secrets generated in-cluster, custom resources' status, PersistentVolumeClaims).
 *
 * The chart's CRD upgrade Job (`upgradeCRDs`, a kubectl image) is off: the HelmRelease installs and
 * replaces the CRDs itself (`crds: CreateReplace`).
 *
 * Source: `CHARTS.velero` (chart folder charts/velero of vmware-tanzu/helm-charts at the pinned tag),
 * https://github.com/vmware-tanzu/velero-plugin-for-aws/blob/main/backupstoragelocation.md;
 * reference catalog entry `velero`, bootstrap kit slot 34.
 *
 * Dependencies: the reference's seaweedfs, and external-secrets (the copy of its keys).
 */
export class Velero extends HelmBlueprint<VeleroProps> implements S3Consumer {
  /** The props a spec may set (`spec.blueprints.props.velero`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    schedules: z
      .array(
        z.strictObject({
          name: z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a lowercase name of letters, digits and inner "-", e.g. daily' }).describe('Name of the Schedule'),
          cron: z.string().regex(CRON, { error: 'must be a cron expression of five fields, e.g. 0 3 * * *' }).describe('When to back up, five-field cron in UTC'),
          ttl: z.string().regex(GO_DURATION, { error: 'must be a Go duration of hours, minutes and seconds, e.g. 720h' }).optional().describe('How long each Backup is kept; default: the props ttl'),
          includedNamespaces: z.array(z.string().min(1)).min(1).optional().describe('Namespaces to back up, * for all; default *'),
          excludedNamespaces: z.array(z.string().min(1)).optional().describe('Namespaces to leave out; default none'),
        }),
      )
      .refine((list) => new Set(list.map((s) => s.name)).size === list.length, { error: 'must not name two schedules alike' })
      .optional()
      .describe('Backup schedules; default: daily at 03:00 UTC, every namespace'),
    ttl: z.string().regex(GO_DURATION, { error: 'must be a Go duration of hours, minutes and seconds, e.g. 720h' }).optional().describe('How long Backups are kept unless a schedule says otherwise; default 720h'),
  }) satisfies z.ZodType<VeleroProps>;

  /** Catalog metadata: chart `velero`, namespace velero, after SeaweedFS (its bucket) and external-secrets (the copy of its keys). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'velero',
    title: 'Velero',
    category: 'storage',
    tier: 'bootstrap-kit',
    summary: 'Scheduled backups of the cluster\'s Kubernetes objects to the cluster\'s S3 endpoint.',
    pin: chartPin('velero'),
    podSecurity: 'the curated values run the Velero server and its plugin init container as UID 65532 with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile; the node agent (root, host paths) is off',
    dependsOn: [SeaweedFs, ExternalSecrets],
    installsCrds: true,
    placementModes: ['single-region'],
    resources: { cpuMillis: 110, memoryMiB: 160 },
    network: {
      egress: [allow.apiserver('Velero reads every object it backs up and creates them on restore, and watches its own Backup, Schedule and BackupStorageLocation objects')],
    },
    kitSlot: 34,
  });

  /** Claims the bucket `velero-backups` for its backups. */
  s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
    return [{ bucket: VELERO_BUCKET, purpose: 'Velero backups of the cluster\'s Kubernetes objects' }];
  }

  /** The schedules of this instance, with their TTL and namespaces filled in. */
  schedules(): Array<Required<VeleroSchedule>> {
    const ttl = this.props.ttl ?? '720h';
    return (this.props.schedules ?? [DAILY]).map((s) => ({ name: s.name, cron: s.cron, ttl: s.ttl ?? ttl, includedNamespaces: s.includedNamespaces ?? ['*'], excludedNamespaces: s.excludedNamespaces ?? [] }));
  }

  /**
   * Values of the chart `velero`: the AWS plugin as an init container, credentials from the copied
   * Secret in the environment, no storage or snapshot locations and no schedules from values (they
   * are objects of the `-config` folder), snapshots, node agent and CRD upgrade Job off, restricted
   * security contexts.
   */
  protected curatedValues(_cluster: Cluster): Record<string, unknown> {
    const plugin = IMAGES.veleroPluginForAws;
    return {
      initContainers: [
        {
          name: 'velero-plugin-for-aws',
          image: `${plugin.repository}:${plugin.tag}`,
          imagePullPolicy: 'IfNotPresent',
          volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
          securityContext: restrictedContainerSecurityContext(),
          resources: resources('10m', '32Mi', '128Mi'),
        },
      ],
      podSecurityContext: restrictedPodSecurityContext({ user: VELERO_UID }),
      containerSecurityContext: restrictedContainerSecurityContext(),
      resources: resources('100m', '128Mi', '1Gi'),
      upgradeCRDs: false,
      configuration: { backupStorageLocation: [], volumeSnapshotLocation: [] },
      credentials: { useSecret: false, extraSecretRef: VELERO_S3_SECRET },
      snapshotsEnabled: false,
      deployNodeAgent: false,
      schedules: {},
    };
  }

  /** The metadata's allowances, plus egress to the S3 port in SeaweedFS' namespace (read from the SeaweedFS Blueprint). */
  networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const namespace = cluster.blueprint(SeaweedFs).metadata.namespace;
    const s3 = allow.namespace(namespace, [SEAWEEDFS_S3_PORT], 'Velero writes and reads its backups in the bucket velero-backups through the SeaweedFS S3 gateway');
    return { ingress: base.ingress, egress: [...(base.egress ?? []), s3] };
  }

  /** The chart's objects, plus the copy of Velero's S3 keys from SeaweedFS' namespace (`copySecret`). */
  protected render(scope: BlueprintConstruct, cluster: Cluster): void {
    super.render(scope, cluster);
    const bucket = cluster.blueprint(SeaweedFs).bucket(cluster, this, VELERO_BUCKET);
    copySecret(scope, cluster, bucket.credentials, { name: VELERO_S3_SECRET });
  }

  /**
   * The `BackupStorageLocation` `default` on Velero's bucket (the S3 endpoint, region and path-style
   * addressing from SeaweedFS) and one `Schedule` per schedule, writing there without volume snapshots.
   */
  protected renderConfig(scope: Construct, cluster: Cluster): void {
    const bucket = cluster.blueprint(SeaweedFs).bucket(cluster, this, VELERO_BUCKET);
    const namespace = this.metadata.namespace;
    const labels = blueprintLabels(this, cluster);
    new ApiObject(scope, 'storage-location', {
      apiVersion: VELERO_API,
      kind: 'BackupStorageLocation',
      metadata: { name: VELERO_STORAGE_LOCATION, namespace, labels },
      spec: {
        provider: 'velero.io/aws',
        default: true,
        accessMode: 'ReadWrite',
        objectStorage: { bucket: bucket.bucket },
        config: { region: bucket.region, s3ForcePathStyle: String(bucket.forcePathStyle), s3Url: bucket.endpoint },
      },
    });
    for (const s of this.schedules()) {
      new ApiObject(scope, `schedule-${s.name}`, {
        apiVersion: VELERO_API,
        kind: 'Schedule',
        metadata: { name: s.name, namespace, labels },
        spec: {
          schedule: s.cron,
          useOwnerReferencesInBackup: false,
          template: {
            includedNamespaces: [...s.includedNamespaces],
            ...(s.excludedNamespaces.length > 0 ? { excludedNamespaces: [...s.excludedNamespaces] } : {}),
            ttl: s.ttl,
            storageLocation: VELERO_STORAGE_LOCATION,
            snapshotVolumes: false,
          },
        },
      });
    }
  }
}
