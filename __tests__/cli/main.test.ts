import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { BlueprintMetadata, BOOTSTRAP_KIT, builtinCatalog, CertManager, HelmBlueprint, Sovereign } from '../../index';
import { CliResult, OVERSIZED_CILIUM_VALUES, runCli, soloSpecIn } from '../support/cli';
import { readTree, ROOT } from '../support/synth';
import { podinfoMetadata } from '../support/blueprints';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'catalyst-cli-'));
}

function synthTo(spec: string, dir: string): CliResult {
  return runCli([spec, '--terraform-out', join(dir, 'cdktf.out'), '--gitops-out', join(dir, 'gitops')]);
}

describe('npm run synth', () => {
  it('writes both outputs for a valid spec and exits 0', () => {
    const dir = tmp();
    const r = synthTo(join(ROOT, 'examples/solo.yaml'), dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stacks\/solo-hz-fsn-mgt-prod: \d+ resources/);
    expect(r.out).toMatch(/clusters\/hz-fsn-mgt-prod: \d+ objects/);
    expect(existsSync(join(dir, 'cdktf.out/stacks/solo-hz-fsn-mgt-prod/cdk.tf.json'))).toBe(true);
    expect(existsSync(join(dir, 'gitops/clusters/hz-fsn-mgt-prod/flux-system/gitrepository.yaml'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'gitops']);
  });

  it('gives byte-identical files on a second run of the same spec', () => {
    const a = tmp();
    const b = tmp();
    expect(synthTo(join(ROOT, 'examples/bank-dr.yaml'), a).code).toBe(0);
    expect(synthTo(join(ROOT, 'examples/bank-dr.yaml'), b).code).toBe(0);
    const ta = readTree(a);
    const tb = readTree(b);
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [path, content] of ta) expect({ path, same: tb.get(path) === content }).toEqual({ path, same: true });
  });

  it('gives the same output when meaningless list orders change', () => {
    const spec = parse(readFileSync(join(ROOT, 'examples/bank-dr.yaml'), 'utf8'));
    spec.spec.regions[0].workerPools.reverse();
    spec.spec.ssh.allowedCidrs.reverse();
    expect(spec.spec.ssh.allowedCidrs.length).toBeGreaterThan(1);
    spec.spec.blueprints = { install: [...BOOTSTRAP_KIT].reverse() };
    const dir = tmp();
    // Same base name in another folder: the GitOps README and headers name the spec by its base name.
    const file = join(dir, 'bank-dr.yaml');
    writeFileSync(file, stringify(spec));
    const a = tmp();
    const b = tmp();
    expect(synthTo(join(ROOT, 'examples/bank-dr.yaml'), a).code).toBe(0);
    expect(synthTo(file, b).code).toBe(0);
    const ta = readTree(a);
    const tb = readTree(b);
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [path, content] of ta) expect({ path, same: tb.get(path) === content }).toEqual({ path, same: true });
  });

  it('exits 1 on an invalid spec, names every problem on stderr, and leaves previous output untouched', () => {
    const dir = tmp();
    expect(synthTo(join(ROOT, 'examples/solo.yaml'), dir).code).toBe(0);
    const before = readTree(dir);
    const bad = join(dir, 'bad.yaml');
    const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
    spec.spec.regions[0].location = 'fsn2';
    spec.spec.regions[0].controlPlane.count = 2;
    writeFileSync(bad, stringify(spec));
    const r = synthTo(bad, dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('spec.regions[0].location: "fsn2": must be a Hetzner location: one of ash, fsn1, hel1, hil, nbg1, sin');
    expect(r.err).toContain('spec.regions[0].controlPlane.count: 2: must be 1 or 3');
    expect(r.err).toContain('nothing was written');
    const after = readTree(dir);
    after.delete('bad.yaml');
    expect(after).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'cdktf.out', 'gitops']);
  });

  it('exits 2 for a missing spec file, without a stack trace, and writes nothing', () => {
    const dir = tmp();
    const missing = join(dir, 'missing.yaml');
    const r = runCli([missing, '--terraform-out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`spec file ${missing} cannot be read: ENOENT: no such file or directory, open '${missing}'\nnothing was written.\n`);
    expect(r.out).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 2 on bad arguments', () => {
    expect(runCli(['--no-such-flag']).code).toBe(2);
    expect(runCli(['a.yaml', 'b.yaml']).code).toBe(2);
  });

  it('writes into a fresh folder tree without leaving staging folders behind', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'out'));
    expect(runCli([join(ROOT, 'examples/omantel.yaml'), '--terraform-out', join(dir, 'out', 'tf'), '--gitops-out', join(dir, 'out', 'repo')]).code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['repo', 'tf']);
  });
});

