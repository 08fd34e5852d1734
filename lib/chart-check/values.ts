/**
 * The values check: compares the Helm values a Blueprint writes with what its pinned chart declares.
 *
 * A value the chart does not read is a silent no-op, so every leaf path of the values must be
 * declared: present in the chart's default values (subcharts under their key, `global` merged from
 * every chart, see `loadChart`), described by a `values.schema.json`, a dependency `condition`, or
 * listed by the Blueprint as read by a template (`TemplateValue`, with the template as evidence).
 * Below a free-form default (an empty map `{}` or `null`, or a schema object without `properties`)
 * anything is accepted: the chart hands that map to Kubernetes as it is. Types must agree with the
 * default's (string, number, boolean, map, list) unless the schema allows the value's type; and the
 * coalesced values must satisfy every `values.schema.json`, as `helm install` requires. A `null`
 * is Helm's way to delete a default and fits any declared path.
 */
import { distance } from 'fastest-levenshtein';
import { coalesce, isMap, type ChartData, type ChartSchema, type ValuesMap } from './chart';
import { compileSchema, dotted, type SchemaViolation } from './schema';

/**
 * A values path that a chart's templates read although neither its `values.yaml` nor its schema
 * declares it (commented-out keys, sub-keys of a map the template passes through whole).
 */
export interface TemplateValue {
  /** Dotted values path, e.g. `kubeProxyReplacement`; it covers every path below it too. */
  readonly path: string;
  /** The template that reads it, relative to the chart directory, e.g. `templates/cilium-configmap.yaml`. */
  readonly template: string;
  /** How the template uses it (what the evidence shows). */
  readonly why: string;
}

/** What is wrong with one values path. */
export type ValuesProblemKind = 'undeclared' | 'type' | 'schema' | 'needless-evidence';

/** One problem the check found. */
export interface ValuesProblem {
  /** `undeclared`: the chart reads no such path; `type`: the value's type contradicts the default's; `schema`: a `values.schema.json` rejects the values; `needless-evidence`: a listed template value that the chart declares after all. */
  readonly kind: ValuesProblemKind;
  /** Dotted values path, e.g. `valkey.enabled`. */
  readonly path: string;
  /** What is wrong and, where it helps, what the chart declares. */
  readonly message: string;
}

/** The verdict on one set of values. */
export interface ValuesReport {
  /** Leaf paths checked (scalars, lists and empty maps the values set). */
  readonly checked: number;
  /** Of those, how many sit below a free-form default (any key accepted there). */
  readonly freeForm: number;
  /** Of those, how many a `TemplateValue` covers. */
  readonly templateConsumed: number;
  /** Every problem, empty when the values are clean. */
  readonly problems: readonly ValuesProblem[];
}

/** The type of a value as Helm values distinguish it. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'map' | 'list' | 'null';

/** The `ValueKind` of a JSON value. */
export function kindOf(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

/** One leaf of a values map: a scalar, a list or an empty map. */
export interface ValuesLeaf {
  /** Keys from the root of the values to the leaf, e.g. `['hubble', 'relay', 'enabled']`. */
  path: string[];
  /** The leaf's value. */
  value: unknown;
}

/** Every leaf of `values` with its path: scalars, lists and empty maps; non-empty maps are descended. */
export function leaves(values: ValuesMap, at: readonly string[] = []): ValuesLeaf[] {
  const out: ValuesLeaf[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = [...at, key];
    if (isMap(value) && Object.keys(value).length > 0) out.push(...leaves(value, path));
    else out.push({ path, value });
  }
  return out;
}

/** How a schema describes a path: declared (with the schema nodes found), free-form below it, or not at all. */
type SchemaLookup = { readonly state: 'declared'; readonly nodes: readonly ValuesMap[] } | { readonly state: 'free' } | { readonly state: 'absent' };

/** The schema node and its `allOf`/`anyOf`/`oneOf` branches, with local `$ref`s resolved. */
function branches(node: unknown, root: ValuesMap, depth = 0): ValuesMap[] {
  if (!isMap(node) || depth > 20) return [];
  const ref = typeof node.$ref === 'string' && node.$ref.startsWith('#/') ? resolvePointer(root, node.$ref.slice(1)) : undefined;
  const subs = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(node[k]) ? (node[k] as unknown[]) : []));
  return [node, ...branches(ref, root, depth + 1), ...subs.flatMap((s) => branches(s, root, depth + 1))];
}

