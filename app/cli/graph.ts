/**
 * `graph`: the Blueprint dependency graph of a spec (what its clusters install, dependencies added),
 * as a Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html) or Graphviz DOT
 * (https://graphviz.org/doc/info/lang.html). An edge `a → b` means `b` dependsOn `a`: `a` is
 * installed first, so the graph reads top-down in install order.
 */
import { Sovereign } from '../sovereign';
import type { CommandResult } from './output';

/** Output formats of `graph`. */
export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;

/** An output format of `graph`. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** A Blueprint dependency graph. */
export interface BlueprintGraph {
  /** Sovereign name, for the graph's title. */
  readonly sovereign: string;
  /** Blueprints in install order; `added` lists who needs a Blueprint the spec did not select. */
  readonly nodes: ReadonlyArray<{
    /** Catalog name of the Blueprint. */
    readonly name: string;
    /** `bootstrap-kit`, `mandatory` or `a-la-carte`. */
    readonly tier: string;
    /** Present when the spec did not select the Blueprint and the catalog added it as a dependency. @default none: selected by the spec */
    readonly added?: {
      /** Catalog names of the Blueprints that need it, sorted. */
      readonly requiredBy: readonly string[];
    };
  }>;
  /** Dependency edges: `to` dependsOn `from`; sorted by `to`, then `from`. */
  readonly edges: ReadonlyArray<{
    /** Catalog name of the Blueprint depended on. */
    readonly from: string;
    /** Catalog name of the Blueprint that dependsOn `from`. */
    readonly to: string;
  }>;
}

/** The dependency graph of a Sovereign's Blueprints. */
export function blueprintGraph(sovereign: Sovereign): BlueprintGraph {
  const added = new Map(sovereign.added.map((a) => [a.name, a.requiredBy]));
  const nodes = sovereign.blueprints.map(({ blueprint: { metadata: m } }) => ({ name: m.name, tier: m.tier, ...(added.has(m.name) ? { added: { requiredBy: added.get(m.name)! } } : {}) }));
  const edges = sovereign.blueprints
    .flatMap((p) => p.dependsOn.map((from) => ({ from, to: p.blueprint.metadata.name })))
    .sort((a, b) => a.to.localeCompare(b.to) || a.from.localeCompare(b.from));
  return { sovereign: sovereign.spec.metadata.name, nodes, edges };
}

/** A Mermaid node id for a Blueprint name (Blueprint names are `[a-z0-9-]`, so `_` cannot collide). */
const mermaidId = (name: string) => name.replace(/-/g, '_');

/**
 * Renders a graph as a Mermaid flowchart, top-down; Blueprints the spec did not select but that are
 * installed as dependencies get the dashed class `added`.
 */
export function toMermaid(graph: BlueprintGraph): string {
  const added = graph.nodes.filter((n) => n.added).map((n) => mermaidId(n.name));
  return [
    'flowchart TD',
    `  %% Blueprints of Sovereign ${graph.sovereign}; an arrow a --> b means b dependsOn a`,
    ...graph.nodes.map((n) => `  ${mermaidId(n.name)}["${n.name}"]`),
    ...graph.edges.map((e) => `  ${mermaidId(e.from)} --> ${mermaidId(e.to)}`),
    ...(added.length > 0 ? ['  classDef added stroke-dasharray: 4 4', `  class ${added.join(',')} added`] : []),
    '',
  ].join('\n');
}

/** Renders a graph as a Graphviz digraph, top-down; Blueprints added as dependencies are dashed. */
export function toDot(graph: BlueprintGraph): string {
  return [
    `digraph "${graph.sovereign}" {`,
    `  // Blueprints of Sovereign ${graph.sovereign}; an edge a -> b means b dependsOn a`,
    '  rankdir=TB;',
    '  node [shape=box];',
    ...graph.nodes.map((n) => `  "${n.name}"${n.added ? ' [style=dashed]' : ''};`),
    ...graph.edges.map((e) => `  "${e.from}" -> "${e.to}";`),
    '}',
    '',
  ].join('\n');
}

/**
 * Runs `graph`. Text: the graph in `format` on stdout. `--json`: `{ spec, sovereign, format, nodes,
 * edges, text }` (`text` is the rendered graph).
 *
 * @throws SpecError or SpecFileError, as `Sovereign.fromFile` does
 */
export function graphCommand(spec: string, format: GraphFormat): CommandResult {
  const graph = blueprintGraph(Sovereign.fromFile(spec));
  const text = format === 'dot' ? toDot(graph) : toMermaid(graph);
  return { json: { spec, ...graph, format, text }, stdout: [text.trimEnd()] };
}
