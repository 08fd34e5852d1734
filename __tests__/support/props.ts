/**
 * Test support: the solo example with `spec.blueprints.props` set, read through `Sovereign.fromYaml`
 * as a user's spec is, the problems a bad one reports and the values it reaches in the tree; and a
 * Blueprint's values checked against its pinned chart's data (`../shared/charts`) the way
 * `npm run check:charts` checks the tree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import type { Blueprint } from '../../lib/blueprint';
import { checkValues, findChartDir, loadChart, type ValuesProblem } from '../../lib/chart-check';
import { SpecError } from '../../lib/errors';
import { CHARTS_DIR } from './charts';
import { renderedValues, type Json } from './render';
import { ROOT } from './synth';

const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));

/** The solo example as YAML with `spec.blueprints.props` = `props`. */
export function soloWithProps(props: Record<string, unknown>): string {
  return stringify({ ...solo, spec: { ...solo.spec, blueprints: { props } } });
}

/** The solo Sovereign with `spec.blueprints.props` = `props`. */
export function sovereignWithProps(props: Record<string, unknown>): Sovereign {
  return Sovereign.fromYaml(soloWithProps(props));
}

/**
 * The problems (path, value, message) `Sovereign.fromYaml` reports for `spec.blueprints.props` = `props`.
 * @throws Error when the spec is accepted, or fails with something other than a SpecError
 */
export function propsProblems(props: Record<string, unknown>): Array<{ path: string; value: unknown; message: string }> {
  try {
    sovereignWithProps(props);
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return err.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
  }
  throw new Error(`spec.blueprints.props ${JSON.stringify(props)} was accepted`);
}

/**
 * The problems (path, value, message) `Sovereign.fromYaml` reports for `props` set for Blueprint
 * `name` in `spec.blueprints.props`; empty when the spec is accepted.
 * @throws Error when the spec fails with something other than a SpecError
 */
export function blueprintPropsProblems(name: string, props: unknown): Array<{ path: string; value: unknown; message: string }> {
  try {
    sovereignWithProps({ [name]: props });
    return [];
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return err.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
  }
}

/** The solo Sovereign with `props` set for Blueprint `name` from YAML, and that Blueprint's instance. */
export function fromYamlProps<T extends Blueprint>(name: string, props: unknown): { sovereign: Sovereign; blueprint: T } {
  const sovereign = sovereignWithProps({ [name]: props });
  const placed = sovereign.blueprints.find((p) => p.blueprint.metadata.name === name);
  if (!placed) throw new Error(`the solo example installs no Blueprint ${name}`);
  return { sovereign, blueprint: placed.blueprint as T };
}

/**
 * The values of the HelmRelease `bp-<name>` in a Sovereign's GitOps tree for the solo cluster (file
 * `helmrelease.yaml`, or `helmrelease-bp-<name>.yaml` in a folder with several HelmReleases).
 */
export function treeValues(sovereign: Sovereign, name: string): Json {
  const files = sovereign.gitopsTree().files;
  const folder = `clusters/hz-fsn-mgt-prod/bp-${name}`;
  const file = files.get(`${folder}/helmrelease.yaml`) ?? files.get(`${folder}/helmrelease-bp-${name}.yaml`);
  if (file === undefined) throw new Error(`no HelmRelease file for ${name}`);
  return parse(file).spec.values;
}

/** The `values.yaml` of a pinned chart in the chart data: `<component>/<chart>-<version>[/charts/<subchart>]/values.yaml`. */
export function chartValues(component: string, chart: string, version: string, subchart?: string): Json {
  const dir = join(CHARTS_DIR, component, `${chart}-${version}`, ...(subchart ? ['charts', subchart] : []));
  return parse(readFileSync(join(dir, 'values.yaml'), 'utf8'));
}

/**
 * Problems of a Blueprint instance's rendered values against its pinned chart's `values.yaml` and
 * `values.schema.json` (see `checkValues`), with its template-consumed values as evidence.
 * @throws Error when the chart data of the pin is not in the cache
 */
export function chartValueProblems(bp: Blueprint): readonly ValuesProblem[] {
  const pin = bp.metadata.chart!;
  const dir = findChartDir(CHARTS_DIR, pin.chart, pin.version);
  if (!dir) throw new Error(`no chart data for ${pin.chart} ${pin.version} in ${CHARTS_DIR}`);
  return checkValues(renderedValues(bp), loadChart(dir), bp.metadata.templateValues).problems;
}
