/**
 * `synth`: synthesizes a spec into Terraform JSON (cdktf) and a Flux GitOps tree, atomically: on any
 * failure nothing is written and the previous outputs stay as they were.
 */
import { Sovereign } from '../sovereign';
import { type CommandResult, specNotes } from './output';

/** Flags of `synth`. */
export interface SynthFlags {
  /** cdktf output folder. @default `$CDKTF_OUTDIR`, else `cdktf.out` (none under `cdk8s synth`) */
  readonly terraformOut?: string;
  /** GitOps repository root the clusters are written into. @default `$CDK8S_OUTDIR`, else `gitops` (none under `cdktf synth`) */
  readonly gitopsOut?: string;
  /**
   * Write even when, compared with the previous synth in the Terraform output, a change would destroy
   * what a running cluster needs (see `DestructiveChangeError`).
   * @default false
   */
  readonly allowDestructive?: boolean;
  /**
   * Take over output folders catalyst-cdk has no record of writing; the files it writes replace
   * those at the same paths, others stay (see `SynthTargets.adopt`).
   * @default false
   */
  readonly adopt?: boolean;
}

/**
 * Where `synth` writes. Run by `cdktf synth` (which sets `CDKTF_OUTDIR`) only Terraform is written,
 * run by `cdk8s synth` (`CDK8S_OUTDIR`) only the GitOps tree; run directly, both.
 */
export function synthTargets(
  flags: SynthFlags,
  env: NodeJS.ProcessEnv,
): {
  /** Folder of the Terraform output (`cdktf.out` layout); absent when this run writes no Terraform. */
  terraformOut?: string;
  /** Folder of the GitOps tree; absent when this run writes no GitOps tree. */
  gitopsOut?: string;
} {
  const byCli = env.CDKTF_OUTDIR || env.CDK8S_OUTDIR;
  return {
    terraformOut: flags.terraformOut ?? (env.CDKTF_OUTDIR || (byCli ? undefined : 'cdktf.out')),
    gitopsOut: flags.gitopsOut ?? (env.CDK8S_OUTDIR || (byCli ? undefined : 'gitops')),
  };
}

/**
 * Runs `synth`.
 *
 * Text: one line per stack and per cluster on stdout, then `synthesized <spec> in <n> ms`; warnings
 * and added Blueprints on stderr. `--json`: `{ spec, terraformOut, gitopsOut, stacks: [{ name, path,
 * resources, largestUserDataBytes }], clusters: [{ name, path, objects, files }], added: [{ name,
 * requiredBy }], warnings: [problem], destructive: [{ stack, address, message }] }` (an output not
 * written is `null`; `destructive` lists the changes `--allow-destructive` let through).
 *
 * @throws SpecError, SpecFileError, SynthError (`DestructiveChangeError` among them), or a file system error, as `Sovereign` does
 */
export function synthCommand(spec: string, flags: SynthFlags, env: NodeJS.ProcessEnv): CommandResult {
  const { terraformOut, gitopsOut } = synthTargets(flags, env);
  const started = process.hrtime.bigint();
  const report = Sovereign.fromFile(spec).synthesize({
    terraformOut,
    gitopsOut,
    allowDestructive: flags.allowDestructive ?? false,
    adopt: flags.adopt ?? false,
    underCdktfCli: Boolean(env.CDKTF_OUTDIR),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const stacks = report.stacks.map((s) => ({ ...s, path: `${terraformOut}/stacks/${s.name}` }));
  const clusters = report.clusters.map((c) => ({ ...c, path: `${gitopsOut}/${c.path}` }));
  return {
    json: { spec, terraformOut: terraformOut ?? null, gitopsOut: gitopsOut ?? null, stacks, clusters, added: report.added, warnings: report.warnings, notices: report.notices, destructive: report.destructive },
    stdout: [
      ...stacks.map((s) => `terraform  ${s.path}: ${s.resources} resources, largest user_data ${s.largestUserDataBytes} bytes`),
      ...clusters.map((c) => `gitops     ${c.path}: ${c.objects} objects in ${c.files} files`),
      `synthesized ${spec} in ${ms.toFixed(0)} ms`,
    ],
    stderr: [...specNotes(report, spec), ...report.destructive.map((d) => `warning: allowed destructive change: ${d.stack}: ${d.address}: ${d.message}`), ...report.notices.map((n) => `note: ${n}`)],
  };
}
