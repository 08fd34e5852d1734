/**
 * `HetznerCluster`: the Hetzner infrastructure of one k3s cluster (one region of a Sovereign):
 * private network, firewall, spread placement groups, 1 or 3 control plane servers (the first
 * initializes embedded etcd, the others join over the private network), worker pools, the ingress
 * load balancer, with three control plane servers a private API load balancer, optionally a NAT
 * gateway, with cloud-init rendered per node.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Construct } from 'constructs';
import type { Server } from '../../.gen/providers/hcloud/server';
import type { GeneratedSecret } from '../../lib/blueprint';
import { clusterLabels, type ClusterContext } from '../../lib/context';
import { SynthError } from '../../lib/errors';
import { USER_DATA_MAX_BYTES } from '../../lib/hetzner';
import { toYaml } from '../../lib/gitops';
import { host, mustParseCidr } from '../../lib/net';
import { controlPlaneServerName, LABELS, workerServerName } from '../../lib/naming';
import { NODE_SOFTWARE } from '../../lib/versions';
import { EtcdSnapshotConfig, HelmPreinstall, renderNodeCloudInit } from './cloud-init';
import type { LocalPathImages } from './local-path';

export type { LocalPathImages } from './local-path';
import { NodeFirewall } from './firewall';
import { ClusterLoadBalancer, LoadBalancerPort } from './load-balancer';
import { NatGateway } from './nat-gateway';
import { HetznerNetwork } from './network';
import { NodePool } from './node-pool';

/** Type of the private API load balancer: the smallest; it balances one port over three targets. */
export const API_LOAD_BALANCER_TYPE = 'lb11';
/** Value of the role label of the NAT gateway server (`catalyst.openova.io/role`). */
export const NAT_GATEWAY_ROLE = 'nat-gateway';

/** A worker pool as the cluster needs it. */
export interface ClusterWorkerPool {
  /** Pool name, unique in the cluster; part of server names and of the Terraform addresses `hcloud_server.pool_<name>_<n>`. */
  readonly name: string;
  /** Hetzner server type, e.g. `cx42`. */
  readonly serverType: string;
  /** Number of servers (1-50). */
  readonly count: number;
  /** Kubernetes node labels set at registration, on top of the role and pool labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes node taints set at registration; `effect` is `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
  readonly taints: ReadonlyArray<{
    /** Taint key, e.g. `dedicated`. */
    readonly key: string;
    /** Taint value. @default none: a taint without value */
    readonly value?: string;
    /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
    readonly effect: string;
  }>;
  /**
   * Servers without public IPv4 and IPv6 and without the firewall; they reach the internet through NAT
   * on the NAT gateway (`HetznerClusterProps.natGateway`), else on the first control plane server. @default false
   */
  readonly privateOnly?: boolean;
}

/** A secret value spliced into cloud-init: the placeholder text and the Terraform expression that replaces it. */
export interface SecretSplice {
  /** Text that stands for the value in the rendered cloud-init, e.g. `CATALYST_K3S_TOKEN`. */
  readonly placeholder: string;
  /** Terraform expression (a cdktf token string), e.g. a variable or `random_password` result. */
  readonly expression: string;
  /** Longest text the expression can evaluate to, for the user_data size check. */
  readonly maxLength: number;
}

