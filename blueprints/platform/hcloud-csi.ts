import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, GeneratedSecret } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { METADATA_SERVICE_ACCESS } from '../../lib/hetzner';
import { CHARTS } from '../../lib/versions';
import { componentMetadata, propsField, resources, secretOrGenerated } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
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
 * The chart renders one StorageClass, named `cluster.storageClass` and marked as the default, so
 * every claim without a class, and every stateful Blueprint (they request it explicitly), gets an
 * encrypted Volume: the node plugin formats each new volume with LUKS and opens it on every mount
 * with the passphrase Secret the class references (`csi.storage.k8s.io/node-publish-secret-*`).
 * That Secret is generated at bootstrap on the first control plane server (32 random characters,
 * never in Git, Terraform or user_data) and never replaced, since a new passphrase would make every
 * volume unreadable; it lives in etcd (encrypted at rest) and its snapshots, so keep a copy where
 * you keep OpenBao's unseal keys. `reclaimPolicy` defaults to `Retain`: no claim deletion destroys
 * data. k3s's `local-path` class stays, not default, for caches.
 *
 * Metadata service: the node plugin asks it for its server ID and location at start (`cmd/main.go`
 * at the pinned release) and fails without them, so its pods carry the exemption label of the Cilium
 * Blueprint's cluster-wide block (`METADATA_SERVICE_ACCESS`, honoured in `kube-system` only). The
 * controller gets the location from `controller.hcloudVolumeDefaultLocation` and finds servers
 * through the API, so it stays blocked.
 *
 * Namespace `kube-system`, as upstream installs it: the controller reads the API token from the
 * in-cluster Hetzner Secret (`cluster.hcloudSecret`) there, and the privileged node plugin needs a
 * namespace without Pod Security labels that no Blueprint polices. One controller replica runs
 * without its PodDisruptionBudget, which would block every node drain (the system-upgrade-controller's
 * too). Depends on the CCM: the controller tolerates no taint, and volumes attach to servers the CCM
 * has matched with nodes.
 *
 * Source: chart `hcloud-csi` (`CHARTS['hcloud-csi']`, https://charts.hetzner.cloud; values, schema
 * and templates at the chart version's release tag, `shared/charts/hcloud-csi`). Not in the reference kit.
 */
export class HcloudCsi extends HelmBlueprint<HcloudCsiProps> {
  /** The props a spec may set (`spec.blueprints.props.hcloud-csi`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    reclaimPolicy: z.literal(['Retain', 'Delete'], { error: 'must be Retain or Delete' }).optional().describe('What happens to a Hetzner Volume when its claim is deleted; fixed at the first install (default Retain)'),
    encryptionSecret: propsField.objectName().optional().describe('Existing Secret in kube-system with the LUKS passphrase under encryption-passphrase (default: generated hcloud-csi-encryption)'),
  }) satisfies z.ZodType<HcloudCsiProps>;

  /** Catalog metadata: namespace kube-system (not owned), bootstrap kit, depends on the Hetzner CCM. */
  static readonly metadata: BlueprintMetadata = {
    ...componentMetadata({
      name: 'hcloud-csi',
      title: 'Hetzner Cloud CSI driver',
      category: 'storage',
      tier: 'bootstrap-kit',
      summary: 'Hetzner Volumes as PersistentVolumes, with the encrypted default StorageClass.',
      pin: CHARTS['hcloud-csi'],
      namespace: 'kube-system',
      ownsNamespace: false,
      podSecurity: { level: 'privileged', reason: 'the node plugin container runs privileged with the host /dev and the kubelet directory mounted (bidirectional mount propagation) to format, encrypt and mount volumes' },
      dependsOn: [HcloudCloudControllerManager],
      placementModes: ['active-active', 'single-region'],
      resources: { cpuMillis: 100, memoryMiB: 160 },
    }),
    // not in the reference catalog: the pin's docs and the LUKS guide at the release tag
    sources: [CHARTS['hcloud-csi'].docs, `https://github.com/hetznercloud/csi-driver/blob/v${CHARTS['hcloud-csi'].version}/docs/kubernetes/guides/volumes-encrypted-with-luks.md`],
  };

  /** The passphrase Secret this instance reads (`props.encryptionSecret`, else `LUKS_SECRET`), and the one to generate at bootstrap, if any. */
  private passphrase(): { readonly name: string; readonly generated: GeneratedSecret[] } {
    return secretOrGenerated(this.props.encryptionSecret, { name: LUKS_SECRET, namespaces: [this.metadata.namespace], randomKeys: [LUKS_PASSPHRASE_KEY] });
  }

  /** Name of the passphrase Secret this instance uses. */
  encryptionSecret(): string {
    return this.passphrase().name;
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
    const sidecar = resources('10m', '16Mi', '64Mi');
    const driver = resources('20m', '32Mi', '128Mi');
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

  /**
   * Generates the LUKS passphrase Secret at bootstrap (cloud-init) unless the props name a Secret of your
   * own: not in the cluster, since the in-cluster generator (external-secrets) depends on OpenBao, whose
   * Raft volumes need this driver and so this passphrase, a cycle.
   */
  override bootstrapSecrets(_ctx: Cluster): GeneratedSecret[] {
    return this.passphrase().generated;
  }
}
