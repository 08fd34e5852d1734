/**
 * Loading a Sovereign spec: YAML text → validated, defaulted, typed `SovereignSpec`, or a
 * `SpecError` listing every problem with its field path, value, source line and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { SpecError, SpecFileError, SpecProblem } from '../errors';
import { clusterName } from '../naming';
import { mustParseCidr, subnet } from '../net';
import { describeSuspicious, findSuspicious } from '../characters';
import { SovereignSchema, SovereignSpecParsed, URL_USER_INFO } from './schema';
import type { NetworkPlan, SovereignSpec } from './types';
import { BlueprintNames, didYouMean, isCredentialKey, validateSpec } from './validate';
import { documentCountProblems, isEmptyDocument, MAX_ALIASES, type PathKey, structureProblems, type YamlProblem } from './yaml';

/** What `loadSpec` needs besides the text. */
export interface LoadSpecOptions {
  /** The Blueprint catalog's names, to check `spec.blueprints`. */
  readonly catalog: BlueprintNames;
  /** Blueprints installed when the spec lists none (the bootstrap kit). */
  readonly defaultBlueprints: readonly string[];
  /** File name for messages and `SovereignSpec.source`. @default none */
  readonly file?: string;
}

/** `['spec','regions',0,'location']` → `spec.regions[0].location`. */
export function formatPath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(document)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathKey, unknown>)[key];
  }
  return cur;
}

/** Finds the YAML node of a path (or, with `keyOf`, the key node of its last segment) for line numbers. */
function nodeAt(doc: Document, path: readonly PathKey[], keyOf = false): Node | undefined {
  let cur: unknown = doc.contents;
  let last: Node | undefined = isNode(cur) ? cur : undefined;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair) return last;
      if (keyOf && i === path.length - 1 && isNode(pair.key)) return pair.key;
      cur = pair.value;
    } else if (isSeq(cur) && typeof key === 'number') {
      cur = cur.items[key];
    } else {
      return last;
    }
    if (isNode(cur)) last = cur;
  }
  return last;
}

/**
 * Where a value of the spec sits in its source text: the line and column of the value at `path` (or,
 * with `keyOf`, of its key). A spec given as an object has no positions.
 */
export type SpecLocator = (path: readonly PathKey[], keyOf?: boolean) => SpecPosition;

/** A position in a spec's source text (1-based); empty for a spec given as an object. */
export interface SpecPosition {
  /** Line, from 1. @default none */
  line?: number;
  /** Column, from 1. @default none */
  column?: number;
}

/** The locator of a YAML document. */
function yamlLocator(doc: Document, counter: LineCounter): SpecLocator {
  return (path, keyOf = false) => position(doc, counter, path, keyOf);
}

function position(doc: Document, counter: LineCounter, path: readonly PathKey[], keyOf = false): { line?: number; column?: number } {
  let node = nodeAt(doc, path, keyOf);
  // A block mapping or list starts on the line after its key: point at the key, where the reader looks.
  if (!keyOf && (isMap(node) || isSeq(node)) && typeof path[path.length - 1] === 'string') node = nodeAt(doc, path, true);
  if (!node?.range) return {};
  const pos = counter.linePos(node.range[0]);
  return { line: pos.line, column: pos.col };
}