/** Props of a `HetznerCluster`. */
export interface HetznerClusterProps {
  /** The cluster's shared facts (names, network plan, k3s version, GitOps path). */
  readonly ctx: ClusterContext;
  /** Control plane server type and count (1, or 3 for HA). */
  readonly controlPlane: {
    /** Hetzner server type of every control plane server, e.g. `cx32`. */
    readonly serverType: string;
    /** Number of control plane servers: 1, or 3 for HA (embedded etcd needs a majority). */
    readonly count: number;
  };
  /** Worker pools; none means workloads run on the control plane. */
  readonly workerPools: readonly ClusterWorkerPool[];
  /** OS image of every server. */
  readonly image: string;
  /** IDs (or names) of the SSH keys installed for root. */
  readonly sshKeyIds: readonly string[];
  /** Sources allowed to reach SSH; empty keeps port 22 closed. */
  readonly sshSources: readonly string[];
  /** Sources allowed to reach the Kubernetes API on the control plane servers through the firewall; empty keeps 6443 closed. The load balancer forwards 6443 only when `ctx.kubernetes.apiViaLoadBalancer`. */
  readonly apiSources: readonly string[];
  /** Load balancer type, e.g. `lb11`. */
  readonly loadBalancerType: string;
  /**
   * A dedicated NAT gateway server for the private-only pools (`ctx.network.natGatewayIp` must be set),
   * instead of NAT on the first control plane server. Ignored without a private-only pool.
   * @default none: the first control plane server is the NAT server
   */
  readonly natGateway?: {
    /** Hetzner server type of the NAT gateway server, e.g. `cx22`. */
    readonly serverType: string;
  };
  /**
   * Hetzner delete protection of the network, the load balancer and every server, and rebuild protection
   * of every server (Hetzner requires a server's delete and rebuild flags to be equal). These are all
   * the resources of the cluster the provider can protect: firewalls, placement groups, subnets, routes
   * and SSH keys have no protection in Hetzner's API. @default false
   */
  readonly deleteProtection?: boolean;
  /** The k3s server token: servers join with it; it never reaches an agent. */
  readonly serverToken: SecretSplice;
  /** The k3s agent token (servers' `agent-token`): the only token agents join with. */
  readonly agentToken: SecretSplice;
  /**
   * The Hetzner Cloud API token, put into the Secret `ctx.hcloudSecret` (with the network name) by the
   * bootstrap on the first control plane server as soon as the API answers (before any pre-installed
   * chart), for the cloud controller manager and CSI driver.
   */
  readonly hcloudToken: SecretSplice;
  /**
   * Scheduled etcd snapshots of every control plane server to S3-compatible storage, with the access
   * and secret key spliced in from sensitive variables. @default none (k3s' local snapshots only)
   */
  readonly etcdSnapshots?: Omit<EtcdSnapshotConfig, 's3'> & {
    /** The bucket, as in {@link EtcdSnapshotConfig}, with the keys as splices instead of placeholder text. */
    readonly s3: Omit<EtcdSnapshotConfig['s3'], 'accessKey' | 'secretKey'> & {
      /** The S3 access key, spliced into the servers' user_data from a sensitive variable. */
      readonly accessKey: SecretSplice;
      /** The S3 secret key, spliced into the servers' user_data from a sensitive variable. */
      readonly secretKey: SecretSplice;
    };
  };
  /** Images of the non-default `local-path` StorageClass AddOn on servers. @default NODE_SOFTWARE.localPathProvisioner and .localPathHelper */
  readonly localPathImages?: LocalPathImages;
  /** What the first control plane server installs before handing over to Flux. */
  readonly bootstrap: {
    /** Helm CLI version, e.g. `NODE_SOFTWARE.helm`. */
    readonly helmVersion: string;
    /** Charts pre-installed before Flux, in order (the CNI, Flux). */
    readonly preinstall: readonly HelmPreinstall[];
    /** Flux GitRepository + Kustomization (multi-document YAML). */
    readonly manifests: string;
    /** Secrets applied before `manifests`, with placeholders. @default none */
    readonly secretManifests?: string;
    /** Values spliced into `secretManifests`. @default none */
    readonly secrets?: readonly SecretSplice[];
    /** Secrets generated on the node at bootstrap (`Blueprint.bootstrapSecrets`). @default none */
    readonly bootstrapSecrets?: readonly GeneratedSecret[];
  };
}

/** The load balancer's public addresses go into the API server certificate, so the API is reachable by IP through it. */
const LB_IPV4 = { placeholder: 'CATALYST_LB_IPV4', maxLength: 15 };
const LB_IPV6 = { placeholder: 'CATALYST_LB_IPV6', maxLength: 39 };

/**
 * Hetzner's recursive DNS resolvers, for servers without a public interface (they get none from the
 * private network). https://docs.hetzner.com/dns-console/dns/general/recursive-name-servers/
 */
export const HETZNER_RESOLVERS: readonly string[] = ['185.12.64.1', '185.12.64.2'];

/** The Secret `ctx.hcloudSecret` with the Hetzner token placeholder and the cluster's network name. */
function hcloudSecretManifest(ctx: ClusterContext, token: SecretSplice): string {
  const h = ctx.hcloudSecret;
  return toYaml({ apiVersion: 'v1', kind: 'Secret', metadata: { name: h.name, namespace: h.namespace }, type: 'Opaque', stringData: { [h.tokenKey]: token.placeholder, [h.networkKey]: h.network } });
}

/**
 * Margin of the user_data size check for the difference between zlib (measured here) and
 * Terraform's `base64gzip` (Go's compress/gzip at its default level): on the examples Terraform's
 * output was 8 bytes longer; the check keeps 2 % plus 64 bytes.
 */
const GZIP_MARGIN = { ratio: 0.02, bytes: 64 };

/**
 * Bytes Hetzner counts for a user_data of `text`: the length of base64 of its gzip (level 6), plus a
 * margin of 2 % and 64 bytes for the difference between Node's zlib and Terraform's `base64gzip`.
 */
