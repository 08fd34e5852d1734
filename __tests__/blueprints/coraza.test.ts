/**
 * The Coraza WAF Blueprint: HAProxy and coraza-spoa in one pod behind the Cilium Ingress, the
 * HAProxy configuration checked by `haproxy -c`, coraza-spoa's configuration per site (mode,
 * paranoia level, threshold), the Ingresses reading Cilium's class and cert-manager's issuer, the
 * network allowances to each backend, every object against the published models, and props from YAML.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CertManager, Coraza, type CorazaProps } from '../../blueprints';
import { SPOE_CONFIG } from '../../blueprints/platform/coraza';
import { IMAGES } from '../../lib/versions';
import { validateManifest } from '../../scripts/k8s-validate';
import { blueprintPropsProblems, fromYamlProps } from '../support/props';
import { find, renderObjects, testCluster, type Json } from '../support/render';

const SITES: CorazaProps['sites'] = [
  { host: 'git.solo.example.org', backend: { name: 'gitea-http', namespace: 'gitea', port: 3000 } },
  { host: 'auth.solo.example.org', backend: { name: 'keycloak', namespace: 'keycloak', port: 80, targetPort: 8080 }, mode: 'detection' },
];

/** A Coraza instance's objects in a test cluster holding it. */
function render(props: CorazaProps = {}): { objects: Json[]; bp: Coraza } {
  const bp = new Coraza(props);
  return { objects: renderObjects(bp, testCluster({}, [bp])), bp };
}

