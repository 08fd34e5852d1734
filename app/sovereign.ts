/**
 * `Sovereign`: the model built from a spec (clusters, their contexts, the resolved Blueprints) and
 * its synthesis into Terraform JSON and a GitOps tree, written atomically.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App } from 'cdktf';
import { propsSchemaOf, type Blueprint, type BlueprintClass, type BlueprintMetadata, type GeneratedSecret } from '../lib/blueprint';
import type { AddedDependency, Catalog, Resolution } from '../lib/catalog';
import { Cluster, clusterInfoOf } from '../lib/cluster';
import { ClusterContext, clusterContext } from '../lib/context';
import { CatalogError, OutputError, SynthError, type SpecProblem } from '../lib/errors';
import { CDKTF_MANIFEST, previousCdktfStacks } from '../lib/cdktf-out';
import { FileTree, readOwnershipRecord, readTree } from '../lib/gitops';
import { OutputPlan, writeOutputs } from '../lib/output';
import { stackName } from '../lib/naming';
import { loadSpec, parseSpec, specFromInput } from '../lib/spec/load';
import type { SovereignSpecInput } from '../lib/spec/schema';
import { specWarnings, type BlueprintNames } from '../lib/spec/validate';
import type { RegionSpec, SovereignSpec } from '../lib/spec/types';
import { BOOTSTRAP_KIT, builtinCatalog } from '../blueprints';
import { HelmBlueprint } from '../blueprints/helm';
import { RETIRED_BLUEPRINTS } from '../blueprints/retired';
import { fluxSyncManifests, PlannedBlueprint, renderClusterTree, toMultiDocYaml } from './gitops-tree';
import { DestructiveChange, DestructiveChangeError, destructiveChanges, StackJson } from './destructive-changes';
import { LOCAL_STATE_DIR } from './region-stack';
import { RegionStack } from './region-stack';

/** Options of a `Sovereign`. */
export interface SovereignOptions {
  /** Blueprint catalog. @default the built-in catalog (`builtinCatalog()`) */
  readonly catalog?: Catalog;
  /**
   * Blueprint instances with typed props (library use). Each replaces the instance the spec would
   * create for its name and is added to the selection.
   * @default none
   */
  readonly blueprints?: readonly Blueprint[];
  /**
   * Base name of the spec file, named in each cluster folder's README and file headers.
   * @default `fromFile` sets the file's base name; otherwise none (the README says the spec was given as text)
   */
  readonly specFile?: string;
}

/** One cluster of the Sovereign. */
export interface ClusterPlan {
  /** The region as loaded from the spec, defaults applied. */
  readonly region: RegionSpec;
  /** The cluster context computed from the spec and this region. */
  readonly ctx: ClusterContext;
  /** The cluster as its Blueprints see it: the narrow facts and the Blueprint instances. */
  readonly cluster: Cluster;
}

/** One cdktf stack of a synthesis. */
export interface StackReport {
  /** Stack name, `<sovereign>-<cluster>`. */
  readonly name: string;
  /** Resources and data sources in its Terraform JSON. */
  readonly resources: number;
  /** Size of the largest server user_data, in bytes as Hetzner counts them (the limit is 32 KiB). */
  readonly largestUserDataBytes: number;
}

/** One cluster's GitOps folder of a synthesis. */
export interface ClusterReport {
  /** Cluster name. */
  readonly name: string;
  /** Folder relative to the GitOps repository root, e.g. `clusters/hz-fsn-mgt-prod`. */
  readonly path: string;
  /** Kubernetes objects written. */
  readonly objects: number;
  /** Files written, README and ownership record included. */
  readonly files: number;
}

/** The GitOps tree of every cluster of a Sovereign. */
export interface GitopsTree {
  /** Path relative to the repository root → content. */
  readonly files: FileTree;
  /** Per cluster: its folder and counts. */
  readonly clusters: readonly ClusterReport[];
}

/** The Blueprints a Sovereign installs (see `selectBlueprints`). */
export interface BlueprintSelection {
  /** The resolved selection, dependencies first. */
  readonly resolution: Resolution;
  /**
   * Blueprints installed whatever the selection says, neither selected nor given: the pre-installed
   * ones, reported as added for `bootstrap`, and those of tier `mandatory`, reported as added for
   * `mandatory`.
   */
  readonly forBootstrap: AddedDependency[];
}