export function encodedUserDataBytes(text: string): number {
  const encoded = gzipSync(Buffer.from(text), { level: 6 }).toString('base64').length;
  return Math.ceil(encoded * (1 + GZIP_MARGIN.ratio)) + GZIP_MARGIN.bytes;
}

/**
 * `length` characters that compress like a random secret (base64 of chained SHA-512 digests), so the
 * size check does not profit from a filler that gzip squeezes away.
 */
function incompressible(seed: string, length: number): string {
  let out = '';
  for (let block = createHash('sha512').update(seed).digest(); out.length < length; block = createHash('sha512').update(block).digest()) out += block.toString('base64');
  return out.slice(0, length);
}

/** Replaces every placeholder with `pick(splice)`. */
function splice(text: string, splices: readonly SecretSplice[], pick: (s: SecretSplice) => string): string {
  return splices.reduce((acc, s) => acc.split(s.placeholder).join(pick(s)), text);
}

/**
 * The infrastructure of one cluster. Every resource carries the Sovereign and cluster labels.
 *
 * Joins go to `ctx.kubernetes.privateApiUrl`. With three control plane servers that is the private
 * API load balancer (`hcloud_load_balancer.api`, public interface off, fixed IP
 * `ctx.network.apiLoadBalancerIp`, service 6443 → 6443 on the control plane servers selected by
 * label), so a server or agent joins while any control plane server is up, not only the first. Every
 * API server certificate holds that IP (also with one server, so growing to three works).
 *
 * When a worker pool is private-only, the network gets the route `0.0.0.0/0` → a NAT server
 * (`hcloud_network_route.egress`) whose cloud-init forwards and masquerades the network's traffic: the
 * dedicated `natGateway` server when given (with its own primary IPv4), else the first control plane
 * server. The private-only servers' cloud-init routes through the network gateway (the first address
 * of the network range) and uses Hetzner's resolvers. They wait for the route (and the NAT gateway);
 * the load balancer reaches them over their private IPs like every target.
 *
 * @throws SynthError when a node's user_data (gzip-compressed, base64-encoded) exceeds Hetzner's 32 KiB limit.
 * @throws Error when `ctx.network.cidr` is not an IPv4 CIDR, or `props.natGateway` is set with a
 *   private-only pool but `ctx.network.natGatewayIp` is not (only for a context not built by `clusterContext`)
 */
export class HetznerCluster extends Construct {
  /** Private network and node subnet. */
  readonly network: HetznerNetwork;
  /** Cloud firewall attached to every server. */
  readonly firewall: NodeFirewall;
  /** Control plane servers (`hcloud_server.control_plane_<n>`), the first initializes etcd. */
  readonly controlPlane: NodePool;
  /** Worker pools, sorted by name. */
  readonly workerPools: readonly NodePool[];
  /** Load balancer in front of every server of the cluster. */
  readonly loadBalancer: ClusterLoadBalancer;
  /** The private API load balancer, with three control plane servers. */
  readonly apiLoadBalancer?: ClusterLoadBalancer;
  /** The dedicated NAT gateway, when `props.natGateway` is set and a pool is private-only. */
  readonly natGateway?: NatGateway;
  /** Bytes of the largest user_data as Hetzner receives it (base64 of gzip), with secrets at their longest. */
  readonly largestUserDataBytes: number;
  /** Bytes of the largest cloud-init document before compression, with secrets at their longest. */
  readonly largestCloudInitBytes: number;

