/**
 * The `ClusterContext`: everything both halves (Terraform and GitOps) must agree on about one
 * cluster, computed once from the spec. The cloud-init of a server and the GitOps tree read the same
 * object, so the Flux bootstrap points at exactly the folder the writer produces and the Cilium values
 * installed at boot are the ones its HelmRelease adopts.
 */
import { LOCATIONS } from './hetzner';
import { LABELS, MANAGED_BY, resourcePrefix } from './naming';
import { host, mustParseCidr } from './net';
import type { GitVerificationMode } from './signing';
import type { RegionSpec, SovereignSpec } from './spec/types';
import type { NetworkPlan } from './spec/types';

/** Network facts of a cluster: the spec's ranges plus the fixed addresses derived from them. */
export interface ClusterNetwork extends NetworkPlan {
  /** Hetzner network zone of the location, e.g. `eu-central`. */
  readonly zone: string;
  /**
   * Private IPs of the control plane servers, first = the one that initializes etcd. They sit at the
   * top of the node subnet (`.253`, `.252`, `.251` of a /24) so that addresses Hetzner assigns to
   * workers, lowest first, never take them, even when the control plane later grows from 1 to 3.
   */
  readonly controlPlaneIps: readonly string[];
  /** Private IP of the load balancer: the highest usable address of the node subnet (`.254` of a /24). */
  readonly loadBalancerIp: string;
  /**
   * Private IP of the private Kubernetes API load balancer (`.250` of a /24), below the three control
   * plane addresses. Reserved, and in every API server certificate, also with one control plane server,
   * so growing to three later needs no new certificate.
   */
  readonly apiLoadBalancerIp: string;
  /** Private IP of the dedicated NAT gateway server (`.249` of a /24), when the region has one (`natGateway`). @default none */
  readonly natGatewayIp?: string;
}

/** Addresses of a node subnet at its top that are kept for fixed use: load balancer, three control plane servers, API load balancer, NAT gateway. */
export const FIXED_SUBNET_ADDRESSES = 6;

/** Name of the Secret in `flux-system` that holds the OpenPGP public keys commits are verified against. */
export const GIT_VERIFY_KEYS_SECRET = 'flux-system-pgp-keys';

/** Where the cluster's Flux reads its desired state. */
export interface ClusterGitops {
  /** Repository URL (https). */
  readonly url: string;
  /** Branch Flux follows. */
  readonly branch: string;
  /** Folder of this cluster inside the repository, e.g. `clusters/hz-fsn-rtz-prod` (no leading `./`). */
  readonly clusterPath: string;
  /** Name of the Secret with HTTPS credentials in `flux-system`, or undefined for a public repository. */
  readonly secretName?: string;
  /** OpenPGP verification of the commits Flux applies (`spec.gitops.verify`), or undefined when they are not verified. */
  readonly verify?: {
    /** What Flux verifies (`HEAD` for a branch checkout). */
    readonly mode: GitVerificationMode;
    /** Name of the Secret in `flux-system` holding the public keys; the GitOps tree and the bootstrap both create it. */
    readonly secretName: string;
    /** ASCII-armored OpenPGP public key blocks of the trusted committers. */
    readonly publicKeys: readonly string[];
  };
}

/**
 * The Secret holding the Hetzner Cloud API token inside the cluster, for the cloud controller manager
 * and the CSI driver. The bootstrap creates it on the first control plane server from the sensitive
 * Terraform variable `hcloud_token`; it never enters Git. Key names follow the hcloud-cloud-controller-manager
 * chart's defaults (https://github.com/hetznercloud/hcloud-cloud-controller-manager/blob/main/docs/reference/helm-chart.md).
 */
export interface HcloudSecretRef {
  /** @default 'kube-system' */
  readonly namespace: string;
  /** @default 'hcloud' */
  readonly name: string;
  /** Key of the API token. @default 'token' */
  readonly tokenKey: string;
  /** Key of the Hetzner network name the cluster's servers are attached to. @default 'network' */
  readonly networkKey: string;
  /** The value stored under `networkKey`: the cluster's Hetzner network name (`<sovereign>-<cluster>`). */
  readonly network: string;
}

/**
 * Name of the cluster's default StorageClass: Hetzner Volumes through the hcloud CSI driver,
 * LUKS-encrypted (the hcloud-csi Blueprint renders the class under this name).
 */
export const HCLOUD_STORAGE_CLASS = 'hcloud-volumes-encrypted';

/** Where people and the Kubernetes API meet the Sovereign's identity provider (Keycloak). */
export interface ClusterAuth {
  /** Public hostname of Keycloak, `auth.<fqdn>`. */
  readonly hostname: string;
  /** Keycloak realm of the Sovereign's Organization: the organization slug. */
  readonly realm: string;
  /** OIDC issuer URL, `https://auth.<fqdn>/realms/<realm>`; the API server trusts tokens from it. */
  readonly issuerUrl: string;
  /** OIDC client id the Kubernetes API server accepts tokens for. @default 'kubernetes' */
  readonly kubernetesClientId: string;
}

