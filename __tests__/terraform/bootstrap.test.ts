/**
 * The node bootstrap on the synthesized output: agent token, cloud provider flags, OIDC, etcd
 * snapshots, the non-default local-path class, the Hetzner token Secret, a verified k3s install with
 * bounded retries and waits and one failure marker, and gzip+base64 user_data.
 */
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { decodeUserData, scriptsOf, serverUserData } from '../../scripts/check-user-data';
import { NODE_SOFTWARE } from '../../lib/versions';
import { resources, synthExample, userDataLocal, userDataText, yamlDocs } from '../support/synth';

type Res = Record<string, any>;

function files(server: Res): Res[] {
  return parse(userDataText(server)).write_files as Res[];
}

function file(server: Res, path: string): string {
  const f = files(server).find((x) => x.path === path);
  expect({ path, found: f !== undefined }).toEqual({ path, found: true });
  return f!.content as string;
}

const k3sConfig = (server: Res) => parse(file(server, '/etc/rancher/k3s/config.yaml'));
const nodeInit = (server: Res) => file(server, '/usr/local/sbin/catalyst-node-init.sh');

const bank = synthExample('bank-dr');
const fsn = bank.stacks['bank-hz-fsn-rtz-prod']!;
const fsnServers = resources(fsn, 'hcloud_server');
const solo = synthExample('solo').stacks['solo-hz-fsn-mgt-prod']!;
const soloServers = resources(solo, 'hcloud_server');
/** The k3s nodes of a stack (the NAT gateway runs no k3s: see hetzner-posture.test.ts). */
const k3sNodes = (tf: Parameters<typeof resources>[0]): Array<[string, Res]> => Object.entries(resources(tf, 'hcloud_server')).filter(([n]) => n !== 'nat_gateway');
const allServers = (): Array<[string, Res]> =>
  Object.entries({ ...bank.stacks, ...synthExample('solo').stacks, ...synthExample('omantel').stacks }).flatMap(([stack, tf]) => k3sNodes(tf).map(([n, s]) => [`${stack}/${n}`, s] as [string, Res]));

describe('join tokens: agents hold no server token', () => {
  it('creates a separate random agent token and gives servers both, agents only theirs', () => {
    for (const tf of Object.values(bank.stacks)) {
      expect(resources(tf, 'random_password').k3s_agent_token).toMatchObject({ length: 48, special: false });
      for (const [n, server] of k3sNodes(tf)) {
        const k3s = k3sConfig(server);
        if (n.startsWith('control_plane_')) {
          expect(k3s).toMatchObject({ token: '${random_password.k3s_token.result}', 'agent-token': '${random_password.k3s_agent_token.result}' });
        } else {
          expect(k3s.token).toBe('${random_password.k3s_agent_token.result}');
          expect(k3s['agent-token']).toBeUndefined();
          expect(userDataText(server)).not.toContain('k3s_token.result');
        }
      }
    }
  });
});

describe('external cloud provider (Hetzner CCM)', () => {
  it('runs every kubelet with cloud-provider=external and disables k3s\' own cloud controller on servers', () => {
    for (const [where, server] of allServers()) {
      const k3s = k3sConfig(server);
      expect({ where, kubelet: k3s['kubelet-arg'] }).toEqual({ where, kubelet: ['cloud-provider=external'] });
      const isServer = where.includes('/control_plane_');
      expect({ where, disabled: k3s['disable-cloud-controller'] }).toEqual({ where, disabled: isServer ? true : undefined });
    }
  });

  it('creates the Hetzner token Secret of ctx.hcloudSecret on the first server from the sensitive variable, before any chart is pre-installed', () => {
    const ctx = bank.sovereign.clusters[0]!.ctx;
    const cp1 = fsnServers.control_plane_1!;
    const [secret] = yamlDocs(file(cp1, '/var/lib/catalyst/hcloud-secret.yaml'));
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: ctx.hcloudSecret.name, namespace: ctx.hcloudSecret.namespace },
      stringData: { [ctx.hcloudSecret.tokenKey]: '${jsonencode(var.hcloud_token)}', [ctx.hcloudSecret.networkKey]: fsn.resource.hcloud_network!.network!.name },
    });
    expect(ctx.hcloudSecret).toMatchObject({ namespace: 'kube-system', name: 'hcloud', tokenKey: 'token', networkKey: 'network', network: 'bank-hz-fsn-rtz-prod' });
    const script = file(cp1, '/usr/local/sbin/catalyst-bootstrap.sh');
    expect(script.indexOf('k3s kubectl apply -f /var/lib/catalyst/hcloud-secret.yaml')).toBeGreaterThan(0);
    expect(script.indexOf('k3s kubectl apply -f /var/lib/catalyst/hcloud-secret.yaml')).toBeLessThan(script.indexOf('helm upgrade --install'));
    expect(script.indexOf('k3s kubectl apply -f /var/lib/catalyst/hcloud-secret.yaml')).toBeGreaterThan(script.indexOf('k3s kubectl get --raw=/readyz'));
    for (const n of ['control_plane_2', 'pool_general_1']) expect(files(fsnServers[n]!).map((f) => f.path)).not.toContain('/var/lib/catalyst/hcloud-secret.yaml');
  });
});

