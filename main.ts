#!/usr/bin/env node
/**
 * catalyst-cdk command line: synthesizes a Sovereign spec into Terraform JSON (cdktf) and a Flux
 * GitOps tree (cdk8s).
 *
 *   npm run synth [-- <spec.yaml>] [--terraform-out DIR] [--gitops-out DIR] [--allow-destructive]
 *
 * With no spec, the embedded default `examples/solo.yaml` is used (or `SOVEREIGN_SPEC`). When run
 * by `cdktf synth` (which sets CDKTF_OUTDIR) only Terraform is written there; when run by
 * `cdk8s synth` (CDK8S_OUTDIR) only the GitOps tree.
 *
 * Exit codes: 0 success, 1 invalid spec (every problem on stderr), a spec whose output would break a
 * hard limit such as Hetzner's 32 KiB user_data, or a destructive change against the previous synth
 * without `--allow-destructive` (`SynthError`), 2 internal error or bad arguments.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Sovereign } from './app/sovereign';
import { formatProblem, SpecError, SynthError } from './lib/errors';

/** The spec used when none is given. */
export const DEFAULT_SPEC = join(__dirname, 'examples', 'solo.yaml');

const USAGE = `usage: npm run synth -- [spec.yaml] [--terraform-out DIR] [--gitops-out DIR] [--allow-destructive]
  spec.yaml            Sovereign spec (default: $SOVEREIGN_SPEC or examples/solo.yaml)
  --terraform-out      cdktf output folder (default: cdktf.out)
  --gitops-out         GitOps repository root to write clusters into (default: gitops)
  --allow-destructive  write the Terraform output even when, compared with the previous synth in
                       --terraform-out, it removes a control plane server or changes a server type`;

/** Runs the command line; returns the exit code. */
export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'terraform-out': { type: 'string' }, 'gitops-out': { type: 'string' }, 'allow-destructive': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length > 1) {
    process.stderr.write(`expected at most one spec file, got ${args.positionals.length}\n${USAGE}\n`);
    return 2;
  }
  const specFile = args.positionals[0] ?? env.SOVEREIGN_SPEC ?? DEFAULT_SPEC;
  const byCli = env.CDKTF_OUTDIR || env.CDK8S_OUTDIR;
  const terraformOut = args.values['terraform-out'] ?? env.CDKTF_OUTDIR ?? (byCli ? undefined : 'cdktf.out');
  const gitopsOut = args.values['gitops-out'] ?? env.CDK8S_OUTDIR ?? (byCli ? undefined : 'gitops');
  try {
    const started = process.hrtime.bigint();
    const sovereign = Sovereign.fromFile(specFile);
    const report = sovereign.synthesize({ terraformOut, gitopsOut, allowDestructive: args.values['allow-destructive'] ?? false });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    for (const w of report.warnings) process.stderr.write(`warning: ${formatProblem(w, specFile)}\n`);
    for (const d of report.destructive) process.stderr.write(`warning: allowed destructive change: ${d.stack}: ${d.address}: ${d.message}\n`);
    for (const a of report.added) process.stderr.write(`note: added Blueprint ${a.name} (required by ${a.requiredBy.join(', ')})\n`);
    for (const s of report.stacks) process.stdout.write(`terraform  ${terraformOut}/stacks/${s.name}: ${s.resources} resources, largest user_data ${s.largestUserDataBytes} bytes\n`);
    for (const c of report.clusters) process.stdout.write(`gitops     ${gitopsOut}/${c.path}: ${c.objects} objects in ${c.files} files\n`);
    process.stdout.write(`synthesized ${specFile} in ${ms.toFixed(0)} ms\n`);
    return 0;
  } catch (err) {
    if (err instanceof SpecError) {
      process.stderr.write(`${err.message}\nnothing was written.\n`);
      return 1;
    }
    if (err instanceof SynthError) {
      process.stderr.write(`cannot synthesize ${specFile}: ${err.message}\nnothing was written.\n`);
      return 1;
    }
    process.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\nnothing was written.\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}