  constructor(scope: Construct, id: string, props: HetznerClusterProps) {
    super(scope, id);
    const { ctx } = props;
    const prefix = ctx.cluster.resourcePrefix;
    const labels = clusterLabels(ctx, true);
    const sizes: number[] = [];
    const plainSizes: number[] = [];
    const finish = (doc: string, splices: readonly SecretSplice[], what: string): string => {
      const worstDoc = splice(doc, splices, (s) => incompressible(s.placeholder, s.maxLength));
      const worst = encodedUserDataBytes(worstDoc);
      if (worst > USER_DATA_MAX_BYTES) {
        throw new SynthError(`cloud-init of ${what} is ${worst} bytes, over Hetzner's ${USER_DATA_MAX_BYTES}-byte user_data limit (gzip-compressed and base64-encoded); reduce the pre-installed values`);
      }
      sizes.push(worst);
      plainSizes.push(Buffer.byteLength(worstDoc));
      return splice(doc, splices, (s) => s.expression);
    };

    const cpIps = ctx.network.controlPlaneIps;
    const protection = props.deleteProtection ?? false;
    const hasPrivatePools = props.workerPools.some((p) => p.privateOnly);
    const natIp = hasPrivatePools && props.natGateway ? ctx.network.natGatewayIp : undefined;
    if (hasPrivatePools && props.natGateway && !natIp) throw new Error(`cluster ${ctx.cluster.name}: natGateway is set but the context has no network.natGatewayIp`);
    this.network = new HetznerNetwork(this, 'network', {
      name: prefix,
      cidr: ctx.network.cidr,
      subnetCidr: ctx.network.nodeSubnet,
      zone: ctx.network.zone,
      labels,
      deleteProtection: protection,
      egressGateway: hasPrivatePools ? (natIp ?? cpIps[0]) : undefined,
    });
    this.firewall = new NodeFirewall(this, 'firewall', { name: prefix, sshSources: props.sshSources, apiSources: props.apiSources, labels });

    const common = {
      k3sVersion: ctx.kubernetes.k3sVersion,
      routeProbeIp: cpIps[0]!,
      clusterCidr: ctx.network.podCidr,
      serviceCidr: ctx.network.serviceCidr,
      tlsSans: [ctx.sovereign.fqdn, `api.${ctx.sovereign.fqdn}`, ctx.network.loadBalancerIp, ctx.network.apiLoadBalancerIp, LB_IPV4.placeholder, LB_IPV6.placeholder],
      joinUrl: ctx.kubernetes.privateApiUrl,
      nodeSubnet: ctx.network.nodeSubnet,
      localPath: props.localPathImages ?? { provisioner: NODE_SOFTWARE.localPathProvisioner, helper: NODE_SOFTWARE.localPathHelper },
    };
    const snap = props.etcdSnapshots;
    const etcdSnapshots = snap && { ...snap, s3: { ...snap.s3, accessKey: snap.s3.accessKey.placeholder, secretKey: snap.s3.secretKey.placeholder } };
    const serverSplices = [props.serverToken, props.agentToken, ...(snap ? [snap.s3.accessKey, snap.s3.secretKey] : [])];
    const { secretManifests, ...rest } = props.bootstrap;
    const bootstrap = { ...rest, earlySecretFiles: { 'hcloud-secret': hcloudSecretManifest(ctx, props.hcloudToken) }, secretFiles: secretManifests ? { 'flux-secrets': secretManifests } : undefined };
    const oidc = { issuerUrl: ctx.auth.issuerUrl, clientId: ctx.auth.kubernetesClientId };
    const networkId = this.network.network.id;
    const clusterSelector = `${LABELS.sovereign}=${ctx.sovereign.fqdn},${LABELS.cluster}=${ctx.cluster.name}`;
    const firewallId = this.firewall.firewall.id;

    this.loadBalancer = new ClusterLoadBalancer(this, 'load-balancer', {
      name: prefix,
      type: props.loadBalancerType,
      location: ctx.cluster.location,
      networkId,
      privateIp: ctx.network.loadBalancerIp,
      // The NAT gateway runs no ingress: keep it out of the targets (only where there is one, so other
      // stacks' targets stay as they were). Hetzner label selectors take `k!=v` (https://docs.hetzner.cloud/#label-selector).
      targetSelector: `${clusterSelector}${natIp ? `,${LABELS.role}!=${NAT_GATEWAY_ROLE}` : ''}`,
      ports: [
        { name: 'http', listenPort: 80, destinationPort: ctx.ingress.http, proxyProtocol: ctx.ingress.proxyProtocol },
        { name: 'https', listenPort: 443, destinationPort: ctx.ingress.https, proxyProtocol: ctx.ingress.proxyProtocol },
        ...(ctx.kubernetes.apiViaLoadBalancer ? [{ name: 'kubernetes_api', listenPort: ctx.kubernetes.apiPort, destinationPort: ctx.kubernetes.apiPort } satisfies LoadBalancerPort] : []),
      ],
      labels,
      dependsOn: [this.network.subnet],
      deleteProtection: protection,
    });

    if (ctx.kubernetes.privateApiLoadBalancer) {
      this.apiLoadBalancer = new ClusterLoadBalancer(this, 'api-load-balancer', {
        address: 'api',
        targetAddress: 'api',
        name: `${prefix}-api`,
        type: API_LOAD_BALANCER_TYPE,
        location: ctx.cluster.location,
        networkId,
        privateIp: ctx.network.apiLoadBalancerIp,
        publicInterface: false,
        targetSelector: `${clusterSelector},${LABELS.role}=control-plane`,
        ports: [{ name: 'api', listenPort: ctx.kubernetes.apiPort, destinationPort: ctx.kubernetes.apiPort }],
        labels,
        dependsOn: [this.network.subnet],
        deleteProtection: protection,
      });
    }
    const apiReady = this.apiLoadBalancer ? [this.apiLoadBalancer.target, ...this.apiLoadBalancer.services] : [];

    if (natIp) {
      this.natGateway = new NatGateway(this, 'nat-gateway', {
        name: `${prefix}-nat`,
        serverType: props.natGateway!.serverType,
        location: ctx.cluster.location,
        image: props.image,
        sshKeyIds: props.sshKeyIds,
        firewallId,
        networkId,
        privateIp: natIp,
        sourceCidr: ctx.network.cidr,
        labels: { ...labels, [LABELS.role]: NAT_GATEWAY_ROLE },
        dependsOn: [this.network.subnet],
        protection,
      });
    }

    this.controlPlane = new NodePool(this, 'control-plane', {
      addressStem: 'control_plane',
      serverNames: cpIps.map((_, i) => controlPlaneServerName(prefix, i + 1)),
      placementGroupName: `${prefix}-cp`,
      serverType: props.controlPlane.serverType,
      location: ctx.cluster.location,
      image: props.image,
      sshKeyIds: props.sshKeyIds,
      firewallId,
      networkId,
      fixedIps: cpIps,
      labels: { ...labels, [LABELS.role]: 'control-plane' },
      // Joining servers need the API load balancer; the first waits for it too (seconds), which keeps one list.
      dependsOn: [this.network.subnet, ...apiReady],
      afterFirst: true,
      protection,
      userData: (i) => {
        const first = i === 0;
        const doc = renderNodeCloudInit({
          ...common,
          role: first ? 'server-init' : 'server-join',
          token: props.serverToken.placeholder,
          agentToken: props.agentToken.placeholder,
          nodeIp: cpIps[i],
          nodeLabels: [`${LABELS.role}=control-plane`],
          nodeTaints: [],
          natSourceCidr: first && hasPrivatePools && !natIp ? ctx.network.cidr : undefined,
          oidc,
          etcdSnapshots,
          bootstrap: first ? bootstrap : undefined,
        });
        const lb = this.loadBalancer.loadBalancer;
        const addresses = [{ ...LB_IPV4, expression: lb.ipv4 }, { ...LB_IPV6, expression: lb.ipv6 }];
        const bootstrapSecrets = first ? [props.hcloudToken, ...(props.bootstrap.secrets ?? [])] : [];
        return finish(doc, [...serverSplices, ...addresses, ...bootstrapSecrets], controlPlaneServerName(prefix, i + 1));
      },
    });

    const workersAfter = [...this.controlPlane.servers, this.loadBalancer.attachment, ...apiReady];
    const privateAfter = [...(this.network.egressRoute ? [this.network.egressRoute] : []), ...(this.natGateway ? [this.natGateway.server] : [])];
    const privateEgress = { gateway: host(mustParseCidr(ctx.network.cidr), 1), resolvers: HETZNER_RESOLVERS };
    this.workerPools = [...props.workerPools]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((pool) => {
        const nodeLabels = [`${LABELS.role}=worker`, `${LABELS.pool}=${pool.name}`, ...Object.entries(pool.labels).map(([k, v]) => `${k}=${v}`)];
        const nodeTaints = pool.taints.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`);
        return new NodePool(this, `pool-${pool.name}`, {
          addressStem: `pool_${pool.name}`,
          serverNames: Array.from({ length: pool.count }, (_, i) => workerServerName(prefix, pool.name, i + 1)),
          placementGroupName: `${prefix}-${pool.name}`,
          serverType: pool.serverType,
          location: ctx.cluster.location,
          image: props.image,
          sshKeyIds: props.sshKeyIds,
          firewallId,
          networkId,
          labels: { ...labels, [LABELS.role]: 'worker', [LABELS.pool]: pool.name },
          dependsOn: [...workersAfter, ...(pool.privateOnly ? privateAfter : [])],
          privateOnly: pool.privateOnly,
          protection,
          userData: (i) =>
            finish(
              renderNodeCloudInit({ ...common, role: 'agent', token: props.agentToken.placeholder, nodeLabels, nodeTaints, privateEgress: pool.privateOnly ? privateEgress : undefined }),
              [props.agentToken],
              workerServerName(prefix, pool.name, i + 1),
            ),
        });
      });
    this.largestUserDataBytes = Math.max(...sizes);
    this.largestCloudInitBytes = Math.max(...plainSizes);
  }

  /** Every server of the cluster: control plane first, then pools by name. */
  get servers(): Server[] {
    return [...this.controlPlane.servers, ...this.workerPools.flatMap((p) => p.servers)];
  }
}
