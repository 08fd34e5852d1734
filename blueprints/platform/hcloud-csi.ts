import type { BlueprintProps, GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { METADATA_SERVICE_ACCESS } from '../../lib/hetzner';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint, type HelmBlueprintMetadata } from '../helm';
import { HcloudCloudControllerManager } from './hcloud-cloud-controller-manager';

/** Secret key the CSI driver reads the LUKS passphrase from (`docs/kubernetes/guides/volumes-encrypted-with-luks.md` of hetznercloud/csi-driver at the pinned chart's release tag). */
export const LUKS_PASSPHRASE_KEY = 'encryption-passphrase';

/** Name of the generated Secret holding the LUKS passphrase of the default StorageClass. */
export const LUKS_SECRET = 'hcloud-csi-encryption';

/** Props of the Hetzner CSI driver Blueprint. */
export interface HcloudCsiProps extends BlueprintProps {
  /**
   * What happens to a Hetzner Volume when its PersistentVolumeClaim is deleted: `Retain` keeps the
   * volume (and its data) until you delete it in Hetzner, `Delete` deletes it with the claim. A
   * StorageClass cannot change its policy later (Kubernetes refuses the update), so choose before the
   * first install.
   * @default 'Retain': deleting a claim, or pruning a Blueprint, never deletes data
   */
  readonly reclaimPolicy?: 'Retain' | 'Delete';
  /**
   * Existing Secret in `kube-system` holding the LUKS passphrase under the key `encryption-passphrase`.
   * Volumes are unreadable without it: back it up with the cluster's other keys.
   * @default 'hcloud-csi-encryption', generated at bootstrap (32 random characters)
   */
  readonly encryptionSecret?: string;
}

/**
 * The Hetzner Cloud CSI driver: Hetzner Volumes (network block storage that outlives any server and
 * moves with its pod) as PersistentVolumes, and the cluster's default StorageClass, LUKS-encrypted.
 *
 * The chart renders one StorageClass, named `ctx.storageClass` (`hcloud-volumes-encrypted`) and marked
 * as the cluster default, so every claim without a class, and every stateful Blueprint (they request
 * `ctx.storageClass` explicitly), gets an encrypted Hetzner Volume. Its parameters reference the
 * passphrase Secret (`csi.storage.k8s.io/node-publish-secret-*`): the node plugin formats each new
 * volume with LUKS and opens it with that passphrase on every mount (the driver image ships
 * cryptsetup). The Secret is generated on the first control plane server at bootstrap (32 random
 * characters from `/dev/urandom`, never in Git, Terraform or user_data), and an existing one is never
 * replaced: a new passphrase would make every volume unreadable. It lives in etcd (k3s encrypts
 * Secrets at rest) and in etcd snapshots; keep a copy where you keep OpenBao's unseal keys.
 * `reclaimPolicy` defaults to `Retain`, so no claim deletion destroys data. k3s's `local-path` class
 * stays, not default, for caches.
 *
 * Metadata service: the node plugin asks Hetzner's metadata service for its server ID and location at
 * start (`cmd/main.go` at the pinned release: `InstanceIDWithContext`, and `GetServerLocation` without
 * `HCLOUD_VOLUME_DEFAULT_LOCATION`) and fails without them, so its pods carry the exemption label of
 * the Cilium Blueprint's cluster-wide block (`METADATA_SERVICE_ACCESS`, honoured in `kube-system`
 * only; `node.podLabels`). The controller gets
 * the location from `controller.hcloudVolumeDefaultLocation` (the cluster's) and finds servers through
 * the API, so it never needs the metadata service and stays blocked.
 *
 * Namespace `kube-system`, as upstream installs it: the controller reads the API token from the
 * in-cluster Hetzner Secret (`ctx.hcloudSecret`), which the bootstrap creates there. The node plugin
 * runs privileged (it formats and mounts block devices), so its namespace must allow privileged pods;
 * `kube-system` carries no Pod Security labels and is not policed by any Blueprint (see
 * `BlueprintMetadata.networkPolicies`). Its traffic: the Hetzner API over HTTPS (controller), the
 * Kubernetes API, and the metadata service (node plugin). The controller runs one replica without its
 * PodDisruptionBudget: a budget of one available pod with one replica would block every node drain,
 * including the system-upgrade-controller's.
 *
 * Depends on the CCM: the controller tolerates no taint, so it schedules only once the CCM has
 * initialized a node, and volumes attach to servers the CCM has matched with nodes.
 *
 * Source: chart `hcloud-csi` (`CHARTS['hcloud-csi']`) from https://charts.hetzner.cloud
 * (its `docs`; values, schema and templates at the release tag of the chart's version,
 * `shared/charts/hcloud-csi`). Not in the reference kit.
 */