/** What a synthesis produced. */
export interface SynthReport {
  /** Per cdktf stack: its name and number of resources and data sources. */
  readonly stacks: readonly StackReport[];
  /** Per cluster: its GitOps folder and number of Kubernetes objects. */
  readonly clusters: readonly ClusterReport[];
  /** Blueprints added because selected ones need them. */
  readonly added: readonly AddedDependency[];
  /** Allowed settings that weaken the security posture (see `Sovereign.warnings`). */
  readonly warnings: readonly SpecProblem[];
  /**
   * Things to do by hand, one sentence each, e.g. moving a stack's state from where an earlier
   * catalyst-cdk kept it (`cdktf.out/stacks/<stack>/terraform.tfstate`) with `terraform init -migrate-state`.
   */
  readonly notices: readonly string[];
  /** Destructive changes against the previous synth that `allowDestructive` let through (empty otherwise). */
  readonly destructive: readonly DestructiveChange[];
}

/**
 * Where `synthesize` writes; an omitted output is not produced. Each output owns only the files it
 * wrote (see `lib/output.ts`).
 */
export interface SynthTargets {
  /**
   * cdktf output folder: `manifest.json` and `stacks/<stack>/cdk.tf.json` are ours (cdktf's manifest
   * lists them); Terraform's `.terraform/` and lock files there are left alone. The local backend's
   * state lives beside it, in `terraform-state/` (see `LOCAL_STATE_DIR`), which a synth never touches.
   */
  readonly terraformOut?: string;
  /**
   * Root of the GitOps repository (a Git checkout is fine): each cluster's folder
   * `<gitops.path>/<cluster>/` is written there, with an ownership record; nothing else in the
   * repository is touched.
   */
  readonly gitopsOut?: string;
  /**
   * Take over output folders without an ownership record (e.g. written by hand or by an earlier
   * catalyst-cdk), and files in them at paths catalyst-cdk writes; other files are still left alone.
   * @default false: such folders and files are refused with an `OutputError`
   */
  readonly adopt?: boolean;
  /**
   * Set when the cdktf CLI runs the app (`cdktf synth`/`deploy`, which set `CDKTF_OUTDIR`). The CLI
   * itself deletes the folders of stacks it no longer sees after the app exits, so their folders are
   * left for it (emptied of our files) — and a synth is refused when such a folder holds a Terraform
   * state file the CLI would delete with it.
   * @default false: folders of stacks no longer synthesized are removed when nothing else is in them
   */
  readonly underCdktfCli?: boolean;
  /**
   * Write the Terraform output even when, compared with the stacks the previous synth left in
   * `terraformOut`, it removes a control plane server or changes the control plane's or a pool's
   * server type (see `destructiveChanges`). The changes are reported in `SynthReport.destructive`.
   * @default false: such a synth throws `DestructiveChangeError` and writes nothing
   */
  readonly allowDestructive?: boolean;
}

/**
 * For each stack whose state is still where catalyst-cdk 0.1 kept it (in its stack folder, which
 * the local backend no longer points at) and not yet in `terraform-state/`: how to move it.
 */
function legacyStateNotices(out: string, stacks: readonly string[]): string[] {
  return stacks
    .filter((s) => filesIn(join(out, 'stacks', s)).includes('terraform.tfstate') && !filesIn(join(out, '..', LOCAL_STATE_DIR)).includes(`${s}.tfstate`))
    .map((s) => `the state of stack ${s} is still in ${join(out, 'stacks', s, 'terraform.tfstate')}; move it to ${LOCAL_STATE_DIR}/ once with: terraform -chdir=${join(out, 'stacks', s)} init -migrate-state`);
}

