/**
 * The cluster as a Blueprint sees it: `ClusterInfo`, the narrow set of facts a Blueprint may read
 * (no Hetzner resources, no spec structures), and `Cluster`, which adds the Blueprint instances
 * installed in that cluster so Blueprints read each other's attributes through typed references
 * (`cluster.blueprint(CertManager).issuerName`) instead of repeating names.
 *
 * A `Cluster` comes from the Sovereign model (one per region), or from plain attributes
 * (`Cluster.fromAttributes`) to bind Blueprints into a chart of your own or in tests.
 */
import type { Blueprint, BlueprintClass } from './blueprint';
import { BlueprintError } from './errors';
import {
  clusterAuth,
  DEFAULT_INGRESS_PORTS,
  HCLOUD_STORAGE_CLASS,
  hcloudSecretRef,
  type ClusterAuth,
  type ClusterContext,
  type HcloudSecretRef,
  type IngressPorts,
  type SovereignIdentity,
} from './context';
import { LABELS, resourcePrefix } from './naming';
import { mustParseCidr } from './net';
import { networkPlan } from './spec/load';
import { NODE_SOFTWARE } from './versions';

/** CPU architecture of a cluster's servers: Hetzner's x86 (Intel/AMD) or arm (Ampere) server types. */
export type ClusterArchitecture = 'x86' | 'arm';

