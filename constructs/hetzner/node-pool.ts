/**
 * A node pool: identical servers spread over spread placement groups
 * (https://docs.hetzner.com/cloud/placement-groups/overview/), attached to the private network.
 */
import { Fn, ITerraformDependable, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { PlacementGroup } from '../../.gen/providers/hcloud/placement-group';
import { Server } from '../../.gen/providers/hcloud/server';
import { SPREAD_GROUP_MAX_SERVERS } from '../../lib/hetzner';

/** What every server of a cluster is created with: type, place, image, root keys, firewall, network. */
export interface ServerBaseProps {
  /** Hetzner server type, e.g. `cx43`. */
  readonly serverType: string;
  /** Hetzner location, e.g. `fsn1`. */
  readonly location: string;
  /** OS image, e.g. `NODE_SOFTWARE.image`. */
  readonly image: string;
  /** IDs (or names) of the SSH keys installed for root. */
  readonly sshKeyIds: readonly string[];
  /** ID of the firewall attached to every server that has a public interface. */
  readonly firewallId: string;
  /** ID of the private network. */
  readonly networkId: string;
}

/** Props of a `NodePool`. */
export interface NodePoolProps extends ServerBaseProps {
  /** Stem of the Terraform addresses, e.g. `control_plane` → `hcloud_server.control_plane_1`. */
  readonly addressStem: string;
  /** Server names, one per server (their count is the pool size). */
  readonly serverNames: readonly string[];
  /** Name of the first placement group; further groups get `-2`, `-3`, ... */
  readonly placementGroupName: string;
  /** Fixed private IPs, one per server; none means Hetzner assigns them. @default none */
  readonly fixedIps?: readonly string[];
  /**
   * cloud-init of the server at `index` (0-based), as text (it may hold Terraform expressions). It
   * becomes the local value `local.user_data_<stem>_<n>`, and the server's `user_data` is
   * `base64gzip()` of it: cloud-init's Hetzner datasource base64-decodes user data and cloud-init
   * unpacks gzip, so a server gets the same document in less of Hetzner's 32 KiB.
   */
  readonly userData: (index: number) => string;
  /** Labels of every server and placement group. */
  readonly labels: Record<string, string>;
  /** Resources every server waits for. @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Servers after the first wait for the first (k3s servers join the one that initialized etcd). @default false */
  readonly afterFirst?: boolean;
  /**
   * Servers without a public interface: no public IPv4, no public IPv6 (`public_net`), only the private
   * network they are attached to at creation, and no firewall — Hetzner firewalls filter public
   * interfaces only and the API refuses to apply one to such a server (`private_net_only_server`,
   * https://docs.hetzner.cloud/, Firewall Actions: Apply to Resources). Their internet traffic needs a
   * route and a NAT server, which the caller provides.
   * @default false
   */
  readonly privateOnly?: boolean;
  /**
   * Hetzner delete and rebuild protection of every server. Hetzner requires a server's two flags to be
   * equal ("currently delete and rebuild attribute needs to have the same value", https://docs.hetzner.cloud/,
   * Server Actions: Change Server Protection), so one switch sets both.
   * @default false
   */
  readonly protection?: boolean;
}

/**
 * Servers of one pool. cloud-init runs once, at creation: `user_data`, `image` and `ssh_keys` are
 * ignored after that so that changing them (a k3s bump, a new key) never replaces a running node;
 * day-2 changes go through Kubernetes. The readable cloud-init of each server is the local value
 * `user_data_<stem>_<n>` (locals are not in state: renaming one replaces nothing). Every server is attached to the private network in its
 * `hcloud_server` block, so it has its private interface from the first boot (a server without a
 * public interface has no other). Terraform addresses: `hcloud_server.<stem>_<n>` (1-based),
 * `hcloud_placement_group.<stem>` and `<stem>_2`, ... for every further 10 servers.
 */
export class NodePool extends Construct {
  /** The servers, in `serverNames` order. */
  readonly servers: readonly Server[];
  /** Spread placement groups, one per 10 servers. */
  readonly placementGroups: readonly PlacementGroup[];
  /** Whether the servers have no public interface (`props.privateOnly`). */
  readonly privateOnly: boolean;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    this.privateOnly = props.privateOnly ?? false;
    const groupCount = Math.ceil(props.serverNames.length / SPREAD_GROUP_MAX_SERVERS);
    this.placementGroups = Array.from({ length: groupCount }, (_, g) => {
      const suffix = g === 0 ? '' : `-${g + 1}`;
      const pg = new PlacementGroup(this, `placement-group-${g + 1}`, { name: `${props.placementGroupName}${suffix}`, type: 'spread', labels: props.labels });
      pg.overrideLogicalId(g === 0 ? props.addressStem : `${props.addressStem}_${g + 1}`);
      return pg;
    });
    const servers: Server[] = [];
    props.serverNames.forEach((name, i) => {
      const group = this.placementGroups[Math.floor(i / SPREAD_GROUP_MAX_SERVERS)]!;
      const dependsOn = [...(props.dependsOn ?? []), ...(props.afterFirst && i > 0 ? [servers[0]!] : [])];
      const userData = new TerraformLocal(this, `user-data-${i + 1}`, props.userData(i));
      userData.overrideLogicalId(`user_data_${props.addressStem}_${i + 1}`);
      const server = new Server(this, `server-${i + 1}`, {
        name,
        serverType: props.serverType,
        image: props.image,
        location: props.location,
        sshKeys: [...props.sshKeyIds],
        firewallIds: this.privateOnly ? undefined : [Token.asNumber(props.firewallId)],
        placementGroupId: Token.asNumber(group.id),
        labels: props.labels,
        publicNet: [{ ipv4Enabled: !this.privateOnly, ipv6Enabled: !this.privateOnly }],
        network: [{ networkId: Token.asNumber(props.networkId), ip: props.fixedIps?.[i] }],
        userData: Fn.base64gzip(userData.asString),
        deleteProtection: props.protection ?? false,
        rebuildProtection: props.protection ?? false,
        dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
        lifecycle: { ignoreChanges: ['user_data', 'image', 'ssh_keys'] },
      });
      server.overrideLogicalId(`${props.addressStem}_${i + 1}`);
      servers.push(server);
    });
    this.servers = servers;
  }
}