describe('local-path stays for caches but is not the default StorageClass', () => {
  it('disables the packaged local-storage and ships a user AddOn whose class is not default, on every server', () => {
    for (const [where, server] of allServers().filter(([w]) => w.includes('/control_plane_'))) {
      expect({ where, disable: k3sConfig(server).disable }).toEqual({ where, disable: ['servicelb', 'traefik', 'local-storage'] });
      const objects = yamlDocs(file(server, '/var/lib/rancher/k3s/server/manifests/catalyst-local-path.yaml'));
      expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'StorageClass']);
      const sc = objects.find((o) => o.kind === 'StorageClass')!;
      expect(sc).toMatchObject({ metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
      const deployment = objects.find((o) => o.kind === 'Deployment') as Res;
      expect(deployment.spec.template.spec.containers[0].image).toBe(NODE_SOFTWARE.localPathProvisioner);
      const config = (objects.find((o) => o.kind === 'ConfigMap') as Res).data;
      expect(JSON.parse(config['config.json'])).toEqual({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/lib/rancher/k3s/storage'] }] });
      expect(parse(config['helperPod.yaml']).spec.containers[0].image).toBe(NODE_SOFTWARE.localPathHelper);
    }
    expect(files(soloServers.pool_general_1!).map((f) => f.path)).not.toContain('/var/lib/rancher/k3s/server/manifests/catalyst-local-path.yaml');
  });
});

describe('OIDC on the API server', () => {
  it('trusts the Keycloak realm of ctx.auth, with prefixed usernames and groups', () => {
    const ctx = bank.sovereign.clusters[0]!.ctx;
    expect(ctx.auth.issuerUrl).toBe('https://auth.platform.bank.example/realms/bank');
    for (const n of ['control_plane_1', 'control_plane_2', 'control_plane_3']) {
      expect(k3sConfig(fsnServers[n]!)['kube-apiserver-arg']).toEqual([
        `oidc-issuer-url=${ctx.auth.issuerUrl}`,
        `oidc-client-id=${ctx.auth.kubernetesClientId}`,
        'oidc-username-claim=preferred_username',
        'oidc-username-prefix=oidc:',
        'oidc-groups-claim=groups',
        'oidc-groups-prefix=oidc:',
      ]);
    }
    expect(k3sConfig(fsnServers.pool_general_1!)['kube-apiserver-arg']).toBeUndefined();
  });
});

describe('etcd snapshots to S3 (bank-dr)', () => {
  it('configures every server with the schedule, retention and bucket, each cluster in its own folder, keys from sensitive variables', () => {
    for (const [stack, tf] of Object.entries(bank.stacks)) {
      const cluster = stack.slice('bank-'.length);
      for (const [n, server] of k3sNodes(tf)) {
        const k3s = k3sConfig(server);
        if (!n.startsWith('control_plane_')) {
          expect(Object.keys(k3s).filter((k) => k.startsWith('etcd-'))).toEqual([]);
          continue;
        }
        expect(k3s).toMatchObject({
          'etcd-snapshot-schedule-cron': '0 */4 * * *',
          'etcd-snapshot-retention': 42,
          'etcd-s3': true,
          'etcd-s3-endpoint': 'fsn1.your-objectstorage.com',
          'etcd-s3-region': 'fsn1',
          'etcd-s3-bucket': 'bank-etcd-snapshots',
          'etcd-s3-folder': `etcd/${cluster}`,
          'etcd-s3-retention': 42,
          'etcd-s3-access-key': '${jsonencode(var.etcd_s3_access_key)}',
          'etcd-s3-secret-key': '${jsonencode(var.etcd_s3_secret_key)}',
        });
      }
      for (const v of ['etcd_s3_access_key', 'etcd_s3_secret_key']) expect(tf.variable![v]).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    }
  });

  it('adds nothing without spec.kubernetes.etcdSnapshots', () => {
    expect(Object.keys(solo.variable!)).toEqual(['hcloud_token']);
    expect(Object.keys(k3sConfig(soloServers.control_plane_1!)).filter((k) => k.startsWith('etcd-'))).toEqual([]);
  });
});

describe('robust bootstrap', () => {
  it('never pipes a download into a shell: k3s is downloaded to a file and checked against the release checksums', () => {
    for (const [where, server] of allServers()) {
      const text = userDataText(server);
      expect({ where, piped: /curl[^\n|]*\|\s*(ba)?sh/.test(text), getK3s: text.includes('get.k3s.io') }).toEqual({ where, piped: false, getK3s: false });
      const script = nodeInit(server).split('\n');
      const version = where.startsWith('omantel') ? 'v1.36.3%2Bk3s1' : 'v1.37.1%2Bk3s1';
      const base = `https://github.com/k3s-io/k3s/releases/download/${version}`;
      const get = script.indexOf(`download "${base}/$K3S_ASSET" /var/lib/catalyst/k3s`);
      const sums = script.indexOf(`download "${base}/sha256sum-$K3S_ARCH.txt" /var/lib/catalyst/k3s.sha256sum`);
      const check = script.indexOf('sha256_check /var/lib/catalyst/k3s /var/lib/catalyst/k3s.sha256sum "$K3S_ASSET"');
      const install = script.indexOf('install -m 0755 /var/lib/catalyst/k3s /usr/local/bin/k3s');
      expect({ where, order: [get, sums, check, install].every((x, i, a) => x > 0 && (i === 0 || x > a[i - 1]!)) }).toEqual({ where, order: true });
    }
  });

  it('bounds every retry and wait: no bare until loop, curl with timeouts, downloads retried with backoff', () => {
    for (const [where, server] of allServers()) {
      const doc = parse(userDataText(server));
      const scripts = (doc.write_files as Res[]).filter((f) => String(f.content).startsWith('#!/bin/sh')).map((f) => f.content as string);
      for (const script of scripts) {
        const lines = script.split('\n');
        // The only `until` loops are the bounded ones inside retry and wait_for.
        const untils = lines.filter((l) => /\buntil\b/.test(l) && !l.trimStart().startsWith('#'));
        expect({ where, untils }).toEqual({ where, untils: ['  until "$@"; do', '  until "$@"; do'] });
        expect(lines).toContain('    if [ "$i" -ge "$n" ]; then log "gave up after $n tries: $*"; return 1; fi');
        expect(lines).toContain('    if [ "$(date +%s)" -ge "$deadline" ]; then log "timed out after $limit s waiting for $what"; return 1; fi');
        for (const l of lines.filter((x) => /\bcurl\b/.test(x) && !x.trimStart().startsWith('#'))) expect({ where, l }).toEqual({ where, l: expect.stringContaining('--max-time') });
      }
      for (const l of (doc.bootcmd ?? []) as string[]) if (/\buntil\b/.test(l)) expect({ where, l }).toEqual({ where, l: expect.stringMatching(/if \[ "\$tries" -ge 60 \]; then logger -t catalyst-bootstrap .*; exit 1; fi/) });
      expect(doc.runcmd).toEqual(['/usr/local/sbin/catalyst-node-init.sh']);
    }
  });

  it('logs every step to the journal and leaves one failure marker, exiting non-zero so cloud-init reports an error', () => {
    const cp1 = fsnServers.control_plane_1!;
    for (const script of [nodeInit(cp1), file(cp1, '/usr/local/sbin/catalyst-bootstrap.sh')]) {
      expect(script).toContain('set -eu');
      expect(script).toContain(`log() { logger -t catalyst-bootstrap -- "$*"; printf 'catalyst-bootstrap: %s\\n' "$*" >&2; }`);
      expect(script).toContain('trap on_exit EXIT');
      expect(script).toContain(`    [ -e /var/lib/catalyst/bootstrap-failed ] || printf '%s\\n' "$STEP" > /var/lib/catalyst/bootstrap-failed`);
    }
    const init = nodeInit(cp1).split('\n');
    expect(init.filter((l) => l.startsWith('step ')).map((l) => l.slice(5))).toEqual(['prepare', 'public-ip', 'install-k3s', 'start-k3s', 'bootstrap']);
    expect(init.slice(-3)).toEqual(['touch /var/lib/catalyst/node-ready', 'log "node ready"', '']);
    const boot = file(cp1, '/usr/local/sbin/catalyst-bootstrap.sh').split('\n');
    expect(boot.filter((l) => l.startsWith('step ')).map((l) => l.slice(5))).toEqual(['api-ready', 'hcloud-secret', 'install-helm', 'preinstall-cilium', 'preinstall-hcloud-cloud-controller-manager', 'preinstall-flux', 'generate-bootstrap-secrets', 'flux-secrets', 'flux-sync']);
    expect(boot).toContain('timeout 900 k3s kubectl -n kube-system rollout status daemonset/cilium --timeout=10m');
    expect(boot).toContain(`sha256_check /var/lib/catalyst/helm.tar.gz /var/lib/catalyst/helm.tar.gz.sha256sum "helm-${NODE_SOFTWARE.helm}-linux-$ARCH.tar.gz"`);
  });

  it('runs k3s through its own systemd unit that restarts it (the upgrade controller replaces the binary)', () => {
    const unit = file(fsnServers.control_plane_1!, '/etc/systemd/system/k3s.service');
    expect(unit).toContain('ExecStart=/usr/local/bin/k3s server\n');
    expect(unit).toContain('Type=notify\n');
    expect(unit).toContain('Restart=always\n');
    expect(unit).toContain('KillMode=process\n');
    expect(file(fsnServers.pool_data_1!, '/etc/systemd/system/k3s-agent.service')).toContain('ExecStart=/usr/local/bin/k3s agent\n');
  });
});

describe('gzip+base64 user_data', () => {
  it('sends every server base64gzip() of its cloud-init local value', () => {
    for (const [where, server] of allServers()) {
      expect({ where, user_data: server.user_data }).toEqual({ where, user_data: `\${base64gzip(local.${userDataLocal(server)})}` });
      expect(userDataLocal(server)).toMatch(/^user_data_(control_plane|pool_[a-z0-9-]+)_\d+$/);
    }
  });

  it('measures what Hetzner receives: the report counts the encoded size, far below the plain document', () => {
    const report = bank.report.stacks.find((s) => s.name === 'bank-hz-fsn-rtz-prod')!;
    const plain = Math.max(...Object.values(fsnServers).map((s) => Buffer.byteLength(userDataText(s))));
    expect(plain).toBeGreaterThan(15 * 1024);
    expect(report.largestUserDataBytes).toBeLessThan(plain / 2);
    expect(report.largestUserDataBytes).toBeGreaterThan(Buffer.from(userDataText(fsnServers.control_plane_1!)).length / 4);
  });
});

describe('scripts/check-user-data.ts (CI: cloud-init schema and shellcheck on what Terraform evaluated)', () => {
  it('decodes base64 gzip user_data and finds every script of a cloud-config', () => {
    const text = userDataText(fsnServers.control_plane_1!);
    const encoded = gzipSync(Buffer.from(text)).toString('base64');
    const show = { values: { root_module: { resources: [{ address: 'hcloud_server.control_plane_1', type: 'hcloud_server', values: { user_data: encoded } }, { address: 'hcloud_network.network', type: 'hcloud_network', values: {} }] } } };
    expect(serverUserData(show)).toEqual([{ address: 'hcloud_server.control_plane_1', userData: encoded }]);
    expect(decodeUserData(encoded)).toBe(text);
    expect(scriptsOf(text).map((s) => s.name)).toEqual(['/usr/local/sbin/catalyst-bootstrap.sh', '/usr/local/sbin/catalyst-node-init.sh']);
    const privateOnly = scriptsOf(userDataText(fsnServers.pool_data_1!));
    expect(privateOnly.map((s) => s.name)).toEqual(['/usr/local/sbin/catalyst-node-init.sh', 'bootcmd']);
    expect(privateOnly.at(-1)!.text.split('\n')[1]).toBe('mkdir -p /etc/systemd/resolved.conf.d /etc/systemd/networkd.conf.d');
    expect(scriptsOf(userDataText(soloServers.pool_general_1!)).map((s) => s.name)).toEqual(['/usr/local/sbin/catalyst-node-init.sh']);
  });
});
