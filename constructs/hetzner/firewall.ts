/**
 * The cloud firewall of a cluster's servers (https://docs.hetzner.com/cloud/firewalls/overview/).
 * Hetzner firewalls filter the public interface only; private-network traffic (node to node, load
 * balancer to node) is not affected. So 80 and 443 stay closed on the servers' public addresses: the
 * load balancer forwards them to the ingress node ports over the private network. Everything inbound that no rule allows is dropped. Servers
 * without a public interface (private-only pools) have nothing it could filter and do not get it.
 */
import { Construct } from 'constructs';
import { Firewall, FirewallRule } from '../../.gen/providers/hcloud/firewall';

/** Anywhere, IPv4 and IPv6. */
export const ANYWHERE: readonly string[] = ['0.0.0.0/0', '::/0'];

/** Props of a `NodeFirewall`. */
export interface NodeFirewallProps {
  /** Firewall name, unique in the Hetzner project, e.g. `<sovereign>-<cluster>`. */
  readonly name: string;
  /** Sources allowed to reach SSH (22/tcp); empty means no rule, port closed. */
  readonly sshSources: readonly string[];
  /** Sources allowed to reach the Kubernetes API (6443/tcp); empty means no rule, port closed. */
  readonly apiSources: readonly string[];
  /** Hetzner labels of the firewall. */
  readonly labels: Record<string, string>;
}

/**
 * Source CIDRs in one canonical order, IPv4 before IPv6 and each sorted, so reordering a spec's list
 * (which has no meaning) leaves the Terraform output unchanged. Validation rejects duplicates.
 */
export function canonicalSources(sources: readonly string[]): string[] {
  const v6 = (s: string) => (s.includes(':') ? 1 : 0);
  return [...sources].sort((a, b) => v6(a) - v6(b) || a.localeCompare(b));
}

/**
 * Inbound rules: ICMP from anywhere; SSH and the Kubernetes API only from the sources given, and no
 * rule at all when none are given. Nothing else reaches a server's public interface. Terraform
 * address: `hcloud_firewall.nodes`.
 */
export class NodeFirewall extends Construct {
  /** The `hcloud_firewall.nodes` resource. */
  readonly firewall: Firewall;
  /** The rules, in the order they are written. */
  readonly rules: readonly FirewallRule[];

  constructor(scope: Construct, id: string, props: NodeFirewallProps) {
    super(scope, id);
    const tcp = (port: string, sources: readonly string[], description: string): FirewallRule => ({
      direction: 'in',
      protocol: 'tcp',
      port,
      sourceIps: canonicalSources(sources),
      description,
    });
    const rules: FirewallRule[] = [{ direction: 'in', protocol: 'icmp', sourceIps: [...ANYWHERE], description: 'icmp' }];
    if (props.sshSources.length > 0) rules.push(tcp('22', props.sshSources, 'ssh'));
    if (props.apiSources.length > 0) rules.push(tcp('6443', props.apiSources, 'kubernetes-api'));
    this.rules = rules;
    this.firewall = new Firewall(this, 'firewall', { name: props.name, labels: props.labels, rule: rules });
    this.firewall.overrideLogicalId('nodes');
  }
}
