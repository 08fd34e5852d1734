/**
 * Output folders that own only what they wrote. A synth puts its files into folders that may hold
 * other things too — a Git checkout (`.git`, a README, other clusters), or a cdktf output folder
 * where Terraform keeps `.terraform/` and lock files — so the writer replaces and removes only the
 * files the previous synth wrote (its ownership record) and never touches anything else.
 *
 * All-or-nothing: every check runs before the first write, the new files are staged inside each
 * root, then swapped in file by file with the replaced ones kept aside; if any step fails,
 * everything already swapped is put back and the staging folders are deleted.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { OutputError } from './errors';
import type { FileTree } from './gitops';

/** Prefix of the staging folder created inside each output root while a synth writes. */
export const STAGING_PREFIX = '.catalyst-cdk.staging-';

/** One output folder and what to put into it. */
export interface OutputPlan {
  /** The folder the paths are relative to, e.g. `gitops/clusters/hz-fsn-mgt-prod`; created when missing. */
  readonly root: string;
  /** The new files: path relative to `root` (with `/`) → content. */
  readonly files: FileTree;
  /**
   * Files the previous synth wrote here, from its ownership record; `undefined` when the folder has
   * no record (first synth, or a folder we never wrote). Files in it are replaced or, when no longer
   * produced, removed; no other file is ever changed.
   */
  readonly previous: readonly string[] | undefined;
  /**
   * Take over a folder without an ownership record, or files we did not write: existing files at
   * the paths we write are replaced; other files are still left alone.
   * @default false: writing into a non-empty folder without a record, or over a file that is not
   *   in the record, is refused with an `OutputError`
   */
  readonly adopt?: boolean;
  /**
   * Folders (relative to `root`) never removed even when pruning leaves them empty: under the
   * cdktf CLI, the stack folders it removes itself after the app exits.
   * @default none: every folder that pruning empties is removed (never `root` itself)
   */
  readonly keepFolders?: readonly string[];
}

/**
 * Reads a JSON file an earlier synth wrote (an ownership record, cdktf's manifest).
 * @returns `undefined` when the file or its folder does not exist; `{ value: undefined }` when it is not JSON
 * @throws the file system error of a file that exists but cannot be read
 */
export function readJsonFile(
  file: string,
): {
  /** The parsed JSON; `undefined` when the file is not valid JSON. */
  readonly value: unknown;
} | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { value: undefined };
  }
}

/** A path inside an output root: relative, `/`-separated, without `.`/`..` segments or a leading `/`. */
export function isSafeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && !path.includes('\\') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** The kind of what exists at a path (not following a final symlink), or undefined when nothing does. */
function kindAt(path: string): 'file' | 'dir' | undefined {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** Whether `dir` exists and holds nothing but staging folders of an earlier interrupted run. */
function isEmptyFolder(dir: string): boolean {
  return readdirSync(dir).every((e) => e.startsWith(STAGING_PREFIX));
}

/**
 * Every reason a plan cannot be written, before anything is written: a folder that is not ours,
 * files of others where ours would go, a file where a folder must be, unsafe paths.
 */
export function planProblems(plan: OutputPlan): string[] {
  const problems: string[] = [];
  const root = plan.root;
  const rootKind = kindAt(root);
  if (rootKind === 'file') return [`${root} is a file, not a folder; choose another output path`];
  for (const path of [...plan.files.keys(), ...(plan.previous ?? [])]) {
    if (!isSafeRelativePath(path)) problems.push(`${root}: ${JSON.stringify(path)} is not a path inside the folder`);
  }
  if (problems.length > 0 || rootKind === undefined) return problems;
  if (plan.previous === undefined && !plan.adopt && !isEmptyFolder(root)) {
    problems.push(`${root} is not empty and has no record of files catalyst-cdk wrote there; point the output at an empty or new folder, or adopt this one (--adopt): catalyst-cdk then replaces the files it writes and leaves the others alone`);
    return problems;
  }
  const owned = new Set(plan.previous ?? []);
  for (const path of [...plan.files.keys()].sort()) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (kindAt(join(root, folder)) === 'file') problems.push(`${join(root, folder)} is a file where catalyst-cdk writes the folder ${folder}/; move it away`);
    }
    const kind = kindAt(join(root, path));
    if (kind === 'dir') problems.push(`${join(root, path)} is a folder where catalyst-cdk writes a file; move it away`);
    else if (kind === 'file' && !owned.has(path) && !plan.adopt) {
      problems.push(`${join(root, path)} exists and was not written by catalyst-cdk; move it away, or adopt it (--adopt) to let catalyst-cdk replace it`);
    }
  }
  return [...new Set(problems)];
}

