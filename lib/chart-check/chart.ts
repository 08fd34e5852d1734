/**
 * Loading a Helm chart's data files from a chart directory: `Chart.yaml`, `values.yaml`,
 * `values.schema.json` and, recursively, every subchart under `charts/<name>/`. No templates are read.
 *
 * The layout is the one `helm pull --untar` produces and `../shared/charts` holds
 * (`<component>/<chart>-<version>/`). Helm's own rules decide where values live
 * (https://helm.sh/docs/chart_template_guide/subcharts_and_globals/): a subchart's values sit under
 * its dependency key (the `alias`, else the name) in the parent's values; `global` is shared by the
 * parent and every subchart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A JSON object (a YAML map). */
export type ValuesMap = Record<string, unknown>;

/** True for a plain JSON object (a YAML map), false for lists, scalars and null. */
export function isMap(value: unknown): value is ValuesMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A `values.schema.json` and the values path it validates. */
export interface ChartSchema {
  /** Where the schema's chart sits in the top-level values, e.g. `[]` for the chart itself, `['postgresql']` for a subchart. */
  readonly at: readonly string[];
  /** The parsed JSON Schema. */
  readonly schema: ValuesMap;
  /** The schema file, for messages. */
  readonly file: string;
}

/** One chart with its subcharts, as the values check needs it. */
export interface ChartData {
  /** Chart name (`Chart.yaml` `name`). */
  readonly name: string;
  /** Chart version (`Chart.yaml` `version`). */
  readonly version: string;
  /** The chart directory. */
  readonly dir: string;
  /**
   * The chart's default values as Helm sees them before any user value: the chart's `values.yaml`,
   * each subchart's `values.yaml` under its key (the parent's values for that key merged over it),
   * and one `global` merged from every chart (a parent's globals win over its subcharts'). A
   * subchart's globals also appear under `<key>.global`: Helm hands a parent's values under that
   * path to the subchart as its `global`.
   */
  readonly defaults: ValuesMap;
  /**
   * Values paths (dotted) Helm reads although no `values.yaml` sets them: the dependencies'
   * `condition` paths (e.g. `redis.enabled`), which decide whether a subchart is rendered at all.
   */
  readonly conditions: readonly string[];
  /** Every `values.schema.json` of the chart and its subcharts. */
  readonly schemas: readonly ChartSchema[];
}

/** A dependency entry of `Chart.yaml`. */
interface Dependency {
  readonly name: string;
  readonly alias?: string;
  readonly condition?: string;
}

/**
 * Deep-merges `over` into `base` as Helm coalesces values: maps merge key by key, anything else in
 * `over` (lists included) replaces; a `null` in `over` deletes the key, as in Helm.
 */
export function coalesce(base: ValuesMap, over: ValuesMap): ValuesMap {
  const out: ValuesMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const prev = out[key];
    out[key] = isMap(prev) && isMap(value) ? coalesce(prev, value) : value;
  }
  return out;
}

function readYamlMap(file: string): ValuesMap {
  if (!existsSync(file)) return {};
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  if (doc === null || doc === undefined) return {};
  if (!isMap(doc)) throw new Error(`${file}: expected a YAML map at the top level`);
  return doc;
}

/** Like `coalesce`, but a `null` in `over` is kept as a value: defaults documented as `key: ~` stay declared. */
function overlayDefaults(base: ValuesMap, over: ValuesMap): ValuesMap {
  const out: ValuesMap = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isMap(prev) && isMap(value) ? overlayDefaults(prev, value) : value;
  }
  return out;
}

/** A chart's own data: values (with subcharts nested), the globals of every chart in it, schemas, conditions. */
interface Loaded {
  readonly name: string;
  readonly version: string;
  readonly values: ValuesMap;
  readonly globals: ValuesMap;
  readonly schemas: ChartSchema[];
  readonly conditions: string[];
}

function loadTree(dir: string, at: readonly string[]): Loaded {
  const chartFile = join(dir, 'Chart.yaml');
  if (!existsSync(chartFile)) throw new Error(`${dir}: no Chart.yaml`);
  const meta = readYamlMap(chartFile);
  const name = String(meta.name ?? '');
  const version = String(meta.version ?? '');
  const own = readYamlMap(join(dir, 'values.yaml'));
  const { global: ownGlobal, ...ownValues } = own;
  let values: ValuesMap = {};
  let globals: ValuesMap = {};
  const schemas: ChartSchema[] = [];
  const conditions: string[] = [];
  const schemaFile = join(dir, 'values.schema.json');
  if (existsSync(schemaFile)) schemas.push({ at, schema: JSON.parse(readFileSync(schemaFile, 'utf8')) as ValuesMap, file: schemaFile });
  const deps = Array.isArray(meta.dependencies) ? (meta.dependencies as Dependency[]) : [];
  for (const dep of deps) {
    const key = dep.alias ?? dep.name;
    for (const c of String(dep.condition ?? '').split(',').map((s) => s.trim()).filter(Boolean)) conditions.push([...at, c].join('.'));
    const subDir = join(dir, 'charts', dep.name);
    if (!existsSync(join(subDir, 'Chart.yaml'))) continue;
    const sub = loadTree(subDir, [...at, key]);
    values[key] = Object.keys(sub.globals).length > 0 ? { ...sub.values, global: sub.globals } : sub.values;
    globals = overlayDefaults(globals, sub.globals);
    schemas.push(...sub.schemas);
    conditions.push(...sub.conditions);
  }
  values = overlayDefaults(values, ownValues);
  globals = overlayDefaults(globals, isMap(ownGlobal) ? ownGlobal : {});
  return { name, version, values, globals, schemas, conditions };
}

/**
 * Loads a chart directory and its subcharts (`charts/<dependency name>/`, each under its alias or
 * name). A dependency whose directory is absent contributes only its `condition`.
 *
 * @param dir chart directory holding `Chart.yaml`
 * @throws Error when `Chart.yaml` is missing, or a `values.yaml` is not a YAML map, or a
 *   `values.schema.json` is not valid JSON
 */
export function loadChart(dir: string): ChartData {
  const t = loadTree(dir, []);
  const defaults = Object.keys(t.globals).length > 0 ? { ...t.values, global: t.globals } : t.values;
  return { name: t.name, version: t.version, dir, defaults, conditions: t.conditions, schemas: t.schemas };
}

/**
 * Finds the directory of chart `chart` at `version` in a chart cache laid out as
 * `<component>/<chart>-<version>/` (the layout of `../shared/charts`).
 *
 * @returns the directory, or undefined when the cache has no such chart
 * @throws Error when two components hold the same chart and version (ambiguous cache)
 */
export function findChartDir(cache: string, chart: string, version: string): string | undefined {
  const folder = `${chart}-${version}`;
  const hits = readdirSync(cache)
    .map((component) => join(cache, component, folder))
    .filter((d) => existsSync(join(d, 'Chart.yaml')) && statSync(d).isDirectory());
  if (hits.length > 1) throw new Error(`chart cache ${cache} holds ${folder} more than once: ${hits.join(', ')}`);
  return hits[0];
}
