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

/** Names of all supported locations, sorted: the values `spec.regions[].location` accepts. */
export const LOCATION_NAMES = ['ash', 'fsn1', 'hel1', 'hil', 'nbg1', 'sin'] as const;

/**
 * A Hetzner location code a region can be placed in, e.g. `fsn1`.
 * @useDeclaredType
 */
export type LocationName = (typeof LOCATION_NAMES)[number];

/** All locations a Sovereign can be placed in, keyed by name. */
export const LOCATIONS: Readonly<Record<LocationName, HetznerLocation>> = {
  fsn1: { name: 'fsn1', regionCode: 'fsn', networkZone: 'eu-central', city: 'Falkenstein' },
  nbg1: { name: 'nbg1', regionCode: 'nbg', networkZone: 'eu-central', city: 'Nuremberg' },
  hel1: { name: 'hel1', regionCode: 'hel', networkZone: 'eu-central', city: 'Helsinki' },
  ash: { name: 'ash', regionCode: 'ash', networkZone: 'us-east', city: 'Ashburn, VA' },
  hil: { name: 'hil', regionCode: 'hil', networkZone: 'us-west', city: 'Hillsboro, OR' },
  sin: { name: 'sin', regionCode: 'sin', networkZone: 'ap-southeast', city: 'Singapore' },
};

const EU = ['fsn1', 'nbg1', 'hel1'] as const;
const ALL = ['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin'] as const;

/** Date after which Hetzner no longer sells CX Gen2 (cx22-cx52) and CPX Gen1 (cpx11-cpx51) servers. */
export const GEN2_UNAVAILABLE_AFTER = '2025-12-31';

/** Hetzner no longer sells a server type: running servers keep it, new ones cannot be ordered. */
export interface ServerTypeDeprecation {
  /** Last day the type can be ordered (ISO date), e.g. `2025-12-31`. */
  readonly unavailableAfter: string;
  /** The orderable type that replaces it: same architecture and locations, at least the same memory and disk. */
  readonly replacement: string;
}

/** A Hetzner Cloud server type. */
export interface ServerType {
  /** Type name as the API knows it, e.g. `cx43`. */
  readonly name: string;
  /** CPU architecture: `x86` (Intel/AMD) or `arm` (Ampere). */
  readonly architecture: 'x86' | 'arm';
  /** Virtual CPUs. */
  readonly vcpu: number;
  /** Memory in GiB (Hetzner's "GB"). */
  readonly memoryGiB: number;
  /** Local disk in GB. */
  readonly diskGB: number;
  /** `shared` or `dedicated` vCPUs. */
  readonly cpuType: 'shared' | 'dedicated';
  /** Locations that offer this type. */
  readonly locations: readonly string[];
  /** Set when Hetzner no longer sells the type. @default none: orderable */
  readonly deprecated?: ServerTypeDeprecation;
}

/** One row of a server type family: name, vCPUs, memory (GiB), disk (GB), and the replacement of a type no longer sold. */
type Row<N extends string> = readonly [name: N, vcpu: number, memoryGiB: number, diskGB: number, replacement?: string];

function family<N extends string>(architecture: ServerType['architecture'], cpuType: ServerType['cpuType'], locations: readonly string[], rows: readonly Row<N>[]): Array<ServerType & { readonly name: N }> {
  return rows.map(([name, vcpu, memoryGiB, diskGB, replacement]) => ({
    name,
    architecture,
    vcpu,
    memoryGiB,
    diskGB,
    cpuType,
    locations,
    ...(replacement ? { deprecated: { unavailableAfter: GEN2_UNAVAILABLE_AFTER, replacement } } : {}),
  }));
}

