/**
 * The destructive-change guard: a synth is compared with the stacks the previous synth left in the
 * Terraform output folder, and refused (nothing written) when it removes a control plane server or
 * changes the control plane's or a pool's server type, unless `allowDestructive` / `--allow-destructive`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DestructiveChangeError, destructiveChanges } from '../../app/destructive-changes';
import { Sovereign } from '../../app/sovereign';
import { SynthError } from '../../lib/errors';
import { runCli } from '../support/cli';
import { readTree, ROOT } from '../support/synth';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FSN = 'bank-hz-fsn-rtz-prod';

/** examples/bank-dr.yaml changed by `edit`, as YAML text. */
function bank(edit: (spec: Doc) => void = () => undefined): string {
  const spec = parse(readFileSync(join(ROOT, 'examples/bank-dr.yaml'), 'utf8'));
  edit(spec);
  return stringify(spec);
}

/** A Terraform output folder holding the synth of the unchanged bank-dr example. */
function previousSynth(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'catalyst-guard-')), 'cdktf.out');
  Sovereign.fromYaml(bank()).synthesize({ terraformOut: out });
  return out;
}

/** The DestructiveChangeError a synth of `yaml` into `out` must throw. */
function refused(yaml: string, out: string): DestructiveChangeError {
  try {
    Sovereign.fromYaml(yaml).synthesize({ terraformOut: out });
  } catch (err) {
    if (err instanceof DestructiveChangeError) return err;
    throw err;
  }
  throw new Error('the synth was not refused');
}

describe('destructive changes against the previous synth', () => {
  it('control plane 3 → 1: refused, naming both etcd members Terraform would destroy, and nothing is written', () => {
    const out = previousSynth();
    const before = readTree(out);
    const err = refused(bank((s) => (s.spec.regions[0].controlPlane.count = 1)), out);
    expect(err).toBeInstanceOf(SynthError);
    expect(err.changes.map((c) => [c.stack, c.address])).toEqual([
      [FSN, 'hcloud_server.control_plane_2'],
      [FSN, 'hcloud_server.control_plane_3'],
    ]);
    expect(err.changes[0]!.message).toBe(
      'the control plane goes from 3 to 1 servers: Terraform would destroy bank-hz-fsn-rtz-prod-cp-2, an etcd member, with its data. Shrink one server at a time: kubectl drain it, kubectl delete node it (k3s removes its etcd member), then synthesize with --allow-destructive',
    );
    expect(err.message).toMatch(new RegExp(`^compared with the previous synth in ${out}, these 2 changes destroy what the running cluster needs:\\n  - ${FSN}: hcloud_server\\.control_plane_2: `));
    expect(err.message).toMatch(/\nto go ahead anyway, synthesize with --allow-destructive \(library: synthesize\(\{ \.\.\., allowDestructive: true \}\)\)$/);
    expect(readTree(out)).toEqual(before);
  });

  it('control plane server type change: refused as one change over all three servers, with the one-at-a-time way', () => {
    const err = refused(bank((s) => (s.spec.regions[1].controlPlane.serverType = 'ccx33')), previousSynth());
    expect(err.changes).toEqual([
      {
        stack: 'bank-hz-hel-rtz-prod',
        address: 'hcloud_server.control_plane_1, hcloud_server.control_plane_2, hcloud_server.control_plane_3',
        message:
          'the control plane server type changes from ccx23 to ccx33: Terraform would resize all 3 control plane servers at once, powering each off, so the Kubernetes API and etcd go down. Resize one server at a time yourself (kubectl drain, hcloud server change-type <server> ccx33, wait until the node is Ready, then the next), then synthesize with --allow-destructive: Terraform finds nothing left to change',
      },
    ]);
  });

  it('pool server type change: refused with how to roll it through a new pool', () => {
    const err = refused(bank((s) => (s.spec.regions[0].workerPools[0].serverType = 'ccx43')), previousSynth());
    expect(err.changes).toEqual([
      {
        stack: FSN,
        address: 'pool general',
        message:
          'the server type of pool general changes from ccx33 to ccx43: Terraform would resize its 3 servers at once, powering each off without draining it. Roll it instead: keep pool general on ccx33, add a new pool with serverType ccx43 and the same count, labels and taints, apply, kubectl drain the nodes of general, then remove general from the spec and apply; or synthesize with --allow-destructive',
      },
    ]);
  });

  it('the rolling way passes the guard: add a pool with the new type, then remove the old pool', () => {
    const out = previousSynth();
    const next = { name: 'general-b', serverType: 'ccx43', count: 3 };
    const added = Sovereign.fromYaml(bank((s) => s.spec.regions[0].workerPools.push(next))).synthesize({ terraformOut: out });
    expect(added.destructive).toEqual([]);
    const removed = Sovereign.fromYaml(bank((s) => (s.spec.regions[0].workerPools = [next, s.spec.regions[0].workerPools[1]]))).synthesize({ terraformOut: out });
    expect(removed.destructive).toEqual([]);
    const tf = JSON.parse(readFileSync(join(out, 'stacks', FSN, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.hcloud_server).filter((n) => n.startsWith('pool_general'))).toEqual(['pool_general-b_1', 'pool_general-b_2', 'pool_general-b_3']);
  });

  it('growing, adding pools and the first synth into an empty folder are not destructive', () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'catalyst-guard-')), 'cdktf.out');
    expect(Sovereign.fromYaml(bank()).synthesize({ terraformOut: empty }).destructive).toEqual([]);
    const grown = Sovereign.fromYaml(bank((s) => (s.spec.regions[0].workerPools[0].count = 5))).synthesize({ terraformOut: empty });
    expect(grown.destructive).toEqual([]);
  });

  it('allowDestructive writes the output and reports what it let through', () => {
    const out = previousSynth();
    const report = Sovereign.fromYaml(bank((s) => (s.spec.regions[0].controlPlane.count = 1))).synthesize({ terraformOut: out, allowDestructive: true });
    expect(report.destructive.map((c) => c.address)).toEqual(['hcloud_server.control_plane_2', 'hcloud_server.control_plane_3']);
    const tf = JSON.parse(readFileSync(join(out, 'stacks', FSN, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.hcloud_server).filter((n) => n.startsWith('control_plane'))).toEqual(['control_plane_1']);
  });

  it('a previous stack file that is not JSON is refused with the fix, and skipped with allowDestructive', () => {
    const out = previousSynth();
    writeFileSync(join(out, 'stacks', FSN, 'cdk.tf.json'), '{ truncated');
    let err: unknown;
    try {
      Sovereign.fromYaml(bank()).synthesize({ terraformOut: out });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SynthError);
    // The parser's own words in the parentheses differ between Node versions.
    const file = join(out, 'stacks', FSN, 'cdk.tf.json');
    expect((err as Error).message.startsWith(`cannot compare with the previous synth: ${file} is not readable JSON (`)).toBe(true);
    expect((err as Error).message).toMatch(/\); restore it from version control, or synthesize with --allow-destructive to skip the comparison$/);
    expect(readFileSync(join(out, 'stacks', FSN, 'cdk.tf.json'), 'utf8')).toBe('{ truncated');
    expect(Sovereign.fromYaml(bank()).synthesize({ terraformOut: out, allowDestructive: true }).destructive).toEqual([]);
  });
});

