import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import {
  allStrings,
  CREDENTIAL_VARIABLE,
  describeFindings,
  expandTerraformStrings,
  fake,
  references,
  scan,
  SECRET_PATTERNS,
  sensitiveReason,
} from '../support/secret-scan';
import { EXAMPLES, readTree, ROOT, synthExample, TerraformJson, userDataText } from '../support/synth';
import { loadProviderSchemas } from '../support/tf-schema';

type Obj = Record<string, any>;

const schemas = loadProviderSchemas([join(ROOT, 'schemas/hcloud-provider-schema.json'), join(ROOT, 'schemas/random-provider-schema.json')]);

/** Scans a synthesized tree (Terraform JSON with its user_data expanded, GitOps YAML, manifest). */
function treeFindings(dir: string): string[] {
  return describeFindings(scan(expandTerraformStrings(readTree(dir))));
}

/** The cloud-config of a server of stack `tf`, parsed. */
function cloudConfig(tf: TerraformJson, server: Obj): Obj {
  return parse(userDataText(server, tf)) as Obj;
}

/** Every Kubernetes object in a set of YAML texts. */
function k8sObjects(texts: Iterable<[string, string]>): Array<{ where: string; obj: Obj }> {
  const out: Array<{ where: string; obj: Obj }> = [];
  for (const [where, text] of texts) {
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as Obj | null;
      if (obj && typeof obj === 'object' && typeof obj.kind === 'string' && typeof obj.apiVersion === 'string') out.push({ where, obj });
    }
  }
  return out;
}

/** Kubernetes objects of a synthesized example: the GitOps tree and every YAML file cloud-init writes. */
function allK8sObjects(stacks: Record<string, TerraformJson>, gitops: Map<string, string>): Array<{ where: string; obj: Obj }> {
  const texts: Array<[string, string]> = [...gitops].filter(([p]) => p.endsWith('.yaml'));
  for (const [stack, tf] of Object.entries(stacks)) {
    for (const [name, server] of Object.entries(tf.resource.hcloud_server ?? {})) {
      for (const f of cloudConfig(tf, server).write_files as Obj[]) if (f.path.endsWith('.yaml')) texts.push([`${stack}/${name}:${f.path}`, f.content]);
    }
  }
  return k8sObjects(texts);
}