/** The server types Hetzner sells: Cost-Optimized CX Gen3 and CAX, Regular Performance CPX Gen2, General Purpose CCX. */
const ORDERABLE = [
  ...family('x86', 'shared', EU, [['cx23', 2, 4, 40], ['cx33', 4, 8, 80], ['cx43', 8, 16, 160], ['cx53', 16, 32, 320]]),
  ...family('x86', 'shared', ALL, [['cpx12', 1, 2, 40], ['cpx22', 2, 4, 80], ['cpx32', 4, 8, 160], ['cpx42', 8, 16, 320], ['cpx52', 12, 24, 480], ['cpx62', 16, 32, 640]]),
  ...family('arm', 'shared', EU, [['cax11', 2, 4, 40], ['cax21', 4, 8, 80], ['cax31', 8, 16, 160], ['cax41', 16, 32, 320]]),
  ...family('x86', 'dedicated', ALL, [['ccx13', 2, 8, 80], ['ccx23', 4, 16, 160], ['ccx33', 8, 32, 240], ['ccx43', 16, 64, 360], ['ccx53', 32, 128, 600], ['ccx63', 48, 192, 960]]),
];

/**
 * A server type Hetzner still sells, e.g. `cx43`: the values a spec's `serverType` fields accept.
 * @useDeclaredType
 */
export type ServerTypeName = (typeof ORDERABLE)[number]['name'];

/**
 * Every server type a spec may name, keyed by name: the orderable families (Cost-Optimized CX Gen3
 * and CAX, Regular Performance CPX Gen2, General Purpose CCX) and the deprecated CX Gen2 and CPX Gen1
 * types with their replacements, so a spec naming one gets the fix rather than "unknown type".
 * Source: https://www.hetzner.com/cloud/ and Hetzner's announcement of October 2025 that CX Gen2 and
 * CPX Gen1 are "no longer available for order as of 2025-12-31"; the API's `GET /server_types` is the
 * authority (`deprecation.unavailable_after`).
 */
export const SERVER_TYPES: Readonly<Record<string, ServerType>> = Object.fromEntries(
  [
    ...ORDERABLE,
    ...family('x86', 'shared', EU, [['cx22', 2, 4, 40, 'cx23'], ['cx32', 4, 8, 80, 'cx33'], ['cx42', 8, 16, 160, 'cx43'], ['cx52', 16, 32, 320, 'cx53']]),
    ...family('x86', 'shared', ALL, [['cpx11', 2, 2, 40, 'cpx22'], ['cpx21', 3, 4, 80, 'cpx22'], ['cpx31', 4, 8, 160, 'cpx32'], ['cpx41', 8, 16, 240, 'cpx42'], ['cpx51', 16, 32, 360, 'cpx62']]),
  ].map((t) => [t.name, t]),
);

/** Names of the server types Hetzner still sells, sorted. */
export const ORDERABLE_SERVER_TYPES: readonly ServerTypeName[] = ORDERABLE.map((t) => t.name).sort();

/** `8 vCPU, 16 GB RAM, 160 GB disk` for messages. */
export function describeServerType(t: ServerType): string {
  return `${t.vcpu} vCPU, ${t.memoryGiB} GB RAM, ${t.diskGB} GB disk`;
}

/** Hetzner's limit on servers attached to one network (https://docs.hetzner.com/cloud/networks/faq/). */
export const NETWORK_MAX_SERVERS = 100;

/** Load balancer types, keyed by name. `maxTargets` and `maxServices` are Hetzner's per-type limits. */
export const LOAD_BALANCER_TYPES: Readonly<
  Record<
    string,
    {
      /** Most targets (servers, label selectors, IPs) one load balancer of this type accepts. */
      readonly maxTargets: number;
      /** Most services (listen port → destination port pairs) one load balancer of this type accepts. */
      readonly maxServices: number;
    }
  >
> = {
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
export const METADATA_SERVICE_ACCESS = {
  /** The pod label key that asks for access. */
  label: 'catalyst.openova.io/metadata-service',
  /** The value the label must have. */
  value: 'allowed',
  /** The only namespace where the label grants access. */
  namespace: 'kube-system',
} as const;

/** Hetzner's limit on a server's user_data (cloud-init), in bytes. */
export const USER_DATA_MAX_BYTES = 32 * 1024;

/** Hetzner label values: at most 63 characters of `[a-zA-Z0-9._-]`, starting and ending alphanumeric. */
export const LABEL_VALUE_PATTERN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?)?$/;
