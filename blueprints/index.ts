/**
 * The built-in Blueprints: every class, their registry, the bootstrap kit and the catalog built from
 * them.
 */
import type { BlueprintClass } from '../lib/blueprint';
import { Catalog } from '../lib/catalog';
import * as platform from './platform';

export * from './platform';

/** Every built-in Blueprint class, in bootstrap-kit slot order (the reference kit's slots 1-12 and 14-35), then the Hetzner integration and upgrades, then the mandatory ones outside the kit. */
export const BUILTIN_BLUEPRINTS: readonly BlueprintClass[] = [
  platform.Cilium,
  platform.CertManager,
  platform.Flux,
  platform.Crossplane,
  platform.SealedSecrets,
  platform.Spire,
  platform.NatsJetstream,
  platform.OpenBao,
  platform.Keycloak,
  platform.Gitea,
  platform.PowerDns,
  platform.ExternalDns,
  platform.ExternalSecrets,
  platform.Cnpg,
  platform.Valkey,
  platform.SeaweedFs,
  platform.Harbor,
  platform.OpenTelemetry,
  platform.Alloy,
  platform.Loki,
  platform.Mimir,
  platform.Tempo,
  platform.Grafana,
  platform.Langfuse,
  platform.Kyverno,
  platform.Reloader,
  platform.Vpa,
  platform.Trivy,
  platform.Falco,
  platform.Sigstore,
  platform.SyftGrype,
  platform.Velero,
  platform.Coraza,
  platform.HcloudCloudControllerManager,
  platform.HcloudCsi,
  platform.SystemUpgradeController,
  platform.Keda,
  platform.CertManagerDynadotWebhook,
];

/**
 * The bootstrap kit: the Blueprints a Sovereign installs when its spec lists none — every built-in of
 * tier `bootstrap-kit`, in `BUILTIN_BLUEPRINTS` order (the reference kit's slots 1-12, then what
 * running on Hetzner needs). Install order comes from the dependency graph, not from this list.
 */
export const BOOTSTRAP_KIT: readonly string[] = BUILTIN_BLUEPRINTS.filter((cls) => cls.metadata.tier === 'bootstrap-kit').map((cls) => cls.metadata.name);

/**
 * The catalog of the built-in Blueprints.
 *
 * @throws CatalogError if the built-in classes are inconsistent (a bug, caught by the tests)
 */
export function builtinCatalog(): Catalog {
  return new Catalog(BUILTIN_BLUEPRINTS);
}
