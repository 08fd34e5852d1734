/**
 * Supply-chain checks of the Flux sources: signed commits of the GitOps repository
 * (`spec.gitops.verify`, in the tree and in the bootstrap), the OpenPGP and OIDC-regex checks behind
 * it, and the rule that every source Flux fetches is reached over HTTPS or OCI.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { USER_DATA_MAX_BYTES } from '../../lib/hetzner';
import { identityPatternProblem, parsePgpPublicKeyBlock } from '../../lib/signing';
import { GitRepository, OciRepository, PgpPublicKeys } from '../../constructs/flux';
import { BlueprintMetadata, builtinCatalog, Cluster, HelmBlueprint, HelmBlueprintProps } from '../../index';
import { Sovereign, SynthReport } from '../../app/sovereign';
import { validateManifest } from '../../scripts/k8s-validate';
import { kustomizeBuild } from '../support/kustomize';
import { armor, armorLines, packet, PGP_KEYS, PGP_PRIVATE_BODY, pgpPrivateKeyBlock } from '../support/pgp';
import { EXAMPLES, readTree, ROOT, synthExample, TerraformJson, userDataText, yamlDocs } from '../support/synth';
import { podinfoMetadata } from '../support/blueprints';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const SECRET_NAME = 'flux-system-pgp-keys';

/** An example spec with `edit` applied, as YAML text. */
function exampleWith(name: string, edit: (spec: Obj) => void): string {
  const spec = parse(readFileSync(join(ROOT, 'examples', `${name}.yaml`), 'utf8'));
  edit(spec);
  return stringify(spec);
}

const verifyBoth = (spec: Obj) => (spec.spec.gitops.verify = { publicKeys: [PGP_KEYS.ed25519.armored, PGP_KEYS.rsa3072.armored] });

interface Synth {
  /** The folder holding `tf/` and `gitops/`. */
  readonly dir: string;
  readonly report: SynthReport;
  readonly gitops: Map<string, string>;
  readonly stacks: Record<string, TerraformJson>;
}

/** Synthesizes a spec text into a temporary folder (both halves) and reads the output back. */
function synth(text: string, options: ConstructorParameters<typeof Sovereign>[1] = {}): Synth {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-verify-'));
  const report = Sovereign.fromYaml(text, options).synthesize({ terraformOut: join(dir, 'tf'), gitopsOut: join(dir, 'gitops') });
  const stacks: Record<string, TerraformJson> = {};
  for (const s of report.stacks) stacks[s.name] = JSON.parse(readFileSync(join(dir, 'tf', 'stacks', s.name, 'cdk.tf.json'), 'utf8'));
  return { dir, report, gitops: readTree(join(dir, 'gitops')), stacks };
}

/** The file cloud-init writes at `path` on the first control plane server of a stack. */
function bootstrapFile(tf: TerraformJson, path: string): string {
  const cloudConfig = parse(userDataText(tf.resource.hcloud_server!.control_plane_1!, tf));
  return (cloudConfig.write_files as Obj[]).find((f) => f.path === path)!.content;
}