/** Entries of `dir` that are staging or backup folders of an output (`.<name>.staging-*`). */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((e) => e.includes('.staging-') || e.endsWith('.previous'));
}

/** Asserts that two trees are byte-identical, naming the first differing files. */
function expectSameTree(after: Map<string, string>, before: Map<string, string>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  const changed = [...before].filter(([path, content]) => after.get(path) !== content).map(([path]) => path);
  expect(changed).toEqual([]);
}

/** A Blueprint whose rendering fails: an internal error after validation and after the Terraform half. */
class BrokenBlueprint extends HelmBlueprint {
  static readonly metadata: BlueprintMetadata = podinfoMetadata('broken', 'Fails to render (test double).', { dependsOn: [CertManager] });

  protected curatedValues(): Record<string, unknown> {
    return {};
  }

  override render(): void {
    throw new Error('broken Blueprint cannot render');
  }
}

describe('a synthesis that fails after the spec was accepted', () => {
  it('user_data over 32 KiB: exits 1 (SynthError), says why on stderr, prints no summary, leaves both previous trees byte-identical', () => {
    const dir = tmp();
    expect(synthTo(join(ROOT, 'examples/solo.yaml'), dir).code).toBe(0);
    const before = readTree(dir);
    const big = soloSpecIn(dir, 'big.yaml', (s) => (s.spec.blueprints = { values: OVERSIZED_CILIUM_VALUES }));
    const r = synthTo(big, dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot synthesize .*big\.yaml: cloud-init of solo-hz-fsn-mgt-prod-cp-1 is \d+ bytes, over Hetzner's 32768-byte user_data limit/);
    expect(r.err).not.toMatch(/internal error|invalid Sovereign spec/);
    expect(r.err).toContain('nothing was written');
    expect(r.out).toBe('');
    const after = readTree(dir);
    after.delete('big.yaml');
    expectSameTree(after, before);
    expect(readdirSync(dir).sort()).toEqual(['big.yaml', 'cdktf.out', 'gitops']);
    expect(leftovers(dir)).toEqual([]);
  });

  it('an internal error after the Terraform output was rendered: exits 3, leaves both previous trees byte-identical and no staging folder', () => {
    const dir = tmp();
    expect(synthTo(join(ROOT, 'examples/bank-dr.yaml'), dir).code).toBe(0);
    const before = readTree(dir);
    let renderedAtFailure: string[] = [];
    let treeAtFailure = new Map<string, string>();
    const terraformFiles = jest.spyOn(Sovereign.prototype as any, 'terraformFiles');
    const spy = jest.spyOn(Sovereign.prototype, 'gitopsTree').mockImplementation(() => {
      // By now the new Terraform files are rendered (in memory); nothing has been written yet.
      renderedAtFailure = [...(terraformFiles.mock.results[0]!.value as { files: Map<string, string> }).files.keys()].filter((f) => f.endsWith('cdk.tf.json'));
      treeAtFailure = readTree(dir);
      throw new Error('simulated failure while rendering the GitOps tree');
    });
    let r: ReturnType<typeof runCli>;
    try {
      r = synthTo(join(ROOT, 'examples/bank-dr.yaml'), dir);
    } finally {
      spy.mockRestore();
      terraformFiles.mockRestore();
    }
    expect(renderedAtFailure).toEqual(['stacks/bank-hz-fsn-rtz-prod/cdk.tf.json', 'stacks/bank-hz-hel-rtz-prod/cdk.tf.json']);
    expectSameTree(treeAtFailure, before);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^internal error: Error: simulated failure while rendering the GitOps tree/);
    expect(r.err).toContain('nothing was written');
    expect(r.out).toBe('');
    expectSameTree(readTree(dir), before);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'gitops']);
  });

  it('library use: a Blueprint whose render throws leaves the previous outputs byte-identical and no staging folder', () => {
    const dir = tmp();
    const targets = { terraformOut: join(dir, 'cdktf.out'), gitopsOut: join(dir, 'gitops') };
    expect(synthTo(join(ROOT, 'examples/solo.yaml'), dir).code).toBe(0);
    const before = readTree(dir);
    const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
    spec.spec.blueprints = { install: ['broken'] };
    const sovereign = Sovereign.fromYaml(stringify(spec), { catalog: builtinCatalog().with(BrokenBlueprint), blueprints: [new BrokenBlueprint()] });
    // The Terraform half alone synthesizes: the failure really comes after it.
    const tfOnly = join(tmp(), 'tf');
    expect(sovereign.synthesize({ terraformOut: tfOnly }).stacks.map((s) => s.name)).toEqual(['solo-hz-fsn-mgt-prod']);
    expect(() => sovereign.synthesize(targets)).toThrow('broken Blueprint cannot render');
    expectSameTree(readTree(dir), before);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'gitops']);
  });

  it('a first synthesis that fails creates neither output folder', () => {
    const dir = tmp();
    const big = soloSpecIn(dir, 'big.yaml', (s) => (s.spec.blueprints = { values: OVERSIZED_CILIUM_VALUES }));
    expect(synthTo(big, dir).code).toBe(1);
    expect(readdirSync(dir)).toEqual(['big.yaml']);
  });
});

