/**
 * The check of a whole synthesized GitOps tree against a chart cache: every HelmRelease's values
 * against its pinned chart (`checkValues`), and every other object against a CRD from the cache
 * (`validateCustomResource`) or a published model; an object with neither is unvalidated, which is
 * an error unless its kind is allowed with a reason.
 */
import { LABELS } from '../naming';
import { findChartDir, isMap, loadChart, type ChartData, type ValuesMap } from './chart';
import { loadCrds, validateCustomResource, type CrdIndex } from './crd';
import { checkValues, type TemplateValue } from './values';

/** A manifest of the tree and the file it came from. */
export interface TreeObject {
  /** Path of the file in the tree, for messages. */
  readonly file: string;
  /** The parsed object. */
  readonly object: ValuesMap;
}

/** Per Blueprint: what was checked in its HelmReleases. */
export interface BlueprintValuesStats {
  /** Blueprint name (label `catalyst.openova.io/blueprint`). */
  readonly blueprint: string;
  /** Charts checked, as `<chart> <version>`. */
  readonly charts: readonly string[];
  /** Leaf values checked over all its HelmReleases. */
  readonly checked: number;
  /** Of those, below a free-form default. */
  readonly freeForm: number;
  /** Of those, covered by a listed template value. */
  readonly templateConsumed: number;
}

/** How the tree's objects (HelmReleases included) were validated. */
export interface ObjectStats {
  /** Objects validated against a CRD from the cache. */
  readonly byCrd: number;
  /** Objects validated by a published model. */
  readonly byModel: number;
  /** Objects of an allowed kind with neither (see `TreeCheckOptions.unvalidatedKinds`). */
  readonly allowed: number;
}

/** The verdict on a tree. */
export interface TreeReport {
  /** One line per problem: file, Blueprint, chart and version or kind, path, what is wrong. Empty when clean. */
  readonly errors: readonly string[];
  /** Values statistics per Blueprint, sorted by name. */
  readonly blueprints: readonly BlueprintValuesStats[];
  /** How the other objects were validated. */
  readonly objects: ObjectStats;
}

/** What the tree check needs beyond the tree and the cache. */
export interface TreeCheckOptions {
  /** The template values a Blueprint documents (`BlueprintMetadata.templateValues`), by Blueprint name; undefined for an unknown Blueprint. */
  readonly templateValuesOf: (blueprint: string) => readonly TemplateValue[] | undefined;
  /**
   * Validates an object with a published model: resolves to its problems, or undefined when no
   * model covers the object's apiVersion and kind.
   */
  readonly validateModel: (obj: ValuesMap) => Promise<readonly string[] | undefined>;
  /** `apiVersion kind` → why no CRD or model can validate it; such objects are counted, not reported. @default none */
  readonly unvalidatedKinds?: Readonly<Record<string, string>>;
}

function label(obj: ValuesMap): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return `${String(obj.kind)} ${meta.namespace ? `${String(meta.namespace)}/` : ''}${String(meta.name)}`;
}

/** Chart name and version a HelmRelease installs: from `spec.chart.spec`, or the OCIRepository `spec.chartRef` names. */
function chartOf(release: ValuesMap, tree: readonly TreeObject[]): { chart: string; version: string } | string {
  const spec = isMap(release.spec) ? release.spec : {};
  const inline = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
  if (inline) return { chart: String(inline.chart), version: String(inline.version) };
  const ref = isMap(spec.chartRef) ? spec.chartRef : undefined;
  if (!ref || ref.kind !== 'OCIRepository') return 'neither spec.chart nor an OCIRepository spec.chartRef';
  const meta = release.metadata as ValuesMap;
  const oci = tree.find(({ object: o }) => o.kind === 'OCIRepository' && isMap(o.metadata) && o.metadata.name === ref.name && o.metadata.namespace === (ref.namespace ?? meta.namespace));
  const ociSpec = oci && isMap(oci.object.spec) ? oci.object.spec : undefined;
  const tag = ociSpec && isMap(ociSpec.ref) ? ociSpec.ref.tag : undefined;
  if (!ociSpec || typeof ociSpec.url !== 'string' || typeof tag !== 'string') return `spec.chartRef names OCIRepository ${String(ref.name)}, which the tree does not hold with a url and spec.ref.tag`;
  return { chart: ociSpec.url.replace(/\/$/, '').split('/').pop()!, version: tag };
}

