/**
 * The private network of a cluster: one Hetzner network and one cloud subnet for the servers
 * (https://docs.hetzner.com/cloud/networks/overview/).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Network } from '../../.gen/providers/hcloud/network';
import { NetworkSubnet } from '../../.gen/providers/hcloud/network-subnet';

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
}

/** A Hetzner network with one cloud subnet. Terraform addresses: `hcloud_network.network`, `hcloud_network_subnet.nodes`. */
export class HetznerNetwork extends Construct {
  /** The `hcloud_network.network` resource. */
  readonly network: Network;
  /** The `hcloud_network_subnet.nodes` cloud subnet. */
  readonly subnet: NetworkSubnet;

  constructor(scope: Construct, id: string, props: HetznerNetworkProps) {
    super(scope, id);
    this.network = new Network(this, 'network', { name: props.name, ipRange: props.cidr, labels: props.labels });
    this.network.overrideLogicalId('network');
    this.subnet = new NetworkSubnet(this, 'subnet', {
      networkId: Token.asNumber(this.network.id),
      type: 'cloud',
      networkZone: props.zone,
      ipRange: props.subnetCidr,
    });
    this.subnet.overrideLogicalId('nodes');
  }
}