/** Lists the keys a strict object schema allows at a path (for "unknown field" messages). */
function allowedKeys(path: readonly PathKey[], root: unknown): string[] {
  let schema: unknown = root;
  const unwrap = (s: unknown): unknown => {
    let cur = s as { _zod?: { def?: Record<string, unknown> } };
    for (let guard = 0; guard < 10; guard++) {
      const def = cur?._zod?.def;
      if (!def) return cur;
      if (def.innerType) cur = def.innerType as typeof cur;
      else if (def.type === 'pipe' && def.in) cur = def.in as typeof cur;
      else return cur;
    }
    return cur;
  };
  const defOf = (s: unknown) => (unwrap(s) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  for (const key of path) {
    const def = defOf(schema);
    if (def?.type === 'object') schema = (def.shape as Record<string, unknown>)[key as string];
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  const def = defOf(schema);
  if (def?.type === 'object') return Object.keys(def.shape as object);
  if (def?.type === 'union') {
    const keys = (def.options as unknown[]).flatMap((o) => Object.keys((defOf(o)?.shape as object) ?? {}));
    return [...new Set(keys)];
  }
  return [];
}

/** Problems as `SpecError` reports them: in document order, and never echoing a pasted private key. */
/** Hides secret material in a reported value: a pasted private key entirely, URL credentials (`user:token@`) in place. */
function redact(value: string): string {
  if (/PRIVATE KEY/.test(value)) return '(private key, not shown)';
  return value.replace(URL_USER_INFO, '$1(credentials not shown)@');
}

function reportable(problems: readonly SpecProblem[]): SpecProblem[] {
  return problems
    .map((p) => (typeof p.value === 'string' ? { ...p, value: redact(p.value) } : p))
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

/** Names of zod's expected types as a YAML author knows them. */
function typeName(expected: string): string {
  return expected === 'object' || expected === 'record' ? 'a mapping' : expected === 'array' ? 'a list' : expected === 'int' ? 'an integer' : `a ${expected}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** Turns zod issues into problems: one per issue (and one per unknown key), with value and position. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], input: unknown, locate: SpecLocator = () => ({}), prefix: readonly PathKey[] = [], schema: unknown = SovereignSchema): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as PathKey[];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(path, schema);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        problems.push({
          path: formatPath([...prefix, ...keyPath]),
          value: valueAt(input, keyPath),
          message: `is not a known field${didYouMean(key, allowed)}; allowed here: ${allowed.join(', ')}`,
          ...locate([...prefix, ...keyPath], true),
        });
      }
      continue;
    }
    const value = valueAt(input, path);
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      if (value === undefined) message = `is required (${issue.expected === 'int' ? 'a whole number' : typeName(issue.expected)})`;
      else if (issue.expected === 'int' && typeof value === 'number') message = 'must be a whole number';
      else message = `must be ${typeName(issue.expected)}, not ${describeType(value)}`;
    } else if (issue.code === 'invalid_union' && value === undefined) {
      message = 'is required';
    } else if (issue.code === 'invalid_value' && typeof value === 'string') {
      const allowed = issue.values.filter((v): v is string => typeof v === 'string');
      const cased = allowed.find((v) => v.toLowerCase() === value.toLowerCase());
      if (cased !== undefined) message = cased === cased.toLowerCase() ? `must be lowercase: "${cased}"` : `must be written "${cased}": names are case-sensitive`;
      // A message that does not start with "must be" already names the fix (e.g. a deprecated server type's replacement).
      else if (allowed.length > 1 && message.startsWith('must be')) message += didYouMean(value, allowed);
    }
    problems.push({ path: formatPath([...prefix, ...path]), value, message, ...locate([...prefix, ...path]) });
  }
  return problems;
}

/** User info (`user:token@`) after a URL scheme anywhere in a text, not only at its start. */
const URL_CREDENTIALS_ANYWHERE = /[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

/**
 * Fields whose text is free: an Organization's display name and raw Helm values may hold typographic
 * quotes and dashes on purpose; invisible characters are reported there too.
 */
function isFreeText(path: readonly PathKey[]): boolean {
  const [a, b, c] = path;
  return a === 'spec' && ((b === 'organization' && c === 'displayName') || (b === 'blueprints' && c === 'values'));
}

/**
 * Problems for invisible or typographic characters (see `lib/characters.ts`) in the keys and string
 * values of a spec, each naming the characters escaped (`\u200b`) with their positions.
 */
function characterProblems(input: unknown, locate: SpecLocator): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (text: string, path: readonly PathKey[], isKey: boolean) => {
    const found = findSuspicious(text, isFreeText(path) ? ['invisible'] : ['invisible', 'typographic']);
    if (found.length === 0) return;
    const what = isKey ? 'is a key that contains' : 'contains';
    // A credential with a stray character is still a credential, and a quote before a URL hides its user info from `redact`.
    const last = path.filter((k): k is string => typeof k === 'string').pop() ?? '';
    const secret = !isKey && (isCredentialKey(last) || URL_CREDENTIALS_ANYWHERE.test(text));
    problems.push({ path: formatPath(path), value: secret ? '(not shown)' : text, message: `${what} ${describeSuspicious(found)}`, ...locate(path, isKey) });
  };
  const walk = (value: unknown, path: readonly PathKey[]): void => {
    if (typeof value === 'string') check(value, path, false);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        check(key, [...path, key], true);
        walk(v, [...path, key]);
      }
    }
  };
  walk(input, []);
  return problems;
}

/** Applies the defaults that depend on a region's position: its four network ranges. */
export function networkPlan(network: Partial<NetworkPlan>, index: number): NetworkPlan {
  const cidr = network.cidr ?? `10.${index}.0.0/16`;
  let nodeSubnet = network.nodeSubnet;
  if (nodeSubnet === undefined) {
    try {
      const block = mustParseCidr(cidr);
      nodeSubnet = block.prefix <= 23 ? subnet(block, 24, 1).text : block.text;
    } catch {
      nodeSubnet = cidr;
    }
  }
  return {
    cidr,
    nodeSubnet,
    podCidr: network.podCidr ?? `10.${42 + 2 * index}.0.0/16`,
    serviceCidr: network.serviceCidr ?? `10.${43 + 2 * index}.0.0/16`,
  };
}

/**
 * Parses and validates a Sovereign spec from YAML text.
 *
 * @returns the spec with every default applied; `spec.blueprints.install` is sorted and falls back to
 *   `options.defaultBlueprints`.
 * @throws SpecError listing every problem (YAML syntax, shape, cross-field rules, Blueprint names).
 */
export function parseSpec(text: string, options: LoadSpecOptions): SovereignSpec {
  const counter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const errors = documents.flatMap((d) => d.errors);
  if (errors.length > 0) {
    throw new SpecError(
      errors.map((e) => {
        // With prettyErrors off the yaml package leaves `linePos` unset: compute it from the offset.
        const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        return { path: '(document)', value: undefined, message: `is not valid YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
      }),
      options.file,
    );
  }
  const atNode = (p: YamlProblem): SpecProblem => {
    const pos = p.offset === undefined ? undefined : counter.linePos(p.offset);
    return { path: formatPath(p.path), value: p.value, message: p.message, ...(pos ? { line: pos.line, column: pos.col } : {}) };
  };
  const doc = documents.find((d) => !isEmptyDocument(d)) ?? documents[0];
  const yamlProblems = [...documentCountProblems(documents), ...(doc ? structureProblems(doc) : [])];
  if (yamlProblems.length > 0) throw new SpecError(yamlProblems.map(atNode), options.file);
  let input: unknown = null;
  try {
    input = doc ? doc.toJS({ maxAliasCount: MAX_ALIASES }) : null;
  } catch (err) {
    throw new SpecError([{ path: '(document)', value: undefined, message: `cannot be expanded: ${(err as Error).message}; write the aliased values out` }], options.file);
  }
  return specFromInput(input, options, doc ? yamlLocator(doc, counter) : undefined);
}