/** Default node ports of the ingress gateway (reference infra/hetzner load balancer services `http` and `https`) and the PROXY protocol on. */
export const DEFAULT_INGRESS_PORTS: IngressPorts = { http: 31080, https: 31443, proxyProtocol: true };

/**
 * The identity provider facts of a Sovereign: Keycloak at `auth.<fqdn>` with the Organization's realm.
 * @param fqdn the Sovereign's DNS name
 * @param realm the Keycloak realm: the organization slug
 */
export function clusterAuth(fqdn: string, realm: string): ClusterAuth {
  const hostname = `auth.${fqdn}`;
  return { hostname, realm, issuerUrl: `https://${hostname}/realms/${realm}`, kubernetesClientId: 'kubernetes' };
}

/**
 * The in-cluster Hetzner token Secret, `kube-system/hcloud` with keys `token` and `network`.
 * @param network the cluster's Hetzner network name (`<sovereign>-<cluster>`)
 */
export function hcloudSecretRef(network: string): HcloudSecretRef {
  return { namespace: 'kube-system', name: 'hcloud', tokenKey: 'token', networkKey: 'network', network };
}

/** Node ports the ingress gateway listens on; the load balancer forwards 80/443 to them. */
export interface IngressPorts {
  /** @default 31080 (reference infra/hetzner load balancer service `http`) */
  readonly http: number;
  /** @default 31443 (reference infra/hetzner load balancer service `https`) */
  readonly https: number;
  /**
   * Whether the load balancer's 80/443 services speak the PROXY protocol to these ports, and the
   * ingress gateway expects it, so applications see the client's address instead of the load
   * balancer's. Both sides read this one fact: a gateway that expects PROXY accepts nothing else, and
   * one that does not would treat the header as a broken request
   * (https://docs.hetzner.com/cloud/load-balancers/faq/, https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt).
   * From `spec.loadBalancer.proxyProtocol`. @default true
   */
  readonly proxyProtocol: boolean;
}

/** Who a cluster belongs to: its Sovereign and Organization. */
export interface SovereignIdentity {
  /** Sovereign slug (`metadata.name`), e.g. `omantel`. */
  readonly name: string;
  /** DNS name of the Sovereign (`spec.fqdn`), e.g. `omantel.omani.works`; public hostnames are below it. */
  readonly fqdn: string;
  /** Organization slug (`spec.organization.name`). */
  readonly organization: string;
  /** E-mail of the first sovereign-admin (`spec.organization.adminEmail`): the ACME contact, Gitea's admin account. */
  readonly adminEmail: string;
}

