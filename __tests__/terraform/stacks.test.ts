import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parse } from 'yaml';
import { kubeconfigCommand, sshFingerprint } from '../../app/region-stack';
import { Sovereign } from '../../app/sovereign';
import { HelmBlueprint } from '../../blueprints/helm';
import { CHARTS, NODE_SOFTWARE, TERRAFORM_PROVIDERS } from '../../lib/versions';
import { EXAMPLES, resources, ROOT, synthExample, TerraformJson, userDataText } from '../support/synth';
import { loadProviderSchemas, validateTerraformJson } from '../support/tf-schema';

type Res = Record<string, any>;

/** The cloud-config document of a server, parsed. */
function cloudConfig(server: Res): any {
  const text = userDataText(server);
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parse(text);
}

function writtenFile(server: Res, path: string): string {
  const file = cloudConfig(server).write_files.find((f: Res) => f.path === path);
  expect(file).toBeDefined();
  return file.content as string;
}

function only(tf: TerraformJson, type: string): Res {
  const all = Object.values(resources(tf, type));
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('every stack of every example', () => {
  const schemas = loadProviderSchemas([join(ROOT, 'schemas/hcloud-provider-schema.json'), join(ROOT, 'schemas/random-provider-schema.json')]);

  it.each(EXAMPLES)('%s: every resource and data source matches the provider schemas', (name) => {
    for (const tf of Object.values(synthExample(name).stacks)) {
      expect(validateTerraformJson(tf, schemas)).toEqual([]);
    }
  });

  it.each(EXAMPLES)('%s: pins the providers, reads the token from a sensitive variable, never holds a literal secret', (name) => {
    for (const tf of Object.values(synthExample(name).stacks)) {
      expect(tf.terraform.required_providers.hcloud).toEqual({ source: TERRAFORM_PROVIDERS.hcloud.source, version: TERRAFORM_PROVIDERS.hcloud.constraint });
      expect(tf.terraform.required_providers.random).toEqual({ source: TERRAFORM_PROVIDERS.random.source, version: TERRAFORM_PROVIDERS.random.constraint });
      expect(tf.variable!.hcloud_token).toMatchObject({ type: 'string', sensitive: true });
      expect(tf.variable!.hcloud_token!.default).toBeUndefined();
      expect(tf.provider.hcloud).toEqual([{ token: '${var.hcloud_token}' }]);
      const passwords = resources(tf, 'random_password');
      expect(Object.keys(passwords).sort()).toEqual(['k3s_agent_token', 'k3s_token']);
      for (const p of Object.values(passwords)) expect(p).toMatchObject({ length: 48, special: false });
      for (const [n, server] of Object.entries(resources(tf, 'hcloud_server'))) {
        if (n === 'nat_gateway') continue; // runs no k3s (see hetzner-posture.test.ts)
        const k3s = parse(writtenFile(server, '/etc/rancher/k3s/config.yaml'));
        expect({ n, token: k3s.token }).toEqual({ n, token: n.startsWith('control_plane_') ? '${random_password.k3s_token.result}' : '${random_password.k3s_agent_token.result}' });
      }
    }
  });

  it.each(EXAMPLES)('%s: labels every labelled resource with the Sovereign and cluster', (name) => {
    const ex = synthExample(name);
    for (const [stackName, tf] of Object.entries(ex.stacks)) {
      const cluster = stackName.slice(ex.sovereign.spec.metadata.name.length + 1);
      for (const type of ['hcloud_network', 'hcloud_firewall', 'hcloud_placement_group', 'hcloud_server', 'hcloud_load_balancer']) {
        for (const res of Object.values(resources(tf, type))) {
          expect(res.labels).toMatchObject({ 'catalyst.openova.io/sovereign': ex.sovereign.spec.spec.fqdn, 'catalyst.openova.io/cluster': cluster });
        }
      }
    }
  });

  it.each(EXAMPLES)('%s: keeps every user_data under the 32 KiB limit with room to spare', (name) => {
    for (const s of synthExample(name).report.stacks) {
      expect(s.largestUserDataBytes).toBeGreaterThan(1000);
      expect(s.largestUserDataBytes).toBeLessThan(32 * 1024);
    }
  });
});

describe('solo: one region, one control plane server, two workers', () => {
  const ex = synthExample('solo');
  const tf = ex.stacks['solo-hz-fsn-mgt-prod']!;

  it('has one stack with a relative local backend whose state lives beside the output folder, outside what a synth writes', () => {
    expect(Object.keys(ex.stacks)).toEqual(['solo-hz-fsn-mgt-prod']);
    expect(tf.terraform.backend).toEqual({ local: { path: '../../../terraform-state/solo-hz-fsn-mgt-prod.tfstate' } });
  });

  it('creates the network, subnet in the location zone, SSH key and placement groups', () => {
    expect(only(tf, 'hcloud_network')).toMatchObject({ name: 'solo-hz-fsn-mgt-prod', ip_range: '10.0.0.0/16' });
    expect(only(tf, 'hcloud_network_subnet')).toMatchObject({ type: 'cloud', network_zone: 'eu-central', ip_range: '10.0.1.0/24', network_id: '${hcloud_network.network.id}' });
    expect(only(tf, 'hcloud_ssh_key')).toMatchObject({ name: 'solo-admin-1', public_key: expect.stringMatching(/^ssh-ed25519 /) });
    const groups = resources(tf, 'hcloud_placement_group');
    expect(Object.keys(groups).sort()).toEqual(['control_plane', 'pool_general']);
    for (const g of Object.values(groups)) expect(g.type).toBe('spread');
  });

  it('opens only ICMP when no SSH or API sources are given: 80 and 443 reach the servers through the load balancer only', () => {
    const rules = (only(tf, 'hcloud_firewall').rule as Res[]).map((r) => `${r.protocol}/${r.port ?? '-'}<-${r.source_ips.join(',')}`);
    expect(rules).toEqual(['icmp/-<-0.0.0.0/0,::/0']);
  });

  it('places the control plane server at a fixed private IP and initializes etcd there', () => {
    const servers = resources(tf, 'hcloud_server');
    expect(Object.keys(servers).sort()).toEqual(['control_plane_1', 'pool_general_1', 'pool_general_2']);
    const cp = servers.control_plane_1!;
    expect(cp).toMatchObject({ name: 'solo-hz-fsn-mgt-prod-cp-1', server_type: 'cx43', location: 'fsn1', image: NODE_SOFTWARE.image });
    expect(cp.network).toEqual([{ network_id: '${hcloud_network.network.id}', ip: '10.0.1.253' }]);
    expect(cp.firewall_ids).toEqual(['${hcloud_firewall.nodes.id}']);
    expect(cp.placement_group_id).toBe('${hcloud_placement_group.control_plane.id}');
    expect(cp.lifecycle).toEqual({ ignore_changes: ['user_data', 'image', 'ssh_keys'] });
    const k3s = parse(writtenFile(cp, '/etc/rancher/k3s/config.yaml'));
    expect(k3s).toMatchObject({
      'cluster-init': true,
      'node-ip': '10.0.1.253',
      'cluster-cidr': '10.42.0.0/16',
      'service-cidr': '10.43.0.0/16',
      'flannel-backend': 'none',
      'disable-kube-proxy': true,
      'write-kubeconfig-mode': '0600',
    });
    expect(k3s.server).toBeUndefined();
    // 10.0.1.250 is the private API load balancer's address: reserved, so growing to three control plane servers needs no new certificate.
    expect(k3s['tls-san']).toEqual(['solo.example.org', 'api.solo.example.org', '10.0.1.254', '10.0.1.250', '${hcloud_load_balancer.ingress.ipv4}', '${hcloud_load_balancer.ingress.ipv6}']);
  });

  it('has no private API load balancer with one control plane server: joins go to it directly', () => {
    expect(Object.keys(resources(tf, 'hcloud_load_balancer'))).toEqual(['ingress']);
    expect(ex.sovereign.clusters[0]!.ctx.kubernetes).toMatchObject({ privateApiLoadBalancer: false, privateApiUrl: 'https://10.0.1.253:6443' });
  });

  it('joins the workers to the first control plane server after it exists', () => {
    for (const name of ['pool_general_1', 'pool_general_2']) {
      const w = resources(tf, 'hcloud_server')[name]!;
      expect(w.server_type).toBe('cx33');
      expect(w.network).toEqual([{ network_id: '${hcloud_network.network.id}' }]);
      expect(w.depends_on).toEqual(expect.arrayContaining(['hcloud_server.control_plane_1', 'hcloud_load_balancer_network.ingress']));
      expect(w.labels).toMatchObject({ 'catalyst.openova.io/role': 'worker', 'catalyst.openova.io/pool': 'general' });
      const k3s = parse(writtenFile(w, '/etc/rancher/k3s/config.yaml'));
      expect(k3s.server).toBe('https://10.0.1.253:6443');
      expect(k3s['cluster-init']).toBeUndefined();
      expect(k3s['node-label']).toEqual(['catalyst.openova.io/pool=general', 'catalyst.openova.io/role=worker']);
      expect(cloudConfig(w).runcmd).toEqual(['/usr/local/sbin/catalyst-node-init.sh']);
      const script = writtenFile(w, '/usr/local/sbin/catalyst-node-init.sh').split('\n');
      expect(script).toContain('systemctl enable k3s-agent.service');
      // The node IP is the route's source address once it lies in 10.0.1.0/24 (167772416-167772671), never the public one.
      const discover = script.findIndex((l) => l.includes('ip -4 route get 10.0.1.253'));
      expect(script[discover]).toContain('exit !(n >= 167772416 && n <= 167772671)');
      expect(script[discover + 1]).toBe('wait_for 300 "a private IP in 10.0.1.0/24" private_ip');
      expect(script[discover + 2]).toBe('printf "node-ip: %s\\n" "$NODE_IP" >> /etc/rancher/k3s/config.yaml');
      expect(discover).toBeLessThan(script.findIndex((l) => l.includes('releases/download')));
    }
  });

  it('balances 80 and 443 to the ingress node ports over the private network, and not 6443', () => {
    expect(only(tf, 'hcloud_load_balancer')).toMatchObject({ load_balancer_type: 'lb11', location: 'fsn1', algorithm: { type: 'round_robin' } });
    expect(only(tf, 'hcloud_load_balancer_network')).toMatchObject({ ip: '10.0.1.254' });
    expect(only(tf, 'hcloud_load_balancer_target')).toMatchObject({
      type: 'label_selector',
      use_private_ip: true,
      label_selector: 'catalyst.openova.io/sovereign=solo.example.org,catalyst.openova.io/cluster=hz-fsn-mgt-prod',
    });
    const services = resources(tf, 'hcloud_load_balancer_service');
    expect(Object.fromEntries(Object.entries(services).map(([k, s]) => [k, `${s.listen_port}->${s.destination_port}`]))).toEqual({ http: '80->31080', https: '443->31443' });
    expect(tf.output.kubernetes_api_url).toBeUndefined();
    expect(tf.output.kubeconfig_command).toBeUndefined();
  });

  it('sends the PROXY protocol on 80 and 443, and Cilium\'s Ingress controller expects it: one fact, both sides', () => {
    expect(ex.sovereign.clusters[0]!.ctx.ingress.proxyProtocol).toBe(true);
    const services = resources(tf, 'hcloud_load_balancer_service');
    expect([services.http!.proxyprotocol, services.https!.proxyprotocol]).toEqual([true, true]);
    // The health check is a plain TCP connect, which a PROXY-only listener accepts.
    expect(services.https!.health_check).toEqual({ protocol: 'tcp', port: 31443, interval: 15, timeout: 10, retries: 3 });
    const release = parse(ex.gitops.get('clusters/hz-fsn-mgt-prod/bp-cilium/helmrelease.yaml')!);
    expect(release.spec.values.ingressController.enableProxyProtocol).toBe(true);
    const preinstalled = parse(writtenFile(resources(tf, 'hcloud_server').control_plane_1!, '/var/lib/catalyst/preinstall/cilium.yaml'));
    expect(preinstalled.ingressController.enableProxyProtocol).toBe(true);
  });

  it('spec.loadBalancer.proxyProtocol: false turns it off on both sides', () => {
    const off = Sovereign.fromYaml(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8').replace('gitops:', 'loadBalancer: { proxyProtocol: false }\n  gitops:'));
    const { ctx, cluster } = off.clusters[0]!;
    expect(ctx.ingress.proxyProtocol).toBe(false);
    const cilium = off.blueprints.find((p) => p.blueprint.metadata.name === 'cilium')!.blueprint as HelmBlueprint;
    expect((cilium.preinstall(cluster).values.ingressController as Res).enableProxyProtocol).toBe(false);
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'catalyst-proxy-')) });
    const [stack] = off.buildStacks(app);
    const services = (stack!.toTerraform() as TerraformJson).resource.hcloud_load_balancer_service!;
    expect([services.http!.proxyprotocol, services.https!.proxyprotocol]).toEqual([false, false]);
  });

  it('bootstraps Cilium and Flux with Helm and points Flux at the synthesized cluster folder', () => {
    const cp = resources(tf, 'hcloud_server').control_plane_1!;
    const script = writtenFile(cp, '/usr/local/sbin/catalyst-bootstrap.sh');
    expect(script).toContain(`helm upgrade --install cilium cilium --repo https://helm.cilium.io --version ${CHARTS.cilium.version} --namespace kube-system`);
    expect(script).toContain(`helm upgrade --install flux flux2 --repo https://fluxcd-community.github.io/helm-charts --version ${CHARTS.flux2.version} --namespace flux-system`);
    expect(script.indexOf('install cilium')).toBeLessThan(script.indexOf('install flux'));
    const sync = writtenFile(cp, '/var/lib/catalyst/flux-sync.yaml');
    const path = /path: \.\/(\S+)/.exec(sync)![1]!;
    expect(path).toBe('clusters/hz-fsn-mgt-prod/flux-system');
    expect(ex.gitops.has(`${path}/kustomization.yaml`)).toBe(true);
    expect(sync).toContain('url: https://git.example.org/platform/solo-gitops.git');
  });

  it('generates on the node only the Secrets needed before the in-cluster generator runs (the CSI LUKS passphrase), from /dev/urandom, before Flux', () => {
    const script = writtenFile(resources(tf, 'hcloud_server').control_plane_1!, '/usr/local/sbin/catalyst-bootstrap.sh');
    const ensures = script.split('\n').filter((l) => l.startsWith('ensure_secret '));
    expect(ensures.map((l) => l.split(' ').slice(1, 3).join('/'))).toEqual(['kube-system/hcloud-csi-encryption']);
    const value = /encryption-passphrase="\$(\w+)"/.exec(ensures[0]!)![1];
    expect(script).toContain(`${value}=$(random_value)`);
    expect(script).toContain('random_value() { head -c 96 /dev/urandom');
    expect(script.indexOf('ensure_secret kube-system')).toBeLessThan(script.indexOf('flux-sync.yaml'));
  });

  it('pre-installs Cilium with exactly the values its HelmRelease adopts', () => {
    const cp = resources(tf, 'hcloud_server').control_plane_1!;
    const preinstalled = parse(writtenFile(cp, '/var/lib/catalyst/preinstall/cilium.yaml'));
    const release = parse(ex.gitops.get('clusters/hz-fsn-mgt-prod/bp-cilium/helmrelease.yaml')!);
    expect(release.spec.values).toEqual(preinstalled);
    // The load balancer's destination ports are the ingress controller's node ports.
    const services = resources(tf, 'hcloud_load_balancer_service');
    expect(preinstalled.ingressController.service).toEqual({ type: 'NodePort', insecureNodePort: services.http!.destination_port, secureNodePort: services.https!.destination_port });
    expect(release.spec.releaseName).toBe('cilium');
    expect(release.spec.storageNamespace).toBe('kube-system');
  });

  it.each([
    ['cilium', 'kube-system'],
    ['flux', 'flux-system'],
  ])('adopts the pre-installed %s release: same release name, namespace, chart, version and values', (bp, ns) => {
    const cp = resources(tf, 'hcloud_server').control_plane_1!;
    const release = parse(ex.gitops.get(`clusters/hz-fsn-mgt-prod/bp-${bp}/helmrelease.yaml`)!);
    const repo = parse(ex.gitops.get(`clusters/hz-fsn-mgt-prod/bp-${bp}/helmrepository.yaml`)!);
    const { chart, version } = release.spec.chart.spec;
    const script = writtenFile(cp, '/usr/local/sbin/catalyst-bootstrap.sh');
    expect(script).toContain(`helm upgrade --install ${release.spec.releaseName} ${chart} --repo ${repo.spec.url} --version ${version} --namespace ${ns} `);
    expect(release.spec).toMatchObject({ targetNamespace: ns, storageNamespace: ns });
    expect(parse(writtenFile(cp, `/var/lib/catalyst/preinstall/${release.spec.releaseName}.yaml`))).toEqual(release.spec.values);
  });

  it('outputs the load balancer and server addresses', () => {
    expect(Object.keys(tf.output).sort()).toEqual(
      ['cluster_name', 'control_plane_ipv4', 'control_plane_private_ips', 'gitops_path', 'load_balancer_ipv4', 'load_balancer_ipv6', 'network_id', 'worker_ipv4'].sort(),
    );
    expect(tf.output.load_balancer_ipv4!.value).toBe('${hcloud_load_balancer.ingress.ipv4}');
    expect(tf.output.control_plane_private_ips!.value).toEqual(['10.0.1.253']);
  });
});

