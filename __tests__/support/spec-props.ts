/**
 * Test support: a Blueprint's typed props set from YAML (`spec.blueprints.props.<name>` of the solo
 * example, which installs the whole bootstrap kit), and the problems a bad entry yields, and reading
 * the upstream chart data of a pinned chart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import type { Blueprint } from '../../lib/blueprint';
import { SpecError } from '../../lib/errors';
import { CHARTS_DIR } from './charts';
import type { Json } from './render';
import { ROOT } from './synth';

const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));

/** The solo example with `props` as its `spec.blueprints.props` (Blueprint name → props), as YAML. */
function soloWithProps(props: Record<string, unknown>): string {
  return stringify({ ...solo, spec: { ...solo.spec, blueprints: { props } } });
}

/** The solo Sovereign with `spec.blueprints.props` set to `props` (Blueprint name → props) in its YAML. */
export function soloFromYamlProps(props: Record<string, unknown>): Sovereign {
  return Sovereign.fromYaml(soloWithProps(props));
}

/** The solo Sovereign with `props` set for Blueprint `name` from YAML, and that Blueprint's instance. */
export function fromYamlProps<T extends Blueprint>(name: string, props: unknown): { sovereign: Sovereign; blueprint: T } {
  const sovereign = soloFromYamlProps({ [name]: props });
  const placed = sovereign.blueprints.find((p) => p.blueprint.metadata.name === name);
  if (!placed) throw new Error(`the solo example installs no Blueprint ${name}`);
  return { sovereign, blueprint: placed.blueprint as T };
}

/**
 * The problems `Sovereign.fromYaml` reports for `props` set for Blueprint `name`, as path, value and
 * message.
 * @throws Error when the spec is valid or fails with something other than a SpecError
 */
export function propsProblems(name: string, props: unknown): Array<{ path: string; value: unknown; message: string }> {
  try {
    Sovereign.fromYaml(soloWithProps({ [name]: props }));
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return err.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
  }
  throw new Error(`props ${JSON.stringify(props)} of ${name} were accepted`);
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