/** Names of the entries of a folder; none when it does not exist. */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * What spec validation needs from a catalog: its names, the retired names, and which Blueprints a
 * selection installs (with the pre-installed ones and the library's Blueprint instances).
 */
function specCatalog(catalog: Catalog, options: SovereignOptions): BlueprintNames {
  const known = catalog.names();
  const instances = (options.blueprints ?? []).map((bp) => bp.metadata.name).filter((n) => known.includes(n));
  return {
    known,
    retired: RETIRED_BLUEPRINTS,
    installed: (selection) => selectBlueprints(catalog, selection, instances).resolution.ordered.map((cls) => cls.metadata.name),
    chartRepositories: Object.fromEntries(known.flatMap((n) => {
      const chart = catalog.get(n).metadata.chart;
      return chart ? [[n, chart.repository]] : [];
    })),
    propsSchemas: Object.fromEntries(known.map((n) => [n, propsSchemaOf(catalog.get(n))])),
  };
}

/**
 * The Blueprints a Sovereign installs, the one place of that rule: the spec's selection, the
 * Blueprints given as instances, every Blueprint cloud-init pre-installs (`preinstalled`) and every
 * Blueprint of tier `mandatory`, with their dependency closure.
 *
 * @param selection the spec's `spec.blueprints.install`
 * @param instances names of the Blueprint instances given in code
 * @returns the resolution, and the pre-installed and mandatory Blueprints neither selected nor given, which the report lists as added for `bootstrap` or `mandatory`
 * @throws CatalogError for an unknown name
 */
export function selectBlueprints(catalog: Catalog, selection: readonly string[], instances: readonly string[]): BlueprintSelection {
  const always = (test: (m: BlueprintMetadata) => boolean) => catalog.names().filter((n) => test(catalog.get(n).metadata));
  const preinstalled = always((m) => m.preinstalled === true);
  const mandatory = always((m) => m.tier === 'mandatory' && !m.preinstalled);
  const explicit = new Set([...selection, ...instances]);
  const resolution = catalog.resolve([...new Set([...explicit, ...preinstalled, ...mandatory])]);
  const forBootstrap = [
    ...preinstalled.filter((n) => !explicit.has(n)).map((name) => ({ name, requiredBy: ['bootstrap'] })),
    ...mandatory.filter((n) => !explicit.has(n)).map((name) => ({ name, requiredBy: ['mandatory'] })),
  ];
  return { resolution, forBootstrap };
}

/**
 * A Sovereign built from a loaded spec: one cluster per region and the Blueprints every cluster
 * runs (the spec's selection, the Blueprints cloud-init pre-installs, and their dependency closure).
 */
export class Sovereign {
  /** The loaded spec the model was built from. */
  readonly spec: SovereignSpec;
  /** Catalog the Blueprints were resolved against (`options.catalog`, else the built-in catalog). */
  readonly catalog: Catalog;
  /** One cluster per region, in spec order; the first is the primary. */
  readonly clusters: readonly ClusterPlan[];
  /** Blueprints to install, dependencies first. */
  readonly blueprints: readonly PlannedBlueprint[];
  /** Blueprints added to the spec's selection, with who needs them. */
  readonly added: readonly AddedDependency[];
  /**
   * Settings the spec confirmed but that weaken the security posture, e.g. SSH open to `0.0.0.0/0`
   * with `spec.ssh.allowFromInternet: true`. The CLI prints them on every synth.
   */
  readonly warnings: readonly SpecProblem[];
  /** Base name of the spec file (`SovereignOptions.specFile`), or undefined for a spec given as text. */
  readonly specFile?: string;

  /**
   * Loads and validates a spec file and builds the model.
   * @throws SpecError for an invalid spec (nothing is built)
   */
  static fromFile(file: string, options: SovereignOptions = {}): Sovereign {
    const catalog = options.catalog ?? builtinCatalog();
    return new Sovereign(loadSpec(file, { catalog: specCatalog(catalog, options), defaultBlueprints: BOOTSTRAP_KIT }), { specFile: basename(file), ...options, catalog });
  }

  /**
   * Parses and validates a spec from YAML text and builds the model.
   * @throws SpecError for an invalid spec
   */
  static fromYaml(text: string, options: SovereignOptions = {}): Sovereign {
    const catalog = options.catalog ?? builtinCatalog();
    return new Sovereign(parseSpec(text, { catalog: specCatalog(catalog, options), defaultBlueprints: BOOTSTRAP_KIT }), { ...options, catalog });
  }

  /**
   * Validates a spec given as a typed object (the shape of the YAML document, `SovereignSpecInput`)
   * and builds the model: the TypeScript way to compose a Sovereign, with the same validation and
   * errors as a YAML spec (without line numbers).
   * @throws SpecError for an invalid spec (nothing is built)
   */
  static fromSpec(input: SovereignSpecInput, options: SovereignOptions = {}): Sovereign {
    const catalog = options.catalog ?? builtinCatalog();
    return new Sovereign(specFromInput(input, { catalog: specCatalog(catalog, options), defaultBlueprints: BOOTSTRAP_KIT }), { ...options, catalog });
  }

  /**
   * @param spec a loaded spec (see `loadSpec`)
   * @throws CatalogError when a Blueprint instance's class is not in the catalog, a selected name is
   *   unknown, or `spec.blueprints.verify` names a Blueprint given as an instance or one that is not a `HelmBlueprint`
   * @throws Error when a Blueprint's props are invalid, e.g. a `verify` for a chart that is not OCI (see `HelmBlueprint`)
   */
  constructor(spec: SovereignSpec, options: SovereignOptions = {}) {
    this.spec = spec;
    this.specFile = options.specFile;
    this.warnings = specWarnings(spec);
    this.catalog = options.catalog ?? builtinCatalog();
    const instances = new Map<string, Blueprint>();
    for (const bp of options.blueprints ?? []) {
      const name = bp.metadata.name;
      const registered = this.catalog.names().includes(name) ? this.catalog.get(name) : undefined;
      if (registered !== (bp.constructor as unknown as BlueprintClass)) {
        const fix = registered ? `catalog.override(${bp.constructor.name})` : `catalog.with(${bp.constructor.name})`;
        throw new CatalogError(`Blueprint instance ${bp.constructor.name} ("${name}") is not the class registered under that name${registered ? ` (${registered.name})` : ''}; pass a catalog made with ${fix}`);
      }
      instances.set(name, bp);
    }
    const { resolution, forBootstrap } = selectBlueprints(this.catalog, spec.spec.blueprints.install, [...instances.keys()]);
    this.added = [...resolution.added, ...forBootstrap].sort((a, b) => a.name.localeCompare(b.name));
    const installed = new Set(resolution.ordered.map((cls) => cls.metadata.name));
    this.blueprints = resolution.ordered.map((cls) => {
      const name = cls.metadata.name;
      const values = spec.spec.blueprints.values[name];
      const verify = spec.spec.blueprints.verify[name];
      const props = spec.spec.blueprints.props[name];
      for (const [field, set] of [['verify', verify], ['props', props]] as const) {
        if (set && instances.has(name)) {
          throw new CatalogError(`spec.blueprints.${field}.${name} is set and a Blueprint instance for "${name}" is given, whose props decide; set them in the instance's props and remove spec.blueprints.${field}.${name}`);
        }
      }
      const fromSpec = props || values || verify ? { ...props, ...(values ? { values } : {}), ...(verify ? { verify } : {}) } : undefined;
      const blueprint = instances.get(name) ?? new cls(fromSpec as never);
      if (verify && !(blueprint instanceof HelmBlueprint)) {
        throw new CatalogError(`spec.blueprints.verify.${name} is set, but ${cls.name} is not a HelmBlueprint, the kind of Blueprint that renders a verifiable chart source; remove the entry`);
      }
      return { blueprint, dependsOn: this.catalog.orderedAfter(name, installed) };
    });
    this.clusters = spec.spec.regions.map((region) => {
      const ctx = clusterContext(spec, region);
      return { region, ctx, cluster: new Cluster(clusterInfoOf(ctx), this.blueprints.map((p) => p.blueprint)) };
    });
  }

  /** The Helm installs cloud-init performs before Flux, in install order. */
  private preinstalls(ctx: Cluster) {
    return this.blueprints
      .map((p) => p.blueprint)
      .filter((bp): bp is HelmBlueprint => bp.metadata.preinstalled === true && bp instanceof HelmBlueprint)
      .map((bp) => bp.preinstall(ctx));
  }

  /**
   * Builds the cdktf stacks into `app`, one per region; the standby region's stack depends on the primary's.
   * @throws SynthError when a node's cloud-init exceeds Hetzner's 32 KiB user_data limit
   * @throws CatalogError when Blueprints declare one bootstrap Secret with different keys
   */
  buildStacks(app: App): RegionStack[] {
    const stacks: RegionStack[] = [];
    for (const { region, ctx, cluster } of this.clusters) {
      const stack = new RegionStack(app, stackName(this.spec.metadata.name, region.cluster), {
        spec: this.spec,
        region,
        ctx,
        createsSshKeys: region.index === 0,
        preinstall: this.preinstalls(cluster),
        fluxSync: toMultiDocYaml(fluxSyncManifests(ctx)),
        bootstrapSecrets: mergeBootstrapSecrets(this.blueprints.flatMap((p) => p.blueprint.bootstrapSecrets(cluster))),
      });
      if (stacks[0]) stack.addDependency(stacks[0]);
      stacks.push(stack);
    }
    return stacks;
  }

  /**
   * Renders the GitOps tree of every cluster (paths relative to the repository root): the YAML
   * files, each cluster folder's `README.md` and its ownership record.
   * @throws Error as `renderClusterTree` does
   */
  gitopsTree(): GitopsTree {
    const files: FileTree = new Map();
    const clusters = this.clusters.map(({ ctx, cluster }) => {
      const tree = renderClusterTree(ctx, this.blueprints, { specFile: this.specFile }, cluster);
      for (const [path, content] of tree.files) files.set(path, content);
      return { name: ctx.cluster.name, path: ctx.gitops.clusterPath, objects: tree.objectCount, files: tree.files.size };
    });
    return { files, clusters };
  }

  /**
   * The Terraform JSON files of every stack (`manifest.json` and `stacks/<stack>/cdk.tf.json`),
   * synthesized by cdktf into a temporary folder and read back.
   * @throws as `buildStacks`
   */
  private terraformFiles(): { files: FileTree; stacks: SynthReport['stacks'] } {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-cdk-terraform-'));
    try {
      const app = new App({ outdir: dir, stackTraces: false });
      const built = this.buildStacks(app);
      app.synth();
      const files = readTree(dir);
      const stacks = built.map((s) => ({ name: s.node.id, resources: countResources(JSON.parse(files.get(stackFile(s.node.id))!)), largestUserDataBytes: s.cluster.largestUserDataBytes }));
      return { files, stacks };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Builds both outputs in memory and writes none: every check `synthesize` makes before writing
   * (Hetzner's 32 KiB user_data limit, each Blueprint's rendering) with no output folder touched
   * (cdktf renders into a scratch folder in the OS temp folder, removed again).
   *
   * @returns what `synthesize` would report with both outputs requested; `destructive` and `notices`
   *   are empty, as there is no previous output to compare with
   * @throws SynthError (or any rendering error) as `synthesize` does
   */
  check(): SynthReport {
    const { stacks } = this.terraformFiles();
    return { stacks, clusters: this.gitopsTree().clusters, added: this.added, warnings: this.warnings, notices: [], destructive: [] };
  }

  /**
   * The write plan of the cdktf output folder: our files replace the previous synth's; under the
   * cdktf CLI the folders of stacks no longer synthesized are left for the CLI to delete.
   * @throws OutputError when the CLI would delete a Terraform state file with such a folder
   */
  private terraformPlan(out: string, files: FileTree, targets: SynthTargets): OutputPlan {
    const stacks = previousCdktfStacks(out);
    const orphans = (stacks ?? []).filter((s) => !files.has(s.synthesizedStackPath)).map((s) => s.workingDirectory);
    if (targets.underCdktfCli) {
      const doomed = orphans.flatMap((dir) => filesIn(join(out, dir)).filter((f) => f.endsWith('.tfstate')).map((f) => join(out, dir, f)));
      if (doomed.length > 0) {
        throw new OutputError(doomed.map((f) => `${f} is Terraform state of a stack this spec no longer has, and the cdktf CLI deletes that stack's folder after a synth; move the file to ${LOCAL_STATE_DIR}/ beside ${out} (or destroy the stack with its own spec first), then synthesize again`));
      }
    }
    const previous = stacks && [CDKTF_MANIFEST, ...stacks.map((s) => s.synthesizedStackPath)];
    return { root: out, files, previous, adopt: targets.adopt, keepFolders: targets.underCdktfCli ? orphans : [] };
  }

  /**
   * Synthesizes the requested outputs. Everything is rendered in memory first, each new stack is
   * compared with the one already in `terraformOut`, and every output folder is checked; then the
   * files are written all or nothing (see `writeOutputs`): on any failure the previous outputs stay
   * exactly as they were.
   *
   * @throws DestructiveChangeError when a stack would remove a control plane server or change a
   *   server type (see `destructiveChanges`) and `targets.allowDestructive` is not set
   * @throws SynthError when a previous stack file exists but is not JSON (and `allowDestructive` is not set)
   * @throws SynthError (a hard limit such as user_data), OutputError (an output folder that is not
   *   ours, see `SynthTargets.adopt`), or any rendering error — all
   *   before anything is written; a file system error while writing, after restoring the outputs
   */
  synthesize(targets: SynthTargets): SynthReport {
    const plans: OutputPlan[] = [];
    let stacks: SynthReport['stacks'] = [];
    let destructive: DestructiveChange[] = [];
    if (targets.terraformOut) {
      const out = targets.terraformOut;
      const rendered = this.terraformFiles();
      stacks = rendered.stacks;
      destructive = compareWithPrevious(out, rendered.files, stacks.map((s) => s.name), targets.allowDestructive ?? false);
      plans.push(this.terraformPlan(out, rendered.files, targets));
    }
    let clusters: SynthReport['clusters'] = [];
    if (targets.gitopsOut) {
      const tree = this.gitopsTree();
      clusters = tree.clusters;
      for (const c of clusters) {
        const prefix = `${c.path}/`;
        const files: FileTree = new Map([...tree.files].filter(([p]) => p.startsWith(prefix)).map(([p, content]) => [p.slice(prefix.length), content]));
        const root = join(targets.gitopsOut, c.path);
        plans.push({ root, files, previous: readOwnershipRecord(root), adopt: targets.adopt });
      }
    }
    const notices = targets.terraformOut ? legacyStateNotices(targets.terraformOut, stacks.map((s) => s.name)) : [];
    writeOutputs(plans);
    return { stacks, clusters, added: this.added, warnings: this.warnings, notices, destructive };
  }
}

/**
 * Merges Secrets declared by several Blueprints under one name (a producer and its consumers) into
 * one, present in all their namespaces with the same values; sorted by name.
 *
 * @throws CatalogError when two declarations of one name disagree on the keys
 */
export function mergeBootstrapSecrets(secrets: readonly GeneratedSecret[]): GeneratedSecret[] {
  const byName = new Map<string, GeneratedSecret>();
  for (const s of secrets) {
    const prev = byName.get(s.name);
    if (!prev) {
      byName.set(s.name, s);
      continue;
    }
    const keys = (x: GeneratedSecret) => JSON.stringify([[...x.randomKeys].sort(), Object.entries(x.fixed ?? {}).sort()]);
    if (keys(prev) !== keys(s)) throw new CatalogError(`Blueprints declare the bootstrap Secret "${s.name}" with different keys; use one layout or another name`);
    byName.set(s.name, { ...prev, namespaces: [...new Set([...prev.namespaces, ...s.namespaces])].sort() });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Compares every new stack (`next`, the rendered cdktf output) with the same stack in
 * `previousOut`, where there is one.
 *
 * @returns the destructive changes (only when `allow`)
 * @throws DestructiveChangeError when there are destructive changes and not `allow`
 * @throws SynthError when a previous stack file is not JSON and not `allow` (it is skipped when `allow`)
 */
function compareWithPrevious(previousOut: string, next: FileTree, stacks: readonly string[], allow: boolean): DestructiveChange[] {
  const changes: DestructiveChange[] = [];
  for (const stack of stacks) {
    const file = join(previousOut, stackFile(stack));
    if (!existsSync(file)) continue;
    let previous: StackJson;
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
    } catch (err) {
      if (allow) continue;
      throw new SynthError(`cannot compare with the previous synth: ${file} is not readable JSON (${(err as Error).message}); restore it from version control, or synthesize with --allow-destructive to skip the comparison`);
    }
    changes.push(...destructiveChanges(stack, previous, JSON.parse(next.get(stackFile(stack))!) as StackJson));
  }
  if (changes.length > 0 && !allow) throw new DestructiveChangeError(changes, previousOut);
  return changes;
}

/** Path of a stack's Terraform JSON inside the cdktf output folder, as cdktf writes it. */
function stackFile(stack: string): string {
  return `stacks/${stack}/cdk.tf.json`;
}

/** Number of resources and data sources in a synthesized stack's Terraform JSON. */
function countResources(tf: { resource?: Record<string, object>; data?: Record<string, object> }): number {
  const count = (block?: Record<string, object>) => Object.values(block ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return count(tf.resource) + count(tf.data);
}
