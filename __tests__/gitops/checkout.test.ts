/**
 * The GitOps writer in a real Git checkout: it writes only `<gitops.path>/<cluster>/`, records
 * what it wrote, prunes only that on the next synth, and leaves everything else — `.git`, the
 * README, other folders, another cluster, a user's file inside our folder — byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { OWNERSHIP_RECORD } from '../../lib/gitops';
import { runCli } from '../support/cli';
import { ROOT } from '../support/synth';

const CLUSTER = 'clusters/hz-fsn-mgt-prod';

/** sha256 of every file under `dir` (raw bytes), by relative path; folders whose path starts with `skip` are left out. */
function hashes(dir: string, skip?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      const rel = relative(dir, full);
      if (skip && (rel === skip || rel.startsWith(`${skip}/`))) continue;
      if (statSync(full).isDirectory()) walk(full);
      else out.set(rel, createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A Git checkout with a README, an infrastructure folder and another cluster's tree, all committed. */
function checkout(): string {
  const repo = mkdtempSync(join(tmpdir(), 'catalyst-checkout-'));
  git(repo, 'init', '-q');
  const files: Record<string, string> = {
    'README.md': '# Platform GitOps\n\nHand-written.\n',
    'infrastructure/main.tf': 'terraform {}\n',
    'clusters/other-cluster/kustomization.yaml': 'resources: [apps.yaml]\n',
    'clusters/other-cluster/apps.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  return repo;
}

/** The solo example with an edit, written outside the checkout. */
function soloSpec(edit: (spec: any) => void = () => undefined): string {
  const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  edit(spec);
  const file = join(mkdtempSync(join(tmpdir(), 'catalyst-spec-')), 'solo.yaml');
  writeFileSync(file, stringify(spec));
  return file;
}

function synth(spec: string, repo: string, ...flags: string[]) {
  return runCli([spec, '--gitops-out', repo, '--terraform-out', join(mkdtempSync(join(tmpdir(), 'catalyst-tf-')), 'cdktf.out'), ...flags]);
}

describe('synthesizing into a Git checkout', () => {
  it('writes only its cluster folder; .git, README, infrastructure/ and the other cluster stay byte for byte', () => {
    const repo = checkout();
    const before = hashes(repo);
    const r = synth(soloSpec(), repo);
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(hashes(repo, CLUSTER)).toEqual(before);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=normal')).toBe(`?? ${CLUSTER}/\n`);
    const record = JSON.parse(readFileSync(join(repo, CLUSTER, OWNERSHIP_RECORD), 'utf8'));
    expect(record).toMatchObject({ generator: 'catalyst-cdk', sovereign: 'solo', cluster: 'hz-fsn-mgt-prod' });
    expect([...record.files, OWNERSHIP_RECORD].sort()).toEqual([...hashes(join(repo, CLUSTER)).keys()].sort());
  });

  it('on the next synth replaces and prunes only its own files: removed Blueprints go, a user file in their folder stays', () => {
    const repo = checkout();
    expect(synth(soloSpec(), repo).code).toBe(0);
    expect(existsSync(join(repo, CLUSTER, 'bp-external-dns', 'helmrelease.yaml'))).toBe(true);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'cluster');
    writeFileSync(join(repo, CLUSTER, 'bp-external-dns', 'NOTES.md'), 'my notes\n');
    writeFileSync(join(repo, CLUSTER, 'OWNERS'), 'platform-team\n');
    const foreign = hashes(repo, CLUSTER);

    // Only cert-manager (and what is always installed): external-dns, gitea, keycloak ... are removed.
    expect(synth(soloSpec((s) => (s.spec.blueprints = { install: ['cert-manager'] })), repo).code).toBe(0);
    expect(hashes(repo, CLUSTER)).toEqual(foreign);
    expect(readdirSync(join(repo, CLUSTER, 'bp-external-dns'))).toEqual(['NOTES.md']);
    expect(readFileSync(join(repo, CLUSTER, 'OWNERS'), 'utf8')).toBe('platform-team\n');
    expect(existsSync(join(repo, CLUSTER, 'bp-gitea'))).toBe(false);
    const status = git(repo, 'status', '--porcelain').split('\n').filter(Boolean);
    expect(status.filter((l) => !l.startsWith(' D '))).toEqual([` M ${CLUSTER}/README.md`, ` M ${CLUSTER}/${OWNERSHIP_RECORD}`, ` M ${CLUSTER}/flux-system/kustomization.yaml`, `?? ${CLUSTER}/OWNERS`, `?? ${CLUSTER}/bp-external-dns/NOTES.md`]);
    const deleted = status.filter((l) => l.startsWith(' D ')).map((l) => l.slice(3));
    expect(deleted).toContain(`${CLUSTER}/bp-external-dns/helmrelease.yaml`);
    expect(deleted).toContain(`${CLUSTER}/flux-system/kustomization-bp-gitea.yaml`);
    const record: string[] = JSON.parse(readFileSync(join(repo, CLUSTER, OWNERSHIP_RECORD), 'utf8')).files;
    expect(deleted.every((p) => !record.includes(p.slice(CLUSTER.length + 1)) && !existsSync(join(repo, p)))).toBe(true);
  });

  it('refuses a cluster folder it has no record of, exits 2 naming the folder and --adopt, and changes nothing', () => {
    const repo = checkout();
    mkdirSync(join(repo, CLUSTER));
    writeFileSync(join(repo, CLUSTER, 'kustomization.yaml'), 'resources: []\n');
    const before = hashes(repo);
    const r = synth(soloSpec(), repo);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(repo, CLUSTER)} is not empty and has no record of files catalyst-cdk wrote there; point the output at an empty or new folder, or adopt this one (--adopt)`);
    expect(r.err).toContain('nothing was written');
    expect(r.err).not.toContain('internal error');
    expect(r.out).toBe('');
    expect(hashes(repo)).toEqual(before);
  });

  it('with --adopt takes the folder over: its files replace ours at the same paths, the others stay', () => {
    const repo = checkout();
    mkdirSync(join(repo, CLUSTER));
    writeFileSync(join(repo, CLUSTER, 'kustomization.yaml'), 'resources: []\n');
    writeFileSync(join(repo, CLUSTER, 'legacy.yaml'), 'kept\n');
    expect(synth(soloSpec(), repo, '--adopt').code).toBe(0);
    expect(readFileSync(join(repo, CLUSTER, 'kustomization.yaml'), 'utf8')).toMatch(/resources:\n {2}- flux-system\n$/);
    expect(readFileSync(join(repo, CLUSTER, 'legacy.yaml'), 'utf8')).toBe('kept\n');
    expect(JSON.parse(readFileSync(join(repo, CLUSTER, OWNERSHIP_RECORD), 'utf8')).files).not.toContain('legacy.yaml');
    // From now on the folder is ours: a plain synth works.
    expect(synth(soloSpec(), repo).code).toBe(0);
  });
});
