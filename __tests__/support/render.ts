/**
 * Test support: a real cluster context (the solo example's) and rendering of single Blueprints into
 * fresh cdk8s charts, outside the Sovereign model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { BOOTSTRAP_KIT, builtinCatalog } from '../../blueprints';
import type { Blueprint } from '../../lib/blueprint';
import { clusterContext, type ClusterContext } from '../../lib/context';
import { parseSpec } from '../../lib/spec/load';
import { ROOT } from './synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The context of the solo example's cluster (`hz-fsn-mgt-prod`). */
export const SOLO_CONTEXT: ClusterContext = (() => {
  const text = readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8');
  const spec = parseSpec(text, { catalog: { known: builtinCatalog().names() }, defaultBlueprints: BOOTSTRAP_KIT });
  return clusterContext(spec, spec.spec.regions[0]!);
})();

/** Renders a Blueprint instance into a fresh chart and returns its objects. */
export function renderObjects(bp: Blueprint, ctx: ClusterContext = SOLO_CONTEXT): Json[] {
  const chart = new Chart(new App(), bp.metadata.name);
  bp.render(chart, ctx);
  return chart.toJson() as Json[];
}

/** Renders a Blueprint's `-config` objects (empty when it has none). */
export function renderConfigObjects(bp: Blueprint, ctx: ClusterContext = SOLO_CONTEXT): Json[] {
  const chart = new Chart(new App(), `${bp.metadata.name}-config`);
  return bp.renderConfig(chart, ctx) ? (chart.toJson() as Json[]) : [];
}
