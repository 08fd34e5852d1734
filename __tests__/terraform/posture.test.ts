/**
 * The Hetzner security posture of the synthesized examples, checked on the Terraform JSON itself:
 * what the firewall opens and to whom, labels on every labelled resource, no literal secret in
 * cloud-init, the load balancer reaching the servers over the private network, and root SSH keys
 * that are exactly the spec's. The expected values come from the example YAML files as written
 * (read here independently of the spec loader) and from the provider schema.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LABELS, MANAGED_BY } from '../../lib/naming';
import { mustParseCidr } from '../../lib/net';
import { describeFindings, references, scan } from '../support/secret-scan';
import { EXAMPLES, resources, ROOT, synthExample, TerraformJson } from '../support/synth';

type Res = Record<string, any>;

const ANYWHERE = ['0.0.0.0/0', '::/0'];
const CONTROLLED_PORTS = [22, 6443];

/** The example spec as written in its YAML file. */
function rawSpec(name: string): Res {
  return parse(readFileSync(join(ROOT, 'examples', `${name}.yaml`), 'utf8'));
}

/** Whether a firewall rule's `port` (`"22"`, `"1-65535"`, `"any"`, absent) covers `port`. */
function covers(rule: Res, port: number): boolean {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return false;
  if (rule.port === undefined || rule.port === 'any') return true;
  const [from, to] = String(rule.port).split('-').map(Number);
  return port >= from! && port <= (to ?? from)!;
}

/** Problems of a set of inbound rules: 22 or 6443 open to anywhere, or anything but ICMP open to anywhere (80/443 reach the servers through the load balancer only). */
function firewallProblems(rules: readonly Res[]): string[] {
  const problems: string[] = [];
  for (const r of rules) {
    if (r.direction !== 'in') continue;
    const wide = (r.source_ips as string[]).filter((s) => ANYWHERE.includes(s));
    if (wide.length === 0) continue;
    for (const port of CONTROLLED_PORTS) if (covers(r, port)) problems.push(`${r.protocol}/${r.port ?? 'any'} opens ${port} to ${wide.join(', ')}`);
    if (r.protocol !== 'icmp') problems.push(`${r.protocol}/${r.port ?? 'any'} is open to ${wide.join(', ')}`);
  }
  return problems;
}

/** MD5 fingerprint of an OpenSSH public key as Hetzner shows it (`aa:bb:...`), computed from the key blob. */
function md5Fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1]!, 'base64');
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

/** Resource types whose hcloud provider schema has a `labels` argument. */
const LABELLED_TYPES: string[] = (() => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/hcloud-provider-schema.json'), 'utf8'));
  const provider = Object.values(schema.provider_schemas as Record<string, Res>)[0]!;
  return Object.entries(provider.resource_schemas as Record<string, Res>)
    .filter(([, r]) => r.block.attributes?.labels?.optional || r.block.attributes?.labels?.required)
    .map(([type]) => type)
    .sort();
})();

function eachStack(name: string): Array<[string, TerraformJson, string]> {
  const ex = synthExample(name);
  return Object.entries(ex.stacks).map(([stack, tf]) => [stack, tf, stack.slice(ex.sovereign.spec.metadata.name.length + 1)]);
}

