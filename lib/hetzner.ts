/**
 * Hetzner Cloud facts the spec is validated against: locations, network zones, server types, load
 * balancer types. Source: Hetzner Cloud docs (https://docs.hetzner.com/cloud/general/locations/,
 * https://docs.hetzner.com/cloud/servers/overview/, https://docs.hetzner.com/cloud/load-balancers/overview/).
 */

/** A Hetzner Cloud location. */
export interface HetznerLocation {
  /** Location name as the API knows it, e.g. `fsn1`. */
  readonly name: string;
  /** Three-letter region code used in cluster names (`{prov}-{reg}-{bb}-{env_type}`), e.g. `fsn`. */
  readonly regionCode: string;
  /** Network zone a subnet in this location must use. */
  readonly networkZone: 'eu-central' | 'us-east' | 'us-west' | 'ap-southeast';
  /** City, for messages. */
  readonly city: string;
}

/** All locations a Sovereign can be placed in, keyed by name. */
export const LOCATIONS: Readonly<Record<string, HetznerLocation>> = {
  fsn1: { name: 'fsn1', regionCode: 'fsn', networkZone: 'eu-central', city: 'Falkenstein' },
  nbg1: { name: 'nbg1', regionCode: 'nbg', networkZone: 'eu-central', city: 'Nuremberg' },
  hel1: { name: 'hel1', regionCode: 'hel', networkZone: 'eu-central', city: 'Helsinki' },
  ash: { name: 'ash', regionCode: 'ash', networkZone: 'us-east', city: 'Ashburn, VA' },
  hil: { name: 'hil', regionCode: 'hil', networkZone: 'us-west', city: 'Hillsboro, OR' },
  sin: { name: 'sin', regionCode: 'sin', networkZone: 'ap-southeast', city: 'Singapore' },
};

/** Names of all supported locations, sorted. */
export const LOCATION_NAMES: readonly string[] = Object.keys(LOCATIONS).sort();

const EU = ['fsn1', 'nbg1', 'hel1'] as const;
const ALL = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin'] as const;

/** A Hetzner Cloud server type. */
export interface ServerType {
  /** Type name as the API knows it, e.g. `cx42`. */
  readonly name: string;
  /** CPU architecture: `x86` (Intel/AMD) or `arm` (Ampere). */
  readonly architecture: 'x86' | 'arm';
  /** Virtual CPUs. */
  readonly vcpu: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** `shared` or `dedicated` vCPUs. */
  readonly cpuType: 'shared' | 'dedicated';
  /** Locations that offer this type. */
  readonly locations: readonly string[];
}

function types(prefix: string, arch: ServerType['architecture'], cpuType: ServerType['cpuType'], locations: readonly string[], sizes: ReadonlyArray<[number, number, number]>): ServerType[] {
  return sizes.map(([n, vcpu, memoryGiB]) => ({ name: `${prefix}${n}`, architecture: arch, vcpu, memoryGiB, cpuType, locations }));
}

/** Server types accepted in a spec, keyed by name. */
export const SERVER_TYPES: Readonly<Record<string, ServerType>> = Object.fromEntries(
  [
    ...types('cx', 'x86', 'shared', EU, [[22, 2, 4], [32, 4, 8], [42, 8, 16], [52, 16, 32], [23, 2, 4], [33, 4, 8], [43, 8, 16], [53, 16, 32]]),
    ...types('cpx', 'x86', 'shared', ALL, [[11, 2, 2], [21, 3, 4], [31, 4, 8], [41, 8, 16], [51, 16, 32], [12, 1, 2], [22, 2, 4], [32, 4, 8], [42, 8, 16], [52, 12, 24], [62, 16, 32]]),
    ...types('cax', 'arm', 'shared', EU, [[11, 2, 4], [21, 4, 8], [31, 8, 16], [41, 16, 32]]),
    ...types('ccx', 'x86', 'dedicated', ALL, [[13, 2, 8], [23, 4, 16], [33, 8, 32], [43, 16, 64], [53, 32, 128], [63, 48, 192]]),
  ].map((t) => [t.name, t]),
);

/** Load balancer types, keyed by name. `maxTargets` and `maxServices` are Hetzner's per-type limits. */
export const LOAD_BALANCER_TYPES: Readonly<Record<string, { readonly maxTargets: number; readonly maxServices: number }>> = {
  lb11: { maxTargets: 25, maxServices: 5 },
  lb21: { maxTargets: 75, maxServices: 15 },
  lb31: { maxTargets: 150, maxServices: 30 },
};

/** Hetzner's limit on servers in one spread placement group. */
export const SPREAD_GROUP_MAX_SERVERS = 10;

/**
 * Hetzner's metadata service, reachable from every server at this link-local address over HTTP; it
 * serves the server's user_data (with the k3s join token), ID, location and networks
 * (https://docs.hetzner.cloud/reference/cloud#server-metadata).
 */
export const METADATA_SERVICE_IP = '169.254.169.254';

/**
 * How a pod is exempted from the cluster-wide block of the metadata service: it carries `label` with
 * `value` and runs in `namespace`. The label counts only there: `kube-system` holds no workload a
 * tenant can create, so no other pod can exempt itself by setting the label.
 */
export const METADATA_SERVICE_ACCESS = { label: 'catalyst.openova.io/metadata-service', value: 'allowed', namespace: 'kube-system' } as const;

/** Hetzner's limit on a server's user_data (cloud-init), in bytes. */
export const USER_DATA_MAX_BYTES = 32 * 1024;

/** Hetzner label values: at most 63 characters of `[a-zA-Z0-9._-]`, starting and ending alphanumeric. */
export const LABEL_VALUE_PATTERN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?)?$/;