/** Everything about one cluster that Blueprints, cloud-init and the GitOps writer share. */
export interface ClusterContext {
  /** The Sovereign this cluster belongs to. */
  readonly sovereign: SovereignIdentity;
  /** This cluster's identity and place in the Sovereign. */
  readonly cluster: {
    /** Cluster name, e.g. `hz-fsn-rtz-prod`. */
    readonly name: string;
    /** Prefix of the cluster's Hetzner resource names, `<sovereign>-<cluster>`. */
    readonly resourcePrefix: string;
    /** Hetzner location, e.g. `fsn1`. */
    readonly location: string;
    /** Building block: `mgt`, `rtz` or `dmz`. */
    readonly buildingBlock: string;
    /** Environment type: `prod`, `stg`, `uat`, `dev` or `poc`. */
    readonly envType: string;
    /** Position of the region in the spec; 0 is the primary. */
    readonly index: number;
    /** Servers in the cluster: control plane plus every worker pool. Blueprints size replicas by it. */
    readonly nodeCount: number;
    /** `primary` for the first region, `standby` for the second. */
    readonly role: 'primary' | 'standby';
    /** CPU architecture of every server of the region (`spec.regions[].architecture`). */
    readonly architecture: 'x86' | 'arm';
  };
  /** Network ranges and the fixed private IPs derived from them. */
  readonly network: ClusterNetwork;
  /** k3s version and how the Kubernetes API is exposed. */
  readonly kubernetes: {
    /** k3s release such as `v1.2.3+k3s1` (`spec.kubernetes.k3sVersion`). */
    readonly k3sVersion: string;
    /** Port of the Kubernetes API on control plane servers. */
    readonly apiPort: 6443;
    /**
     * Whether the region has a private API load balancer (`hcloud_load_balancer.api`, public interface
     * off) in front of the control plane servers: with three of them, so that joins survive losing any
     * one. With one server it would add nothing.
     */
    readonly privateApiLoadBalancer: boolean;
    /**
     * URL of the Kubernetes API on the private network, `https://<ip>:6443`: the private API load
     * balancer's IP with three control plane servers, else the first server's. Servers after the first
     * and agents join there. Pods reach the API through the `kubernetes` Service (all API servers), and
     * Cilium through k3s's node-local proxy, neither through this URL.
     */
    readonly privateApiUrl: string;
    /** Whether the spec opens the API to outside sources: a firewall rule for 6443 on the control plane servers. */
    readonly apiPublic: boolean;
    /**
     * Whether the load balancer forwards 6443 too. Only when the spec confirmed the API open to the
     * whole internet (`spec.kubernetes.allowApiFromInternet`): a Hetzner load balancer cannot filter
     * sources and reaches servers over the private network, which the firewall does not filter. With
     * named sources, clients use the control plane servers' public IPs instead.
     */
    readonly apiViaLoadBalancer: boolean;
  };
  /** Where this cluster's Flux reads its desired state. */
  readonly gitops: ClusterGitops;
  /** Node ports of the ingress gateway (31080 and 31443) and whether the load balancer sends them the PROXY protocol. */
  readonly ingress: IngressPorts;
  /** The Sovereign's identity provider as the API server and Blueprints see it. */
  readonly auth: ClusterAuth;
  /** The in-cluster Secret with the Hetzner Cloud API token (created at bootstrap, never in Git). */
  readonly hcloudSecret: HcloudSecretRef;
  /**
   * Default StorageClass of the cluster, which every stateful Blueprint requests: LUKS-encrypted
   * Hetzner Volumes (`HCLOUD_STORAGE_CLASS`, rendered by the hcloud-csi Blueprint), so data outlives
   * the node it was written on. k3s's `local-path` stays available for caches only. A Blueprint that
   * requests this class depends on the hcloud-csi Blueprint, so the class exists when its claims do.
   */
  readonly storageClass: string;
  /** Labels every object of this Sovereign carries. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Labels of every object of a cluster: the Sovereign's, plus the cluster name, plus `managed-by` when `managed` is set. */
export function clusterLabels(ctx: ClusterContext, managed = false): Record<string, string> {
  return { ...ctx.labels, [LABELS.cluster]: ctx.cluster.name, ...(managed ? { [LABELS.managedBy]: MANAGED_BY } : {}) };
}

/**
 * Builds the context of one region's cluster.
 *
 * @param spec a loaded spec (validated, defaults applied)
 * @param region one of `spec.spec.regions`
 * @throws Error when `region.network.nodeSubnet` is not an IPv4 CIDR (only for a spec that skipped validation)
 */
export function clusterContext(spec: SovereignSpec, region: RegionSpec): ClusterContext {
  const subnet = mustParseCidr(region.network.nodeSubnet);
  const last = subnet.last - subnet.first;
  const gitops = spec.spec.gitops;
  const prefix = resourcePrefix(spec.metadata.name, region.cluster);
  const controlPlaneIps = Array.from({ length: region.controlPlane.count }, (_, i) => host(subnet, last - 2 - i));
  const apiLoadBalancerIp = host(subnet, last - 5);
  const privateApiLoadBalancer = region.controlPlane.count === 3;
  return {
    sovereign: {
      name: spec.metadata.name,
      fqdn: spec.spec.fqdn,
      organization: spec.spec.organization.name,
      adminEmail: spec.spec.organization.adminEmail,
    },
    cluster: {
      name: region.cluster,
      resourcePrefix: prefix,
      location: region.location,
      buildingBlock: region.buildingBlock,
      envType: region.envType,
      index: region.index,
      nodeCount: region.controlPlane.count + region.workerPools.reduce((n, p) => n + p.count, 0),
      role: region.index === 0 ? 'primary' : 'standby',
      architecture: region.architecture,
    },
    network: {
      ...region.network,
      zone: LOCATIONS[region.location]!.networkZone,
      controlPlaneIps,
      loadBalancerIp: host(subnet, last - 1),
      apiLoadBalancerIp,
      natGatewayIp: region.natGateway ? host(subnet, last - 6) : undefined,
    },
    kubernetes: {
      k3sVersion: spec.spec.kubernetes.k3sVersion,
      apiPort: 6443,
      privateApiLoadBalancer,
      privateApiUrl: `https://${privateApiLoadBalancer ? apiLoadBalancerIp : controlPlaneIps[0]}:6443`,
      apiPublic: spec.spec.kubernetes.apiAllowedCidrs.length > 0,
      apiViaLoadBalancer: spec.spec.kubernetes.allowApiFromInternet,
    },
    gitops: {
      url: gitops.url,
      branch: gitops.branch,
      clusterPath: `${gitops.path}/${region.cluster}`,
      secretName: gitops.auth === 'token' ? 'flux-system-git' : undefined,
      verify: gitops.verify ? { mode: gitops.verify.mode, secretName: GIT_VERIFY_KEYS_SECRET, publicKeys: gitops.verify.publicKeys } : undefined,
    },
    ingress: { ...DEFAULT_INGRESS_PORTS, proxyProtocol: spec.spec.loadBalancer.proxyProtocol },
    auth: clusterAuth(spec.spec.fqdn, spec.spec.organization.name),
    hcloudSecret: hcloudSecretRef(prefix),
    storageClass: HCLOUD_STORAGE_CLASS,
    labels: { [LABELS.sovereign]: spec.spec.fqdn },
  };
}
