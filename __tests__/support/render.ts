/**
 * Test support: renders single Blueprints for the cluster of `examples/solo.yaml` (or another
 * example) and finds objects in what they render.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { BOOTSTRAP_KIT, builtinCatalog } from '../../blueprints';
import type { Blueprint } from '../../lib/blueprint';
import { clusterContext, type ClusterContext } from '../../lib/context';
import { parseSpec } from '../../lib/spec/load';

/** A rendered object as plain JSON. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The context of the first cluster of `examples/<example>.yaml`. */
export function exampleContext(example = 'solo'): ClusterContext {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', `${example}.yaml`), 'utf8');
  const spec = parseSpec(text, { catalog: { known: builtinCatalog().names() }, defaultBlueprints: BOOTSTRAP_KIT });
  return clusterContext(spec, spec.spec.regions[0]!);
}

/** Renders a Blueprint instance into a fresh chart and returns its objects. */
export function renderObjects(bp: Blueprint, ctx: ClusterContext = exampleContext()): Json[] {
  const app = new App();
  const chart = new Chart(app, bp.metadata.name);
  bp.render(chart, ctx);
  return chart.toJson() as Json[];
}

/** The one object of `kind` named `name`. @throws Error when there is not exactly one */
export function find(objects: Json[], kind: string, name: string): Json {
  const hit = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hit.length !== 1) throw new Error(`expected exactly one ${kind} ${name}, found ${hit.length} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return hit[0]!;
}

/** The HelmRelease `bp-<name>` a Blueprint instance renders. */
export function renderedRelease(bp: Blueprint, ctx?: ClusterContext): Json {
  return find(renderObjects(bp, ctx), 'HelmRelease', `bp-${bp.metadata.name}`);
}

/** The HelmRelease values of a Blueprint instance, as rendered. */
export function renderedValues(bp: Blueprint, ctx?: ClusterContext): Json {
  return renderedRelease(bp, ctx).spec.values ?? {};
}
