/**
 * Pinned Terraform addresses: a public contract.
 *
 * A Terraform address (`hcloud_server.control_plane_1`, `data.hcloud_ssh_key.admin_1`) is how state
 * tracks a real object. cdktf derives it from the construct ID (or an `overrideLogicalId`), and the
 * stack name names the state (`<stack>.tfstate`) and the `cdktf.out/stacks/<stack>` folder. Renaming a
 * construct, dropping an `overrideLogicalId` or reshaping a stack therefore makes the next
 * `terraform apply` DESTROY and re-create servers, networks, the load balancer (new IPs) and the join
 * token (a cluster that no new node can join) of every running Sovereign.
 *
 * So every address, stack, variable and output name of the shipped examples is written out here
 * literally. When this test fails:
 *   - an address was REMOVED or RENAMED: that is a breaking change. Keep the old address, or ship a
 *     `moved { from = ..., to = ... }` block with the change and say so in the release notes;
 *   - an address was ADDED (a new resource, e.g. a route for private workers): check it is intended,
 *     then add it to the list below;
 *   - a variable or output was renamed: users' `TF_VAR_*`, tfvars and scripts reading outputs break;
 *     release-note it.
 * Never "fix" this test by regenerating the lists from the code.
 */
import { EXAMPLES, synthExample, TerraformJson } from '../support/synth';

/** Every `<type>.<name>` of a stack's resources and `data.<type>.<name>` of its data sources, sorted. */
function addresses(tf: TerraformJson): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(tf.resource ?? {})) for (const name of Object.keys(byName)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const name of Object.keys(byName)) out.push(`data.${type}.${name}`);
  return out.sort();
}

/**
 * Fails with a message that names what changed, e.g.
 * `solo-hz-fsn-mgt-prod: Terraform addresses changed. REMOVED (replaced or destroyed on apply unless a moved block maps them): hcloud_server.pool_general_2`.
 */
function expectSameNames(what: string, where: string, actual: readonly string[], pinned: readonly string[]): void {
  const removed = pinned.filter((a) => !actual.includes(a));
  const added = actual.filter((a) => !pinned.includes(a));
  if (removed.length === 0 && added.length === 0) return;
  const lines = [`${where}: ${what} changed (see the header of __tests__/terraform/addresses.test.ts).`];
  if (removed.length > 0) lines.push(`  REMOVED (breaking: add a moved block or release note): ${removed.join(', ')}`);
  if (added.length > 0) lines.push(`  ADDED (if intended, add to the pinned list): ${added.join(', ')}`);
  throw new Error(lines.join('\n'));
}

/** Resources and data sources every stack has, whatever the spec. */
const COMMON = [
  'hcloud_firewall.nodes',
  'hcloud_load_balancer.ingress',
  'hcloud_load_balancer_network.ingress',
  'hcloud_load_balancer_service.http',
  'hcloud_load_balancer_service.https',
  'hcloud_load_balancer_target.cluster',
  'hcloud_network.network',
  'hcloud_network_subnet.nodes',
  'hcloud_placement_group.control_plane',
  'hcloud_server.control_plane_1',
  'random_password.k3s_token',
];

const OUTPUTS = ['cluster_name', 'control_plane_ipv4', 'control_plane_private_ips', 'gitops_path', 'load_balancer_ipv4', 'load_balancer_ipv6', 'network_id', 'worker_ipv4'];

/** The addresses every stack has (`COMMON`) plus a stack's own, sorted like the synthesized list. */
function withCommon(own: readonly string[]): string[] {
  return [...COMMON, ...own].sort();
}

interface PinnedStack {
  readonly addresses: readonly string[];
  readonly variables: readonly string[];
  readonly outputs: readonly string[];
}