/**
 * Validates a Sovereign spec given as a plain object (as written in YAML, or typed in TypeScript as
 * `SovereignSpecInput`) and applies its defaults: the one validation pass every way of giving a spec
 * goes through.
 *
 * @param input the spec object
 * @param locate where a path sits in the source text, for messages. @default no positions
 * @returns the spec with every default applied; `spec.blueprints.install` is sorted and falls back to
 *   `options.defaultBlueprints`.
 * @throws SpecError listing every problem (shape, invisible characters, cross-field rules, Blueprint
 *   names, Blueprint props), each with its field path, the value and the fix
 */
export function specFromInput(input: unknown, options: LoadSpecOptions, locate: SpecLocator = () => ({})): SovereignSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new SpecError([{ path: '(document)', value: input, message: 'must be a YAML mapping with apiVersion, kind, metadata and spec' }], options.file);
  }
  // A field with an invisible or typographic character is reported for that; other checks of the field would only repeat it.
  const characters = characterProblems(input, locate);
  const withCharacters = (problems: readonly SpecProblem[]) => [...characters, ...problems.filter((p) => !characters.some((c) => p.path === c.path || p.path.startsWith(`${c.path}.`) || p.path.startsWith(`${c.path}[`)))];
  const parsed = SovereignSchema.safeParse(input);
  if (!parsed.success) throw new SpecError(reportable(withCharacters(zodProblems(parsed.error.issues, input, locate))), options.file);

  const spec: SovereignSpecParsed = parsed.data;
  const plans = spec.spec.regions.map((r, i) => networkPlan(r.network, i));
  const problems = [...validateSpec(spec, plans, { ...options.catalog, defaults: options.defaultBlueprints }), ...propsProblems(spec, options.catalog, locate)].map((p) => {
    const path = p.path.split(/\.|\[|\]/).filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    return p.line === undefined ? { ...p, ...locate(path) } : p;
  });
  if (problems.length > 0 || characters.length > 0) throw new SpecError(reportable(withCharacters(problems)), options.file);

  return {
    apiVersion: spec.apiVersion,
    kind: spec.kind,
    metadata: spec.metadata,
    spec: {
      ...spec.spec,
      regions: spec.spec.regions.map((r, index) => ({
        ...r,
        index,
        cluster: clusterName(r.location, r.buildingBlock, r.envType),
        network: plans[index]!,
      })),
      blueprints: {
        install: [...(spec.spec.blueprints.install ?? options.defaultBlueprints)].sort(),
        values: spec.spec.blueprints.values,
        verify: spec.spec.blueprints.verify,
        props: spec.spec.blueprints.props,
      },
    },
    source: options.file,
  };
}

