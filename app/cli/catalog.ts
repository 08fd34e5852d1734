/**
 * `catalog`: every Blueprint of the built-in catalog, with its tier, category, pinned chart,
 * namespace and direct dependencies.
 */
import type { Catalog } from '../../lib/catalog';
import { table } from '../../lib/table';
import { builtinCatalog } from '../../blueprints';
import type { CommandResult } from './output';

/** One Blueprint as `catalog --json` lists it. */
export interface CatalogEntry {
  /** Catalog name, e.g. `cert-manager`. */
  readonly name: string;
  /** Title, e.g. `cert-manager`. */
  readonly title: string;
  /** `bootstrap-kit`, `mandatory` or `a-la-carte`. */
  readonly tier: string;
  /** Category, e.g. `security`. */
  readonly category: string;
  /** The pinned upstream chart, for a Blueprint that installs a Helm chart. */
  readonly chart?: {
    /** Chart repository URL (`https://...` index or `oci://...`). */
    readonly repository: string;
    /** Chart name in the repository. */
    readonly name: string;
    /** Exact chart version. */
    readonly version: string;
  };
  /** The pinned upstream manifests folder, for a Blueprint that installs plain manifests from Git. */
  readonly manifests?: {
    /** Git repository URL. */
    readonly repository: string;
    /** Folder of the manifests in the repository. */
    readonly path: string;
    /** Git tag the manifests are taken from. */
    readonly tag: string;
  };
  /**
   * The pinned images (`repository:tag`, or the repository alone where the tag follows a cluster
   * fact), for a Blueprint that renders its own objects.
   */
  readonly images?: readonly string[];
  /** Namespace the Blueprint installs into. */
  readonly namespace: string;
  /** Catalog names of its direct dependencies (Flux `dependsOn`), sorted. */
  readonly dependsOn: readonly string[];
  /** True when cloud-init installs it before Flux (Cilium, Flux). */
  readonly preinstalled: boolean;
}

/** Every Blueprint of `catalog`, sorted by name. */
export function catalogEntries(catalog: Catalog): CatalogEntry[] {
  return catalog.names().map((name) => {
    const m = catalog.get(name).metadata;
    return {
      name,
      title: m.title,
      tier: m.tier,
      category: m.category,
      ...(m.chart ? { chart: { repository: m.chart.repository, name: m.chart.chart, version: m.chart.version } } : {}),
      ...(m.manifests ? { manifests: { repository: m.manifests.repository, path: m.manifests.path, tag: m.manifests.tag } } : {}),
      ...(m.images ? { images: m.images.map((i) => (i.tag === undefined ? i.repository : `${i.repository}:${i.tag}`)) } : {}),
      namespace: m.namespace,
      dependsOn: catalog.dependenciesOf(name),
      preinstalled: m.preinstalled === true,
    };
  });
}

/** `chart@version` of a chart, `<repository>/<path>@<tag>` of Git manifests, `rendered` for objects catalyst-cdk renders. */
function sourceCell(b: CatalogEntry): string {
  if (b.chart) return `${b.chart.name}@${b.chart.version}`;
  if (b.images) return 'rendered';
  return b.manifests ? `${b.manifests.repository.replace(/^https:\/\/|\.git$/g, '')}/${b.manifests.path}@${b.manifests.tag}` : '-';
}

/**
 * Runs `catalog`. Text: a table with the columns NAME, TIER, CATEGORY, CHART (`chart@version`,
 * `<repository>/<path>@<tag>` for Git manifests, `rendered` for objects catalyst-cdk renders itself),
 * NAMESPACE, DEPENDS ON (`-` for none). `--json`: `{ blueprints: [CatalogEntry] }`.
 */
export function catalogCommand(): CommandResult {
  const blueprints = catalogEntries(builtinCatalog());
  const rows = blueprints.map((b) => [b.name, b.tier, b.category, sourceCell(b), b.namespace, b.dependsOn.join(', ') || '-']);
  return { json: { blueprints }, stdout: [table(['NAME', 'TIER', 'CATEGORY', 'CHART', 'NAMESPACE', 'DEPENDS ON'], rows)] };
}