/** Everything a Blueprint may read about the cluster it is bound into. */
export interface ClusterInfo {
  /** The Sovereign the cluster belongs to. */
  readonly sovereign: SovereignIdentity;
  /** The cluster's identity and size. */
  readonly cluster: {
    /** Cluster name, e.g. `hz-fsn-rtz-prod`. */
    readonly name: string;
    /** `primary` for the Sovereign's first region, `standby` for the second. */
    readonly role: 'primary' | 'standby';
    /** Hetzner location code of the cluster's servers, e.g. `fsn1` (the CCM and CSI driver place load balancers and Volumes there). */
    readonly location: string;
    /** Servers in the cluster: control plane plus every node pool. Blueprints size replicas by it. */
    readonly nodeCount: number;
    /** Control plane servers: 1 or 3. */
    readonly controlPlaneCount: number;
    /** CPU architecture of every server of the cluster. */
    readonly architecture: ClusterArchitecture;
  };
  /** The cluster's IPv4 ranges (CIDR notation). */
  readonly network: {
    /** Subnet of the servers' private IPs, e.g. `10.0.1.0/24`: the API server and host-network pods. */
    readonly nodeSubnet: string;
    /** Pod range (k3s `--cluster-cidr`), e.g. `10.42.0.0/16`. */
    readonly podCidr: string;
    /** Service range (k3s `--service-cidr`), e.g. `10.43.0.0/16`. */
    readonly serviceCidr: string;
  };
  /** The Kubernetes distribution and its API. */
  readonly kubernetes: {
    /** k3s release such as `v1.2.3+k3s1` (the system-upgrade-controller Plans target it). */
    readonly version: string;
    /** Port of the Kubernetes API on the control plane servers. */
    readonly apiPort: number;
  };
  /** Node ports of the ingress gateway and whether the load balancer sends them the PROXY protocol. */
  readonly ingress: IngressPorts;
  /** The Sovereign's identity provider as the API server trusts it (Keycloak's hostname and realm). */
  readonly auth: ClusterAuth;
  /** The in-cluster Secret holding the Hetzner Cloud API token (created at bootstrap, never in Git). */
  readonly hcloudSecret: HcloudSecretRef;
  /** Default StorageClass every stateful Blueprint requests. */
  readonly storageClass: string;
  /** Labels every object of the cluster carries. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Plain attributes of a cluster; everything but `fqdn` has a default. */
export interface ClusterAttributes {
  /** DNS name of the Sovereign, e.g. `acme.example.org`. */
  readonly fqdn: string;
  /** Sovereign slug. @default the first label of `fqdn` */
  readonly sovereign?: string;
  /** Organization slug. @default the Sovereign slug */
  readonly organization?: string;
  /** E-mail of the first sovereign-admin. @default `admin@<fqdn>` */
  readonly adminEmail?: string;
  /** Cluster name. @default 'hz-fsn-rtz-prod' */
  readonly name?: string;
  /** @default 'primary' */
  readonly role?: 'primary' | 'standby';
  /** Hetzner location code. @default 'fsn1' */
  readonly location?: string;
  /** Servers in the cluster. @default `controlPlaneCount` */
  readonly nodeCount?: number;
  /** Control plane servers, 1 or 3. @default 1 */
  readonly controlPlaneCount?: number;
  /** @default 'x86' */
  readonly architecture?: ClusterArchitecture;
  /** @default '10.0.1.0/24', the spec's default for a first region (`networkPlan`) */
  readonly nodeSubnet?: string;
  /** @default '10.42.0.0/16', the spec's default for a first region */
  readonly podCidr?: string;
  /** @default '10.43.0.0/16', the spec's default for a first region */
  readonly serviceCidr?: string;
  /** k3s release. @default the pinned default k3s release (`NODE_SOFTWARE.k3s`) */
  readonly kubernetesVersion?: string;
  /** Ingress gateway node ports and PROXY protocol. @default 31080/31443 with the PROXY protocol */
  readonly ingress?: Partial<IngressPorts>;
  /** Default StorageClass. @default 'hcloud-volumes-encrypted' */
  readonly storageClass?: string;
  /** Labels of every object. @default the Sovereign label (`catalyst.openova.io/sovereign: <fqdn>`) */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The narrow view of a cluster context that Blueprints read. */
export function clusterInfoOf(ctx: ClusterContext): ClusterInfo {
  return {
    sovereign: ctx.sovereign,
    cluster: {
      name: ctx.cluster.name,
      role: ctx.cluster.role,
      location: ctx.cluster.location,
      nodeCount: ctx.cluster.nodeCount,
      controlPlaneCount: ctx.network.controlPlaneIps.length,
      architecture: ctx.cluster.architecture,
    },
    network: { nodeSubnet: ctx.network.nodeSubnet, podCidr: ctx.network.podCidr, serviceCidr: ctx.network.serviceCidr },
    kubernetes: { version: ctx.kubernetes.k3sVersion, apiPort: ctx.kubernetes.apiPort },
    ingress: ctx.ingress,
    auth: ctx.auth,
    hcloudSecret: ctx.hcloudSecret,
    storageClass: ctx.storageClass,
    labels: ctx.labels,
  };
}

/**
 * Builds cluster facts from plain attributes, with the same defaults and derivations the Sovereign
 * model uses (Keycloak at `auth.<fqdn>`, the Hetzner token Secret `kube-system/hcloud`).
 * @throws BlueprintError naming the attribute when `fqdn` is not a DNS name, a range is not an IPv4
 *   CIDR, or a count is not a positive whole number
 */
export function clusterInfo(attrs: ClusterAttributes): ClusterInfo {
  const fail = (field: string, value: unknown, fix: string) => {
    throw new BlueprintError(`cluster attribute ${field} ${JSON.stringify(value)} ${fix}`);
  };
  if (typeof attrs.fqdn !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(attrs.fqdn)) {
    fail('fqdn', attrs.fqdn, 'is not a lowercase DNS name with at least two labels, e.g. acme.example.org');
  }
  const plan = networkPlan({ nodeSubnet: attrs.nodeSubnet, podCidr: attrs.podCidr, serviceCidr: attrs.serviceCidr }, 0);
  const network = { nodeSubnet: plan.nodeSubnet, podCidr: plan.podCidr, serviceCidr: plan.serviceCidr };
  for (const [field, value] of Object.entries(network)) {
    try {
      mustParseCidr(value);
    } catch {
      fail(field, value, 'is not an IPv4 CIDR such as 10.0.1.0/24');
    }
  }
  const controlPlaneCount = attrs.controlPlaneCount ?? 1;
  const nodeCount = attrs.nodeCount ?? controlPlaneCount;
  for (const [field, value] of [['controlPlaneCount', controlPlaneCount], ['nodeCount', nodeCount]] as const) {
    if (!Number.isInteger(value) || value < 1) fail(field, value, 'must be a positive whole number');
  }
  const sovereign = attrs.sovereign ?? attrs.fqdn.split('.')[0]!;
  const organization = attrs.organization ?? sovereign;
  const name = attrs.name ?? 'hz-fsn-rtz-prod';
  return {
    sovereign: { name: sovereign, fqdn: attrs.fqdn, organization, adminEmail: attrs.adminEmail ?? `admin@${attrs.fqdn}` },
    cluster: { name, role: attrs.role ?? 'primary', location: attrs.location ?? 'fsn1', nodeCount, controlPlaneCount, architecture: attrs.architecture ?? 'x86' },
    network,
    kubernetes: { version: attrs.kubernetesVersion ?? NODE_SOFTWARE.k3s, apiPort: 6443 },
    ingress: { ...DEFAULT_INGRESS_PORTS, ...attrs.ingress },
    auth: clusterAuth(attrs.fqdn, organization),
    hcloudSecret: hcloudSecretRef(resourcePrefix(sovereign, name)),
    storageClass: attrs.storageClass ?? HCLOUD_STORAGE_CLASS,
    labels: attrs.labels ?? { [LABELS.sovereign]: attrs.fqdn },
  };
}

/** State one cluster's views share: its Blueprints and the references read between them. */
interface ClusterState {
  readonly blueprints: ReadonlyMap<string, Blueprint>;
  readonly references: Map<string, Set<string>>;
}

/**
 * One cluster as Blueprints see it: its facts (`ClusterInfo`) and the Blueprint instances installed
 * in it. A Blueprint reads a peer's typed attributes with `blueprint(PeerClass)`; while a Blueprint is
 * being bound, each such read is recorded as a reference from it to the peer (`references`), which the
 * GitOps tree turns into a Flux `dependsOn` edge where the declared dependencies do not imply it.
 */
export class Cluster implements ClusterInfo {
  /**
   * Builds a cluster from plain attributes (see `clusterInfo`) with the given Blueprint instances.
   * @throws BlueprintError as `clusterInfo` does, or for two instances with one name
   */
  static fromAttributes(attrs: ClusterAttributes, blueprints: readonly Blueprint[] = []): Cluster {
    return new Cluster(clusterInfo(attrs), blueprints);
  }

