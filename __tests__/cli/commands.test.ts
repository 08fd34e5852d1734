/**
 * The command line as scripts use it: commands, `--help`, `--version`, exit codes, and the `--json`
 * documents of `synth` (success and every kind of failure). `validate`, `catalog` and `graph` have
 * their own files.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sovereign } from '../../index';
import { jsonOf, OVERSIZED_CILIUM_VALUES, runCli, soloSpecIn, tmpDir } from '../support/cli';
import { readTree, ROOT } from '../support/synth';

const SOLO = join(ROOT, 'examples/solo.yaml');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const tmp = () => tmpDir('catalyst-cmd-');

describe('--help and --version', () => {
  it('--version prints the package version and exits 0', () => {
    expect(runCli(['--version'])).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  it.each(['synth', 'validate', 'catalog', 'graph'])('%s --help prints its usage and the exit codes on stdout and exits 0', (command) => {
    const r = runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`Usage: catalyst-cdk ${command} [options]`);
    expect(r.out).toContain('--json');
    expect(r.out).toContain('2  bad arguments, or a file that cannot be read or written');
    expect(r.out).toContain('3  internal error');
  });

  it('--help lists every command', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['synth [options] [spec]', 'validate [options] [spec]', 'catalog [options]', 'graph [options] [spec]']) expect(r.out).toContain(command);
  });
});

describe('bad arguments exit 2 and name the problem', () => {
  it.each([
    [['--no-such-flag'], "unknown option '--no-such-flag' (see: catalyst-cdk synth --help)"],
    [['a.yaml', 'b.yaml'], "too many arguments for 'synth'. Expected 1 argument but got 2. (see: catalyst-cdk synth --help)"],
    [['validate', 'a.yaml', 'b.yaml'], "too many arguments for 'validate'. Expected 1 argument but got 2. (see: catalyst-cdk validate --help)"],
    [['catalog', 'extra'], "too many arguments for 'catalog'. Expected 0 arguments but got 1. (see: catalyst-cdk catalog --help)"],
    [['graph', '--format', 'png'], "option '--format <format>' argument 'png' is invalid. Allowed choices are mermaid, dot. (see: catalyst-cdk graph --help)"],
  ])('%j', (args, message) => {
    expect(runCli(args)).toEqual({ code: 2, out: '', err: `${message}\n` });
    const j = runCli([...args, '--json']);
    expect(j.code).toBe(2);
    expect(j.err).toBe('');
    expect(jsonOf(j)).toEqual({ ok: false, command: expect.any(String), exitCode: 2, error: { kind: 'bad-arguments', message: expect.stringContaining(message.split(' (see')[0]!) } });
  });
});

it('an option without its value exits 2', () => {
  expect(runCli(['synth', '--terraform-out'])).toEqual({ code: 2, out: '', err: "option '--terraform-out <dir>' argument missing (see: catalyst-cdk synth --help)\n" });
});

describe('synth', () => {
  it('is the default command: `synth SPEC` and `SPEC` write the same files', () => {
    const a = tmp();
    const b = tmp();
    expect(runCli(['synth', SOLO, '--terraform-out', join(a, 'tf'), '--gitops-out', join(a, 'g')]).code).toBe(0);
    expect(runCli([SOLO, '--terraform-out', join(b, 'tf'), '--gitops-out', join(b, 'g')]).code).toBe(0);
    expect(readTree(b)).toEqual(readTree(a));
  });

  it('--json: one document on stdout with every stack and cluster, nothing on stderr', () => {
    const dir = tmp();
    const spec = soloSpecIn(dir, 'open.yaml', (s) => {
      s.spec.ssh.allowedCidrs = ['0.0.0.0/0'];
      s.spec.ssh.allowFromInternet = true;
      s.spec.blueprints = { install: ['external-dns'] };
    });
    const tf = join(dir, 'tf');
    const gitops = join(dir, 'g');
    const r = runCli([spec, '--terraform-out', tf, '--gitops-out', gitops, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = jsonOf(r);
    expect(doc).toEqual({
      ok: true,
      command: 'synth',
      spec,
      terraformOut: tf,
      gitopsOut: gitops,
      stacks: [{ name: 'solo-hz-fsn-mgt-prod', path: `${tf}/stacks/solo-hz-fsn-mgt-prod`, resources: expect.any(Number), largestUserDataBytes: expect.any(Number) }],
      clusters: [{ name: 'hz-fsn-mgt-prod', path: `${gitops}/clusters/hz-fsn-mgt-prod`, objects: expect.any(Number), files: expect.any(Number) }],
      added: expect.arrayContaining([{ name: 'powerdns', requiredBy: ['external-dns'] }, { name: 'cert-manager', requiredBy: expect.arrayContaining(['external-dns', 'powerdns']) }]),
      warnings: [{ path: 'spec.ssh.allowedCidrs[0]', value: '0.0.0.0/0', message: 'opens SSH (22) to the whole internet' }],
      notices: [],
      destructive: [],
    });
    // The counts are those of the files written.
    const written = readTree(gitops);
    expect(doc.clusters[0].files).toBe([...written.keys()].filter((f) => f.startsWith('clusters/hz-fsn-mgt-prod/')).length);
    const stackJson = JSON.parse(readFileSync(join(tf, 'stacks/solo-hz-fsn-mgt-prod/cdk.tf.json'), 'utf8'));
    const count = (block: Record<string, object> = {}) => Object.values(block).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(doc.stacks[0].resources).toBe(count(stackJson.resource) + count(stackJson.data));
  });

  it('--json on an invalid spec: exit 1, every problem with path, value, line and column, written false', () => {
    const dir = tmp();
    const bad = soloSpecIn(dir, 'bad.yaml', (s) => {
      s.spec.regions[0].location = 'fsn2';
      s.spec.regions[0].controlPlane.count = 2;
    });
    const r = runCli([bad, '--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'g'), '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const doc = jsonOf(r);
    expect(doc).toEqual({
      ok: false,
      command: 'synth',
      exitCode: 1,
      written: false,
      error: {
        kind: 'invalid-spec',
        message: expect.stringMatching(/^invalid Sovereign spec .*bad\.yaml \(2 problems\):\n/),
        problems: [
          { path: 'spec.regions[0].location', value: 'fsn2', message: 'must be a Hetzner location: one of ash, fsn1, hel1, hil, nbg1, sin (did you mean "fsn1"?)', line: expect.any(Number), column: expect.any(Number) },
          { path: 'spec.regions[0].controlPlane.count', value: 2, message: expect.stringMatching(/^must be 1 or 3/), line: expect.any(Number), column: expect.any(Number) },
        ],
      },
    });
    expect(readdirSync(dir)).toEqual(['bad.yaml']);
  });

  it('--json on output over a hard limit: exit 1, kind cannot-synthesize', () => {
    const dir = tmp();
    const big = soloSpecIn(dir, 'big.yaml', (s) => (s.spec.blueprints = { values: OVERSIZED_CILIUM_VALUES }));
    const r = runCli([big, '--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'g'), '--json']);
    expect(r.code).toBe(1);
    expect(jsonOf(r)).toEqual({
      ok: false,
      command: 'synth',
      exitCode: 1,
      written: false,
      error: { kind: 'cannot-synthesize', message: expect.stringMatching(/^cannot synthesize .*big\.yaml: cloud-init of solo-hz-fsn-mgt-prod-cp-1 is \d+ bytes, over Hetzner's 32768-byte user_data limit/) },
    });
    expect(readdirSync(dir)).toEqual(['big.yaml']);
  });

  it('--json on a destructive change: exit 1, kind destructive-change with every change; with --allow-destructive they are listed in the report', () => {
    const dir = tmp();
    const targets = ['--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'g')];
    expect(runCli([SOLO, ...targets]).code).toBe(0);
    const resized = soloSpecIn(dir, 'resized.yaml', (s) => (s.spec.regions[0].workerPools[0].serverType = 'cx43'));
    const refused = runCli([resized, ...targets, '--json']);
    expect(refused.code).toBe(1);
    const change = { stack: 'solo-hz-fsn-mgt-prod', address: 'pool general', message: expect.stringMatching(/^the server type of pool general changes from cx33 to cx43/) };
    expect(jsonOf(refused)).toEqual({ ok: false, command: 'synth', exitCode: 1, written: false, error: { kind: 'destructive-change', message: expect.stringMatching(/^cannot synthesize .*resized\.yaml: compared with the previous synth/), changes: [change] } });
    const allowed = runCli([resized, ...targets, '--allow-destructive', '--json']);
    expect(allowed.code).toBe(0);
    expect(jsonOf(allowed).destructive).toEqual([change]);
  });

  it('--json on a missing spec file: exit 2, kind unreadable-file with the errno code', () => {
    const missing = join(tmp(), 'missing.yaml');
    const r = runCli([missing, '--json']);
    expect(r.code).toBe(2);
    expect(jsonOf(r)).toEqual({
      ok: false,
      command: 'synth',
      exitCode: 2,
      written: false,
      error: { kind: 'unreadable-file', code: 'ENOENT', message: `spec file ${missing} cannot be read: ENOENT: no such file or directory, open '${missing}'` },
    });
  });

  it('a folder given as the spec: exit 2 (EISDIR), no stack trace', () => {
    const dir = tmp();
    const r = runCli([dir, '--terraform-out', join(dir, 'tf')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^spec file .* cannot be read: EISDIR: illegal operation on a directory, read\nnothing was written\.\n$/);
  });

  it('an output folder that cannot be created: exit 2 (file system error), no stack trace, nothing written', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    const r = runCli([SOLO, '--terraform-out', join(dir, 'a-file', 'tf'), '--gitops-out', join(dir, 'g')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^cannot write the output: (EEXIST|ENOTDIR): .*a-file.*; check the output folders and their permissions\nnothing was written\.\n$/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(['a-file']);
    const j = runCli([SOLO, '--terraform-out', join(dir, 'a-file', 'tf'), '--gitops-out', join(dir, 'g'), '--json']);
    expect(jsonOf(j)).toEqual({ ok: false, command: 'synth', exitCode: 2, written: false, error: { kind: 'file-system', code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/), message: expect.stringMatching(/^cannot write the output: (EEXIST|ENOTDIR)/) } });
  });

  if (process.getuid?.() !== 0) {
    it('a read-only output parent: exit 2 (EACCES), no stack trace', () => {
      const dir = tmp();
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      try {
        const r = runCli([SOLO, '--terraform-out', join(locked, 'tf'), '--gitops-out', join(locked, 'g')]);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/^cannot write the output: EACCES: permission denied/);
        expect(readdirSync(locked)).toEqual([]);
      } finally {
        chmodSync(locked, 0o700);
      }
    });
  }

  it('--json on an internal error: exit 3, kind internal, the stack trace in the message', () => {
    const spy = jest.spyOn(Sovereign.prototype, 'gitopsTree').mockImplementation(() => {
      throw new Error('simulated bug');
    });
    const dir = tmp();
    let r: ReturnType<typeof runCli>;
    try {
      r = runCli([SOLO, '--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'g'), '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(r.code).toBe(3);
    const doc = jsonOf(r);
    expect(doc).toEqual({ ok: false, command: 'synth', exitCode: 3, written: false, error: { kind: 'internal', message: expect.stringMatching(/^internal error: Error: simulated bug\n\s+at /) } });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('under `cdktf synth` (CDKTF_OUTDIR) writes only Terraform, there; under `cdk8s synth` (CDK8S_OUTDIR) only the GitOps tree', () => {
    const dir = tmp();
    const tf = join(dir, 'cdktf-out');
    const k8s = join(dir, 'cdk8s-out');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(runCli([], { CDKTF_OUTDIR: tf, SOVEREIGN_SPEC: SOLO }).code).toBe(0);
      expect(readdirSync(dir)).toEqual(['cdktf-out']);
      expect(existsSync(join(tf, 'stacks/solo-hz-fsn-mgt-prod/cdk.tf.json'))).toBe(true);
      expect(runCli([], { CDK8S_OUTDIR: k8s, SOVEREIGN_SPEC: SOLO }).code).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['cdk8s-out', 'cdktf-out']);
      expect(existsSync(join(k8s, 'clusters/hz-fsn-mgt-prod/kustomization.yaml'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('SOVEREIGN_SPEC picks the spec when none is given', () => {
    const dir = tmp();
    const r = runCli(['--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'g'), '--json'], { SOVEREIGN_SPEC: join(ROOT, 'examples/bank-dr.yaml') });
    expect(r.code).toBe(0);
    expect(jsonOf(r).stacks.map((s: { name: string }) => s.name)).toEqual(['bank-hz-fsn-rtz-prod', 'bank-hz-hel-rtz-prod']);
  });
});
