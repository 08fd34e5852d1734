/**
 * The storage contract of the Hetzner integration (issue 9): every stateful Blueprint requests the
 * cluster's StorageClass, the one the CSI driver renders encrypted, and depends on the driver. The
 * Hetzner Blueprints' own tests are in their files (`hcloud-cloud-controller-manager.test.ts`,
 * `hcloud-csi.test.ts`, `system-upgrade-controller.test.ts`).
 */
import { Cnpg, Gitea, HcloudCsi, Keycloak, NatsJetstream, OpenBao, Spire } from '../../blueprints';
import type { Blueprint, BlueprintClass } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { renderObjects, testCluster } from '../support/render';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: Cluster = testCluster();

function values(bp: Blueprint, c: Cluster = ctx): Json {
  return renderObjects(bp, c).find((o) => o.kind === 'HelmRelease' && o.metadata.name === `bp-${bp.metadata.name}`)!.spec.values;
}

describe('stateful Blueprints', () => {
  /** Where each stateful Blueprint names its StorageClass in its values. */
  const CLASS_PATHS: Array<[BlueprintClass, string[]]> = [
    [OpenBao, ['server.dataStorage.storageClass']],
    [Gitea, ['persistence.storageClass']],
    [NatsJetstream, ['config.jetstream.fileStore.pvc.storageClassName']],
    [Spire, ['global.spire.persistence.storageClass']],
  ];
  const at = (obj: Json, path: string) => path.split('.').reduce<any>((o, k) => o?.[k], obj);

  it.each(CLASS_PATHS)('%p requests the cluster\'s StorageClass and depends on the CSI driver', (cls, paths) => {
    const bp = new cls();
    for (const path of paths) expect({ path, cls: at(values(bp), path) }).toEqual({ path, cls: 'hcloud-volumes-encrypted' });
    expect(cls.metadata.dependsOn).toContain(HcloudCsi);
  });

  it('follows ctx.storageClass, the one name the CSI driver renders its class under', () => {
    const other = testCluster({ storageClass: 'fast-encrypted' });
    for (const [cls, paths] of CLASS_PATHS) for (const path of paths) expect(at(values(new cls(), other), path)).toBe('fast-encrypted');
    expect(values(new HcloudCsi(), other).storageClasses[0].name).toBe('fast-encrypted');
  });

  it.each([Keycloak, Gitea])('%p keeps its database in a CloudNativePG cluster on the cluster\'s StorageClass, through CNPG (which depends on the CSI driver)', (cls) => {
    for (const [c, expected] of [[ctx, 'hcloud-volumes-encrypted'], [testCluster({ storageClass: 'fast-encrypted' }), 'fast-encrypted']] as const) {
      const db = renderObjects(new cls(), c).find((o) => o.kind === 'Cluster' && o.apiVersion === 'postgresql.cnpg.io/v1')!;
      expect(db.spec.storage.storageClass).toBe(expected);
    }
    expect(Cnpg.metadata.dependsOn).toContain(HcloudCsi);
  });
});
