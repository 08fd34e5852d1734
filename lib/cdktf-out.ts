/**
 * What a previous synth left in a cdktf output folder (`cdktf.out`), read from cdktf's own
 * `manifest.json`: its stacks and the files it wrote, so the next synth replaces and prunes only those.
 */
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
