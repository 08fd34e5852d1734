/**
 * The Blueprint catalog: a registry of Blueprint classes and their dependency graph (on
 * `@dagrejs/graphlib`). It rejects bad names, duplicates, dependencies that are not registered and
 * cycles when built, and turns a selection of names into its dependency closure in install order.
 */
import { alg, Graph } from '@dagrejs/graphlib';
import { isProduct, refName, type BlueprintClass, type BlueprintRef } from './blueprint';
import { CatalogError } from './errors';
import { didYouMean } from './spec/validate';

/** Blueprint names: 2-41 characters of a-z, 0-9 and '-', starting with a letter. */
export const BLUEPRINT_NAME = /^[a-z][a-z0-9-]{0,39}[a-z0-9]$/;

/** Kubernetes namespace names: RFC 1123 labels of at most 63 characters. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Helm release names: at most 53 characters (Helm's limit), lowercase RFC 1123 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;
/** An exact chart version: semver with an optional `v`, pre-release and build, and no range operator. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'];
const TIERS = ['bootstrap-kit', 'mandatory', 'a-la-carte'];

/**
 * Checks the metadata of one Blueprint class beyond its name, so a platform team's own Blueprint
 * gets the same rules as the built-in ones.
 *
 * @returns what is wrong, one sentence per problem naming the field, the value and the fix; empty when valid
 */
