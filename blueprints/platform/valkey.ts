import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import type { ValkeyConnection } from '../../lib/services';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, propsField, resources, secretOrGenerated, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { ExternalSecrets } from './external-secrets';
import { Flux } from './flux';
import { HcloudCsi } from './hcloud-csi';

/** Port Valkey listens on: chart value `service.port` (6379), also the container port `tcp`. */
export const VALKEY_PORT = 6379;

/** The ACL user consumers authenticate as: the chart requires `default` to be defined once auth is on. */
export const VALKEY_USER = 'default';

/** Key of the password in the users Secret (chart value `auth.aclUsers.default.passwordKey`). */
export const VALKEY_PASSWORD_KEY = 'password';

/** Most read replicas the props accept. */
const MAX_REPLICAS = 5;

/** Props of the Valkey Blueprint. */
export interface ValkeyProps extends BlueprintProps {
  /**
   * Read replicas beside the primary (chart `replica.enabled` / `replica.replicas`). The chart has
   * no failover: its Service always selects pod 0, the primary, so replicas add read capacity and a
   * warm copy, not write availability.
   * @default 0 (a single primary)
   */
  readonly replicas?: number;
  /** Size of each server's data volume (append-only file), a Kubernetes quantity. @default '8Gi' */
  readonly storageSize?: string;
  /** StorageClass of the data volumes. @default the cluster's storage class (`cluster.storageClass`) */
  readonly storageClass?: string;
  /**
   * Existing Secret (namespace `valkey`) with the password of the `default` user under the key
   * `password`. The Blueprint never carries the password itself.
   * @default 'valkey-users', generated in-cluster with a random password
   */
  readonly passwordSecret?: string;
}

/**
 * Valkey: the cluster's Redis-compatible key-value store (caches, queues and sessions of Harbor,
 * Langfuse and others), with ACL authentication on and its data on a volume.
 *
 * Chart choice: the reference pins Bitnami valkey 5.5.1, which was never published (bitnami/charts
 * ends at valkey 4.0.2, 2025-10-24). This installs the Valkey project's own chart
 * (`CHARTS.valkey`, valkey-io/valkey-helm, Valkey 9.0) instead of Bitnami's last one: it is
 * maintained by the Valkey project and runs the official `valkey/valkey` image, while Bitnami's
 * images are frozen under `bitnamilegacy` since Bitnami's August 2025 catalog change (no security
 * updates) and would need the legacy-images switch. The chart already runs Valkey as UID 1000 with
 * a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile, and has no
 * NetworkPolicy of its own to turn off.
 *
 * Consumers read `cluster.blueprint(Valkey).connection` (host, port, TLS, user, and the password
 * as a `SharedSecret` to copy into their namespace); none writes the host or the Secret name.
 *
 * Source: `CHARTS.valkey` (its `docs`, the chart folder of valkey-io/valkey-helm at the pinned tag);
 * reference catalog entry `valkey`, bootstrap kit slot 17.
 *
 * Dependencies: the reference's flux, the Hetzner CSI driver (its data volume) and external-secrets
 * (which generates the users Secret in-cluster).
 */
export class Valkey extends HelmBlueprint<ValkeyProps> {
  /** The props a spec may set (`spec.blueprints.props.valkey`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(0, MAX_REPLICAS).optional().describe('Read replicas beside the primary (no failover: writes go to pod 0); default 0'),
    storageSize: propsField.storageSize().optional().describe('Size of each server\'s data volume; default 8Gi'),
    storageClass: propsField.objectName().optional().describe('StorageClass of the data volumes; default: the cluster\'s'),
    passwordSecret: propsField.objectName().optional().describe('Existing Secret in namespace valkey with the default user\'s password under password; default: valkey-users, generated'),
  }) satisfies z.ZodType<ValkeyProps>;

  /** Catalog metadata: chart `valkey` (valkey-io), namespace valkey, after flux, the Hetzner CSI driver (its volume) and external-secrets (its generated password). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'valkey',
    title: 'Valkey',
    category: 'data',
    tier: 'bootstrap-kit',
    summary: 'Redis-compatible key-value store for the caches, queues and sessions of platform services.',
    pin: chartPin('valkey'),
    podSecurity: 'the chart runs Valkey as UID 1000 with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [Flux, HcloudCsi, ExternalSecrets],
    placementModes: ['single-region'],
    resources: { cpuMillis: 100, memoryMiB: 128 },
    network: {
      ingress: [allow.cluster([VALKEY_PORT], 'platform services in other namespaces (Harbor, Langfuse) connect to Valkey on 6379 (chart value service.port), authenticated by the default user\'s password')],
    },
    kitSlot: 17,
  });

  /** Name of the chart's Services and workloads (`valkey.fullname`, see `helmFullname`), e.g. `valkey`. */
  get serviceName(): string {
    return helmFullname(this.metadata.releaseName, this.metadata.chart.chart);
  }

  /** The users Secret this instance reads: the props' own, else one generated in-cluster. */
  private secret() {
    return secretOrGenerated(this.props.passwordSecret, { name: 'valkey-users', namespaces: [this.metadata.namespace], randomKeys: [VALKEY_PASSWORD_KEY] });
  }

  /** How consumers connect: the primary's Service, plain TCP inside the cluster, the `default` user and its password Secret. */
  get connection(): ValkeyConnection {
    return {
      host: `${this.serviceName}.${this.metadata.namespace}.svc.cluster.local`,
      port: VALKEY_PORT,
      tls: false,
      username: VALKEY_USER,
      password: { namespace: this.metadata.namespace, name: this.secret().name, keys: [VALKEY_PASSWORD_KEY] },
      passwordKey: VALKEY_PASSWORD_KEY,
    };
  }

  /**
   * Values of the chart `valkey`: ACL auth with the `default` user (all keys, channels and commands)
   * reading its password from the users Secret, data on a volume of the cluster's storage class that
   * survives an uninstall (`dataStorage.keepPvc`), and, with `replicas`, a StatefulSet of the primary
   * and its replicas, which replicate as `default`.
   */
  protected curatedValues(cluster: Cluster): Record<string, unknown> {
    const p = this.props;
    const replicas = p.replicas ?? 0;
    const size = p.storageSize ?? '8Gi';
    const storageClass = p.storageClass ?? cluster.storageClass;
    return {
      auth: { enabled: true, usersExistingSecret: this.secret().name, aclUsers: { [VALKEY_USER]: { permissions: '~* &* +@all', passwordKey: VALKEY_PASSWORD_KEY } } },
      dataStorage: replicas === 0 ? { enabled: true, requestedSize: size, className: storageClass, keepPvc: true } : { enabled: false },
      replica: replicas === 0 ? { enabled: false } : { enabled: true, replicas, replicationUser: VALKEY_USER, persistence: { size, storageClass } },
      resources: resources('100m', '128Mi', '512Mi'),
      initResources: resources('10m', '16Mi', '64Mi'),
    };
  }

  /** Generates the users Secret in-cluster unless the props name one of your own. */
  generatedSecrets(_cluster: Cluster): GeneratedSecret[] {
    return this.secret().generated;
  }
}
