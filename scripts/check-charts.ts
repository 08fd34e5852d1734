/**
 * Checks synthesized GitOps trees against upstream chart data: every HelmRelease's values against
 * its pinned chart (declared paths, types, `values.schema.json`), every other object against a CRD
 * from the chart cache or a published model (see `lib/chart-check`).
 *
 *   npm run check:charts -- --charts DIR [--gitops DIR]...
 *
 * `--charts` is a chart cache laid out `<component>/<chart>-<version>/` (`../shared/charts`, or the
 * pins `helm pull --untar`-ed there). Without `--gitops` every `examples/*.yaml` is synthesized in
 * memory and checked; with it, the trees written by `npm run synth -- ... --gitops-out DIR`.
 *
 * Exit codes: 0 clean, 1 problems found (each on stderr with file, Blueprint, chart and version, values
 * path), 2 bad arguments or an internal error.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { Sovereign } from '../app/sovereign';
import { builtinCatalog } from '../blueprints';
import { checkTree, isMap, type TreeObject, type TreeReport, type ValuesMap } from '../lib/chart-check';
import { readTree } from '../lib/gitops';
import { table } from '../lib/table';
import { CHARTS } from '../lib/versions';
import { loadModel, validateManifest } from './k8s-validate';

const USAGE = `usage: npm run check:charts -- --charts DIR [--gitops DIR]...
  --charts   chart cache: <component>/<chart>-<version>/ with Chart.yaml, values.yaml, values.schema.json, CRDs
  --gitops   a synthesized GitOps tree (npm run synth -- --gitops-out DIR); repeatable.
             Default: synthesize every examples/*.yaml in memory`;

/**
 * Kinds the tree may hold that neither a published model nor a plain CRD in the chart cache can
 * validate, each with the reason; the tests check their objects field by field instead.
 */
export const UNVALIDATED_KINDS: Readonly<Record<string, string>> = {
  'cilium.io/v2 CiliumClusterwideNetworkPolicy':
    `Cilium registers its CRDs at run time and its chart ships none; the chart cache has no copy of pkg/k8s/apis/cilium.io/client/crds/v2 at v${CHARTS.cilium.version}, and no package publishes a model`,
  'policy.sigstore.dev/v1beta1 ClusterImagePolicy':
    `the policy-controller chart ${CHARTS['policy-controller'].version} ships this CRD only as a Helm template (templates/crds/clusterimagepolicy.yaml), so the chart cache has no plain copy and no package publishes a model; the Sigstore Blueprint's test checks its object field by field (fields validated against the CRD helm template renders at the pin)`,
};

/** Parses the YAML documents of a tree (path → text), leaving out kustomize's own build files. */
export function treeObjects(files: ReadonlyMap<string, string>): TreeObject[] {
  const out: TreeObject[] = [];
  for (const [file, text] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!/\.ya?ml$/.test(file)) continue;
    for (const doc of parseAllDocuments(text)) {
      const object: unknown = doc.toJS();
      if (!isMap(object) || String(object.apiVersion).startsWith('kustomize.config.k8s.io/')) continue;
      out.push({ file, object });
    }
  }
  return out;
}

async function validateModel(obj: ValuesMap): Promise<readonly string[] | undefined> {
  if (!(await loadModel(String(obj.apiVersion), String(obj.kind)))) return undefined;
  return validateManifest(obj);
}

function summary(name: string, report: TreeReport): string {
  const rows = report.blueprints.map((b) => [b.blueprint, b.charts.join(', '), String(b.checked), String(b.freeForm), String(b.templateConsumed)]);
  const o = report.objects;
  return [
    `${name}: ${report.errors.length === 0 ? 'OK' : `${report.errors.length} problem(s)`}`,
    table(['BLUEPRINT', 'CHART', 'VALUES', 'FREE-FORM', 'TEMPLATE'], rows),
    `objects: ${o.byCrd} validated by a CRD, ${o.byModel} by a published model, ${o.allowed} allowed unvalidated`,
  ].join('\n');
}

/** Runs the check; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { charts: { type: 'string' }, gitops: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const charts = args.values.charts;
  if (!charts || !statSync(charts, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`--charts must name a chart cache directory${charts ? ` (${charts} is none)` : ''}\n${USAGE}\n`);
    return 2;
  }
  const catalog = builtinCatalog();
  const templateValuesOf = (name: string) => (catalog.names().includes(name) ? catalog.get(name).metadata.templateValues ?? [] : undefined);
  const trees: Array<{ name: string; files: Map<string, string> }> = [];
  try {
    for (const dir of args.values.gitops ?? []) trees.push({ name: dir, files: readTree(dir) });
    if (trees.length === 0) {
      const examples = join(__dirname, '..', 'examples');
      for (const spec of readdirSync(examples).filter((f) => f.endsWith('.yaml')).sort()) {
        trees.push({ name: `examples/${spec}`, files: Sovereign.fromFile(join(examples, spec)).gitopsTree().files });
      }
    }
    let problems = 0;
    for (const { name, files } of trees) {
      const report = await checkTree(treeObjects(files), charts, { templateValuesOf, validateModel, unvalidatedKinds: UNVALIDATED_KINDS });
      for (const e of report.errors) process.stderr.write(`${name}: ${e}\n`);
      process.stdout.write(`${summary(name, report)}\n`);
      problems += report.errors.length;
    }
    return problems === 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
