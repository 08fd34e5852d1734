/**
 * The private network of a cluster: one Hetzner network, one cloud subnet for the servers
 * (https://docs.hetzner.com/cloud/networks/overview/) and, when some servers have no public
 * interface, the default route that sends their internet traffic to a NAT server.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Network } from '../../.gen/providers/hcloud/network';
import { NetworkRoute } from '../../.gen/providers/hcloud/network-route';
import { NetworkSubnet } from '../../.gen/providers/hcloud/network-subnet';

/** Destination of the egress route: every address outside the network. */
export const DEFAULT_ROUTE = '0.0.0.0/0';

/** Props of a `HetznerNetwork`. */
export interface HetznerNetworkProps {
  /** Network name, unique in the Hetzner project. */
  readonly name: string;
  /** Network range, e.g. `10.0.0.0/16`. */
  readonly cidr: string;
  /** Server subnet inside `cidr`, e.g. `10.0.1.0/24`. */
  readonly subnetCidr: string;
  /** Network zone of the location, e.g. `eu-central`. */
  readonly zone: string;
  /** Hetzner labels of the network. */
  readonly labels: Record<string, string>;
  /** Hetzner delete protection of the network (the subnet and route have none of their own). @default false */
  readonly deleteProtection?: boolean;
  /**
   * Private IP of the server that forwards and masquerades internet traffic of servers without a public
   * interface, e.g. `10.0.1.253`. Hetzner's network router sends packets for `0.0.0.0/0` there; it may not
   * be the first address of `cidr` (the network gateway) nor `172.31.1.1`
   * (https://docs.hetzner.cloud/, Network Actions: Add a route to a Network).
   * @default none: no route
   */
  readonly egressGateway?: string;
}

/**
 * A Hetzner network with one cloud subnet. Terraform addresses: `hcloud_network.network`,
 * `hcloud_network_subnet.nodes`, and with `egressGateway` `hcloud_network_route.egress`.
 */
export class HetznerNetwork extends Construct {
  /** The `hcloud_network.network` resource. */
  readonly network: Network;
  /** The `hcloud_network_subnet.nodes` cloud subnet. */
  readonly subnet: NetworkSubnet;
  /** The `hcloud_network_route.egress` default route, when `egressGateway` is set. */
  readonly egressRoute?: NetworkRoute;

  constructor(scope: Construct, id: string, props: HetznerNetworkProps) {
    super(scope, id);
    this.network = new Network(this, 'network', { name: props.name, ipRange: props.cidr, labels: props.labels, deleteProtection: props.deleteProtection ?? false });
    this.network.overrideLogicalId('network');
    const networkId = Token.asNumber(this.network.id);
    this.subnet = new NetworkSubnet(this, 'subnet', {
      networkId,
      type: 'cloud',
      networkZone: props.zone,
      ipRange: props.subnetCidr,
    });
    this.subnet.overrideLogicalId('nodes');
    if (props.egressGateway !== undefined) {
      // After the subnet: the gateway lies in it, and Hetzner runs one action at a time on a network.
      this.egressRoute = new NetworkRoute(this, 'egress', { networkId, destination: DEFAULT_ROUTE, gateway: props.egressGateway, dependsOn: [this.subnet] });
      this.egressRoute.overrideLogicalId('egress');
    }
  }
}