/** Keys of a Secret that may hold a literal: public material only (certificates, public keys). */
const PUBLIC_KEY_NAME = /(^|[._-])(ca|tls)\.crt$|\.pub$|\.asc$|^known_hosts$|^ca\.pem$/;
const PUBLIC_VALUE =
  /^(-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\s*|-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*-----END PGP PUBLIC KEY BLOCK-----\s*|(ssh-(ed25519|rsa)|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+( \S+)?\s*|[^\n]* (ssh-(ed25519|rsa)|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+\s*)$/;

/**
 * Problems of a Kubernetes Secret: every `data`/`stringData` value must be a Terraform expression
 * that only references sensitive values (a sensitive variable, a `random_password`), or public
 * material under a public key name (a certificate, a public key).
 */
function secretLiteralProblems(obj: Obj, tf: Pick<TerraformJson, 'variable'> & Partial<Pick<TerraformJson, 'resource'>>): string[] {
  if (obj.kind !== 'Secret') return [];
  // The Hetzner network's name (the hcloud Secret's `network` key) is public: it is the network resource's name.
  const networkNames = Object.values(tf.resource?.hcloud_network ?? {}).map((n) => n.name);
  const problems: string[] = [];
  for (const field of ['data', 'stringData']) {
    for (const [key, value] of Object.entries((obj[field] ?? {}) as Obj)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const isExpression = /^\$\{[^}]*\}$/.test(text);
      const refs = references(text);
      if (isExpression && refs.length > 0 && refs.every((r) => sensitiveReason(tf, `\${${r}}`, schemas) !== undefined)) continue;
      const decoded = field === 'data' ? Buffer.from(text, 'base64').toString('utf8') : text;
      if (PUBLIC_KEY_NAME.test(key) && PUBLIC_VALUE.test(decoded) && !/PRIVATE KEY/.test(decoded)) continue;
      if (key === 'network' && networkNames.includes(decoded)) continue;
      problems.push(`Secret ${obj.metadata?.namespace}/${obj.metadata?.name} ${field}.${key} holds a literal`);
    }
  }
  return problems;
}

describe('secret patterns', () => {
  it('are the 16 kinds the closing note counts (adding one is fine: update the count)', () => {
    expect(SECRET_PATTERNS).toHaveLength(16);
    expect(new Set(SECRET_PATTERNS.map((p) => p.name)).size).toBe(SECRET_PATTERNS.length);
  });

  it.each(SECRET_PATTERNS.map((p) => [p.name, p] as const))('%s: flags its planted positive', (name, p) => {
    expect(scan(new Map([['planted', p.positive]])).map((f) => f.pattern)).toContain(name);
  });

  it.each(SECRET_PATTERNS.map((p) => [p.name, p] as const))('%s: flags none of its planted look-alikes (under any pattern)', (_name, p) => {
    expect(describeFindings(scan(new Map([['look-alike', p.negative]])))).toEqual([]);
  });

  it('the patterns catch what they are meant to catch', () => {
    const planted = new Map([
      ['a.yaml', 'stringData:\n  password: hunter2hunter2hunter2\n'],
      ['b.json', '{"token": "abcdefghijklmnopqrstuvwxyz012345"}'],
      ['c.yaml', '-----BEGIN OPENSSH PRIVATE KEY-----'],
      ['d.yaml', `hcloud: ${'aB1'.repeat(21)}x`],
      ['e.yaml', 'url: https://user:pass@git.example.org/repo.git'],
      ['ok.yaml', 'password: ${var.git_token}\napi-key="$S4_0"\nexistingSecret: keycloak-postgresql-credentials\n'],
    ]);
    expect(scan(planted).map((f) => f.file)).toEqual(['a.yaml', 'b.json', 'c.yaml', 'd.yaml', 'e.yaml']);
  });

  it('reaches into user_data and GitOps files: secrets planted in real output are found', () => {
    const ex = synthExample('solo');
    const files = readTree(ex.dir);
    const tfPath = 'cdktf.out/stacks/solo-hz-fsn-mgt-prod/cdk.tf.json';
    const tf = JSON.parse(files.get(tfPath)!);
    tf.locals.user_data_control_plane_1 += `  - echo ${SECRET_PATTERNS[0]!.positive}\n`;
    tf.locals.user_data_pool_general_2 = tf.locals.user_data_pool_general_2.replace('${random_password.k3s_agent_token.result}', `${'K10'}${fake(64, '0123456789abcdef')}::server:${fake(32)}`);
    files.set(tfPath, JSON.stringify(tf, null, 2));
    const hr = 'gitops/clusters/hz-fsn-mgt-prod/bp-keycloak/helmrelease.yaml';
    files.set(hr, files.get(hr)!.replace(/\n$/, `\n# adminPassword: ${fake(24)}\n`));
    const found = new Set(scan(expandTerraformStrings(files)).map((f) => `${f.file}: ${f.pattern}`));
    const userData = (server: string) => `${tfPath}#/locals/user_data_${server}`;
    expect([...found].sort()).toEqual(
      [
        // The JSON file itself (user_data is one escaped line there) and each user_data as its own text.
        `${tfPath}: PEM private key block`,
        `${tfPath}: k3s join token`,
        `${tfPath}: credential assignment`,
        `${tfPath}: high-entropy value under a credential-named key`,
        `${userData('control_plane_1')}: PEM private key block`,
        `${userData('pool_general_2')}: k3s join token`,
        `${userData('pool_general_2')}: credential assignment`,
        `${userData('pool_general_2')}: high-entropy value under a credential-named key`,
        `${hr}: high-entropy value under a credential-named key`,
      ].sort(),
    );
  });
});

describe('no secret literal in the output', () => {
  it.each(EXAMPLES)('%s: Terraform JSON (user_data included), manifest and GitOps files hold no secret-shaped literal', (name) => {
    const ex = synthExample(name);
    const files = expandTerraformStrings(readTree(ex.dir));
    expect(files.size).toBeGreaterThan(50);
    for (const stack of Object.keys(ex.stacks)) {
      expect(files.has(`cdktf.out/stacks/${stack}/cdk.tf.json#/locals/user_data_control_plane_1`)).toBe(true);
    }
    expect([...files.keys()].some((f) => f.startsWith('gitops/') && f.endsWith('helmrelease.yaml'))).toBe(true);
    expect(describeFindings(scan(files))).toEqual([]);
  });

  it.each(EXAMPLES)('%s: every credential variable is sensitive, required and without default', (name) => {
    const expected: Record<string, string[]> = { solo: ['hcloud_token'], omantel: ['hcloud_token'], 'bank-dr': ['etcd_s3_access_key', 'etcd_s3_secret_key', 'git_token', 'git_username', 'hcloud_token'] };
    for (const [stack, tf] of Object.entries(synthExample(name).stacks)) {
      const vars = tf.variable ?? {};
      const credentials = Object.keys(vars).filter((v) => CREDENTIAL_VARIABLE.test(v)).sort();
      expect({ stack, credentials }).toEqual({ stack, credentials: expected[name] });
      for (const v of credentials) {
        expect({ variable: v, ...vars[v] }).toMatchObject({ variable: v, type: 'string', sensitive: true, nullable: false });
        expect({ variable: v, hasDefault: 'default' in vars[v]! }).toEqual({ variable: v, hasDefault: false });
      }
    }
  });

  it.each(EXAMPLES)('%s: every output that references a sensitive variable, random_password, user_data or sensitive attribute is sensitive', (name) => {
    for (const [stack, tf] of Object.entries(synthExample(name).stacks)) {
      expect(Object.keys(tf.output).length).toBeGreaterThan(0);
      const unmarked = Object.entries(tf.output)
        .map(([out, o]) => ({ out, reason: sensitiveReason(tf, o.value, schemas), sensitive: o.sensitive === true }))
        .filter((o) => o.reason && !o.sensitive)
        .map((o) => `${stack}: output ${o.out} ${o.reason} but is not sensitive`);
      expect(unmarked).toEqual([]);
    }
  });

  it('the output rule flags what Terraform would refuse and passes plain addresses', () => {
    const tf = { variable: { git_token: { type: 'string', sensitive: true }, region: { type: 'string' } } };
    const reason = (value: unknown) => sensitiveReason(tf, value, schemas);
    expect(reason('${var.git_token}')).toMatch(/git_token/);
    expect(reason({ url: 'https://x/${jsonencode(var.git_token)}' })).toMatch(/git_token/);
    expect(reason(['${random_password.k3s_token.result}'])).toMatch(/random_password/);
    expect(reason('${hcloud_server.control_plane_1.user_data}')).toMatch(/user_data/);
    expect(reason({ '${hcloud_uploaded_certificate.api.private_key}': 'x' })).toMatch(/sensitive attribute/);
    expect(reason('${var.region}')).toBeUndefined();
    expect(reason(['${hcloud_load_balancer.ingress.ipv4}', '${data.hcloud_ssh_key.admin_1.id}', 'https://${hcloud_load_balancer.ingress.ipv4}:6443'])).toBeUndefined();
  });

  it.each(EXAMPLES)('%s: Kubernetes Secrets (GitOps tree and cloud-init) carry no data/stringData literal but public material', (name) => {
    const ex = synthExample(name);
    const objects = allK8sObjects(ex.stacks, ex.gitops);
    expect(objects.length).toBeGreaterThan(40);
    const secrets = objects.filter((o) => o.obj.kind === 'Secret');
    expect(secrets.filter((s) => !s.where.includes(':')).map((s) => s.where)).toEqual([]); // none in the GitOps tree
    const stackOf = (where: string) => ex.stacks[where.slice(0, where.indexOf('/'))]!;
    expect(secrets.flatMap((s) => secretLiteralProblems(s.obj, stackOf(s.where)).map((p) => `${s.where}: ${p}`))).toEqual([]);
    // Per stack: the Hetzner token Secret; with auth: token (bank-dr) also the Git credentials.
    const names = secrets.map((s) => `${s.where.slice(0, s.where.indexOf(':'))} ${s.obj.metadata.namespace}/${s.obj.metadata.name}`).sort();
    expect(names).toEqual(
      Object.keys(ex.stacks).flatMap((stack) => [`${stack}/control_plane_1 kube-system/hcloud`, ...(name === 'bank-dr' ? [`${stack}/control_plane_1 flux-system/flux-system-git`] : [])]).sort(),
    );
  });

  it('the Secret rule allows sensitive references and public material, and flags literals', () => {
    const tf = { variable: { git_token: { type: 'string', sensitive: true }, region: { type: 'string' } } };
    const secret = (stringData: Obj, data: Obj = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, stringData, data });
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(secretLiteralProblems(secret({ password: '${jsonencode(var.git_token)}', token: '${random_password.k3s_token.result}', 'ca.crt': cert }), tf)).toEqual([]);
    expect(secretLiteralProblems(secret({}, { 'tls.crt': Buffer.from(cert).toString('base64') }), tf)).toEqual([]);
    const pgp = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n';
    expect(secretLiteralProblems(secret({ 'ABCDEF0123456789.asc': pgp }), tf)).toEqual([]);
    expect(secretLiteralProblems(secret({ 'ABCDEF0123456789.asc': pgp.replace(/PUBLIC/g, 'PRIVATE') }), tf)).toEqual(['Secret n/s stringData.ABCDEF0123456789.asc holds a literal']);
    expect(secretLiteralProblems(secret({ password: 'hunter2', region: '${var.region}', 'ca.crt': 'not a certificate', 'tls.key': cert }), tf)).toEqual([
      'Secret n/s stringData.password holds a literal',
      'Secret n/s stringData.region holds a literal',
      'Secret n/s stringData.ca.crt holds a literal',
      'Secret n/s stringData.tls.key holds a literal',
    ]);
    expect(secretLiteralProblems(secret({}, { password: Buffer.from('hunter2').toString('base64') }), tf)).toEqual(['Secret n/s data.password holds a literal']);
  });

  it.each(EXAMPLES)('%s: Secrets created at bootstrap take credential values from /dev/urandom, never from literals', (name) => {
    for (const tf of Object.values(synthExample(name).stacks)) {
      const script = (cloudConfig(tf, tf.resource.hcloud_server!.control_plane_1!).write_files as Obj[]).find((f) => f.path === '/usr/local/sbin/catalyst-bootstrap.sh')!.content as string;
      const literals = [...script.matchAll(/--from-literal=([^=\s]+)=(\S+)/g)].map((m) => ({ key: m[1]!, value: m[2]! }));
      // only the Secret needed before the in-cluster generator runs (the CSI LUKS passphrase); every other generated Secret is created in the cluster
      expect(literals.map((l) => l.key)).toEqual(['encryption-passphrase']);
      expect([...script.matchAll(/^ensure_secret (\S+) (\S+)/gm)].map((m) => `${m[1]}/${m[2]}`)).toEqual(['kube-system/hcloud-csi-encryption']);
      const assigned = new Set([...script.matchAll(/^(S\d+_\d+)=\$\(random_value\)$/gm)].map((m) => m[1]));
      for (const { key, value } of literals) {
        const fromRandom = /^"\$(S\d+_\d+)"$/.exec(value);
        if (fromRandom) expect({ key, assigned: assigned.has(fromRandom[1]) }).toEqual({ key, assigned: true });
        else expect({ key, literal: value, credentialKey: /pass|token|secret|key|cred/i.test(key) }).toEqual({ key, literal: value, credentialKey: false });
      }
    }
  });
});

