/**
 * Hetzner security posture in the synthesized Terraform: delete and rebuild protection
 * (`spec.deleteProtection`) on every resource the provider can protect, and private-only worker pools
 * (`workerPools[].privateOnly`) that reach the internet through NAT on the first control plane server.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import { resources, ROOT, synthExample, TerraformJson } from '../support/synth';
import { loadProviderSchemas, validateTerraformJson } from '../support/tf-schema';

type Res = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HCLOUD_SCHEMA = join(ROOT, 'schemas/hcloud-provider-schema.json');

/** Resource types whose provider schema has a `delete_protection` argument. */
const PROTECTABLE: readonly string[] = (() => {
  const file = JSON.parse(readFileSync(HCLOUD_SCHEMA, 'utf8'));
  const provider = Object.values(file.provider_schemas)[0] as { resource_schemas: Record<string, { block: { attributes?: Record<string, unknown> } }> };
  return Object.entries(provider.resource_schemas)
    .filter(([, r]) => r.block.attributes && 'delete_protection' in r.block.attributes)
    .map(([type]) => type)
    .sort();
})();

/** Every resource of a stack as `type.name` → body. */
function allResources(tf: TerraformJson): Array<[string, string, Res]> {
  return Object.entries(tf.resource).flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [type, name, body as Res] as [string, string, Res]));
}

/** The cloud-config document of a server, parsed. */
function cloudConfig(server: Res): Res {
  const text = server.user_data as string;
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parse(text);
}

/** Synthesizes `examples/solo.yaml` changed by `edit` into a temporary folder and returns its only stack. */
function soloWith(edit: (spec: Res) => void): TerraformJson {
  const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  edit(spec);
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-posture-'));
  Sovereign.fromYaml(stringify(spec)).synthesize({ terraformOut: dir });
  const [stack, ...more] = readdirSync(join(dir, 'stacks'));
  expect(more).toEqual([]);
  return JSON.parse(readFileSync(join(dir, 'stacks', stack!, 'cdk.tf.json'), 'utf8'));
}

describe('delete and rebuild protection', () => {
  it('the provider protects servers, networks, load balancers, floating and primary IPs, volumes, storage boxes and zones', () => {
    // The stacks create servers, networks, load balancers and (a NAT gateway's) primary IPs; the test below fails when a stack gains another one unprotected.
    expect(PROTECTABLE).toEqual(['hcloud_floating_ip', 'hcloud_load_balancer', 'hcloud_network', 'hcloud_primary_ip', 'hcloud_server', 'hcloud_storage_box', 'hcloud_volume', 'hcloud_zone']);
  });

  it.each(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod'])('bank-dr %s: every protectable resource has delete protection, every server rebuild protection too', (stack) => {
    const tf = synthExample('bank-dr').stacks[stack]!;
    const protectable = allResources(tf).filter(([type]) => PROTECTABLE.includes(type));
    // The primary region's NAT gateway adds its primary IP.
    expect(new Set(protectable.map(([type]) => type))).toEqual(new Set(['hcloud_network', 'hcloud_load_balancer', 'hcloud_server', ...(stack === 'bank-hz-fsn-rtz-prod' ? ['hcloud_primary_ip'] : [])]));
    for (const [type, name, body] of protectable) {
      expect([`${type}.${name}`, body.delete_protection]).toEqual([`${type}.${name}`, true]);
    }
    const servers = Object.entries(resources(tf, 'hcloud_server'));
    expect(servers.length).toBeGreaterThanOrEqual(6);
    for (const [name, server] of servers) {
      // Hetzner refuses a server whose delete and rebuild protection differ.
      expect([name, server.rebuild_protection]).toEqual([name, server.delete_protection]);
    }
  });

  it('solo: protection is off, and explicitly so, on every protectable resource', () => {
    const tf = synthExample('solo').stacks['solo-hz-fsn-mgt-prod']!;
    const protectable = allResources(tf).filter(([type]) => PROTECTABLE.includes(type));
    expect(protectable.length).toBe(5);
    for (const [type, name, body] of protectable) expect([`${type}.${name}`, body.delete_protection]).toEqual([`${type}.${name}`, false]);
    for (const server of Object.values(resources(tf, 'hcloud_server'))) expect(server.rebuild_protection).toBe(false);
  });

  it('the spec field defaults to false and is read from spec.deleteProtection', () => {
    expect(synthExample('solo').sovereign.spec.spec.deleteProtection).toBe(false);
    expect(synthExample('bank-dr').sovereign.spec.spec.deleteProtection).toBe(true);
    const tf = soloWith((s) => (s.spec.deleteProtection = true));
    expect(resources(tf, 'hcloud_network').network!.delete_protection).toBe(true);
    expect(resources(tf, 'hcloud_load_balancer').ingress!.delete_protection).toBe(true);
  });
});