describe('signed commits of the GitOps repository (spec.gitops.verify)', () => {
  const solo = synth(exampleWith('solo', verifyBoth));
  const c = 'clusters/hz-fsn-mgt-prod';

  it('makes the GitRepository verify the HEAD commit with the keys of the Secret', async () => {
    const repo = parse(solo.gitops.get(`${c}/flux-system/gitrepository.yaml`)!);
    expect(repo.spec.verify).toEqual({ mode: 'HEAD', secretRef: { name: SECRET_NAME } });
    expect(repo.spec.ref).toEqual({ branch: 'main' });
    expect(await validateManifest(repo)).toEqual([]);
  });

  it('renders the Secret in flux-system: one <fingerprint>.asc entry per key, public material only', async () => {
    const secret = parse(solo.gitops.get(`${c}/flux-system/secret.yaml`)!);
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: SECRET_NAME, namespace: 'flux-system' } });
    expect(secret.stringData).toEqual({
      [`${PGP_KEYS.ed25519.fingerprint}.asc`]: PGP_KEYS.ed25519.armored,
      [`${PGP_KEYS.rsa3072.fingerprint}.asc`]: PGP_KEYS.rsa3072.armored,
    });
    for (const text of Object.values<string>(secret.stringData)) expect(text).not.toMatch(/PRIVATE|SECRET/);
    expect(await validateManifest(secret)).toEqual([]);
    expect(parse(solo.gitops.get(`${c}/flux-system/kustomization.yaml`)!).resources).toContain('secret.yaml');
    const built = kustomizeBuild(join(solo.dir, 'gitops', c, 'flux-system'));
    expect(built.ok).toBe(true);
    expect(yamlDocs(built.stdout).map((d) => d.kind)).toContain('Secret');
  });

  it('creates the same Secret at bootstrap, before the GitRepository, within the user_data limit', () => {
    const [stack] = Object.values(solo.stacks);
    const sync = yamlDocs(bootstrapFile(stack!, '/var/lib/catalyst/flux-sync.yaml'));
    expect(sync.map((d) => `${d.kind}/${(d.metadata as Obj).name}`)).toEqual([`Secret/${SECRET_NAME}`, 'GitRepository/flux-system', 'Kustomization/flux-system']);
    expect(sync[0]).toEqual(parse(solo.gitops.get(`${c}/flux-system/secret.yaml`)!));
    expect(sync[1]).toEqual(parse(solo.gitops.get(`${c}/flux-system/gitrepository.yaml`)!));
    const script = bootstrapFile(stack!, '/usr/local/sbin/catalyst-bootstrap.sh');
    expect(script).toContain('k3s kubectl apply -f /var/lib/catalyst/flux-sync.yaml');
    const bytes = solo.report.stacks[0]!.largestUserDataBytes;
    expect(bytes).toBeLessThan(USER_DATA_MAX_BYTES);
    expect(bytes).toBeGreaterThan(synthExample('solo').report.stacks[0]!.largestUserDataBytes + PGP_KEYS.rsa3072.armored.length);
  });

  it('verifies every cluster of a two-region Sovereign with a private repository', () => {
    const dr = synth(exampleWith('bank-dr', verifyBoth));
    const repos = [...dr.gitops].filter(([p]) => p.endsWith('/flux-system/gitrepository.yaml')).map(([, t]) => parse(t));
    expect(repos).toHaveLength(2);
    for (const repo of repos) expect(repo.spec).toMatchObject({ secretRef: { name: 'flux-system-git' }, verify: { mode: 'HEAD', secretRef: { name: SECRET_NAME } } });
    for (const tf of Object.values(dr.stacks)) expect(yamlDocs(bootstrapFile(tf, '/var/lib/catalyst/flux-sync.yaml'))[0]).toMatchObject({ kind: 'Secret', metadata: { name: SECRET_NAME } });
  });

  it('renders nothing of it when commits are not verified', () => {
    const ex = synthExample('solo');
    expect(parse(ex.gitops.get(`${c}/flux-system/gitrepository.yaml`)!).spec.verify).toBeUndefined();
    expect(ex.gitops.has(`${c}/flux-system/secret.yaml`)).toBe(false);
  });

  it('is deterministic', () => {
    const text = exampleWith('solo', verifyBoth);
    expect([...Sovereign.fromYaml(text).gitopsTree().files]).toEqual([...Sovereign.fromYaml(text).gitopsTree().files]);
  });
});

