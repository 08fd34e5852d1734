/**
 * Test support: the solo example's tree with Blueprints added to its selection (for Blueprints no
 * example installs), written to a temporary folder, so the chart check (`npm run check:charts --
 * --gitops DIR`) and `kubectl kustomize` run on it exactly as they run on a synthesized tree.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import { BOOTSTRAP_KIT } from '../../blueprints';
import { run as checkCharts } from '../../scripts/check-charts';
import { CHARTS_DIR } from './charts';
import { runAsyncCli, type CliResult } from './cli';
import { kustomizeBuild, type KustomizeResult } from './kustomize';
import { soloWithProps } from './props';

/** The solo example's GitOps files with `names` installed besides the bootstrap kit and `props` set. */
export function soloTreeWith(names: readonly string[], props: Record<string, unknown> = {}): Map<string, string> {
  const spec = parse(soloWithProps(props));
  spec.spec.blueprints.install = [...BOOTSTRAP_KIT, ...names];
  return new Map(Sovereign.fromYaml(stringify(spec)).gitopsTree().files);
}

/** Writes a tree (path → text) into a new temporary folder and returns the folder. */
export function writeTree(files: ReadonlyMap<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tree-'));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** `npm run check:charts -- --charts ../shared/charts --gitops <the tree>`: exit code and output. */
export function checkChartsOf(files: ReadonlyMap<string, string>): Promise<CliResult> {
  const dir = writeTree(files);
  return runAsyncCli(() => checkCharts(['--charts', CHARTS_DIR, '--gitops', dir]));
}

/** `kubectl kustomize` of one folder of a tree (`clusters/<cluster>/<folder>`). */
export function kustomizeFolder(files: ReadonlyMap<string, string>, folder: string): KustomizeResult {
  return kustomizeBuild(join(writeTree(files), folder));
}