/**
 * Problems of `spec.blueprints.props`: each entry must be valid against its Blueprint's props schema
 * (`BlueprintClass.propsSchema`), and must not set `values` or `verify` that the spec also sets in
 * `spec.blueprints.values` or `spec.blueprints.verify`. Entries for names the catalog does not know are
 * reported by `validateSpec`.
 */
function propsProblems(spec: SovereignSpecParsed, catalog: BlueprintNames, locate: SpecLocator): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const [name, props] of Object.entries(spec.spec.blueprints.props)) {
    const schema = catalog.propsSchemas?.[name];
    const base = ['spec', 'blueprints', 'props', name];
    if (!schema) continue;
    const parsed = schema.safeParse(props);
    if (!parsed.success) problems.push(...zodProblems(parsed.error.issues, props, locate, base, schema));
    for (const key of ['values', 'verify'] as const) {
      if (props[key] !== undefined && spec.spec.blueprints[key][name] !== undefined) {
        problems.push({ path: formatPath([...base, key]), value: props[key], message: `is set here and in spec.blueprints.${key}.${name}; set it in one place`, ...locate([...base, key], true) });
      }
    }
  }
  return problems;
}

/**
 * Reads and validates a Sovereign spec file.
 *
 * @throws SpecFileError (a `SpecError`) when the file cannot be read
 * @throws SpecError when the spec is invalid
 */
export function loadSpec(file: string, options: Omit<LoadSpecOptions, 'file'>): SovereignSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecFileError(file, err as Error & { code?: string });
  }
  return parseSpec(text, { ...options, file });
}