describe('firewall', () => {
  it('the rule check flags 22/6443 open to anywhere, also through a port range, and other ports open to anywhere', () => {
    expect(firewallProblems([{ direction: 'in', protocol: 'icmp', source_ips: ANYWHERE }, { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['203.0.113.0/24'] }])).toEqual([]);
    expect(firewallProblems([{ direction: 'in', protocol: 'tcp', port: '443', source_ips: ANYWHERE }])).toEqual(['tcp/443 is open to 0.0.0.0/0, ::/0']);
    expect(firewallProblems([{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/24', '::/0'] }])).toEqual(['tcp/22 opens 22 to ::/0', 'tcp/22 is open to ::/0']);
    expect(firewallProblems([{ direction: 'in', protocol: 'tcp', port: '1024-8000', source_ips: ['0.0.0.0/0'] }])).toEqual(['tcp/1024-8000 opens 6443 to 0.0.0.0/0', 'tcp/1024-8000 is open to 0.0.0.0/0']);
    expect(firewallProblems([{ direction: 'in', protocol: 'udp', port: '51820', source_ips: ANYWHERE }])).toEqual(['udp/51820 is open to 0.0.0.0/0, ::/0']);
  });

  it.each(EXAMPLES)('%s: opens only ICMP to anywhere, never 22, 6443, 80 or 443', (name) => {
    for (const [stack, tf] of eachStack(name)) {
      const firewalls = Object.values(resources(tf, 'hcloud_firewall'));
      expect(firewalls).toHaveLength(1);
      expect({ stack, problems: firewallProblems(firewalls[0]!.rule as Res[]) }).toEqual({ stack, problems: [] });
      const web = (firewalls[0]!.rule as Res[]).filter((r) => r.direction === 'in' && (covers(r, 80) || covers(r, 443)));
      expect({ stack, web }).toEqual({ stack, web: [] });
    }
  });

  it.each(EXAMPLES)('%s: has a 22 or 6443 rule only when the spec names sources, listing exactly those', (name) => {
    const spec = rawSpec(name).spec;
    const wanted: Record<number, string[]> = { 22: spec.ssh?.allowedCidrs ?? [], 6443: spec.kubernetes?.apiAllowedCidrs ?? [] };
    for (const [stack, tf] of eachStack(name)) {
      const rules = Object.values(resources(tf, 'hcloud_firewall'))[0]!.rule as Res[];
      for (const port of CONTROLLED_PORTS) {
        const opening = rules.filter((r) => r.direction === 'in' && covers(r, port)).map((r) => ({ port: r.port, sources: r.source_ips }));
        expect({ stack, port, opening }).toEqual({ stack, port, opening: wanted[port]!.length === 0 ? [] : [{ port: String(port), sources: wanted[port] }] });
      }
    }
  });

  it.each(EXAMPLES)('%s: is attached to every server that has a public interface', (name) => {
    let attached = 0;
    for (const [stack, tf] of eachStack(name)) {
      for (const [n, server] of Object.entries(resources(tf, 'hcloud_server'))) {
        const pub = (server.public_net as Res[] | undefined)?.[0];
        if (pub && pub.ipv4_enabled === false && pub.ipv6_enabled === false) continue; // private-only: Hetzner refuses a firewall there
        attached++;
        expect({ server: `${stack}/${n}`, firewall_ids: server.firewall_ids }).toEqual({ server: `${stack}/${n}`, firewall_ids: ['${hcloud_firewall.nodes.id}'] });
      }
    }
    expect(attached).toBeGreaterThan(0);
  });
});

describe('load balancer', () => {
  it.each(EXAMPLES)('%s: targets the servers over their private IPs, from inside the node subnet', (name) => {
    for (const [, tf] of eachStack(name)) {
      // The ingress load balancer's target is `cluster`; the private API load balancer's is `api`.
      const targets = Object.entries(resources(tf, 'hcloud_load_balancer_target'));
      expect(targets.length).toBeGreaterThan(0);
      for (const [n, t] of targets) {
        const lb = n === 'cluster' ? 'ingress' : n;
        expect(t).toMatchObject({ use_private_ip: true, load_balancer_id: `\${hcloud_load_balancer.${lb}.id}` });
        expect(t.depends_on).toContain(`hcloud_load_balancer_network.${lb}`);
        expect(t.ip).toBeUndefined();
        expect(t.server_id).toBeUndefined();
      }
      const subnet = mustParseCidr(Object.values(resources(tf, 'hcloud_network_subnet'))[0]!.ip_range as string);
      const attachments = Object.values(resources(tf, 'hcloud_load_balancer_network')) as Res[];
      expect(attachments.length).toBe(targets.length);
      for (const attachment of attachments) {
        const ip = (attachment.ip as string).split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
        expect({ ip: attachment.ip, inNodeSubnet: ip > subnet.first && ip < subnet.last }).toEqual({ ip: attachment.ip, inNodeSubnet: true });
        expect(attachment.network_id).toBe('${hcloud_network.network.id}');
      }
    }
  });

  it.each(EXAMPLES)('%s: selects exactly the servers of its own cluster, and no server of another cluster', (name) => {
    const stacks = eachStack(name);
    const all = stacks.flatMap(([stack, tf]) => Object.entries(resources(tf, 'hcloud_server')).map(([n, s]) => ({ id: `${stack}/${n}`, stack, labels: s.labels as Record<string, string> })));
    for (const [stack, tf] of stacks) {
      // Hetzner label selectors: `k=v` and `k!=v`, comma = and.
      const selector = (resources(tf, 'hcloud_load_balancer_target').cluster!.label_selector as string).split(',').map((term) => /^([^!=]+)(!?=)(.*)$/.exec(term)!.slice(1));
      const selected = all.filter((s) => selector.every(([k, op, v]) => (s.labels[k!] === v) === (op === '='))).map((s) => s.id);
      // Every k3s node of its own cluster; the NAT gateway runs no ingress.
      expect(selected).toEqual(all.filter((s) => s.stack === stack && s.labels[LABELS.role] !== 'nat-gateway').map((s) => s.id));
    }
  });

  it('solo: without API sources no load balancer service listens on 6443 or 22', () => {
    for (const [, tf] of eachStack('solo')) {
      const ports = Object.values(resources(tf, 'hcloud_load_balancer_service')).map((s) => s.listen_port);
      expect(ports.sort()).toEqual([443, 80]);
    }
  });

  // Hetzner Cloud firewalls apply to servers only: a load balancer service has no source filter and
  // reaches its targets over the private network, which the firewall does not filter either. So a port
  // whose sources the spec restricts must never be a load balancer service.
  it('omantel, bank-dr: the load balancer does not expose 22 or 6443 to the internet when the spec restricts their sources', () => {
    for (const name of ['omantel', 'bank-dr']) {
      const spec = rawSpec(name).spec;
      const wide = (list: string[] | undefined) => ANYWHERE.every((a) => (list ?? []).includes(a));
      for (const [stack, tf] of eachStack(name)) {
        // A service on a load balancer whose public interface is off serves the private network only.
        const isPublic = (s: Res) => {
          const lb = /^\$\{hcloud_load_balancer\.(\w+)\.id\}$/.exec(s.load_balancer_id)![1]!;
          return resources(tf, 'hcloud_load_balancer_network')[lb]!.enable_public_interface !== false;
        };
        const exposed = Object.entries(resources(tf, 'hcloud_load_balancer_service'))
          .filter(([, s]) => isPublic(s) && ((s.listen_port === 6443 && !wide(spec.kubernetes?.apiAllowedCidrs)) || (s.listen_port === 22 && !wide(spec.ssh?.allowedCidrs))))
          .map(([n, s]) => `${stack}: hcloud_load_balancer_service.${n} listens on ${s.listen_port} for anyone`);
        expect(exposed).toEqual([]);
      }
    }
  });
});

describe('labels', () => {
  it('the hcloud schema gives these resource types a labels argument', () => {
    expect(LABELLED_TYPES).toEqual(expect.arrayContaining(['hcloud_firewall', 'hcloud_load_balancer', 'hcloud_network', 'hcloud_placement_group', 'hcloud_server', 'hcloud_ssh_key']));
  });

  it.each(EXAMPLES)('%s: every instance of every labelled type carries the Sovereign, managed-by and (cluster-scoped ones) cluster labels', (name) => {
    const fqdn = rawSpec(name).spec.fqdn as string;
    let checked = 0;
    for (const [stack, tf, cluster] of eachStack(name)) {
      for (const type of Object.keys(tf.resource)) {
        if (!LABELLED_TYPES.includes(type)) continue;
        for (const [n, res] of Object.entries(resources(tf, type))) {
          checked++;
          // SSH keys serve the whole Sovereign (the standby region looks them up), so they carry no cluster label.
          const expected = { [LABELS.sovereign]: fqdn, [LABELS.managedBy]: MANAGED_BY, ...(type === 'hcloud_ssh_key' ? {} : { [LABELS.cluster]: cluster }) };
          expect({ address: `${stack}: ${type}.${n}`, labels: res.labels }).toEqual({ address: `${stack}: ${type}.${n}`, labels: expect.objectContaining(expected) });
          if (type === 'hcloud_ssh_key') expect((res.labels as Record<string, string>)[LABELS.cluster]).toBeUndefined();
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6); // network, firewall, placement group, server, load balancer, SSH key
  });
});

describe('cloud-init', () => {
  it.each(EXAMPLES)('%s: user_data holds no secret-shaped literal and references only the join token, the load balancer addresses and (with auth: token) the Git variables', (name) => {
    const auth = rawSpec(name).spec.gitops.auth === 'token';
    for (const [stack, tf] of eachStack(name)) {
      for (const [n, server] of Object.entries(resources(tf, 'hcloud_server'))) {
        const text = server.user_data as string;
        expect(describeFindings(scan(new Map([[`${stack}/${n}`, text]])))).toEqual([]);
        const refs = [...new Set(references(text))].sort();
        if (n === 'nat_gateway') {
          // It runs no k3s: no token, no reference at all.
          expect({ server: `${stack}/${n}`, refs }).toEqual({ server: `${stack}/${n}`, refs: [] });
          expect((parse(text).write_files as Res[]).map((f) => f.path)).toEqual(['/etc/ssh/sshd_config.d/90-catalyst-hardening.conf']);
          continue;
        }
        const allowed = ['hcloud_load_balancer.ingress.ipv4', 'hcloud_load_balancer.ingress.ipv6', 'random_password.k3s_token.result', ...(auth && n === 'control_plane_1' ? ['var.git_token', 'var.git_username'] : [])];
        expect({ server: `${stack}/${n}`, unexpected: refs.filter((r) => !allowed.includes(r)) }).toEqual({ server: `${stack}/${n}`, unexpected: [] });
        const files = parse(text).write_files as Res[];
        const k3s = files.find((f) => f.path === '/etc/rancher/k3s/config.yaml')!;
        expect(k3s.permissions).toBe('0600');
        expect(parse(k3s.content).token).toBe('${random_password.k3s_token.result}');
        for (const f of files) if (/secret|token|k3s\/config|preinstall|flux-/.test(f.path)) expect({ path: f.path, permissions: f.permissions }).toEqual({ path: f.path, permissions: expect.stringMatching(/^0[67]00$/) });
        expect(files.find((f) => f.path === '/etc/ssh/sshd_config.d/90-catalyst-hardening.conf')!.content).toMatch(/^PasswordAuthentication no$/m);
      }
    }
  });
});

describe('SSH keys', () => {
  it.each(EXAMPLES)("%s: root's SSH keys on every server are exactly the spec's", (name) => {
    const keys = (rawSpec(name).spec.ssh.publicKeys as string[]).map((k) => k.trim());
    expect(keys.length).toBeGreaterThan(0);
    eachStack(name).forEach(([stack, tf], i) => {
      const ids = keys.map((_, j) => (i === 0 ? `\${hcloud_ssh_key.admin_${j + 1}.id}` : `\${data.hcloud_ssh_key.admin_${j + 1}.id}`));
      if (i === 0) {
        // The primary region creates them, with the spec's public keys verbatim.
        expect(Object.entries(resources(tf, 'hcloud_ssh_key')).map(([n, k]) => [n, k.public_key])).toEqual(keys.map((k, j) => [`admin_${j + 1}`, k]));
        expect(tf.data?.hcloud_ssh_key).toBeUndefined();
      } else {
        // The standby looks the same keys up by fingerprint and creates none.
        expect(resources(tf, 'hcloud_ssh_key')).toEqual({});
        expect(Object.entries(tf.data!.hcloud_ssh_key!).map(([n, k]) => [n, k.fingerprint])).toEqual(keys.map((k, j) => [`admin_${j + 1}`, md5Fingerprint(k)]));
      }
      const servers = Object.entries(resources(tf, 'hcloud_server'));
      expect(servers.length).toBeGreaterThan(0);
      for (const [n, s] of servers) expect({ server: `${stack}/${n}`, ssh_keys: s.ssh_keys }).toEqual({ server: `${stack}/${n}`, ssh_keys: ids });
    });
  });
});