/** The NAT rules a NAT server's bootcmd must hold for the network `cidr`, in order, idempotent (bootcmd runs on every boot). */
function expectNatBootcmd(boot: string[], cidr: string): void {
  expect(boot[0]).toBe('sysctl -qw net.ipv4.ip_forward=1');
  const iface = boot.findIndex((l) => l.startsWith('until PUBLIC_IF=$(ip -4 route show default '));
  const masquerade = boot.findIndex((l) => l.includes(`-t nat -A POSTROUTING -s ${cidr} -o "$PUBLIC_IF" -j MASQUERADE`));
  expect(iface).toBeGreaterThan(0);
  expect(masquerade).toBeGreaterThan(iface);
  // Idempotent: a rule is added only when `iptables -C` does not find it.
  expect(boot[masquerade]).toMatch(/^iptables -t nat -C POSTROUTING (.*) 2>\/dev\/null \|\| iptables -t nat -A POSTROUTING \1$/);
  expect(boot.join('\n')).toContain(`-I FORWARD -s ${cidr} -o "$PUBLIC_IF" -j ACCEPT`);
  expect(boot.join('\n')).toContain(`-I FORWARD -d ${cidr} -i "$PUBLIC_IF" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
}

/** The egress setup a private-only server's cloud-init must hold: resolvers, default route via `gateway`, k3s only once the internet answers. */
function expectPrivateEgress(server: Res, gateway: string): void {
  const doc = cloudConfig(server);
  const boot: string[] = doc.bootcmd;
  expect(boot).toContain("printf '[Resolve]\\nDNS=185.12.64.1 185.12.64.2\\n' > /etc/systemd/resolved.conf.d/90-catalyst.conf");
  expect(boot).toContain("printf '[Network]\\nManageForeignRoutes=no\\n' > /etc/systemd/networkd.conf.d/90-catalyst.conf");
  const device = boot.findIndex((l) => l.startsWith(`until PRIVATE_IF=$(ip -4 route get ${gateway} `));
  expect(device).toBeGreaterThan(boot.indexOf('systemctl restart systemd-resolved'));
  expect(boot[device + 1]).toBe(`ip -4 route replace default via ${gateway} dev "$PRIVATE_IF" onlink`);
  // bootcmd runs before the package step; k3s is installed only once the NAT server answers.
  const run: string[] = doc.runcmd;
  const wait = run.indexOf('until curl -sf -o /dev/null https://get.k3s.io; do sleep 5; done');
  expect(wait).toBeGreaterThan(-1);
  expect(wait).toBeLessThan(run.findIndex((l) => l.includes("INSTALL_K3S_EXEC='agent'")));
}

describe('private-only worker pools: bank-dr fsn1 data pool behind the dedicated NAT gateway', () => {
  const ex = synthExample('bank-dr');
  const fsn = ex.stacks['bank-hz-fsn-rtz-prod']!;
  const servers = resources(fsn, 'hcloud_server');
  const privateNames = ['pool_data_1', 'pool_data_2'];
  const nodeNames = Object.keys(servers).filter((n) => !privateNames.includes(n) && n !== 'nat_gateway');
  const nat = servers.nat_gateway!;
  const natIp = '10.10.1.249';
  const gateway = '10.10.0.1';

  it('the example marks only the data pool private-only and gives the region a NAT gateway', () => {
    const pools = ex.sovereign.spec.spec.regions.flatMap((r) => r.workerPools.map((p) => `${r.location}/${p.name}=${p.privateOnly}`));
    expect(pools).toEqual(['fsn1/general=false', 'fsn1/data=true', 'hel1/general=false']);
    expect(ex.sovereign.spec.spec.regions.map((r) => r.natGateway)).toEqual([{ serverType: 'cpx22' }, undefined]);
    expect(ex.sovereign.clusters[0]!.ctx.network.natGatewayIp).toBe(natIp);
    expect(nodeNames.sort()).toEqual(['control_plane_1', 'control_plane_2', 'control_plane_3', 'pool_general_1', 'pool_general_2', 'pool_general_3']);
  });

  it('gives the private servers no public IPv4, no public IPv6 and no firewall, only the private network from creation', () => {
    for (const name of privateNames) {
      const s = servers[name]!;
      expect(s.public_net).toEqual([{ ipv4_enabled: false, ipv6_enabled: false }]);
      expect(s.firewall_ids).toBeUndefined();
      expect(s.network).toEqual([{ network_id: '${hcloud_network.network.id}' }]);
    }
  });

  it('routes 0.0.0.0/0 of the region network to the NAT gateway, which exists before the private servers', () => {
    expect(resources(fsn, 'hcloud_network_route')).toEqual({
      egress: expect.objectContaining({ network_id: '${hcloud_network.network.id}', destination: '0.0.0.0/0', gateway: natIp, depends_on: ['hcloud_network_subnet.nodes'] }),
    });
    for (const name of privateNames) expect(servers[name]!.depends_on).toEqual(expect.arrayContaining(['hcloud_network_route.egress', 'hcloud_server.nat_gateway']));
    for (const name of nodeNames) expect(servers[name]!.depends_on ?? []).not.toContain('hcloud_network_route.egress');
  });

  it('the NAT gateway: its own server on a stable primary IPv4, at the fixed private IP, firewalled, no IPv6, no k3s', () => {
    const { '//': _metadata, ...primaryIp } = resources(fsn, 'hcloud_primary_ip').nat_gateway!;
    expect(primaryIp).toEqual({
      name: 'bank-hz-fsn-rtz-prod-nat',
      type: 'ipv4',
      assignee_type: 'server',
      location: 'fsn1',
      // The address outlives the server: replacing the gateway keeps the allowlisted egress IP.
      auto_delete: false,
      delete_protection: true,
      labels: expect.objectContaining({ 'catalyst.openova.io/cluster': 'hz-fsn-rtz-prod', 'catalyst.openova.io/role': 'nat-gateway' }),
    });
    expect(nat).toMatchObject({
      name: 'bank-hz-fsn-rtz-prod-nat',
      server_type: 'cpx22',
      location: 'fsn1',
      public_net: [{ ipv4_enabled: true, ipv4: '${hcloud_primary_ip.nat_gateway.id}', ipv6_enabled: false }],
      network: [{ network_id: '${hcloud_network.network.id}', ip: natIp }],
      firewall_ids: ['${hcloud_firewall.nodes.id}'],
      delete_protection: true,
      rebuild_protection: true,
      depends_on: ['hcloud_network_subnet.nodes'],
      lifecycle: { ignore_changes: ['user_data', 'image', 'ssh_keys'] },
    });
    expect(nat.placement_group_id).toBeUndefined();
    expectNatBootcmd(cloudConfig(nat).bootcmd, '10.10.0.0/16');
    expect(String(nat.user_data)).not.toContain('k3s');
    expect(fsn.output.nat_gateway_ipv4!.value).toBe('${hcloud_primary_ip.nat_gateway.ip_address}');
  });

  it('no control plane server forwards: the first one has no NAT bootcmd', () => {
    for (const name of nodeNames) expect(cloudConfig(servers[name]!).bootcmd).toBeUndefined();
  });

  it('keeps the NAT gateway out of the ingress load balancer targets', () => {
    expect(resources(fsn, 'hcloud_load_balancer_target').cluster!.label_selector).toBe('catalyst.openova.io/sovereign=platform.bank.example,catalyst.openova.io/cluster=hz-fsn-rtz-prod,catalyst.openova.io/role!=nat-gateway');
  });

  it('routes the private servers through the network gateway with Hetzner resolvers before anything needs the internet', () => {
    for (const name of privateNames) expectPrivateEgress(servers[name]!, gateway);
  });

  it('leaves every k3s node with a public interface as it was: public IPv4 and IPv6, firewall', () => {
    for (const name of nodeNames) {
      expect(servers[name]!.public_net).toEqual([{ ipv4_enabled: true, ipv6_enabled: true }]);
      expect(servers[name]!.firewall_ids).toEqual(['${hcloud_firewall.nodes.id}']);
      expect(cloudConfig(servers[name]!).runcmd).not.toContain('until curl -sf -o /dev/null https://get.k3s.io; do sleep 5; done');
    }
  });

  it('lists only k3s workers with a public IPv4 in the worker_ipv4 output', () => {
    expect(Object.values(fsn.output.worker_ipv4!.value as Record<string, string>)).toEqual(['pool_general_1', 'pool_general_2', 'pool_general_3'].map((n) => `\${hcloud_server.${n}.ipv4_address}`));
  });

  it('keeps the private servers well under the 32 KiB user_data limit', () => {
    for (const name of [...privateNames, 'nat_gateway']) expect(Buffer.byteLength(servers[name]!.user_data as string)).toBeLessThan(24 * 1024);
    expect(ex.report.stacks.every((s) => s.largestUserDataBytes < 32 * 1024)).toBe(true);
  });
});

describe('private-only pool without a NAT gateway: NAT on the first control plane server', () => {
  const tf = soloWith((s) => {
    s.spec.regions[0].network = { cidr: '172.20.0.0/16' };
    s.spec.regions[0].workerPools[0].privateOnly = true;
  });
  const servers = resources(tf, 'hcloud_server');

  it('routes 0.0.0.0/0 to the first control plane server, before the private servers exist', () => {
    expect(resources(tf, 'hcloud_network_route').egress).toMatchObject({ destination: '0.0.0.0/0', gateway: '172.20.1.253', depends_on: ['hcloud_network_subnet.nodes'] });
    for (const name of ['pool_general_1', 'pool_general_2']) expect(servers[name]!.depends_on).toContain('hcloud_network_route.egress');
    expect(servers.control_plane_1!.depends_on ?? []).not.toContain('hcloud_network_route.egress');
    expect(resources(tf, 'hcloud_primary_ip')).toEqual({});
    expect(servers.nat_gateway).toBeUndefined();
  });

  it('makes the first control plane server the NAT server: forwarding and masquerading of the region network on every boot', () => {
    expectNatBootcmd(cloudConfig(servers.control_plane_1!).bootcmd, '172.20.0.0/16');
    // It stays a public server with the firewall.
    expect(servers.control_plane_1!.public_net).toEqual([{ ipv4_enabled: true, ipv6_enabled: true }]);
    expect(servers.control_plane_1!.firewall_ids).toEqual(['${hcloud_firewall.nodes.id}']);
  });

  it('routes the private servers through the network gateway, the first address of the network range', () => {
    expect(resources(tf, 'hcloud_network').network!.ip_range).toBe('172.20.0.0/16');
    for (const name of ['pool_general_1', 'pool_general_2']) expectPrivateEgress(servers[name]!, '172.20.0.1');
    expect(validateTerraformJson(tf, loadProviderSchemas([HCLOUD_SCHEMA, join(ROOT, 'schemas/random-provider-schema.json')]))).toEqual([]);
  });
});

describe('regions without private-only pools', () => {
  it('add no route, no NAT and no NAT gateway: bank-dr hel1 and solo', () => {
    for (const tf of [synthExample('bank-dr').stacks['bank-hz-hel-rtz-prod']!, synthExample('solo').stacks['solo-hz-fsn-mgt-prod']!]) {
      expect(resources(tf, 'hcloud_network_route')).toEqual({});
      expect(resources(tf, 'hcloud_primary_ip')).toEqual({});
      for (const server of Object.values(resources(tf, 'hcloud_server'))) {
        expect(server.public_net).toEqual([{ ipv4_enabled: true, ipv6_enabled: true }]);
        expect(cloudConfig(server).bootcmd).toBeUndefined();
      }
    }
  });
});