describe('the Coraza WAF', () => {
  const { objects } = render({ sites: SITES });

  it('renders the configs, one Deployment of HAProxy with coraza-spoa, its Service, a disruption budget and one Ingress per site', () => {
    expect(objects.filter((o) => o.kind !== 'NetworkPolicy').map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/coraza-haproxy',
      'ConfigMap/coraza-spoa',
      'Deployment/coraza',
      'Ingress/coraza-auth-solo-example-org',
      'Ingress/coraza-git-solo-example-org',
      'Namespace/coraza',
      'PodDisruptionBudget/coraza',
      'Service/coraza',
    ]);
  });

  it('validates every object against the published Kubernetes schemas', async () => {
    for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, errors: await validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, errors: [] });
  });

  it('runs HAProxy and coraza-spoa (the pinned images) in each pod, the agent on the loopback, restricted, spread over nodes', () => {
    const pod = find(objects, 'Deployment', 'coraza').spec.template.spec;
    expect(pod.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['haproxy', `docker.io/library/haproxy:${IMAGES.haproxy.tag}`],
      ['coraza-spoa', 'ghcr.io/corazawaf/coraza-spoa:0.7.0'],
    ]);
    expect(pod.containers[1].command).toEqual(['/coraza-spoa', '--config', '/etc/coraza-spoa/config.yaml', '--autoreload']);
    expect(parse(find(objects, 'ConfigMap', 'coraza-spoa').data['config.yaml']).bind).toBe('127.0.0.1:9000');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.containers) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(pod.containers.map((c: Json) => c.securityContext.runAsUser)).toEqual([99, 65532]);
    expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'coraza' } } }]);
    expect(find(objects, 'Deployment', 'coraza').spec.replicas).toBe(2);
    expect(find(objects, 'PodDisruptionBudget', 'coraza').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'coraza' } } });
  });

  it('sums the default requests in its metadata: two replicas of HAProxy and coraza-spoa', () => {
    const pod = find(render().objects, 'Deployment', 'coraza').spec.template.spec;
    const cpu = pod.containers.reduce((n: number, c: Json) => n + Number(c.resources.requests.cpu.replace('m', '')), 0) * 2;
    const memory = pod.containers.reduce((n: number, c: Json) => n + Number(c.resources.requests.memory.replace('Mi', '')), 0) * 2;
    expect(Coraza.metadata.resources).toEqual({ cpuMillis: cpu, memoryMiB: memory });
  });

  it('rolls the pods when a config changes (a checksum of both ConfigMaps in the pod template)', () => {
    const sum = (o: Json[]) => find(o, 'Deployment', 'coraza').spec.template.metadata.annotations['catalyst.openova.io/config-sha256'];
    expect(sum(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(sum(render({ sites: SITES }).objects)).toBe(sum(objects));
    expect(sum(render({ sites: SITES, paranoiaLevel: 2 }).objects)).not.toBe(sum(objects));
  });

  it('serves each site through the Cilium Ingress with a certificate from cert-manager\'s issuer, both read as typed facts', () => {
    const ingress = find(objects, 'Ingress', 'coraza-git-solo-example-org');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'cilium',
      tls: [{ hosts: ['git.solo.example.org'], secretName: 'coraza-git-solo-example-org-tls' }],
      rules: [{ host: 'git.solo.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'coraza', port: { name: 'http' } } } }] } }],
    });
    const bp = new Coraza({ sites: SITES });
    const cluster = testCluster({}, [new CertManager({ issuerName: 'corp-acme' }), bp]);
    expect(find(renderObjects(bp, cluster), 'Ingress', 'coraza-git-solo-example-org').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('corp-acme');
    expect(cluster.references.get('coraza')).toEqual(['cert-manager', 'cilium']);
  });

  it('lets the Ingress controller in on 8080 (and the HTTP-01 solver on 8089) and reaches each backend\'s pods on their port, nothing else', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    expect(policies).toEqual([
      'allow-dns',
      'allow-egress-namespace-gitea-3000',
      'allow-egress-namespace-keycloak-8080',
      'allow-ingress-anywhere-8080',
      'allow-ingress-anywhere-8089',
      'allow-same-namespace',
      'default-deny',
    ]);
    expect(find(objects, 'NetworkPolicy', 'allow-egress-namespace-keycloak-8080').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keycloak' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(render().objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['allow-dns', 'allow-ingress-anywhere-8080', 'allow-same-namespace', 'default-deny']);
  });
});

describe('the WAF configuration', () => {
  const { bp } = render({ sites: SITES, paranoiaLevel: 3, anomalyThreshold: 10 });
  const cluster = testCluster({}, [bp]);
  const haproxy = bp.haproxyConfig(cluster);

  it('passes `haproxy -c` with its SPOE file (HAProxy from the Debian package, the same configuration language)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coraza-haproxy-'));
    writeFileSync(join(dir, 'coraza.cfg'), SPOE_CONFIG);
    writeFileSync(join(dir, 'haproxy.cfg'), haproxy.replace('/usr/local/etc/haproxy/coraza.cfg', join(dir, 'coraza.cfg')));
    const r = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect({ status: r.status, warnings: r.stderr.split('\n').filter((l) => l.includes('[WARNING]') || l.includes('[ALERT]')) }).toEqual({ status: 0, warnings: [] });
    const broken = spawnSync('haproxy', ['-c', '-f', '/dev/stdin'], { input: haproxy.replace('http-request deny deny_status 403', 'http-request refuse 403'), encoding: 'utf8' });
    expect(broken.status).not.toBe(0);
  });

  it('asks Coraza about every request of a known host, acts on its verdict, fails closed only for blocking sites, and answers 404 for other hosts', () => {
    const lines = haproxy.split('\n').map((l) => l.trim());
    expect(lines).toContain('http-request set-var(txn.coraza.app) str(git.solo.example.org) if { req.hdr(host),field(1,:),lower -m str git.solo.example.org }');
    expect(lines).toContain('http-request send-spoe-group coraza coraza-req if { var(txn.coraza.app) -m found }');
    expect(lines).toContain('http-request deny deny_status 403 hdr waf-block request if { var(txn.coraza.action) -m str deny }');
    expect(lines).toContain('http-request deny deny_status 500 if { var(txn.coraza.error) -m int gt 0 } { var(txn.coraza.app) -m str git.solo.example.org }');
    expect(lines).toContain('server backend keycloak.keycloak.svc.cluster.local:80 resolvers cluster init-addr none');
    expect(lines.slice(lines.indexOf('backend unknown-host'), lines.indexOf('backend unknown-host') + 2)).toEqual(['backend unknown-host', 'http-request deny deny_status 404']);
    expect(lines.indexOf('filter spoe engine coraza config /usr/local/etc/haproxy/coraza.cfg')).toBeLessThan(lines.indexOf('http-request send-spoe-group coraza coraza-req if { var(txn.coraza.app) -m found }'));
  });

  it('gives each site a Coraza application with the Core Rule Set at the paranoia level and threshold, blocking or detection only', () => {
    const config = parse(bp.spoaConfig(cluster));
    expect(config.applications.map((a: Json) => a.name)).toEqual(['git.solo.example.org', 'auth.solo.example.org']);
    const [git, auth] = config.applications.map((a: Json) => a.directives.trim().split('\n'));
    expect(git).toEqual([
      'Include @coraza.conf-recommended',
      'Include @crs-setup.conf.example',
      'SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=3"',
      'SecAction "id:900110,phase:1,pass,t:none,nolog,setvar:tx.inbound_anomaly_score_threshold=10"',
      'Include @owasp_crs/*.conf',
      'SecRuleEngine On',
    ]);
    expect(auth.at(-1)).toBe('SecRuleEngine DetectionOnly');
    expect(config.applications[0]).toMatchObject({ response_check: false, transaction_ttl_ms: 60000 });
    // Only keys coraza-spoa v0.7.0 knows (its config.go decodes with KnownFields).
    expect(Object.keys(config).sort()).toEqual(['applications', 'bind', 'log_file', 'log_format', 'log_level']);
    expect(Object.keys(config.applications[0]).sort()).toEqual(['directives', 'log_file', 'log_format', 'log_level', 'name', 'response_check', 'transaction_ttl_ms']);
  });

  it('detection mode for the whole WAF: no site fails closed, every application only logs', () => {
    const detect = new Coraza({ sites: SITES, mode: 'detection' });
    const c = testCluster({}, [detect]);
    expect(detect.haproxyConfig(c)).not.toContain('deny_status 500');
    expect(parse(detect.spoaConfig(c)).applications.map((a: Json) => a.directives.trim().split('\n').at(-1))).toEqual(['SecRuleEngine DetectionOnly', 'SecRuleEngine DetectionOnly']);
  });

  it('refuses a host outside the Sovereign FQDN, or one host twice, naming the field and the fix', () => {
    const outside = new Coraza({ sites: [{ host: 'app.other.org', backend: { name: 'a', namespace: 'a', port: 80 } }] });
    expect(() => renderObjects(outside, testCluster({}, [outside]))).toThrow(/props\.sites\[0\]\.host "app\.other\.org" is not under the Sovereign FQDN solo\.example\.org; use a name such as app\.solo\.example\.org/);
    const twice = new Coraza({ sites: [SITES[0]!, { ...SITES[0]!, backend: { name: 'b', namespace: 'b', port: 80 } }] });
    expect(() => renderObjects(twice, testCluster({}, [twice]))).toThrow(/props\.sites\[1\]\.host "git\.solo\.example\.org" is listed twice; serve each host once/);
  });
});