  readonly sovereign: ClusterInfo['sovereign'];
  readonly cluster: ClusterInfo['cluster'];
  readonly network: ClusterInfo['network'];
  readonly kubernetes: ClusterInfo['kubernetes'];
  readonly ingress: IngressPorts;
  readonly auth: ClusterAuth;
  readonly hcloudSecret: HcloudSecretRef;
  readonly storageClass: string;
  readonly labels: Readonly<Record<string, string>>;
  private readonly state: ClusterState;
  /** Name of the Blueprint whose reads this view records, if any. */
  private readonly reader?: string;

  /**
   * @param info the cluster's facts
   * @param blueprints the Blueprint instances installed in the cluster, at most one per name
   * @throws BlueprintError for two instances with one name
   */
  constructor(info: ClusterInfo, blueprints: readonly Blueprint[] = []) {
    this.sovereign = info.sovereign;
    this.cluster = info.cluster;
    this.network = info.network;
    this.kubernetes = info.kubernetes;
    this.ingress = info.ingress;
    this.auth = info.auth;
    this.hcloudSecret = info.hcloudSecret;
    this.storageClass = info.storageClass;
    this.labels = info.labels;
    const byName = new Map<string, Blueprint>();
    for (const bp of blueprints) {
      const name = bp.metadata.name;
      if (byName.has(name)) throw new BlueprintError(`cluster ${info.cluster.name} is given two Blueprint instances named "${name}"; pass one`);
      byName.set(name, bp);
    }
    this.state = { blueprints: byName, references: new Map() };
  }

  /** The Blueprint instances of the cluster, by name. */
  get blueprints(): ReadonlyMap<string, Blueprint> {
    return this.state.blueprints;
  }

  /**
   * Peers each Blueprint read while it was bound: reader name → names of the Blueprints whose
   * attributes it read, sorted.
   */
  get references(): ReadonlyMap<string, readonly string[]> {
    return new Map([...this.state.references].map(([reader, peers]) => [reader, [...peers].sort()]));
  }

  /** Whether the cluster has a Blueprint of `cls`'s name (any subclass counts). */
  has(cls: BlueprintClass): boolean {
    return this.state.blueprints.has(cls.metadata.name);
  }

  /**
   * The cluster's instance of a Blueprint class (or of a subclass that overrides it), for reading its
   * typed attributes. While a Blueprint is being bound the read is recorded as its reference to `cls`.
   *
   * @throws BlueprintError when the cluster has no Blueprint of that name, or the instance under that
   *   name is not a `cls`
   */
  blueprint<T extends Blueprint>(cls: BlueprintClass<T>): T {
    const name = cls.metadata.name;
    const found = this.state.blueprints.get(name);
    const who = this.reader ? `Blueprint ${this.reader} reads ${name}` : `${name} is read`;
    if (!found) {
      const fix = this.reader ? `add "${name}" to ${this.reader}'s dependsOn or install it in the cluster` : 'install it in the cluster';
      throw new BlueprintError(`${who}, but cluster ${this.cluster.name} has no Blueprint "${name}"; ${fix}`);
    }
    if (!(found instanceof (cls as unknown as abstract new () => T))) {
      throw new BlueprintError(`${who}, but the cluster's "${name}" is a ${found.constructor.name}, not a ${cls.name}; override the catalog with a subclass of ${cls.name}`);
    }
    if (this.reader && this.reader !== name) {
      const peers = this.state.references.get(this.reader) ?? new Set<string>();
      peers.add(name);
      this.state.references.set(this.reader, peers);
    }
    return found as T;
  }

  /** A view of this cluster (same facts and Blueprints) that records the peers `reader` reads. */
  readingAs(reader: string): Cluster {
    const view = Object.create(this) as Cluster;
    Object.defineProperty(view, 'reader', { value: reader });
    return view;
  }
}
