/**
 * The built-in Blueprints: every class, their registry, the bootstrap kit and the catalog built from
 * them.
 */
import type { BlueprintClass } from '../lib/blueprint';
import { Catalog } from '../lib/catalog';
import { CertManager } from './platform/cert-manager';
import { Cilium } from './platform/cilium';
import { Crossplane } from './platform/crossplane';
import { ExternalDns } from './platform/external-dns';
import { Flux } from './platform/flux';
import { Gitea } from './platform/gitea';
import { HcloudCloudControllerManager } from './platform/hcloud-cloud-controller-manager';
import { HcloudCsi } from './platform/hcloud-csi';
import { Keycloak } from './platform/keycloak';
import { NatsJetstream } from './platform/nats-jetstream';
import { OpenBao } from './platform/openbao';
import { PowerDns } from './platform/powerdns';
import { SealedSecrets } from './platform/sealed-secrets';
import { Spire } from './platform/spire';
import { SystemUpgradeController } from './platform/system-upgrade-controller';

export { Cilium, type CiliumProps } from './platform/cilium';
export { CertManager, DEFAULT_CLUSTER_ISSUER, LETSENCRYPT_PRODUCTION, type CertManagerProps } from './platform/cert-manager';
export { Flux, type FluxProps } from './platform/flux';
export { Crossplane, type CrossplaneProps } from './platform/crossplane';
export { SealedSecrets, type SealedSecretsProps } from './platform/sealed-secrets';
export { Spire, type SpireProps } from './platform/spire';
export { NatsJetstream, type NatsJetstreamProps } from './platform/nats-jetstream';
export { OpenBao, type OpenBaoProps } from './platform/openbao';
export { Keycloak, type KeycloakProps } from './platform/keycloak';
export { Gitea, type GiteaOidc, type GiteaProps } from './platform/gitea';
export { PowerDns, POWERDNS_API_KEY_SECRET, POWERDNS_API_PORT, type PowerDnsProps, type SecretKeyRef } from './platform/powerdns';
export { ExternalDns, type ExternalDnsProps } from './platform/external-dns';
export { HcloudCloudControllerManager, HCLOUD_CCM_DEPLOYMENT, type HcloudCloudControllerManagerProps } from './platform/hcloud-cloud-controller-manager';
export { HcloudCsi, LUKS_PASSPHRASE_KEY, LUKS_SECRET, type HcloudCsiProps } from './platform/hcloud-csi';
export { SystemUpgradeController, AGENT_PLAN, CONTROL_PLANE_LABEL, PLAN_API_VERSION, SERVER_PLAN, type SystemUpgradeControllerProps } from './platform/system-upgrade-controller';

/** Every built-in Blueprint class, in bootstrap-kit slot order (the reference kit's slots 1-12, then the Hetzner integration and upgrades). */
export const BUILTIN_BLUEPRINTS: readonly BlueprintClass[] = [
  Cilium,
  CertManager,
  Flux,
  Crossplane,
  SealedSecrets,
  Spire,
  NatsJetstream,
  OpenBao,
  Keycloak,
  Gitea,
  PowerDns,
  ExternalDns,
  HcloudCloudControllerManager,
  HcloudCsi,
  SystemUpgradeController,
];

/**
 * The bootstrap kit: the Blueprints a Sovereign installs when its spec lists none, in the reference
 * kit's slot order (slots 1-12), then what running on Hetzner needs: the cloud controller manager,
 * the CSI driver with the encrypted default StorageClass, and the system-upgrade-controller with the
 * k3s upgrade Plans. Install order comes from the dependency graph, not from this list.
 */
export const BOOTSTRAP_KIT: readonly string[] = [
  'cilium',
  'cert-manager',
  'flux',
  'crossplane',
  'sealed-secrets',
  'spire',
  'nats-jetstream',
  'openbao',
  'keycloak',
  'gitea',
  'powerdns',
  'external-dns',
  'hcloud-cloud-controller-manager',
  'hcloud-csi',
  'system-upgrade-controller',
];

/**
 * The catalog of the built-in Blueprints.
 *
 * @throws CatalogError if the built-in classes are inconsistent (a bug, caught by the tests)
 */
export function builtinCatalog(): Catalog {
  return new Catalog(BUILTIN_BLUEPRINTS);
}