/** A plan being written: its staging folder and what was swapped so far. */
interface Swap {
  readonly plan: OutputPlan;
  /** Outermost folder this run created for the root (removed on rollback), if any. */
  readonly createdRoot?: string;
  readonly staging: string;
  /** Relative paths whose previous file was moved into `staging/.previous/`. */
  readonly backedUp: string[];
  /** Relative paths whose new file is in place. */
  readonly placed: string[];
  /** Folders (absolute) this run created inside the root, outermost first. */
  readonly createdFolders: string[];
}

/** Creates the parent folders of `file`, recording the ones that did not exist. */
function ensureParent(file: string, created: string[]): void {
  const first = mkdirSync(dirname(file), { recursive: true });
  if (first) created.push(first);
}

/** Stages a plan's files inside its root. */
function stage(plan: OutputPlan): Swap {
  const createdRoot = mkdirSync(plan.root, { recursive: true });
  const staging = mkdtempSync(join(plan.root, STAGING_PREFIX));
  const swap: Swap = { plan, createdRoot, staging, backedUp: [], placed: [], createdFolders: [] };
  try {
    for (const [path, content] of [...plan.files].sort(([a], [b]) => a.localeCompare(b))) {
      const file = join(staging, 'new', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  } catch (err) {
    discard(swap);
    throw err;
  }
  return swap;
}

/** Moves the previous files aside and the new ones into place. */
function swapIn(swap: Swap): void {
  const { plan, staging } = swap;
  const replaced = new Set([...(plan.previous ?? []), ...plan.files.keys()]);
  for (const path of [...replaced].sort()) {
    if (kindAt(join(plan.root, path)) !== 'file') continue;
    const backup = join(staging, 'previous', path);
    mkdirSync(dirname(backup), { recursive: true });
    renameSync(join(plan.root, path), backup);
    swap.backedUp.push(path);
  }
  for (const path of [...plan.files.keys()].sort()) {
    const target = join(plan.root, path);
    ensureParent(target, swap.createdFolders);
    renameSync(join(staging, 'new', path), target);
    swap.placed.push(path);
  }
}

/** Undoes `swapIn` as far as it got, then deletes the staging folder (and a root this run created). */
function rollback(swap: Swap): void {
  const { plan, staging } = swap;
  for (const path of swap.placed.reverse()) rmSync(join(plan.root, path), { force: true });
  for (const folder of swap.createdFolders.reverse()) rmSync(folder, { recursive: true, force: true });
  for (const path of swap.backedUp) {
    const target = join(plan.root, path);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(staging, 'previous', path), target);
  }
  discard(swap);
}

/** Deletes a staging folder, and the root when this run created it. */
function discard(swap: Swap): void {
  rmSync(swap.staging, { recursive: true, force: true });
  if (swap.createdRoot) rmSync(swap.createdRoot, { recursive: true, force: true });
}

/** Removes folders of the root that pruning left empty, deepest first; never the root or a kept folder. */
function pruneEmptyFolders(plan: OutputPlan, removed: readonly string[]): void {
  const keep = new Set(plan.keepFolders ?? []);
  const folders = new Set<string>();
  for (const path of removed) {
    for (let d = posix.dirname(path); d !== '.'; d = posix.dirname(d)) folders.add(d);
  }
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b))) {
    const abs = join(plan.root, folder);
    if (keep.has(folder) || kindAt(abs) !== 'dir' || readdirSync(abs).length > 0) continue;
    rmdirSync(abs);
  }
}

/**
 * Writes every plan, all or nothing: checks them all (`planProblems`), stages the new files inside
 * each root, swaps them in, then deletes the replaced files, the previous files no longer produced,
 * the staging folders, and folders left empty.
 *
 * @throws OutputError listing every problem of every plan, before anything is written
 * @throws the file system error of a failed write, after restoring every root as it was
 */
export function writeOutputs(plans: readonly OutputPlan[]): void {
  const problems = plans.flatMap(planProblems);
  if (problems.length > 0) throw new OutputError(problems);
  const swaps: Swap[] = [];
  try {
    for (const plan of plans) swaps.push(stage(plan));
    for (const swap of swaps) swapIn(swap);
  } catch (err) {
    for (const swap of swaps.reverse()) rollback(swap);
    throw err;
  }
  for (const swap of swaps) {
    rmSync(swap.staging, { recursive: true, force: true });
    const removed = (swap.plan.previous ?? []).filter((p) => !swap.plan.files.has(p));
    pruneEmptyFolders(swap.plan, removed);
  }
}
