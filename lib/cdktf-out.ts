/**
 * What a previous synth left in a cdktf output folder (`cdktf.out`), read from cdktf's own
 * `manifest.json`: the files it wrote (so the next synth replaces and prunes only those) and each
 * stack's Terraform JSON (so a caller can compare it with the next one before it is replaced).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputError } from './errors';
import { isSafeRelativePath, readJsonFile } from './output';

/** cdktf's manifest file name in the output folder. */
export const CDKTF_MANIFEST = 'manifest.json';

/** One stack entry of cdktf's `manifest.json` (the fields read here). */
export interface ManifestStack {
  /** Stack name, e.g. `solo-hz-fsn-mgt-prod`. */
  readonly name: string;
  /** Its Terraform JSON, relative to the output folder: `stacks/<name>/cdk.tf.json`. */
  readonly synthesizedStackPath: string;
  /** Where Terraform runs for it, relative to the output folder: `stacks/<name>`. */
  readonly workingDirectory: string;
}

/**
 * The stacks of the previous synth, by name, from `<outdir>/manifest.json`.
 * @returns `undefined` when there is no manifest (nothing synthesized there yet)
 * @throws OutputError when the manifest is not cdktf's (bad JSON, stack paths outside the folder)
 */
export function previousCdktfStacks(outdir: string): ManifestStack[] | undefined {
  const file = join(outdir, CDKTF_MANIFEST);
  const read = readJsonFile(file);
  if (!read) return undefined;
  const parsed = read.value as { stacks?: Record<string, ManifestStack> } | undefined;
  const stacks = parsed?.stacks && typeof parsed.stacks === 'object' ? Object.values(parsed.stacks) : undefined;
  const valid = (s: ManifestStack) =>
    typeof s?.name === 'string' && [s.synthesizedStackPath, s.workingDirectory].every((p) => typeof p === 'string' && isSafeRelativePath(p));
  if (!stacks || !stacks.every(valid)) {
    throw new OutputError([`${file} is not a cdktf manifest (it must list stacks with paths inside ${outdir}); remove it, or point --terraform-out at another folder`]);
  }
  return stacks.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The Terraform JSON of every stack the previous synth wrote into `outdir`, by stack name, read
 * before a new synth replaces it (e.g. to refuse a change that would destroy servers).
 * @returns an empty object when nothing was synthesized there yet
 * @throws OutputError as `previousCdktfStacks`; the file system or JSON error of a stack file that
 *   the manifest lists but that cannot be read
 */
export function readTerraformStacks(outdir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of previousCdktfStacks(outdir) ?? []) out[s.name] = JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8'));
  return out;
}