export function metadataProblems(cls: BlueprintClass): string[] {
  const m = cls.metadata;
  const problems: string[] = [];
  const bad = (field: string, value: unknown, fix: string) => problems.push(`metadata.${field} ${JSON.stringify(value)} ${fix}`);
  if (!NAMESPACE_NAME.test(m.namespace ?? '')) bad('namespace', m.namespace, "is not a namespace name; use at most 63 characters of a-z, 0-9 and '-'");
  if (isProduct(m)) {
    if (m.chart !== undefined || m.manifests !== undefined) bad('kind', m.kind, 'is set together with chart or manifests; a product installs no chart of its own, so remove them (or the kind)');
    if (!Array.isArray(m.requires)) bad('requires', m.requires, 'must list the Blueprints the product composes (an empty list is allowed)');
  } else if (m.images !== undefined) {
    if (m.chart !== undefined || m.manifests !== undefined) bad('images', m.images, 'are set together with chart or manifests; a Blueprint renders its own objects or installs a chart or manifests, so remove one');
    else if (!Array.isArray(m.images)) bad('images', m.images, 'must list the images the rendered objects run (an empty list is allowed)');
    else {
      for (const image of m.images) {
        if (!/^[a-z0-9]+([._/-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(image.repository ?? '')) bad('images[].repository', image.repository, 'must be an image repository without tag or digest, such as ghcr.io/org/name');
        if (image.tag !== undefined && (image.tag === 'latest' || !/^[\w][\w.-]{0,127}$/.test(image.tag))) bad('images[].tag', image.tag, 'must be one exact image tag such as v1.2.3 (no latest), so every synth runs the same image');
      }
    }
  } else if (m.manifests === undefined || m.chart !== undefined) {
    if (!RELEASE_NAME.test(m.releaseName ?? '')) bad('releaseName', m.releaseName, "is not a Helm release name; use at most 53 characters of a-z, 0-9 and '-'");
    if (!/^(https|oci):\/\/\S+$/.test(m.chart?.repository ?? '')) bad('chart.repository', m.chart?.repository, 'must be an https:// Helm repository or an oci:// registry path');
    if (!EXACT_VERSION.test(m.chart?.version ?? '')) bad('chart.version', m.chart?.version, 'must be one exact chart version such as 1.2.3 (no range, no latest), so every synth installs the same chart');
  }
  if (m.manifests !== undefined) {
    if (m.chart !== undefined) bad('manifests', m.manifests.repository, 'is set together with chart; a Blueprint installs either a chart or manifests from Git, so remove one');
    if (!/^https:\/\/\S+$/.test(m.manifests.repository ?? '')) bad('manifests.repository', m.manifests.repository, 'must be an https:// Git repository URL');
    if (!EXACT_VERSION.test(m.manifests.tag ?? '')) bad('manifests.tag', m.manifests.tag, 'must be one exact release tag such as v1.2.3 (no branch, no latest)');
    if (!/^[0-9a-f]{40}$/.test(m.manifests.commit ?? '')) bad('manifests.commit', m.manifests.commit, 'must be the 40-hex-digit commit the tag points to, so a moved tag changes nothing');
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(m.manifests.path ?? '') || m.manifests.path.split('/').includes('..')) {
      bad('manifests.path', m.manifests.path, 'must be a relative folder inside the repository such as manifests (no leading ./ or /, no ..)');
    }
  }
  if (!POD_SECURITY_LEVELS.includes(m.podSecurity?.level)) bad('podSecurity.level', m.podSecurity?.level, `must be one of ${POD_SECURITY_LEVELS.join(', ')}`);
  else if (m.podSecurity.level !== 'restricted' && !m.podSecurity.reason?.trim()) bad('podSecurity.reason', m.podSecurity.reason ?? '', `must say why the namespace needs ${m.podSecurity.level} instead of restricted`);
  if (!TIERS.includes(m.tier)) bad('tier', m.tier, `must be one of ${TIERS.join(', ')}`);
  const positive = m.resources?.cpuMillis > 0 && m.resources?.memoryMiB > 0;
  const none = m.resources?.cpuMillis === 0 && m.resources?.memoryMiB === 0;
  if (!(positive || (none && isProduct(m)))) bad('resources', m.resources, isProduct(m) ? 'must give cpuMillis and memoryMiB requests of the product\'s own objects (0 and 0 when it runs no pods)' : 'must give positive cpuMillis and memoryMiB requests for sizing');
  return problems;
}

/** A Blueprint added to a selection because a selected one depends on it. */
export interface AddedDependency {
  /** Catalog name of the added Blueprint, e.g. `cert-manager`. */
  readonly name: string;
  /** Names of the Blueprints in the closure that depend on it directly, sorted. */
  readonly requiredBy: readonly string[];
}

/** A selection resolved against the catalog. */
export interface Resolution {
  /** Every Blueprint to install, dependencies first; ties broken by name, so the order is stable. */
  readonly ordered: readonly BlueprintClass[];
  /** Blueprints that were not selected but are needed, with who needs them. */
  readonly added: readonly AddedDependency[];
}

/** Names a Blueprint's metadata requires before it: `dependsOn`, and a product's `requires`. */
function hardDependencies(cls: BlueprintClass): BlueprintRef[] {
  const m = cls.metadata;
  return [...(m.dependsOn ?? []), ...(isProduct(m) ? m.requires : [])];
}

/** Names a product uses when they are installed (`optional`). */
function softDependencies(cls: BlueprintClass): BlueprintRef[] {
  const m = cls.metadata;
  return isProduct(m) ? [...(m.optional ?? [])] : [];
}

/**
 * An immutable set of Blueprint classes keyed by name, with a validated dependency graph.
 * Dependencies (`dependsOn`, a product's `requires` and `optional`) resolve by name, so a subclass
 * registered with `override` takes the original's place for every dependent.
 */
export class Catalog {
  private readonly byName: ReadonlyMap<string, BlueprintClass>;

  /**
   * @param classes Blueprint classes to register
   * @throws CatalogError for an invalid or duplicate name, invalid metadata (see `metadataProblems`), a
   *   dependency that is not registered, or a cycle
   */
  constructor(classes: readonly BlueprintClass[]) {
    const byName = new Map<string, BlueprintClass>();
    for (const cls of classes) {
      const name = cls.metadata?.name;
      if (typeof name !== 'string' || !BLUEPRINT_NAME.test(name)) {
        throw new CatalogError(`Blueprint class ${cls.name || '(anonymous)'}: name ${JSON.stringify(name)} is invalid; use 2-41 characters of a-z, 0-9 and '-', starting with a letter`);
      }
      const problems = metadataProblems(cls);
      if (problems.length > 0) throw new CatalogError(`Blueprint "${name}" (${cls.name || 'anonymous class'}): ${problems.join('; ')}`);
      const other = byName.get(name);
      if (other && other !== cls) {
        const fix = cls.prototype instanceof other ? `; to replace the built-in with your subclass, use catalog.override(${cls.name})` : '; names must be unique';
        throw new CatalogError(`Blueprint name "${name}" is used by both ${other.name} and ${cls.name}${fix}`);
      }
      byName.set(name, cls);
    }
    const graph = new Graph({ directed: true });
    for (const name of [...byName.keys()].sort()) graph.setNode(name);
    for (const name of [...byName.keys()].sort()) {
      const cls = byName.get(name)!;
      for (const dep of [...hardDependencies(cls), ...softDependencies(cls)]) {
        if (dep === undefined) throw new CatalogError(`Blueprint "${name}" has an undefined entry in dependsOn (an import cycle between Blueprint modules?); name it as a string instead`);
        const depName = refName(dep);
        if (!byName.has(depName)) {
          throw new CatalogError(`Blueprint "${name}" depends on "${depName}", which is not registered in this catalog; register it too`);
        }
        if (typeof dep !== 'string' && !(byName.get(depName) === dep || byName.get(depName)!.prototype instanceof dep)) {
          throw new CatalogError(`Blueprint "${name}" depends on ${dep.name} ("${depName}"), but the catalog registers ${byName.get(depName)!.name} under that name, which is not a subclass of it; override with a subclass of ${dep.name}`);
        }
        graph.setEdge(depName, name);
      }
    }
    const cycles = alg.findCycles(graph);
    if (cycles.length > 0) {
      const shown = cycles.map((c) => [...c].sort()).sort((a, b) => a.join().localeCompare(b.join()));
      throw new CatalogError(`Blueprint dependency cycle: ${shown.map((c) => `${[...c, c[0]].join(' -> ')}`).join('; ')}; remove one of these dependsOn edges`);
    }
    this.byName = byName;
  }

  /**
   * Returns a new catalog with more classes registered.
   * @throws CatalogError as the constructor does, e.g. for a name already registered (use `override` to replace one)
   */
  with(...classes: BlueprintClass[]): Catalog {
    return new Catalog([...this.byName.values(), ...classes]);
  }

  /**
   * Returns a new catalog in which each class replaces the one registered under its name: a subclass
   * of a built-in (say `class MyCertManager extends CertManager`), which every dependent then gets.
   * @throws CatalogError when no class is registered under the name, or the class is not a subclass of
   *   the one it replaces (a different Blueprint under a taken name)
   */
  override(...classes: BlueprintClass[]): Catalog {
    const byName = new Map(this.byName);
    for (const cls of classes) {
      const name = cls.metadata?.name;
      const original = byName.get(name);
      if (!original) throw new CatalogError(`cannot override "${name}" with ${cls.name}: no Blueprint of that name is registered${didYouMean(name, this.names())}; add a new Blueprint with catalog.with(${cls.name})`);
      if (!(cls === original || cls.prototype instanceof original)) {
        throw new CatalogError(`cannot override "${name}" with ${cls.name}: it is not a subclass of ${original.name}, so dependents reading ${original.name}'s attributes would break; extend ${original.name}`);
      }
      byName.set(name, cls);
    }
    return new Catalog([...byName.values()]);
  }

  /**
   * Returns a new catalog without the named Blueprints.
   * @throws CatalogError for an unknown name, or when a remaining Blueprint requires a removed one
   *   (naming which, so you remove those too or keep the dependency)
   */
  without(...names: string[]): Catalog {
    for (const name of names) this.get(name);
    const removed = new Set(names);
    const blockers = [...this.byName.values()]
      .filter((cls) => !removed.has(cls.metadata.name))
      .flatMap((cls) => hardDependencies(cls).map(refName).filter((d) => removed.has(d)).map((d) => `"${cls.metadata.name}" requires "${d}"`));
    if (blockers.length > 0) throw new CatalogError(`cannot remove ${names.map((n) => `"${n}"`).join(', ')}: ${blockers.sort().join('; ')}; remove those Blueprints too, or keep it`);
    return new Catalog([...this.byName.values()].filter((cls) => !removed.has(cls.metadata.name)));
  }

  /** Every registered name, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Every registered class, sorted by name. */
  classes(): BlueprintClass[] {
    return this.names().map((n) => this.byName.get(n)!);
  }

  /** The class registered under `name`. @throws CatalogError naming the closest known names. */
  get(name: string): BlueprintClass {
    const cls = this.byName.get(name);
    if (!cls) throw new CatalogError(`unknown Blueprint "${name}"${didYouMean(name, this.names())}; known: ${this.names().join(', ')}`);
    return cls;
  }

  /** Names of the Blueprints `name` requires directly (`dependsOn`, a product's `requires`), sorted. */
  dependenciesOf(name: string): string[] {
    return [...new Set(hardDependencies(this.get(name)).map(refName))].sort();
  }

  /** Names of the Blueprints `name` uses when installed (a product's `optional`), sorted. */
  optionalDependenciesOf(name: string): string[] {
    return [...new Set(softDependencies(this.get(name)).map(refName))].sort();
  }

  /**
   * Resolves a selection: adds every missing required dependency (transitively) and orders the result
   * so each Blueprint comes after its dependencies, and a product after its optional members that are
   * in the selection.
   *
   * @throws CatalogError for an unknown name
   */
  resolve(selection: readonly string[]): Resolution {
    const wanted = new Set<string>();
    const visit = (name: string): void => {
      if (wanted.has(name)) return;
      this.get(name);
      wanted.add(name);
      for (const dep of this.dependenciesOf(name)) visit(dep);
    };
    [...selection].sort().forEach(visit);
    const selected = new Set(selection);
    const sub = new Graph({ directed: true });
    for (const name of [...wanted].sort()) sub.setNode(name);
    for (const name of [...wanted].sort()) {
      for (const dep of this.dependenciesOf(name)) sub.setEdge(dep, name);
      for (const dep of this.optionalDependenciesOf(name)) if (wanted.has(dep)) sub.setEdge(dep, name);
    }
    const ordered = stableTopsort(sub).map((n) => this.byName.get(n)!);
    const added = [...wanted]
      .filter((n) => !selected.has(n))
      .sort()
      .map((name) => ({ name, requiredBy: (sub.successors(name) ?? []).filter((s) => this.dependenciesOf(s).includes(name)).sort() }));
    return { ordered, added };
  }

  /** Names `name` is ordered after within a resolved selection: its requirements and its optional members in `installed`, sorted. */
  orderedAfter(name: string, installed: ReadonlySet<string>): string[] {
    return [...new Set([...this.dependenciesOf(name), ...this.optionalDependenciesOf(name).filter((d) => installed.has(d))])].sort();
  }
}

/** Topological order that always takes the alphabetically first ready node, so it never depends on insertion order. */
function stableTopsort(graph: Graph): string[] {
  const indegree = new Map(graph.nodes().map((n) => [n, (graph.predecessors(n) ?? []).length]));
  const ready = [...indegree].filter(([, d]) => d === 0).map(([n]) => n);
  const out: string[] = [];
  while (ready.length > 0) {
    ready.sort();
    const next = ready.shift()!;
    out.push(next);
    for (const succ of graph.successors(next) ?? []) {
      const d = indegree.get(succ)! - 1;
      indegree.set(succ, d);
      if (d === 0) ready.push(succ);
    }
  }
  return out;
}