describe('omantel: API and SSH open to one operator network', () => {
  const tf = synthExample('omantel').stacks['omantel-hz-fsn-mgt-prod']!;

  it('allows 22 and 6443 only from the listed network', () => {
    const rules = only(tf, 'hcloud_firewall').rule as Res[];
    expect(rules.find((r) => r.port === '22')!.source_ips).toEqual(['203.0.113.0/24']);
    expect(rules.find((r) => r.port === '6443')!.source_ips).toEqual(['203.0.113.0/24']);
  });

  it('keeps 6443 off the load balancer (it cannot filter sources) and outputs the API URL on the first control plane server', () => {
    expect(Object.keys(resources(tf, 'hcloud_load_balancer_service')).sort()).toEqual(['http', 'https']);
    expect(tf.output.kubernetes_api_url!.value).toBe('https://${hcloud_server.control_plane_1.ipv4_address}:6443');
  });

  it('outputs the SSH command that fetches a kubeconfig pointing at the API URL', () => {
    const out = tf.output.kubeconfig_command as { value: string; description: string; sensitive?: boolean };
    expect(out.value).toBe(
      "(umask 077 && ssh root@${hcloud_server.control_plane_1.ipv4_address} cat /etc/rancher/k3s/k3s.yaml | sed -e 's#https://127.0.0.1:6443#https://${hcloud_server.control_plane_1.ipv4_address}:6443#' -e 's/: default$/: hz-fsn-mgt-prod/' > hz-fsn-mgt-prod.kubeconfig) && echo \"export KUBECONFIG=$PWD/hz-fsn-mgt-prod.kubeconfig\"",
    );
    expect(out.description).toMatch(/spec\.ssh\.allowedCidrs.*spec\.kubernetes\.apiAllowedCidrs.*mode 0600/);
    expect(out.sensitive).toBeUndefined();
  });

  it('the command turns k3s\'s kubeconfig into one for the API URL, named after the cluster, mode 0600 (run with bash and sed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-kubeconfig-'));
    // k3s's kubeconfig layout (https://docs.k3s.io/cluster-access), with placeholder key material.
    const k3sYaml = [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      '    certificate-authority-data: Q0EK',
      '    server: https://127.0.0.1:6443',
      '  name: default',
      'contexts:',
      '- context:',
      '    cluster: default',
      '    user: default',
      '  name: default',
      'current-context: default',
      'kind: Config',
      'preferences: {}',
      'users:',
      '- name: default',
      '  user:',
      '    client-certificate-data: Q0VSVAo=',
      '    client-key-data: S0VZCg==',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'k3s.yaml'), k3sYaml);
    // ssh is the only part not run: `ssh root@<ip> cat <file>` becomes `cat <local copy>`.
    const command = kubeconfigCommand('203.0.113.10', 'https://203.0.113.10:6443', 'hz-fsn-mgt-prod').replace('ssh root@203.0.113.10 cat /etc/rancher/k3s/k3s.yaml', `cat ${join(dir, 'k3s.yaml')}`);
    const printed = execFileSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8' });
    expect(printed).toBe(`export KUBECONFIG=${dir}/hz-fsn-mgt-prod.kubeconfig\n`);
    const file = join(dir, 'hz-fsn-mgt-prod.kubeconfig');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(file, 'utf8'));
    expect(config.clusters).toEqual([{ name: 'hz-fsn-mgt-prod', cluster: { server: 'https://203.0.113.10:6443', 'certificate-authority-data': 'Q0EK' } }]);
    expect(config.contexts).toEqual([{ name: 'hz-fsn-mgt-prod', context: { cluster: 'hz-fsn-mgt-prod', user: 'hz-fsn-mgt-prod' } }]);
    expect(config['current-context']).toBe('hz-fsn-mgt-prod');
    expect(config.users[0].name).toBe('hz-fsn-mgt-prod');
  });

  it('puts each control plane server\'s own public IPv4 into the API certificate at boot', () => {
    const userData = writtenFile(resources(tf, 'hcloud_server').control_plane_1!, '/usr/local/sbin/catalyst-node-init.sh');
    const install = userData.indexOf('https://github.com/k3s-io/k3s/releases/download/v1.36.3%2Bk3s1/');
    const dropIn = userData.indexOf('/etc/rancher/k3s/config.yaml.d/50-public-ip.yaml');
    expect(userData).toContain('http://169.254.169.254/hetzner/v1/metadata/public-ipv4');
    expect(userData).toContain(`printf 'tls-san+:\\n  - %s\\n' "$PUBLIC_IP" > /etc/rancher/k3s/config.yaml.d/50-public-ip.yaml`);
    expect(dropIn).toBeGreaterThan(0);
    expect(dropIn).toBeLessThan(install);
  });

  it('has only the control plane server and no worker pool', () => {
    expect(Object.keys(resources(tf, 'hcloud_server'))).toEqual(['control_plane_1']);
  });
});

