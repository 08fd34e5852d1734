/**
 * The cdktf output folder is ours only where we wrote: switching specs under the real cdktf CLI
 * works on the first try, Terraform's files in stack folders survive a synth, state the CLI would
 * delete stops the synth, and a folder we never wrote (or a manifest that is not cdktf's) is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sovereign } from '../../app/sovereign';
import { OutputError } from '../../lib/errors';
import { ROOT, readTree } from '../support/synth';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'catalyst-cdktf-out-'));
}

/** `npx cdktf synth --output <out>` in the repository with SOVEREIGN_SPEC set, offline. */
function cdktfSynth(spec: string, out: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SOVEREIGN_SPEC: spec, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };
  delete env.CDKTF_OUTDIR;
  const r = spawnSync('npx', ['cdktf', 'synth', '--output', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('spec switching under the cdktf CLI', () => {
  // Two runs of the real cdktf CLI: slow on a busy machine.
  it('npx cdktf synth with another spec works on the first try; the CLI drops the old stacks, state beside the output stays', () => {
    const dir = tmp();
    const out = join(dir, 'cdktf.out');
    const first = cdktfSynth('examples/bank-dr.yaml', out);
    expect(first.err).not.toMatch(/ENOENT|ERROR/);
    expect(first.code).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod']);
    mkdirSync(join(dir, 'terraform-state'));
    writeFileSync(join(dir, 'terraform-state', 'solo-hz-fsn-mgt-prod.tfstate'), '{"version": 4}\n');

    const second = cdktfSynth('examples/solo.yaml', out);
    expect(second.err).not.toMatch(/ENOENT|ERROR/);
    expect(`${second.out}${second.err}`).toContain('Generated Terraform code for the stacks: solo-hz-fsn-mgt-prod');
    expect(second.code).toBe(0);
    expect(readdirSync(join(out, 'stacks'))).toEqual(['solo-hz-fsn-mgt-prod']);
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).stacks)).toEqual(['solo-hz-fsn-mgt-prod']);
    expect(readFileSync(join(dir, 'terraform-state', 'solo-hz-fsn-mgt-prod.tfstate'), 'utf8')).toBe('{"version": 4}\n');
  }, 480_000);
});

describe('the cdktf output folder', () => {
  const solo = () => Sovereign.fromFile(join(ROOT, 'examples/solo.yaml'));
  const bank = () => Sovereign.fromFile(join(ROOT, 'examples/bank-dr.yaml'));

  it("keeps Terraform's and the user's files in stack folders, and empties a dropped stack's folder of ours only", () => {
    const out = join(tmp(), 'cdktf.out');
    bank().synthesize({ terraformOut: out });
    const hel = join(out, 'stacks', 'bank-hz-hel-rtz-prod');
    mkdirSync(join(hel, '.terraform'));
    writeFileSync(join(hel, '.terraform.lock.hcl'), 'lock\n');
    writeFileSync(join(out, 'stacks', 'bank-hz-fsn-rtz-prod', 'prod.auto.tfvars'), 'x = 1\n');
    bank().synthesize({ terraformOut: out });
    expect(readFileSync(join(hel, '.terraform.lock.hcl'), 'utf8')).toBe('lock\n');
    expect(readFileSync(join(out, 'stacks', 'bank-hz-fsn-rtz-prod', 'prod.auto.tfvars'), 'utf8')).toBe('x = 1\n');

    solo().synthesize({ terraformOut: out });
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod', 'solo-hz-fsn-mgt-prod']);
    expect(readdirSync(hel).sort()).toEqual(['.terraform', '.terraform.lock.hcl']);
    expect(readdirSync(join(out, 'stacks', 'bank-hz-fsn-rtz-prod'))).toEqual(['prod.auto.tfvars']);
  });

  it('under the cdktf CLI, refuses a synth that would let the CLI delete a dropped stack folder holding state', () => {
    const out = join(tmp(), 'cdktf.out');
    bank().synthesize({ terraformOut: out });
    const state = join(out, 'stacks', 'bank-hz-hel-rtz-prod', 'terraform.tfstate');
    writeFileSync(state, '{"version": 4}\n');
    const before = readTree(out);
    expect(() => solo().synthesize({ terraformOut: out, underCdktfCli: true })).toThrow(
      new OutputError([`${state} is Terraform state of a stack this spec no longer has, and the cdktf CLI deletes that stack's folder after a synth; move the file to terraform-state/ beside ${out} (or destroy the stack with its own spec first), then synthesize again`]),
    );
    expect(readTree(out)).toEqual(before);
    // Without state in them, dropped stack folders are left (empty) for the CLI to delete.
    rmSync(state);
    solo().synthesize({ terraformOut: out, underCdktfCli: true });
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod', 'solo-hz-fsn-mgt-prod']);
    expect(readdirSync(join(out, 'stacks', 'bank-hz-hel-rtz-prod'))).toEqual([]);
  });

  it('refuses a non-empty folder without a cdktf manifest unless adopted', () => {
    const out = tmp();
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    expect(() => solo().synthesize({ terraformOut: out })).toThrow(`${out} is not empty and has no record of files catalyst-cdk wrote there`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    solo().synthesize({ terraformOut: out, adopt: true });
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'notes.txt', 'stacks']);
  });

  it('refuses a manifest.json that is not cdktf\'s, or lists stack files outside the folder, and writes nothing', () => {
    const out = tmp();
    for (const text of ['{not json', JSON.stringify({ stacks: { x: { name: 'x', synthesizedStackPath: '../../etc/x.json', workingDirectory: 'stacks/x' } } })]) {
      writeFileSync(join(out, 'manifest.json'), text);
      expect(() => solo().synthesize({ terraformOut: out })).toThrow(`${join(out, 'manifest.json')} is not a cdktf manifest (it must list stacks with paths inside ${out}); remove it, or point --terraform-out at another folder`);
      expect(readdirSync(out)).toEqual(['manifest.json']);
    }
  });
});