describe('gitops.auth: token — the Git credentials exist only as sensitive Terraform variables', () => {
  const CANARIES: Record<string, string> = {
    TF_VAR_git_username: `canary-user-${fake(12)}`,
    TF_VAR_git_token: `canarytoken${fake(32)}`,
    TF_VAR_hcloud_token: `canaryhcloud${fake(52)}`,
    HCLOUD_TOKEN: `canaryenvhc${fake(53)}`,
    GITHUB_TOKEN: `canarygh${fake(30)}`,
    AWS_ACCESS_KEY_ID: `canaryaws${fake(11)}`,
    AWS_SECRET_ACCESS_KEY: `canaryawssecret${fake(25)}`,
  };

  /** Synthesizes a spec with the credentials present in the environment, as a real deploy shell has them. */
  function synthWithCredentialsInEnv(specText: string): { dir: string; stacks: Record<string, TerraformJson>; gitops: Map<string, string> } {
    const saved = Object.fromEntries(Object.keys(CANARIES).map((k) => [k, process.env[k]]));
    Object.assign(process.env, CANARIES);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'catalyst-auth-'));
      Sovereign.fromYaml(specText).synthesize({ terraformOut: join(dir, 'cdktf.out'), gitopsOut: join(dir, 'gitops') });
      const stacks: Record<string, TerraformJson> = {};
      for (const s of readdirSync(join(dir, 'cdktf.out/stacks')).sort()) stacks[s] = JSON.parse(readFileSync(join(dir, 'cdktf.out/stacks', s, 'cdk.tf.json'), 'utf8'));
      return { dir, stacks, gitops: readTree(join(dir, 'gitops')) };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  const soloWithToken = (() => {
    const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
    spec.spec.gitops.auth = 'token';
    return stringify(spec);
  })();
  const cases: Array<[string, string]> = [
    ['bank-dr', readFileSync(join(ROOT, 'examples/bank-dr.yaml'), 'utf8')],
    ['solo with auth: token', soloWithToken],
  ];

  it.each(cases)('%s: no credential from the environment reaches any output file', (_name, text) => {
    const { dir } = synthWithCredentialsInEnv(text);
    const files = readTree(dir);
    expect(files.size).toBeGreaterThan(50);
    const leaks = [...files].flatMap(([path, content]) => Object.entries(CANARIES).filter(([, v]) => content.includes(v)).map(([k]) => `${path}: ${k}`));
    expect(leaks).toEqual([]);
    expect(treeFindings(dir)).toEqual([]);
  });

  it.each(cases)('%s: git_username/git_token are referenced only by the first control plane server, inside the Flux Git Secret', (_name, text) => {
    const { stacks, gitops } = synthWithCredentialsInEnv(text);
    for (const [stack, tf] of Object.entries(stacks)) {
      // Where in the stack each variable is referenced (JSON paths of the strings that reference it).
      const where: Record<string, string[]> = {};
      const walk = (v: unknown, path: string) => {
        for (const s of allStrings(typeof v === 'string' ? v : [])) for (const r of references(s)) if (r.startsWith('var.')) (where[r] ??= []).push(path);
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}/${i}`));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { for (const r of references(k)) if (r.startsWith('var.')) (where[r] ??= []).push(`${path}/(key)`); walk(x, `${path}/${k}`); }
      };
      walk(tf, '');
      const snapshotKeys = ['var.etcd_s3_access_key', 'var.etcd_s3_secret_key'].filter((v) => tf.variable?.[v.slice(4)]);
      const servers = Object.keys(tf.resource.hcloud_server!).filter((n) => n.startsWith('control_plane_'));
      expect({ stack, where }).toEqual({
        stack,
        where: {
          // etcd snapshot keys (bank-dr): every control plane server uploads snapshots.
          ...Object.fromEntries(snapshotKeys.map((v) => [v, servers.map((n) => `/locals/user_data_${n}`)])),
          // The provider, and the Hetzner token Secret the first server's bootstrap creates.
          'var.hcloud_token': ['/locals/user_data_control_plane_1', '/provider/hcloud/0/token'],
          'var.git_username': ['/locals/user_data_control_plane_1'],
          'var.git_token': ['/locals/user_data_control_plane_1'],
        },
      });
      const files = cloudConfig(tf, tf.resource.hcloud_server!.control_plane_1!).write_files as Obj[];
      const holding = files.filter((f) => /var\.git_/.test(f.content)).map((f) => f.path);
      expect(holding).toEqual(['/var/lib/catalyst/flux-secrets.yaml']);
      const secret = parse(files.find((f) => f.path === '/var/lib/catalyst/flux-secrets.yaml')!.content);
      expect(secret).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'flux-system-git', namespace: 'flux-system' },
        type: 'Opaque',
        stringData: { username: '${jsonencode(var.git_username)}', password: '${jsonencode(var.git_token)}' },
      });
      expect(secretLiteralProblems(secret, tf)).toEqual([]);
      // Flux reads that Secret by name; the GitOps tree never holds it.
      const sync = k8sObjects([['flux-sync', files.find((f) => f.path === '/var/lib/catalyst/flux-sync.yaml')!.content]]);
      expect(sync.find((o) => o.obj.kind === 'GitRepository')!.obj.spec.secretRef).toEqual({ name: 'flux-system-git' });
    }
    const objects = k8sObjects(gitops);
    expect(objects.filter((o) => o.obj.kind === 'Secret')).toEqual([]);
    const repos = objects.filter((o) => o.obj.kind === 'GitRepository' && o.obj.metadata.name === 'flux-system');
    expect(repos).toHaveLength(Object.keys(stacks).length);
    for (const r of repos) expect(r.obj.spec.secretRef).toEqual({ name: 'flux-system-git' });
  });

  it('without auth there are no Git variables, no Git Secret and no secretRef', () => {
    const ex = synthExample('solo');
    const tf = Object.values(ex.stacks)[0]!;
    expect(Object.keys(tf.variable ?? {})).toEqual(['hcloud_token']);
    expect(JSON.stringify(tf)).not.toContain('var.git_');
    expect((cloudConfig(tf, tf.resource.hcloud_server!.control_plane_1!).write_files as Obj[]).map((f) => f.path)).not.toContain('/var/lib/catalyst/flux-secrets.yaml');
    for (const o of k8sObjects(ex.gitops)) if (o.obj.kind === 'GitRepository') expect(o.obj.spec.secretRef).toBeUndefined();
  });

  it.each([
    ['spec.gitops.url', (spec: Obj, cred: string) => (spec.spec.gitops.url = `https://bob:${cred}@git.example.org/platform/solo-gitops.git`)],
    ['spec.terraform.backend.endpoint', (spec: Obj, cred: string) => (spec.spec.terraform = { backend: { type: 's3', bucket: 'solo-state', region: 'fsn1', endpoint: `https://key:${cred}@fsn1.your-objectstorage.com` } })],
  ] as const)('refuses credentials in %s (they would be written out in clear), without echoing them', (path, edit) => {
    const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
    const cred = `${'glpat-'}${fake(20)}`;
    edit(spec, cred);
    let error: Error | undefined;
    try {
      Sovereign.fromYaml(stringify(spec));
    } catch (err) {
      error = err as Error;
    }
    expect(error?.name).toBe('SpecError');
    expect(error!.message).toContain(path);
    expect(error!.message).not.toContain(cred);
  });
});
