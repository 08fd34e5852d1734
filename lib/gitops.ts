/**
 * The GitOps writer: turns Kubernetes manifests into a deterministic repository tree (one file per
 * object, stable file names, sorted keys, a `kustomization.yaml` per folder) and writes whole output
 * trees atomically (all of them or none).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';

/** A Kubernetes manifest as plain JSON. */
export interface Manifest {
  /** API group and version, e.g. `helm.toolkit.fluxcd.io/v2`. */
  readonly apiVersion: string;
  /** Object kind, e.g. `HelmRelease`. */
  readonly kind: string;
  /** Name, namespace (absent for cluster-scoped objects) and any further metadata such as labels. */
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Relative file path → file content. Paths use `/`. */
export type FileTree = Map<string, string>;

/** Serializes a value as YAML with map keys sorted, no line folding, and a trailing newline. */
export function toYaml(value: unknown): string {
  return stringify(value, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * File names of the objects of one folder: `<kind>.yaml` when the kind is unique in the folder (except
 * Flux Kustomizations, so they never take kustomize's own `kustomization.yaml`),
 * `<kind>-<name>.yaml` when the name tells them apart, `<kind>-<namespace>-<name>.yaml` otherwise.
 * All lowercase.
 *
 * @throws Error when two objects have the same kind, namespace and name.
 */
export function fileNames(objects: readonly Manifest[]): string[] {
  const kind = (o: Manifest) => o.kind.toLowerCase();
  const count = (key: (o: Manifest) => string) => {
    const m = new Map<string, number>();
    for (const o of objects) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
    return m;
  };
  const byKind = count(kind);
  const byKindName = count((o) => `${kind(o)}-${o.metadata.name}`);
  const names = objects.map((o) => {
    if (byKind.get(kind(o)) === 1 && kind(o) !== 'kustomization') return `${kind(o)}.yaml`;
    if (byKindName.get(`${kind(o)}-${o.metadata.name}`) === 1) return `${kind(o)}-${o.metadata.name}.yaml`;
    return `${kind(o)}-${o.metadata.namespace ?? 'cluster'}-${o.metadata.name}.yaml`;
  });
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`two objects would both be written to ${n}: same kind, namespace and name`);
    seen.add(n);
  }
  return names;
}

/**
 * Adds one folder to a tree: each object in its own file plus a `kustomization.yaml` that lists
 * them (sorted), so the folder builds with `kubectl kustomize` and Flux applies exactly these files.
 *
 * @param tree the tree to add to
 * @param folder folder path inside the tree, e.g. `clusters/hz-fsn-rtz-prod/bp-cilium`
 * @param objects the folder's manifests
 * @param extraResources further kustomize resources (sub-folders or files) to list. @default none
 * @throws Error when two objects would get the same file name (see `fileNames`)
 */
export function addFolder(tree: FileTree, folder: string, objects: readonly Manifest[], extraResources: readonly string[] = []): void {
  const names = fileNames(objects);
  objects.forEach((o, i) => tree.set(`${folder}/${names[i]}`, toYaml(o)));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...names, ...extraResources].sort(),
  };
  tree.set(`${folder}/kustomization.yaml`, toYaml(kustomization));
}

/** A tree written to a staging folder, waiting to replace its target. */
export interface StagedTree {
  /** Where the tree will live. */
  readonly target: string;
  /** The staging folder holding the new tree (a sibling of the target). */
  readonly staging: string;
}

/**
 * Creates an empty staging folder next to `target` (same file system, so the final move is a rename).
 * @throws the file system error when the parent folder cannot be created or written
 */
export function stageFolder(target: string): StagedTree {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  return { target, staging: mkdtempSync(join(parent, `.${basename(target)}.staging-`)) };
}

/** Writes a file tree into a staged folder. @throws the file system error of a failed write */
export function writeTree(stage: StagedTree, tree: FileTree): void {
  for (const [path, content] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(stage.staging, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * Moves every staged folder into place. Each previous target is first renamed aside and deleted
 * only after all new trees are in place; if a move fails, the targets already moved are put back.
 * @throws the file system error of the failed move, after restoring the targets and deleting the staging folders
 */
export function commitStaged(stages: readonly StagedTree[]): void {
  const moved: Array<{ stage: StagedTree; backup?: string }> = [];
  try {
    for (const stage of stages) {
      let backup: string | undefined;
      if (existsSync(stage.target)) {
        backup = `${stage.staging}.previous`;
        renameSync(stage.target, backup);
      }
      moved.push({ stage, backup });
      renameSync(stage.staging, stage.target);
    }
  } catch (err) {
    for (const { stage, backup } of moved.reverse()) {
      if (existsSync(stage.target) && !existsSync(stage.staging)) renameSync(stage.target, stage.staging);
      if (backup) renameSync(backup, stage.target);
    }
    discardStaged(stages);
    throw err;
  }
  for (const { backup } of moved) if (backup) rmSync(backup, { recursive: true, force: true });
}

/** Deletes staging folders (after a failed synth); targets are untouched. */
export function discardStaged(stages: readonly StagedTree[]): void {
  for (const stage of stages) rmSync(stage.staging, { recursive: true, force: true });
}

/**
 * Reads every file under `dir` back into a tree (path relative to `dir`, with `/` → content), in
 * sorted order: the inverse of `writeTree`, e.g. for checking a tree written by an earlier synth.
 */
export function readTree(dir: string): FileTree {
  const out: FileTree = new Map();
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}