describe('destructiveChanges', () => {
  const server = (type: string, pool?: string) => ({ name: 'x', server_type: type, labels: pool ? { 'catalyst.openova.io/pool': pool } : {} });

  it('finds nothing between identical stacks and ignores non-server resources', () => {
    const tf = { resource: { hcloud_server: { control_plane_1: server('cx43'), pool_a_1: server('cx33', 'a') }, hcloud_network: { network: { ip_range: '10.0.0.0/16' } } } };
    expect(destructiveChanges('s', tf, tf)).toEqual([]);
  });

  it('one control plane server resized is named singly', () => {
    const changes = destructiveChanges('s', { resource: { hcloud_server: { control_plane_1: server('cx43') } } }, { resource: { hcloud_server: { control_plane_1: server('cx53') } } });
    expect(changes.map((c) => c.message)).toEqual([expect.stringMatching(/^the control plane server type changes from cx43 to cx53: Terraform would resize the control plane server, powering it off, /)]);
  });

  it('a pool removed entirely, or a server moved to another pool, is not a type change', () => {
    const before = { resource: { hcloud_server: { control_plane_1: server('cx43'), pool_a_1: server('cx33', 'a') } } };
    expect(destructiveChanges('s', before, { resource: { hcloud_server: { control_plane_1: server('cx43') } } })).toEqual([]);
    expect(destructiveChanges('s', before, { resource: { hcloud_server: { control_plane_1: server('cx43'), pool_a_1: server('cx53', 'b') } } })).toEqual([]);
  });
});

describe('--allow-destructive on the command line', () => {
  it('without it: exit 1, the change on stderr, nothing written; with it: exit 0 and a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-guard-cli-'));
    const out = join(dir, 'cdktf.out');
    const spec = join(dir, 'bank.yaml');
    writeFileSync(spec, bank());
    expect(runCli([spec, '--terraform-out', out, '--gitops-out', join(dir, 'gitops')]).code).toBe(0);
    const before = readTree(out);
    writeFileSync(spec, bank((s) => (s.spec.regions[0].controlPlane.count = 1)));
    const refusedRun = runCli([spec, '--terraform-out', out, '--gitops-out', join(dir, 'gitops')]);
    expect(refusedRun.code).toBe(1);
    expect(refusedRun.err).toContain(`cannot synthesize ${spec}: compared with the previous synth in ${out}, these 2 changes destroy`);
    expect(refusedRun.err).toMatch(/--allow-destructive[^\n]*\nnothing was written\.\n$/);
    expect(readTree(out)).toEqual(before);
    const allowed = runCli([spec, '--terraform-out', out, '--gitops-out', join(dir, 'gitops'), '--allow-destructive']);
    expect(allowed.code).toBe(0);
    expect(allowed.err).toContain(`warning: allowed destructive change: ${FSN}: hcloud_server.control_plane_2: the control plane goes from 3 to 1 servers`);
    expect(readTree(out)).not.toEqual(before);
  });

  it('is listed in the usage of synth', () => {
    expect(runCli(['synth', '--help']).out).toMatch(/--allow-destructive +write the Terraform output even when/);
  });
});
