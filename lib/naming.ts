/**
 * Naming rules, from the OpenOva naming facts (`shared/catalog/sovereign-inputs.json`, `naming`):
 * clusters are `{prov}-{reg}-{bb}-{env_type}` (e.g. `hz-fsn-rtz-prod`), Blueprints are `bp-<name>`,
 * and resources carry the `catalyst.openova.io/*` labels.
 */
import { LOCATIONS, type HetznerLocation, type LocationName } from './hetzner';

/** Provider code of Hetzner in cluster names. */
export const PROVIDER_CODE = 'hz';

/** Label keys put on every Hetzner resource and Kubernetes object catalyst-cdk creates. */
export const LABELS = {
  /** Value: the Sovereign FQDN (as the reference code does). */
  sovereign: 'catalyst.openova.io/sovereign',
  /** Value: the cluster name, e.g. `hz-fsn-rtz-prod`. */
  cluster: 'catalyst.openova.io/cluster',
  /** Value: `control-plane` or `worker` (servers and k3s node labels). */
  role: 'catalyst.openova.io/role',
  /** Value: the node pool name (worker servers and nodes). */
  pool: 'catalyst.openova.io/pool',
  /** Value: the Blueprint name (objects a Blueprint renders). */
  blueprint: 'catalyst.openova.io/blueprint',
  /** Value: `catalyst-cdk`. */
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Value of `app.kubernetes.io/managed-by` / `managed-by` labels. */
export const MANAGED_BY = 'catalyst-cdk';

/**
 * Cluster name of a region: `{prov}-{reg}-{bb}-{env_type}`, e.g. `hz-fsn-rtz-prod`.
 *
 * @throws Error for a location that is not in `LOCATIONS` (the spec validation rejects those first).
 */
export function clusterName(location: string, buildingBlock: string, envType: string): string {
  const loc: HetznerLocation | undefined = LOCATIONS[location as LocationName];
  if (!loc) throw new Error(`unknown Hetzner location ${location}`);
  return `${PROVIDER_CODE}-${loc.regionCode}-${buildingBlock}-${envType}`;
}

/**
 * Prefix of every Hetzner resource name of a cluster: `<sovereign>-<cluster>`, e.g.
 * `omantel-hz-fsn-mgt-prod`. The Sovereign name keeps two Sovereigns apart in one Hetzner project.
 */
export function resourcePrefix(sovereignName: string, cluster: string): string {
  return `${sovereignName}-${cluster}`;
}

/** Name of a control plane server, 1-based: `<prefix>-cp-1`. */
export function controlPlaneServerName(prefix: string, index: number): string {
  return `${prefix}-cp-${index}`;
}

/** Name of a worker server, 1-based: `<prefix>-<pool>-1`. */
export function workerServerName(prefix: string, pool: string, index: number): string {
  return `${prefix}-${pool}-${index}`;
}

/** Name of the cdktf stack (and `cdktf.out/stacks/<name>` folder) of a cluster: `<sovereign>-<cluster>`. */
export function stackName(sovereignName: string, cluster: string): string {
  return `${sovereignName}-${cluster}`;
}

/** Flux object name of a Blueprint: `bp-<name>`. */
export function blueprintObjectName(name: string): string {
  return `bp-${name}`;
}

/** Hetzner server names are hostnames: at most 63 characters. */
export const SERVER_NAME_MAX = 63;
