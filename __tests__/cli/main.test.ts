import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { run } from '../../main';
import { readTree, ROOT } from '../support/synth';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'catalyst-cli-'));
}

/** Runs the CLI with stdout/stderr captured. */
function runCli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: run(args, {}), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function synthTo(spec: string, dir: string): ReturnType<typeof runCli> {
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
    spec.spec.blueprints = { install: ['gitea', 'cilium', 'external-dns', 'flux', 'cert-manager', 'crossplane', 'sealed-secrets', 'spire', 'nats-jetstream', 'openbao', 'keycloak', 'powerdns'] };
    const dir = tmp();
    const file = join(dir, 'reordered.yaml');
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

  it('exits 1 for a missing spec file', () => {
    const r = runCli([join(tmp(), 'missing.yaml'), '--terraform-out', join(tmp(), 'o')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot be read/);
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