export class HcloudCsi extends HelmBlueprint<HcloudCsiProps> {
  /** Catalog metadata: the pinned chart `hcloud-csi` (charts.hetzner.cloud), namespace kube-system (not owned), bootstrap kit, depends on the Hetzner CCM. */
  static readonly metadata: HelmBlueprintMetadata = {
    name: 'hcloud-csi',
    title: 'Hetzner Cloud CSI driver',
    category: 'storage',
    tier: 'bootstrap-kit',
    summary: 'Hetzner Volumes as PersistentVolumes, with the encrypted default StorageClass.',
    chart: chartPin('hcloud-csi'),
    namespace: 'kube-system',
    ownsNamespace: false,
    podSecurity: { level: 'privileged', reason: 'the node plugin container runs privileged with the host /dev and the kubelet directory mounted (bidirectional mount propagation) to format, encrypt and mount volumes' },
    releaseName: 'hcloud-csi',
    dependsOn: [HcloudCloudControllerManager],
    installsCrds: false,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 160 },
    sources: [CHARTS['hcloud-csi'].docs, `https://github.com/hetznercloud/csi-driver/blob/v${CHARTS['hcloud-csi'].version}/docs/kubernetes/guides/volumes-encrypted-with-luks.md`],
  };

  /** Name of the passphrase Secret this instance uses. */
  encryptionSecret(): string {
    return this.props.encryptionSecret ?? LUKS_SECRET;
  }

  /**
   * Values of the pinned chart `hcloud-csi` from the props and context: token from the in-cluster Hetzner Secret, the cluster's location as default volume location, the encrypted default StorageClass `ctx.storageClass`, the metadata service exemption label on the node plugin's pods, requests for every container, one controller without PodDisruptionBudget, metrics off.
   * @throws Error when the Blueprint's namespace is not the one where the metadata service exemption counts (`METADATA_SERVICE_ACCESS.namespace`), or is not the in-cluster Hetzner Secret's
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const namespace = this.metadata.namespace;
    if (namespace !== METADATA_SERVICE_ACCESS.namespace || namespace !== ctx.hcloudSecret.namespace) {
      throw new Error(`Blueprint ${this.metadata.name}: namespace ${namespace} must be ${METADATA_SERVICE_ACCESS.namespace}, where the node plugin's metadata service exemption counts and the Hetzner token Secret ${ctx.hcloudSecret.namespace}/${ctx.hcloudSecret.name} lives`);
    }
    const sidecar = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } };
    const driver = { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '128Mi' } };
    return {
      controller: {
        replicaCount: 1,
        hcloudToken: { existingSecret: { name: ctx.hcloudSecret.name, key: ctx.hcloudSecret.tokenKey } },
        hcloudVolumeDefaultLocation: ctx.cluster.location,
        podDisruptionBudget: { create: false },
        resources: { csiAttacher: sidecar, csiResizer: sidecar, csiProvisioner: sidecar, livenessProbe: sidecar, hcloudCSIDriver: driver },
      },
      node: {
        resources: { csiNodeDriverRegistrar: sidecar, livenessProbe: sidecar, hcloudCSIDriver: driver },
        podLabels: { [METADATA_SERVICE_ACCESS.label]: METADATA_SERVICE_ACCESS.value },
      },
      metrics: { enabled: false },
      storageClasses: [
        {
          name: ctx.storageClass,
          defaultStorageClass: true,
          reclaimPolicy: this.props.reclaimPolicy ?? 'Retain',
          extraParameters: {
            'csi.storage.k8s.io/node-publish-secret-name': this.encryptionSecret(),
            'csi.storage.k8s.io/node-publish-secret-namespace': this.metadata.namespace,
          },
        },
      ],
    };
  }

  /** Generates the LUKS passphrase Secret at bootstrap unless the props name a Secret of your own. */
  generatedSecrets(_ctx: Cluster): GeneratedSecret[] {
    if (this.props.encryptionSecret) return [];
    return [{ name: LUKS_SECRET, namespaces: [this.metadata.namespace], randomKeys: [LUKS_PASSPHRASE_KEY] }];
  }
}