function resolvePointer(root: ValuesMap, pointer: string): unknown {
  let node: unknown = root;
  for (const seg of pointer.split('/').slice(1)) node = isMap(node) ? node[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return node;
}

/** Whether an object schema (one branch) accepts keys it does not list. */
function openObject(node: ValuesMap): boolean {
  if (node.additionalProperties === false) return false;
  if (node.additionalProperties !== undefined || node.patternProperties !== undefined) return true;
  const hasProps = isMap(node.properties) && Object.keys(node.properties).length > 0;
  const objectType = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
  return objectType && !hasProps;
}

function lookupSchema(schema: ValuesMap, path: readonly string[]): SchemaLookup {
  let nodes = branches(schema, schema);
  for (const key of path) {
    if (nodes.some(openObject)) return { state: 'free' };
    const next = nodes.flatMap((n) => (isMap(n.properties) && n.properties[key] !== undefined ? branches(n.properties[key], schema) : []));
    if (next.length === 0) return { state: 'absent' };
    nodes = next;
  }
  return { state: 'declared', nodes };
}

/** JSON Schema type names a value of this kind satisfies. */
function schemaTypesOf(value: unknown): string[] {
  const k = kindOf(value);
  if (k === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return { string: ['string'], boolean: ['boolean'], map: ['object'], list: ['array'], null: ['null'] }[k];
}

/** Whether some schema node at the path explicitly allows the value's type. */
function schemaAllowsType(nodes: readonly ValuesMap[], value: unknown): boolean {
  const mine = schemaTypesOf(value);
  return nodes.some((n) => {
    const t = n.type;
    const types = typeof t === 'string' ? [t] : Array.isArray(t) ? (t as string[]) : [];
    return types.some((x) => mine.includes(x));
  });
}

/** The schemas that describe a top-level path, each with the path relative to its chart. */
function schemasFor(chart: ChartData, path: readonly string[]): Array<{ schema: ChartSchema; rel: string[] }> {
  return chart.schemas
    .map((schema) => ({ schema, rel: path[0] === 'global' ? [...path] : path.slice(schema.at.length) }))
    .filter(({ schema, rel }) => path[0] === 'global' || (schema.at.every((k, i) => path[i] === k) && rel.length > 0));
}

/** Where the chart's defaults stop declaring a path. */
type DefaultsLookup =
  | { readonly state: 'declared'; readonly value: unknown }
  | { readonly state: 'free'; readonly at: number }
  | { readonly state: 'scalar'; readonly at: number; readonly value: unknown }
  | { readonly state: 'absent'; readonly at: number; readonly siblings: readonly string[] };

function lookupDefaults(defaults: ValuesMap, path: readonly string[]): DefaultsLookup {
  let node: unknown = defaults;
  for (const [i, key] of path.entries()) {
    if (node === null || (isMap(node) && Object.keys(node).length === 0 && i > 0)) return { state: 'free', at: i };
    if (!isMap(node)) return { state: 'scalar', at: i, value: node };
    if (!(key in node)) return { state: 'absent', at: i, siblings: Object.keys(node) };
    node = node[key];
  }
  return { state: 'declared', value: node };
}

/** Whether the path equals a template value's path or lies below it. */
function covers(tv: TemplateValue, path: string): boolean {
  return path === tv.path || path.startsWith(`${tv.path}.`);
}

const compiled = new WeakMap<ValuesMap, (instance: unknown) => SchemaViolation[]>();

function validatorOf(s: ChartSchema): (instance: unknown) => SchemaViolation[] {
  let v = compiled.get(s.schema);
  if (!v) compiled.set(s.schema, (v = compileSchema(s.schema)));
  return v;
}

/** The part of the coalesced values a schema validates: its chart's values, with `global` for a subchart. */
function instanceFor(values: ValuesMap, s: ChartSchema): unknown {
  let node: unknown = values;
  for (const k of s.at) node = isMap(node) ? node[k] : undefined;
  const own = isMap(node) ? node : {};
  return s.at.length > 0 && values.global !== undefined ? { ...own, global: values.global } : own;
}

/** `values.schema.json` violations of the coalesced values that the chart's defaults alone do not have. */
function schemaProblems(chart: ChartData, values: ValuesMap): ValuesProblem[] {
  const merged = coalesce(chart.defaults, values);
  const out: ValuesProblem[] = [];
  for (const s of chart.schemas) {
    const validate = validatorOf(s);
    const before = new Set(validate(instanceFor(chart.defaults, s)).map((v) => `${v.path}\0${v.message}`));
    for (const v of validate(instanceFor(merged, s))) {
      if (before.has(`${v.path}\0${v.message}`)) continue;
      const path = v.path === '(root)' ? dotted([...s.at]) : [...s.at, v.path].join('.');
      out.push({ kind: 'schema', path, message: `${v.message} (${s.file.split('/').slice(-2).join('/')})` });
    }
  }
  return out;
}

/**
 * Checks Helm values against a chart.
 *
 * @param values the values a HelmRelease sets (`spec.values`)
 * @param chart the pinned chart, from `loadChart`
 * @param templateValues paths the Blueprint documents as read by a template. @default none
 * @returns counts and problems; never throws for bad values
 * @throws Error only when a `values.schema.json` cannot be compiled
 */
export function checkValues(values: ValuesMap, chart: ChartData, templateValues: readonly TemplateValue[] = []): ValuesReport {
  const problems: ValuesProblem[] = [];
  let freeForm = 0;
  let templateConsumed = 0;
  const typeReported = new Set<string>();
  const all = leaves(values);
  for (const { path, value } of all) {
    const name = path.join('.');
    const found = lookupDefaults(chart.defaults, path);
    const schemas = schemasFor(chart, path);
    const looks = schemas.map(({ schema, rel }) => lookupSchema(schema.schema, rel));
    const schemaNodes = looks.flatMap((l) => (l.state === 'declared' ? l.nodes : []));
    const evidence = templateValues.find((tv) => covers(tv, name));
    if (found.state === 'declared') {
      const want = kindOf(found.value);
      const got = kindOf(value);
      if (want !== 'null' && got !== 'null' && got !== want && !schemaAllowsType(schemaNodes, value)) {
        problems.push({ kind: 'type', path: name, message: `is a ${got}, but the chart's default is a ${want} (${JSON.stringify(found.value)})` });
      }
      continue;
    }
    if (found.state === 'scalar') {
      const at = path.slice(0, found.at).join('.');
      if (!typeReported.has(at) && !schemaAllowsType(schemaNodes, {})) {
        typeReported.add(at);
        problems.push({ kind: 'type', path: at, message: `is a map, but the chart's default is a ${kindOf(found.value)} (${JSON.stringify(found.value)})` });
      }
      continue;
    }
    if (found.state === 'free' || looks.some((l) => l.state === 'free')) {
      freeForm++;
      continue;
    }
    if (schemaNodes.length > 0 || chart.conditions.includes(name)) continue;
    if (evidence) {
      templateConsumed++;
      continue;
    }
    const parent = path.slice(0, found.at).join('.') || '(top level)';
    const key = path[found.at]!;
    const near = found.siblings.filter((s) => distance(s.toLowerCase(), key.toLowerCase()) <= Math.max(2, Math.floor(key.length / 4))).slice(0, 5);
    const hint = near.length > 0 ? `; ${parent} declares ${near.join(', ')}` : '';
    problems.push({ kind: 'undeclared', path: name, message: `the chart declares no such value (not in values.yaml, the schema or a dependency condition) and no template is listed as reading it${hint}` });
  }
  for (const tv of templateValues) {
    const segs = tv.path.split('.');
    const found = lookupDefaults(chart.defaults, segs);
    const inSchema = schemasFor(chart, segs).some(({ schema, rel }) => lookupSchema(schema.schema, rel).state === 'declared');
    if (found.state === 'declared' || inSchema) {
      problems.push({ kind: 'needless-evidence', path: tv.path, message: `is listed as read by ${tv.template}, but the chart declares it: remove it from templateValues` });
    }
  }
  problems.push(...schemaProblems(chart, values));
  return { checked: all.length, freeForm, templateConsumed, problems };
}