describe('Flux source constructs', () => {
  const chart = () => new Chart(new App(), 'test');

  it('GitRepository verifies HEAD unless told otherwise', () => {
    const c = chart();
    new GitRepository(c, 'repo', { name: 'r', url: 'https://git.example.org/r.git', branch: 'main', verify: { secretName: 'keys' } });
    expect((c.toJson()[0] as Obj).spec.verify).toEqual({ mode: 'HEAD', secretRef: { name: 'keys' } });
  });

  it('PgpPublicKeys refuses a private key without echoing it, and a key listed twice', () => {
    let message = '';
    try {
      new PgpPublicKeys(chart(), 'keys', { name: 'keys', publicKeys: [pgpPrivateKeyBlock()] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Secret keys: publicKeys\[0\] is a private key/);
    expect(message).not.toContain(PGP_PRIVATE_BODY);
    expect(() => new PgpPublicKeys(chart(), 'keys', { name: 'keys', publicKeys: [PGP_KEYS.rsa3072.armored, PGP_KEYS.rsa3072.armored] })).toThrow(/lists a key twice/);
  });

  it('OciRepository renders keyless and key verification as Flux expects, and refuses an empty identity list', () => {
    const c = chart();
    const identity = { issuer: '^https://token\\.actions\\.githubusercontent\\.com$', subject: '^https://github\\.com/acme/.+$' };
    new OciRepository(c, 'keyless', { name: 'a', url: 'oci://ghcr.io/acme/charts/a', tag: '1.0.0', verify: { matchOIDCIdentity: [identity] } });
    new OciRepository(c, 'key', { name: 'b', url: 'oci://ghcr.io/acme/charts/b', tag: '1.0.0', verify: { provider: 'cosign', publicKeySecret: 'cosign-keys' } });
    expect(c.toJson().map((o) => (o as Obj).spec.verify)).toEqual([
      { provider: 'cosign', matchOIDCIdentity: [identity] },
      { provider: 'cosign', secretRef: { name: 'cosign-keys' } },
    ]);
    expect(() => new OciRepository(chart(), 'none', { name: 'n', url: 'oci://ghcr.io/acme/charts/n', tag: '1.0.0', verify: { matchOIDCIdentity: [] } })).toThrow(
      /OCIRepository n: verify\.matchOIDCIdentity: must list at least one issuer\/subject pair/,
    );
  });
});

describe('OpenPGP public key blocks', () => {
  const { begin, end } = armorLines('PGP PUBLIC KEY BLOCK');

  it('reads the fingerprints GnuPG printed, with or without the checksum line, with CRLF line ends', () => {
    for (const key of Object.values(PGP_KEYS)) {
      for (const text of [key.armored, key.armored.replace(/\n=.{4}\n/, '\n'), key.armored.replace(/\n/g, '\r\n'), `\n  ${key.armored}\n`]) {
        const parsed = parsePgpPublicKeyBlock(text);
        expect(parsed).toEqual({ ok: true, block: { fingerprints: [key.fingerprint], armored: `${text.trim()}\n` } });
      }
    }
  });

  it.each([
    ['an SSH key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAGVLj7r9rkp5GbSL2NFNQYknwo+YAhNVtXUyZHgtc9g a@test', /^must be one ASCII-armored OpenPGP public key block/],
    ['a block without its END line', PGP_KEYS.ed25519.armored.replace(end, ''), /^must be one ASCII-armored/],
    ['two blocks in one entry', PGP_KEYS.ed25519.armored + PGP_KEYS.rsa3072.armored, /^holds more than one armored block; list each block as its own entry$/],
    ['a body that is not base64', [begin, '', 'not*base64', end].join('\n'), /its body is not base64/],
    ['an edited body', PGP_KEYS.ed25519.armored.replace('mDMEawExohYJ', 'mDMEawExohYK'), /its checksum does not match its body/],
    ['a cut-off packet', armor(packet(6, [4, 1, 2, 3]).subarray(0, 5)), /the last packet is cut off/],
    ['a signature instead of a key', armor(packet(2, [4, 0, 1, 8])), /it starts with a packet of type 2, not with a public key \(type 6\)/],
    ['a version 3 key', armor(packet(6, [3, 0, 0, 0, 1, 0, 0, 1])), /^is a version 3 OpenPGP key; Flux v2\.4 verifies signatures with version 4 keys/],
    ['a version 6 key', armor(packet(6, [6, 0, 0, 0, 1, 27])), /^is a version 6 OpenPGP key/],
  ])('refuses %s', (_what, text, message) => {
    const parsed = parsePgpPublicKeyBlock(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.private).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });

  it.each([
    ['a private key block', pgpPrivateKeyBlock()],
    ['a secret key packet under a public header', armor(packet(5, [4, 0, 0, 0, 1, 22]))],
    ['a public key with a secret subkey', armor(Buffer.concat([packet(6, [4, 0, 0, 0, 1, 22]), packet(7, [4, 0, 0, 0, 1, 22])]))],
  ])('flags %s as private, with a message that does not echo it', (_what, text) => {
    const parsed = parsePgpPublicKeyBlock(text);
    expect(parsed).toMatchObject({ ok: false, private: true });
    expect(!parsed.ok && parsed.message).not.toContain(PGP_PRIVATE_BODY);
    expect(!parsed.ok && parsed.message).toMatch(/revoke the exposed key$/);
  });
});

describe('OIDC identity patterns of keyless cosign verification', () => {
  it.each([
    ['^https://token\\.actions\\.githubusercontent\\.com$', undefined],
    ['^a\\\\$', undefined],
    ['https://token.actions.githubusercontent.com', /^must be anchored with \^ and \$ so it matches the whole issuer/],
    ['^https://accounts\\.google\\.com', /^must be anchored/],
    ['^https://accounts\\.google\\.com\\$', /^must be anchored/],
    ['^(?<!x)y$', /^uses lookaround, which Go regular expressions \(RE2\) do not have/],
    ['^(a)\\1$', /^uses backreferences/],
    ['^(a$', /^is not a valid regular expression/],
  ])('%s', (pattern, problem) => {
    const found = identityPatternProblem(pattern, 'issuer');
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});

/** A user-defined Blueprint whose chart is in an OCI registry. */
class OciDemo extends HelmBlueprint<HelmBlueprintProps> {
  static readonly metadata: BlueprintMetadata = podinfoMetadata('oci-demo', 'Demo web service from an OCI chart.');

  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {};
  }
}

describe('Flux sources use HTTPS or OCI', () => {
  /** Every Flux source of a tree and of the bootstrap files, with the scheme its kind must use. */
  function sources(s: Pick<Synth, 'gitops' | 'stacks'>): Array<{ where: string; kind: string; url: string }> {
    const docs: Array<[string, Obj]> = [...s.gitops].flatMap(([path, text]) => yamlDocs(text).map((d) => [path, d] as [string, Obj]));
    for (const [name, tf] of Object.entries(s.stacks)) docs.push(...yamlDocs(bootstrapFile(tf, '/var/lib/catalyst/flux-sync.yaml')).map((d) => [`${name}: flux-sync.yaml`, d] as [string, Obj]));
    return docs
      .filter(([, d]) => ['GitRepository', 'HelmRepository', 'OCIRepository'].includes(d.kind))
      .map(([where, d]) => ({ where, kind: d.kind, url: d.spec.url }));
  }

  const scheme = (kind: string) => (kind === 'OCIRepository' ? 'oci://' : 'https://');

  it.each([...EXAMPLES, 'solo with verified commits and a verified OCI chart'])('%s', (name) => {
    const s =
      name === 'solo with verified commits and a verified OCI chart'
        ? synth(
            exampleWith('solo', (spec) => {
              verifyBoth(spec);
              spec.spec.blueprints = { install: ['oci-demo'], verify: { 'oci-demo': { publicKeySecret: 'oci-demo-cosign' } } };
            }),
            { catalog: builtinCatalog().with(OciDemo) },
          )
        : synthExample(name);
    const found = sources(s);
    expect(new Set(found.map((f) => f.kind))).toEqual(new Set(name.startsWith('solo with') ? ['GitRepository', 'HelmRepository', 'OCIRepository'] : ['GitRepository', 'HelmRepository']));
    for (const f of found) expect({ ...f, ok: f.url.startsWith(scheme(f.kind)) }).toEqual({ ...f, ok: true });
  });
});
