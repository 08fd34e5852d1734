/**
 * Validating custom resources against the CustomResourceDefinitions upstream ships, for kinds that
 * no published model covers. CRDs are read as plain YAML from a chart cache (a chart's `crds/`, a
 * CRD subchart, or `source-crds/` copied from the operator's repository); templated CRDs cannot be
 * read and are not.
 *
 * A CRD's `openAPIV3Schema` is structural: the API server prunes unknown fields silently, which
 * would hide a misspelt key just as an unread Helm value does. Here an object schema that lists
 * `properties` therefore accepts no other key, unless it sets `additionalProperties` or
 * `x-kubernetes-preserve-unknown-fields` (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { isMap, type ValuesMap } from './chart';
import { compileSchema, type SchemaViolation } from './schema';

/** One served version of a CRD. */
export interface CrdVersion {
  /** `group/version`, e.g. `upgrade.cattle.io/v1`. */
  readonly apiVersion: string;
  /** The kind, e.g. `Plan`. */
  readonly kind: string;
  /** Whether objects of it live in a namespace. */
  readonly namespaced: boolean;
  /** The CRD file, relative to the cache root. */
  readonly file: string;
  /** Validates an object (the whole manifest) against the version's schema. */
  readonly validate: (obj: unknown) => SchemaViolation[];
}

/** CRD versions found in a chart cache, by `apiVersion` and kind. */
export interface CrdIndex {
  /** Every CRD version for `apiVersion` + `kind` (several when charts of two versions ship it). */
  find(apiVersion: string, kind: string): readonly CrdVersion[];
  /** Number of CRD kinds (`group` + kind) indexed. */
  readonly kinds: number;
}

/** Marks object schemas that list `properties` as closed, except where Kubernetes keeps unknown fields. */
function closeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeSchema);
  if (!isMap(node)) return node;
  const out: ValuesMap = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'default' || k === 'example' ? v : closeSchema(v);
  const hasProps = isMap(out.properties) && Object.keys(out.properties).length > 0;
  if (hasProps && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/**
 * The schema an object of a CRD version must satisfy: the version's `openAPIV3Schema` (closed, see
 * the module), with `apiVersion`, `kind` and `metadata` allowed as every object has them.
 */
function objectSchema(openApi: ValuesMap): ValuesMap {
  const closed = closeSchema(openApi) as ValuesMap;
  const props = isMap(closed.properties) ? closed.properties : {};
  return {
    ...closed,
    type: 'object',
    properties: { ...props, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } },
    required: [...new Set([...(Array.isArray(closed.required) ? (closed.required as string[]) : []), 'apiVersion', 'kind', 'metadata'])],
  };
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** The CRD versions of one parsed CRD document. */
function crdVersions(crd: unknown, file: string): CrdVersion[] {
  if (!isMap(crd) || crd.kind !== 'CustomResourceDefinition' || !isMap(crd.spec)) return [];
  const spec = crd.spec as { group?: string; names?: { kind?: string }; scope?: string; versions?: unknown[] };
  const out: CrdVersion[] = [];
  for (const v of spec.versions ?? []) {
    if (!isMap(v) || !isMap(v.schema) || !isMap(v.schema.openAPIV3Schema)) continue;
    const openApi = v.schema.openAPIV3Schema;
    let validate: ((obj: unknown) => SchemaViolation[]) | undefined;
    out.push({
      apiVersion: `${spec.group}/${String(v.name)}`,
      kind: String(spec.names?.kind),
      namespaced: spec.scope === 'Namespaced',
      file,
      validate: (obj) => (validate ??= compileSchema(objectSchema(openApi)))(obj),
    });
  }
  return out;
}

/** `group|kind` of a CRD document read from its text (`spec.group`, `spec.names.kind`), without parsing it. */
function crdKey(doc: string): string | undefined {
  const group = /^\s+group:\s*["']?([\w.-]+)/m.exec(doc)?.[1];
  const names = doc.indexOf('names:');
  const kind = names < 0 ? undefined : /^\s+kind:\s*["']?(\w+)/m.exec(doc.slice(names))?.[1];
  return group && kind ? `${group}|${kind}` : undefined;
}

/**
 * Indexes every plain `CustomResourceDefinition` (apiextensions.k8s.io/v1) in the YAML files below
 * `root`. Files that do not declare the kind, and Helm templates, are skipped; a CRD is parsed only
 * when an object of its kind is looked up, so indexing a large cache stays cheap.
 *
 * @param root a chart cache such as `../shared/charts`
 */
export function loadCrds(root: string): CrdIndex {
  const docs = new Map<string, Array<{ file: string; text: string }>>();
  for (const file of yamlFiles(root)) {
    const text = readFileSync(file, 'utf8');
    if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text) || text.includes('{{')) continue;
    for (const doc of text.split(/^---\s*$/m)) {
      if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(doc)) continue;
      const key = crdKey(doc);
      if (key) docs.set(key, [...(docs.get(key) ?? []), { file: relative(root, file), text: doc }]);
    }
  }
  const parsed = new Map<string, CrdVersion[]>();
  const find = (apiVersion: string, kind: string): CrdVersion[] => {
    const key = `${apiVersion.slice(0, Math.max(0, apiVersion.lastIndexOf('/')))}|${kind}`;
    let versions = parsed.get(key);
    if (!versions) parsed.set(key, (versions = (docs.get(key) ?? []).flatMap((d) => crdVersions(parseDocument(d.text).toJS(), d.file))));
    return versions.filter((v) => v.apiVersion === apiVersion);
  };
  return { find, kinds: docs.size };
}

/** The verdict on one custom resource. */
export interface CustomResourceReport {
  /** The CRD files the object was validated against; empty when the cache has no CRD for its kind. */
  readonly crdFiles: readonly string[];
  /** Problems, each prefixed with the CRD file when several CRDs were tried. */
  readonly problems: readonly SchemaViolation[];
}

/**
 * Validates a custom resource against every CRD of its `apiVersion` and kind in the index (charts
 * of two versions may both ship it; an object must satisfy each one it is checked against), and
 * checks that a namespaced kind has a namespace and a cluster-scoped one has none.
 *
 * @param obj the manifest
 * @param crds the index from `loadCrds`
 * @returns the CRD files used and the problems; `crdFiles` is empty when no CRD matches
 */
export function validateCustomResource(obj: ValuesMap, crds: CrdIndex): CustomResourceReport {
  const matches = crds.find(String(obj.apiVersion), String(obj.kind));
  const problems: SchemaViolation[] = [];
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  for (const crd of matches) {
    const prefix = matches.length > 1 ? `${crd.file}: ` : '';
    for (const v of crd.validate(obj)) problems.push({ path: v.path, message: `${prefix}${v.message}` });
    if (crd.namespaced !== (typeof meta.namespace === 'string')) {
      problems.push({ path: 'metadata.namespace', message: `${prefix}${crd.kind} is ${crd.namespaced ? 'namespaced: set a namespace' : 'cluster-scoped: remove the namespace'}` });
    }
  }
  return { crdFiles: matches.map((m) => m.file), problems };
}