/** Per example: stack name → its pinned addresses, variable and output names. */
const PINNED: Record<(typeof EXAMPLES)[number], Record<string, PinnedStack>> = {
  solo: {
    'solo-hz-fsn-mgt-prod': {
      addresses: withCommon([
        'hcloud_placement_group.pool_general',
        'hcloud_server.pool_general_1',
        'hcloud_server.pool_general_2',
        'hcloud_ssh_key.admin_1',
      ]),
      variables: ['hcloud_token'],
      outputs: OUTPUTS,
    },
  },
  omantel: {
    'omantel-hz-fsn-mgt-prod': {
      addresses: withCommon([
        'hcloud_ssh_key.admin_1',
      ]),
      variables: ['hcloud_token'],
      outputs: [...OUTPUTS, 'kubeconfig_command', 'kubernetes_api_url'],
    },
  },
  'bank-dr': {
    'bank-hz-fsn-rtz-prod': {
      addresses: withCommon([
        'hcloud_load_balancer.api', // three control plane servers: joins go through the private API load balancer
        'hcloud_load_balancer_network.api',
        'hcloud_load_balancer_service.api',
        'hcloud_load_balancer_target.api',
        'hcloud_network_route.egress', // the data pool is private-only: its internet goes through NAT
        'hcloud_placement_group.pool_data',
        'hcloud_placement_group.pool_general',
        'hcloud_primary_ip.nat_gateway', // the dedicated NAT gateway and its stable egress address
        'hcloud_server.control_plane_2',
        'hcloud_server.control_plane_3',
        'hcloud_server.nat_gateway',
        'hcloud_server.pool_data_1',
        'hcloud_server.pool_data_2',
        'hcloud_server.pool_general_1',
        'hcloud_server.pool_general_2',
        'hcloud_server.pool_general_3',
        'hcloud_ssh_key.admin_1',
      ]),
      variables: ['git_token', 'git_username', 'hcloud_token'],
      outputs: [...OUTPUTS, 'kubeconfig_command', 'kubernetes_api_url', 'nat_gateway_ipv4'],
    },
    // The standby region looks the SSH key up (data source) instead of creating it.
    'bank-hz-hel-rtz-prod': {
      addresses: withCommon([
        'data.hcloud_ssh_key.admin_1',
        'hcloud_load_balancer.api',
        'hcloud_load_balancer_network.api',
        'hcloud_load_balancer_service.api',
        'hcloud_load_balancer_target.api',
        'hcloud_placement_group.pool_general',
        'hcloud_server.control_plane_2',
        'hcloud_server.control_plane_3',
        'hcloud_server.pool_general_1',
        'hcloud_server.pool_general_2',
        'hcloud_server.pool_general_3',
      ]),
      variables: ['git_token', 'git_username', 'hcloud_token'],
      outputs: [...OUTPUTS, 'kubeconfig_command', 'kubernetes_api_url'],
    },
  },
};

describe('Terraform addresses, stack, variable and output names are pinned', () => {
  it.each(EXAMPLES)('%s: the stack names (state keys and cdktf.out folders)', (name) => {
    const ex = synthExample(name);
    expectSameNames('stack names', name, Object.keys(ex.stacks), Object.keys(PINNED[name]));
    expect(ex.report.stacks.map((s) => s.name)).toEqual(Object.keys(PINNED[name]));
  });

  it.each(EXAMPLES)('%s: every resource and data source address of every stack', (name) => {
    for (const [stack, tf] of Object.entries(synthExample(name).stacks)) {
      const pinned = PINNED[name][stack]!;
      expectSameNames('Terraform addresses', stack, addresses(tf), pinned.addresses);
      expect(addresses(tf)).toEqual(pinned.addresses); // same order too: the pinned lists are sorted
    }
  });

  it.each(EXAMPLES)('%s: the variable names (TF_VAR_* of every deployment)', (name) => {
    for (const [stack, tf] of Object.entries(synthExample(name).stacks)) {
      expectSameNames('variable names', stack, Object.keys(tf.variable ?? {}).sort(), PINNED[name][stack]!.variables);
    }
  });

  it.each(EXAMPLES)('%s: the output names', (name) => {
    for (const [stack, tf] of Object.entries(synthExample(name).stacks)) {
      expectSameNames('output names', stack, Object.keys(tf.output ?? {}).sort(), PINNED[name][stack]!.outputs);
    }
  });

  it.each(EXAMPLES)('%s: the report counts exactly the pinned resources and data sources', (name) => {
    const ex = synthExample(name);
    expect(Object.fromEntries(ex.report.stacks.map((s) => [s.name, s.resources]))).toEqual(
      Object.fromEntries(Object.entries(PINNED[name]).map(([stack, p]) => [stack, p.addresses.length])),
    );
  });

  it('the pinned lists name each address once (a stack\'s own addresses do not repeat the common ones)', () => {
    for (const stacks of Object.values(PINNED)) {
      for (const [stack, p] of Object.entries(stacks)) {
        expect({ stack, addresses: [...new Set(p.addresses)].sort() }).toEqual({ stack, addresses: p.addresses });
      }
    }
  });

  it('names what changed when an address is added or removed', () => {
    expect(() => expectSameNames('Terraform addresses', 's', ['a.x', 'b.new'], ['a.x', 'c.old'])).toThrow(
      /s: Terraform addresses changed[\s\S]*REMOVED \(breaking: add a moved block or release note\): c\.old[\s\S]*ADDED \(if intended, add to the pinned list\): b\.new/,
    );
    expect(() => expectSameNames('Terraform addresses', 's', ['a.x'], ['a.x'])).not.toThrow();
  });
});