describe('Coraza without sites (the default kit)', () => {
  const { objects } = render();

  it('runs the WAF tier with no Ingress, ready for sites, and answers 404', () => {
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(parse(find(objects, 'ConfigMap', 'coraza-spoa').data['config.yaml']).applications).toEqual([]);
    expect(find(objects, 'ConfigMap', 'coraza-haproxy').data['haproxy.cfg']).toContain('default_backend unknown-host');
  });

  it('depends on cilium and cert-manager (the reference kit), slot 35 in namespace coraza', () => {
    expect(Coraza.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cilium', 'cert-manager']);
    expect(Coraza.metadata).toMatchObject({ namespace: 'coraza', tier: 'bootstrap-kit', images: [IMAGES.haproxy, IMAGES.corazaSpoa] });
    expect(Coraza.metadata.sources).toContain('catalog/bootstrap-kit.json slot 35');
  });
});

describe('props from YAML (spec.blueprints.props.coraza)', () => {
  it('reach the Ingress and the configs', () => {
    const { sovereign } = fromYamlProps('coraza', { sites: [{ host: 'git.solo.example.org', backend: { name: 'gitea-http', namespace: 'gitea', port: 3000 } }], mode: 'detection', replicas: 1 });
    const files = sovereign.gitopsTree().files;
    const folder = 'clusters/hz-fsn-mgt-prod/bp-coraza';
    expect(parse(files.get(`${folder}/ingress.yaml`)!).spec.rules[0].host).toBe('git.solo.example.org');
    expect([...files.keys()].some((k) => k.startsWith(`${folder}/poddisruptionbudget`))).toBe(false);
    const spoa = [...files.entries()].find(([k, v]) => k.startsWith(`${folder}/configmap`) && v.includes('config.yaml'))![1];
    expect(spoa).toContain('SecRuleEngine DetectionOnly');
  });

  it.each([
    [{ paranoiaLevel: 5 }, 'paranoiaLevel', 'must be a whole number from 1 to 4'],
    [{ mode: 'block' }, 'mode', 'Invalid option: expected one of "blocking"|"detection"'],
    [{ sites: [{ host: 'Git.example.org', backend: { name: 'a', namespace: 'a', port: 80 } }] }, 'sites[0].host', 'must be a lowercase DNS name with at least two labels, e.g. git.example.org'],
    [{ sites: [{ host: 'git.solo.example.org', backend: { name: 'a', namespace: 'a', port: 0 } }] }, 'sites[0].backend.port', 'Too small: expected number to be >=1'],
    [{ sites: [{ host: 'git.solo.example.org', backend: { name: 'a', port: 80 } }] }, 'sites[0].backend.namespace', 'is required (a string)'],
  ])('rejects %p with the path and what is allowed', (props, field, message) => {
    const problems = blueprintPropsProblems('coraza', props);
    expect(problems.map((p) => ({ path: p.path, message: p.message }))).toEqual([{ path: `spec.blueprints.props.coraza.${field}`, message }]);
  });
});
