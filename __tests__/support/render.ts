/**
 * Test support: a cluster built from plain attributes (the solo example's facts by default, with one
 * default instance of every built-in Blueprint so typed references resolve), Blueprints bound into a
 * fresh chart of it, and lookups in what they render.
 */
import { App, Chart } from 'cdk8s';
import { BUILTIN_BLUEPRINTS } from '../../blueprints';
import type { Blueprint } from '../../lib/blueprint';
import { Cluster, type ClusterAttributes } from '../../lib/cluster';

/** A rendered object as plain JSON. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The solo example's cluster facts (examples/solo.yaml: one control plane server, two workers in fsn1). */
export const SOLO_ATTRIBUTES: ClusterAttributes = {
  fqdn: 'solo.example.org',
  sovereign: 'solo',
  organization: 'example',
  adminEmail: 'platform@example.org',
  name: 'hz-fsn-mgt-prod',
  location: 'fsn1',
  controlPlaneCount: 1,
  nodeCount: 3,
};

/**
 * A cluster for tests: `SOLO_ATTRIBUTES` with `attrs` over them, holding `blueprints` and a
 * default-props instance of every other built-in Blueprint.
 */
export function testCluster(attrs: Partial<ClusterAttributes> = {}, blueprints: readonly Blueprint[] = []): Cluster {
  const given = new Set(blueprints.map((bp) => bp.metadata.name));
  const defaults = BUILTIN_BLUEPRINTS.filter((cls) => !given.has(cls.metadata.name)).map((cls) => new cls());
  return Cluster.fromAttributes({ ...SOLO_ATTRIBUTES, ...attrs }, [...blueprints, ...defaults]);
}

/** The cluster to bind `bp` into: `cluster` when it holds `bp`, else a test cluster with `cluster`'s facts holding `bp`. */
function clusterWith(bp: Blueprint, cluster?: Cluster): Cluster {
  if (cluster && cluster.blueprints.get(bp.metadata.name) === bp) return cluster;
  const others = cluster ? [...cluster.blueprints.values()].filter((b) => b.metadata.name !== bp.metadata.name) : [];
  return cluster ? new Cluster(cluster, [bp, ...others]) : testCluster({}, [bp]);
}

/** Binds a Blueprint instance into a fresh chart and returns its objects and its `-config` objects. */
export function bindObjects(bp: Blueprint, cluster?: Cluster): { objects: Json[]; config: Json[] } {
  const chart = new Chart(new App(), bp.metadata.name);
  const configChart = new Chart(new App(), `${bp.metadata.name}-config`);
  bp.bind(chart, clusterWith(bp, cluster), { configScope: configChart });
  return { objects: chart.toJson() as Json[], config: configChart.toJson() as Json[] };
}

/** Binds a Blueprint instance into a fresh chart and returns its objects (without its `-config` objects). */
export function renderObjects(bp: Blueprint, cluster?: Cluster): Json[] {
  return bindObjects(bp, cluster).objects;
}

/** The one object of `kind` named `name`. @throws Error when there is not exactly one */
export function find(objects: Json[], kind: string, name: string): Json {
  const hit = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hit.length !== 1) throw new Error(`expected exactly one ${kind} ${name}, found ${hit.length} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return hit[0]!;
}

/** The HelmRelease `bp-<name>` a Blueprint instance renders. */
export function renderedRelease(bp: Blueprint, cluster?: Cluster): Json {
  return find(renderObjects(bp, cluster), 'HelmRelease', `bp-${bp.metadata.name}`);
}

/** The HelmRelease values of a Blueprint instance, as rendered. */
export function renderedValues(bp: Blueprint, cluster?: Cluster): Json {
  return renderedRelease(bp, cluster).spec.values ?? {};
}

/** A Blueprint's `-config` objects (empty when it has none). */
export function renderConfigObjects(bp: Blueprint, cluster?: Cluster): Json[] {
  return bindObjects(bp, cluster).config;
}