describe('output streams', () => {
  it('writes warnings and notes to stderr and only the summary to stdout', () => {
    const dir = tmp();
    const spec = soloSpecIn(dir, 'open.yaml', (s) => {
      s.spec.ssh.allowedCidrs = ['0.0.0.0/0'];
      s.spec.ssh.allowFromInternet = true;
      s.spec.blueprints = { install: ['external-dns'] };
    });
    const r = synthTo(spec, dir);
    expect(r.code).toBe(0);
    const err = r.err.split('\n').filter(Boolean);
    const out = r.out.split('\n').filter(Boolean);
    expect(err.filter((l) => l.startsWith('warning: '))).toEqual([expect.stringMatching(/open\.yaml: spec\.ssh\.allowedCidrs\[0\]: "0\.0\.0\.0\/0": opens SSH \(22\) to the whole internet$/)]);
    expect(err.filter((l) => l.startsWith('note: added Blueprint ')).length).toBeGreaterThan(0);
    expect(err.filter((l) => !/^(warning|note): /.test(l))).toEqual([]);
    expect(out).toEqual([
      expect.stringMatching(/^terraform  .*cdktf\.out\/stacks\/solo-hz-fsn-mgt-prod: \d+ resources, largest user_data \d+ bytes$/),
      expect.stringMatching(/^gitops     .*gitops\/clusters\/hz-fsn-mgt-prod: \d+ objects in \d+ files$/),
      expect.stringMatching(/^synthesized .*open\.yaml in \d+ ms$/),
    ]);
  });

  it('writes spec problems to stderr and nothing to stdout', () => {
    const dir = tmp();
    const bad = soloSpecIn(dir, 'bad.yaml', (s) => (s.spec.regions[0].location = 'fsn2'));
    const r = synthTo(bad, dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('spec.regions[0].location');
  });
});
