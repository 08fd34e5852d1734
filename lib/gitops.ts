/**
 * The GitOps writer: turns Kubernetes manifests into a deterministic repository tree (one file per
 * object, stable file names, sorted keys, a `kustomization.yaml` per folder, comments saying why on
 * non-obvious values) and the ownership record of a cluster folder. `lib/output.ts` writes the trees.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Document, isMap, isScalar, stringify, type YAMLMap } from 'yaml';
import { OutputError } from './errors';
import { isSafeRelativePath, readJsonFile } from './output';

/** A Kubernetes manifest as plain JSON. */
export interface Manifest {
  /** API group and version, e.g. `helm.toolkit.fluxcd.io/v2`. */
  readonly apiVersion: string;
  /** Object kind, e.g. `HelmRelease`. */
  readonly kind: string;
  /** Name, namespace (absent for cluster-scoped objects) and any further metadata such as labels. */
  readonly metadata: {
    /** Object name (`metadata.name`). */
    readonly name: string;
    /** Object namespace (`metadata.namespace`); absent for cluster-scoped objects. */
    readonly namespace?: string;
    /** Any further metadata field: `labels`, `annotations`, ... */
    readonly [key: string]: unknown;
  };
  /** The kind's own fields: `spec`, `data`, `rules`, ... */
  readonly [key: string]: unknown;
}

/** Relative file path → file content. Paths use `/`. */
export type FileTree = Map<string, string>;

/**
 * Why one value of an object is what it is, for a reviewer of the GitOps tree: written as a comment
 * line above the value's key. Attach one to values a reader would otherwise question (an image from
 * a legacy registry, a chart feature turned off because we do it another way).
 */
export interface ValueNote {
  /** Kind of the object holding the value, e.g. `HelmRelease`. */
  readonly kind: string;
  /** Name of that object, e.g. `bp-keycloak`. */
  readonly name: string;
  /** Keys from the object's root to the value, e.g. `['spec', 'values', 'image', 'repository']`. */
  readonly path: readonly string[];
  /** The reason, one line, e.g. `Bitnami publishes these versions only under docker.io/bitnamilegacy`. */
  readonly reason: string;
}

const YAML_OPTIONS = { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false } as const;

/**
 * Serializes a value as YAML with map keys sorted, no line folding, and a trailing newline; each
 * note's reason becomes a `# ...` line above the key it names.
 *
 * @param notes reasons to write, by path from the value's root. @default none
 * @throws Error when a note names a path that is not a key of a map in `value`, or its reason spans several lines
 */
export function toYaml(value: unknown, notes: ReadonlyArray<Pick<ValueNote, 'path' | 'reason'>> = []): string {
  if (notes.length === 0) return stringify(value, YAML_OPTIONS);
  const doc = new Document(value, YAML_OPTIONS);
  for (const { path, reason } of notes) {
    if (/[\r\n]/.test(reason)) throw new Error(`the note on ${path.join('.')} must be one line`);
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? (parent as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined;
    if (!pair || !isScalar(pair.key)) throw new Error(`a note names ${path.join('.')}, which is not a key of the object; fix the note's path`);
    pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n ${reason}` : ` ${reason}`;
  }
  return doc.toString({ lineWidth: 0 });
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
 * @param notes reasons to write as comments in the objects' files (see `ValueNote`). @default none
 * @throws Error when two objects would get the same file name (see `fileNames`), or a note names
 *   no object of the folder or a path the object does not have
 */
export function addFolder(tree: FileTree, folder: string, objects: readonly Manifest[], extraResources: readonly string[] = [], notes: readonly ValueNote[] = []): void {
  const names = fileNames(objects);
  for (const n of notes) {
    if (!objects.some((o) => o.kind === n.kind && o.metadata.name === n.name)) throw new Error(`a note names ${n.kind} ${n.name}, which ${folder} does not hold`);
  }
  objects.forEach((o, i) => tree.set(`${folder}/${names[i]}`, toYaml(o, notes.filter((n) => n.kind === o.kind && n.name === o.metadata.name))));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...names, ...extraResources].sort(),
  };
  tree.set(`${folder}/kustomization.yaml`, toYaml(kustomization));
}

/** File name of a cluster folder's ownership record: the files catalyst-cdk wrote there. */
export const OWNERSHIP_RECORD = 'catalyst-cdk.json';

/** What a cluster folder's ownership record says. */
export interface OwnershipRecord {
  /** Always `catalyst-cdk`. */
  readonly generator: 'catalyst-cdk';
  /** catalyst-cdk version that wrote the folder. */
  readonly version: string;
  /** Sovereign (its spec's `metadata.name`) the folder belongs to. */
  readonly sovereign: string;
  /** Cluster (folder name, e.g. `hz-fsn-mgt-prod`) the folder belongs to. */
  readonly cluster: string;
  /** Every file catalyst-cdk wrote in the folder except the record itself, relative, sorted. */
  readonly files: readonly string[];
}

/** The ownership record as JSON text (2-space indent, trailing newline; `files` sorted). */
export function renderOwnershipRecord(record: OwnershipRecord): string {
  const { generator, version, sovereign, cluster } = record;
  return `${JSON.stringify({ generator, version, sovereign, cluster, files: [...record.files].sort() }, null, 2)}\n`;
}

/**
 * Reads the ownership record of a folder.
 *
 * @returns the files catalyst-cdk wrote there (the record itself included), or `undefined` when the
 *   folder or its record does not exist
 * @throws OutputError when the record exists but is not one catalyst-cdk writes (bad JSON, a path
 *   outside the folder), naming the file; nothing is written then
 */
export function readOwnershipRecord(folder: string): string[] | undefined {
  const file = join(folder, OWNERSHIP_RECORD);
  const read = readJsonFile(file);
  if (!read) return undefined;
  const record = read.value as Partial<OwnershipRecord> | undefined;
  const files = record?.generator === 'catalyst-cdk' && Array.isArray(record.files) ? record.files : undefined;
  if (!files || !files.every((f) => typeof f === 'string' && isSafeRelativePath(f))) {
    throw new OutputError([`${file} is not an ownership record written by catalyst-cdk (it must list the files catalyst-cdk wrote, as paths inside the folder); restore it from Git, or remove it and adopt the folder (--adopt)`]);
  }
  return [...files, OWNERSHIP_RECORD];
}

/**
 * Reads every file under `dir` back into a tree (path relative to `dir`, with `/` → content), in
 * sorted order, e.g. for checking a tree written by an earlier synth.
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
