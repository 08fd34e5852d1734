/**
 * A dedicated NAT gateway for a region's servers without a public interface: one small server that
 * forwards and masquerades the region network's internet traffic behind a Hetzner primary IPv4
 * (https://docs.hetzner.com/cloud/servers/primary-ips/overview/). The primary IP is its own resource
 * (`auto_delete = false`), so replacing or rebuilding the server keeps the egress address that
 * partners allowlist, and the gateway does not depend on a control plane server.
 */
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { PrimaryIp } from '../../.gen/providers/hcloud/primary-ip';
import { Server } from '../../.gen/providers/hcloud/server';
import { toYaml } from '../../lib/gitops';
import { escapeTerraform, natCommands, SSHD_HARDENING } from './cloud-init';
import type { ServerBaseProps } from './node-pool';

/** Props of a `NatGateway`; its primary IP is created in `location` too. */
export interface NatGatewayProps extends ServerBaseProps {
  /** Name of the server and its primary IP, e.g. `<sovereign>-<cluster>-nat`. */
  readonly name: string;
  /** Fixed private IP, the gateway of the network's `0.0.0.0/0` route, e.g. `10.10.1.249`. */
  readonly privateIp: string;
  /** IPv4 range whose traffic it forwards and masquerades, the region network, e.g. `10.10.0.0/16`. */
  readonly sourceCidr: string;
  /** Hetzner labels of the server and the primary IP. */
  readonly labels: Record<string, string>;
  /** Resources the server waits for (the subnet). @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Hetzner delete protection of both, and rebuild protection of the server (Hetzner requires the two server flags equal). @default false */
  readonly protection?: boolean;
}

/**
 * cloud-init of the NAT gateway: the sshd hardening every server gets, and in `bootcmd` (every boot,
 * before anything else) IPv4 forwarding and masquerading of `sourceCidr` out of the public interface.
 * It runs no k3s.
 */
export function renderNatGatewayCloudInit(sourceCidr: string): string {
  const doc = {
    bootcmd: natCommands(sourceCidr),
    write_files: [{ path: '/etc/ssh/sshd_config.d/90-catalyst-hardening.conf', permissions: '0644', content: SSHD_HARDENING }],
    runcmd: ['systemctl reload ssh || systemctl reload sshd || true'],
  };
  return escapeTerraform(`#cloud-config\n${toYaml(doc)}`);
}

/**
 * The NAT gateway server and its primary IPv4. No IPv6 (it forwards IPv4 only). Like every node,
 * `user_data`, `image` and `ssh_keys` are ignored after creation. Terraform addresses:
 * `hcloud_primary_ip.nat_gateway`, `hcloud_server.nat_gateway`.
 */
export class NatGateway extends Construct {
  /** The `hcloud_primary_ip.nat_gateway` egress address. */
  readonly primaryIp: PrimaryIp;
  /** The `hcloud_server.nat_gateway` server. */
  readonly server: Server;

  constructor(scope: Construct, id: string, props: NatGatewayProps) {
    super(scope, id);
    const protection = props.protection ?? false;
    this.primaryIp = new PrimaryIp(this, 'primary-ip', {
      name: props.name,
      type: 'ipv4',
      assigneeType: 'server',
      location: props.location,
      autoDelete: false,
      labels: props.labels,
      deleteProtection: protection,
    });
    this.primaryIp.overrideLogicalId('nat_gateway');
    this.server = new Server(this, 'server', {
      name: props.name,
      serverType: props.serverType,
      image: props.image,
      location: props.location,
      sshKeys: [...props.sshKeyIds],
      firewallIds: [Token.asNumber(props.firewallId)],
      labels: props.labels,
      publicNet: [{ ipv4Enabled: true, ipv4: Token.asNumber(this.primaryIp.id), ipv6Enabled: false }],
      network: [{ networkId: Token.asNumber(props.networkId), ip: props.privateIp }],
      userData: renderNatGatewayCloudInit(props.sourceCidr),
      deleteProtection: protection,
      rebuildProtection: protection,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      lifecycle: { ignoreChanges: ['user_data', 'image', 'ssh_keys'] },
    });
    this.server.overrideLogicalId('nat_gateway');
  }
}