/** Values check of one HelmRelease: errors (without the object's label) and, when its chart was found, the counts. */
function releaseValues(
  release: ValuesMap,
  tree: readonly TreeObject[],
  charts: string,
  chartCache: Map<string, ChartData | undefined>,
  templateValues: readonly TemplateValue[],
): { errors: string[]; stats?: { chart: string; checked: number; freeForm: number; templateConsumed: number } } {
  const pin = chartOf(release, tree);
  if (typeof pin === 'string') return { errors: [`cannot tell the chart: ${pin}`] };
  const key = `${pin.chart}-${pin.version}`;
  if (!chartCache.has(key)) {
    const dir = findChartDir(charts, pin.chart, pin.version);
    chartCache.set(key, dir ? loadChart(dir) : undefined);
  }
  const chart = chartCache.get(key);
  const name = `chart ${pin.chart} ${pin.version}`;
  if (!chart) return { errors: [`${name}: no chart data in ${charts} (expected <component>/${key}/ with Chart.yaml and values.yaml; helm pull --untar the pin there)`] };
  const spec = isMap(release.spec) ? release.spec : {};
  const report = checkValues(isMap(spec.values) ? spec.values : {}, chart, templateValues);
  return {
    errors: report.problems.map((p) => `${name}: ${p.path}: ${p.message}`),
    stats: { chart: `${pin.chart} ${pin.version}`, checked: report.checked, freeForm: report.freeForm, templateConsumed: report.templateConsumed },
  };
}

/**
 * Checks a synthesized tree against a chart cache.
 *
 * @param tree every object of the tree (kustomize's own `kustomization.yaml` files left out)
 * @param charts the chart cache, laid out `<component>/<chart>-<version>/`
 * @param options Blueprint metadata and model validation (see `TreeCheckOptions`)
 * @returns errors and statistics; a chart absent from the cache is an error, never a skip
 */
export async function checkTree(tree: readonly TreeObject[], charts: string, options: TreeCheckOptions): Promise<TreeReport> {
  const errors: string[] = [];
  const stats = new Map<string, { charts: Set<string>; checked: number; freeForm: number; templateConsumed: number }>();
  const chartCache = new Map<string, ChartData | undefined>();
  let crds: CrdIndex | undefined;
  const objects = { byCrd: 0, byModel: 0, allowed: 0 };
  for (const { file, object } of tree) {
    const meta = isMap(object.metadata) ? object.metadata : {};
    const labels = isMap(meta.labels) ? meta.labels : {};
    const blueprint = typeof labels[LABELS.blueprint] === 'string' ? (labels[LABELS.blueprint] as string) : undefined;
    const where = `${file}: ${label(object)} (Blueprint ${blueprint ?? '(none)'})`;
    if (object.kind === 'HelmRelease' && String(object.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
      const checked = releaseValues(object, tree, charts, chartCache, blueprint ? options.templateValuesOf(blueprint) ?? [] : []);
      for (const e of checked.errors) errors.push(`${where}: ${e}`);
      if (checked.stats) {
        const s = stats.get(blueprint ?? '(none)') ?? { charts: new Set<string>(), checked: 0, freeForm: 0, templateConsumed: 0 };
        s.charts.add(checked.stats.chart);
        s.checked += checked.stats.checked;
        s.freeForm += checked.stats.freeForm;
        s.templateConsumed += checked.stats.templateConsumed;
        stats.set(blueprint ?? '(none)', s);
      }
    }
    crds ??= loadCrds(charts);
    const byCrd = validateCustomResource(object, crds);
    for (const p of byCrd.problems) errors.push(`${where}: ${object.apiVersion} ${object.kind} (CRD ${byCrd.crdFiles.join(', ')}): ${p.path}: ${p.message}`);
    const byModel = await options.validateModel(object);
    for (const p of byModel ?? []) errors.push(`${where}: ${p}`);
    if (byCrd.crdFiles.length > 0) objects.byCrd++;
    else if (byModel) objects.byModel++;
    else if (options.unvalidatedKinds?.[`${object.apiVersion} ${object.kind}`]) objects.allowed++;
    else errors.push(`${where}: ${object.apiVersion} ${object.kind} is unvalidated: no published model covers it and ${charts} holds no plain CRD for it; add the CRD to the chart cache`);
  }
  const blueprints = [...stats.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bp, s]) => ({ blueprint: bp, charts: [...s.charts].sort(), checked: s.checked, freeForm: s.freeForm, templateConsumed: s.templateConsumed }));
  return { errors, blueprints, objects };
}