describe('bank-dr: two regions, three control plane servers each', () => {
  const ex = synthExample('bank-dr');
  const fsn = ex.stacks['bank-hz-fsn-rtz-prod']!;
  const hel = ex.stacks['bank-hz-hel-rtz-prod']!;

  it('joins the second and third control plane servers through the private API load balancer, after the first', () => {
    const servers = resources(fsn, 'hcloud_server');
    const ips = ['control_plane_1', 'control_plane_2', 'control_plane_3'].map((n) => (servers[n]!.network as Res[])[0]!.ip);
    expect(ips).toEqual(['10.10.1.253', '10.10.1.252', '10.10.1.251']);
    for (const n of ['control_plane_2', 'control_plane_3']) {
      const k3s = parse(writtenFile(servers[n]!, '/etc/rancher/k3s/config.yaml'));
      expect(k3s.server).toBe('https://10.10.1.250:6443');
      expect(k3s['cluster-init']).toBeUndefined();
      expect(servers[n]!.depends_on).toEqual(expect.arrayContaining(['hcloud_server.control_plane_1', 'hcloud_load_balancer_target.api', 'hcloud_load_balancer_service.api']));
      expect(cloudConfig(servers[n]!).write_files.map((f: Res) => f.path)).not.toContain('/usr/local/sbin/catalyst-bootstrap.sh');
    }
  });

  it.each(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod'])('%s: a private API load balancer: no public interface, fixed private IP, 6443 to the control plane servers only', (stack) => {
    const tf = ex.stacks[stack]!;
    const cluster = stack.slice('bank-'.length);
    const ip = stack === 'bank-hz-fsn-rtz-prod' ? '10.10.1.250' : '10.20.1.250';
    expect(resources(tf, 'hcloud_load_balancer').api).toMatchObject({ name: `${stack}-api`, load_balancer_type: 'lb11', location: stack.includes('fsn') ? 'fsn1' : 'hel1', delete_protection: true });
    expect(resources(tf, 'hcloud_load_balancer_network').api).toMatchObject({ load_balancer_id: '${hcloud_load_balancer.api.id}', network_id: '${hcloud_network.network.id}', ip, enable_public_interface: false, depends_on: ['hcloud_network_subnet.nodes'] });
    expect(resources(tf, 'hcloud_load_balancer_network').ingress!.enable_public_interface).toBe(true);
    expect(resources(tf, 'hcloud_load_balancer_target').api).toMatchObject({
      load_balancer_id: '${hcloud_load_balancer.api.id}',
      type: 'label_selector',
      label_selector: `catalyst.openova.io/sovereign=platform.bank.example,catalyst.openova.io/cluster=${cluster},catalyst.openova.io/role=control-plane`,
      use_private_ip: true,
    });
    const { '//': _meta, ...service } = resources(tf, 'hcloud_load_balancer_service').api!;
    expect(service).toEqual({ load_balancer_id: '${hcloud_load_balancer.api.id}', protocol: 'tcp', listen_port: 6443, destination_port: 6443, proxyprotocol: false, health_check: { protocol: 'tcp', port: 6443, interval: 15, timeout: 10, retries: 3 } });
    // The selector matches exactly the control plane servers.
    const selected = Object.entries(resources(tf, 'hcloud_server')).filter(([, s]) => (s.labels as Record<string, string>)['catalyst.openova.io/role'] === 'control-plane').map(([n]) => n);
    expect(selected).toEqual(['control_plane_1', 'control_plane_2', 'control_plane_3']);
    for (const [n, server] of Object.entries(resources(tf, 'hcloud_server'))) {
      if (n === 'nat_gateway') continue;
      const k3s = parse(writtenFile(server, '/etc/rancher/k3s/config.yaml'));
      if (n !== 'control_plane_1') expect([n, k3s.server]).toEqual([n, `https://${ip}:6443`]);
      if (n.startsWith('control_plane')) expect(k3s['tls-san']).toContain(ip);
      if (n.startsWith('pool_')) expect(server.depends_on).toEqual(expect.arrayContaining(['hcloud_load_balancer_target.api', 'hcloud_load_balancer_service.api']));
    }
  });

  it('gives each region its own network with distinct pod and service ranges', () => {
    expect(only(fsn, 'hcloud_network').ip_range).toBe('10.10.0.0/16');
    expect(only(hel, 'hcloud_network').ip_range).toBe('10.20.0.0/16');
    const k3sHel = parse(writtenFile(resources(hel, 'hcloud_server').control_plane_1!, '/etc/rancher/k3s/config.yaml'));
    expect(k3sHel['cluster-cidr']).toBe('10.44.0.0/16');
    expect(k3sHel['service-cidr']).toBe('10.45.0.0/16');
  });

  it('creates the SSH key in the primary region and looks it up by fingerprint in the standby', () => {
    const key = readFileSync(join(ROOT, 'examples/bank-dr.yaml'), 'utf8').match(/ssh-ed25519 \S+ \S+/)![0];
    expect(only(fsn, 'hcloud_ssh_key').public_key).toBe(key);
    expect(resources(hel, 'hcloud_ssh_key')).toEqual({});
    expect(hel.data!.hcloud_ssh_key!.admin_1).toMatchObject({ fingerprint: sshFingerprint(key) });
    expect(sshFingerprint(key)).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const manifest = JSON.parse(readFileSync(join(ex.dir, 'cdktf.out/manifest.json'), 'utf8'));
    expect(manifest.stacks['bank-hz-hel-rtz-prod'].dependencies).toEqual(['bank-hz-fsn-rtz-prod']);
  });

  it('spreads every pool over its own placement group and taints the data pool', () => {
    expect(Object.keys(resources(fsn, 'hcloud_placement_group')).sort()).toEqual(['control_plane', 'pool_data', 'pool_general']);
    const data = resources(fsn, 'hcloud_server').pool_data_1!;
    expect(data.placement_group_id).toBe('${hcloud_placement_group.pool_data.id}');
    const k3s = parse(writtenFile(data, '/etc/rancher/k3s/config.yaml'));
    expect(k3s['node-taint']).toEqual(['catalyst.openova.io/workload=data:NoSchedule']);
    expect(k3s['node-label']).toContain('catalyst.openova.io/workload=data');
  });

  it('reads the Git credentials from sensitive variables into a Secret at bootstrap', () => {
    expect(fsn.variable!.git_username).toMatchObject({ sensitive: true });
    expect(fsn.variable!.git_token).toMatchObject({ sensitive: true });
    const secret = writtenFile(resources(fsn, 'hcloud_server').control_plane_1!, '/var/lib/catalyst/flux-secrets.yaml');
    expect(parse(secret)).toMatchObject({ kind: 'Secret', metadata: { name: 'flux-system-git', namespace: 'flux-system' }, stringData: { password: '${jsonencode(var.git_token)}' } });
  });

  it('keeps state in the S3-compatible backend, one key per stack', () => {
    expect(fsn.terraform.backend.s3).toMatchObject({ bucket: 'bank-terraform-state', key: 'catalyst/bank-hz-fsn-rtz-prod.tfstate', region: 'fsn1', endpoints: { s3: 'https://fsn1.your-objectstorage.com' }, use_path_style: true });
    expect(hel.terraform.backend.s3).toMatchObject({ key: 'catalyst/bank-hz-hel-rtz-prod.tfstate' });
    // Locked with a lock object beside the state (Terraform >= 1.10), no DynamoDB table.
    for (const stack of [fsn, hel]) {
      expect(stack.terraform.backend.s3!.use_lockfile).toBe(true);
      expect(stack.terraform.backend.s3!.dynamodb_table).toBeUndefined();
    }
  });

  it('opens SSH to the IPv4 and IPv6 operator networks', () => {
    const ssh = (only(fsn, 'hcloud_firewall').rule as Res[]).find((r) => r.port === '22')!;
    expect(ssh.source_ips).toEqual(['198.51.100.0/24', '2001:db8:1000::/48']);
  });

  it('uses the larger load balancer type for more targets', () => {
    expect(resources(fsn, 'hcloud_load_balancer').ingress!.load_balancer_type).toBe('lb21');
  });
});
