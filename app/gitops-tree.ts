/**
 * The GitOps half: the repository tree of one cluster, rendered with cdk8s and written by the
 * deterministic writer in `lib/gitops.ts`.
 *
 * ```
 * <gitops.path>/<cluster>/
 *   README.md                   what the folder is, what produced it, how Flux applies it
 *   catalyst-cdk.json           ownership record: the files catalyst-cdk wrote here
 *   kustomization.yaml          lists flux-system (what the bootstrap applies)
 *   flux-system/                Namespace flux-system (Pod Security labels, never pruned),
 *                               GitRepository + Kustomization `flux-system` (Flux manages itself)
 *                               + one Flux Kustomization per Blueprint, with dependsOn
 *   bp-<name>/                  Namespace, NetworkPolicies, chart source, HelmRelease, ...
 *   bp-<name>-config/           custom resources that need the Blueprint's CRDs (only where needed)
 * ```
 *
 * Every YAML file starts with a one-line comment saying it is generated; values a Blueprint explains
 * (`Blueprint.valueNotes`) carry their reason as a comment.
 */
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import type { Blueprint } from '../lib/blueprint';
import { Cluster, clusterInfoOf } from '../lib/cluster';
import { clusterLabels, type ClusterContext } from '../lib/context';
import { addFolder, FileTree, Manifest, OWNERSHIP_RECORD, renderOwnershipRecord, toYaml } from '../lib/gitops';
import { CATALYST_CDK_VERSION } from '../lib/versions';
import { blueprintObjectName } from '../lib/naming';
import { FLUX_NAMESPACE, FluxKustomization, GitRepository, PgpPublicKeys } from '../constructs/flux';
import { PlatformNamespace } from '../constructs/k8s/namespace';
import { minutes } from '../blueprints/helm';
import { Flux } from '../blueprints/platform/flux';

/** Name of the GitRepository and root Kustomization, as `flux bootstrap` names them. */
export const FLUX_SYNC_NAME = 'flux-system';

/**
 * Annotation that keeps kustomize-controller from ever deleting an object it applied
 * (https://fluxcd.io/flux/components/kustomize/kustomizations/#prune).
 */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

/**
 * Declares `flux-system` with Pod Security labels at the Flux Blueprint's level (restricted: every
 * controller runs restricted). cloud-init creates the namespace with `helm --create-namespace`
 * before Flux runs, so no object carried those labels; the root Kustomization applies this one and
 * never prunes it. `kube-system` is not declared: it belongs to k3s, which creates it, and no
 * Blueprint owns what runs in it.
 */
function fluxNamespace(chart: Chart, ctx: ClusterContext): void {
  new PlatformNamespace(chart, 'namespace', {
    name: FLUX_NAMESPACE,
    podSecurity: Flux.metadata.podSecurity.level,
    labels: clusterLabels(ctx),
    annotations: { ...PRUNE_DISABLED },
  });
}

/** Manifests of a chart, resolved. */
function manifests(chart: Chart): Manifest[] {
  return chart.toJson() as Manifest[];
}

/**
 * The GitRepository and root Flux Kustomization of a cluster, preceded by the Secret of OpenPGP
 * public keys when commits are verified (`ctx.gitops.verify`). Cloud-init applies exactly these
 * objects at bootstrap, in this order, so the Secret exists before Flux first reconciles the
 * GitRepository; the tree carries them too, so Flux then manages its own sync.
 *
 * @throws Error when a verification key is not an armored OpenPGP public key block (see `PgpPublicKeys`)
 */
export function fluxSyncManifests(ctx: ClusterContext): Manifest[] {
  const chart = new Chart(new App(), 'flux-sync');
  const labels = clusterLabels(ctx);
  const verify = ctx.gitops.verify;
  const keys = verify ? new PgpPublicKeys(chart, 'verify-keys', { name: verify.secretName, publicKeys: verify.publicKeys, labels }) : undefined;
  const source = new GitRepository(chart, 'source', {
    name: FLUX_SYNC_NAME,
    url: ctx.gitops.url,
    branch: ctx.gitops.branch,
    secretName: ctx.gitops.secretName,
    labels,
    verify: verify ? { mode: verify.mode, secretName: verify.secretName } : undefined,
  });
  if (keys) source.addDependency(keys);
  new FluxKustomization(chart, 'sync', {
    name: FLUX_SYNC_NAME,
    labels,
    path: `./${ctx.gitops.clusterPath}/flux-system`,
    sourceName: FLUX_SYNC_NAME,
    timeout: Duration.minutes(5),
  });
  return manifests(chart);
}

/** Multi-document YAML of manifests, in the given order. */
export function toMultiDocYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => toYaml(o)).join('---\n');
}

/** A Blueprint selected for a cluster, with the names of the Blueprints it depends on. */
export interface PlannedBlueprint {
  /** The Blueprint instance, with its props. */
  readonly blueprint: Blueprint;
  /** Catalog names of the Blueprints it depends on directly, e.g. `['cilium']`, sorted; each becomes a Flux `dependsOn` on `bp-<name>`. */
  readonly dependsOn: readonly string[];
}

/** What produced a tree, as its README and file headers say. */
export interface TreeProvenance {
  /**
   * The spec file's base name, e.g. `solo.yaml`: the same wherever and however the spec is given
   * (relative or absolute path, CI's temporary folders), so the tree stays byte-identical.
   * @default none: the spec was given as text (`Sovereign.fromYaml`)
   */
  readonly specFile?: string;
}

/** What the GitOps tree of a cluster holds, for reports and tests. */
export interface ClusterTree {
  /**
   * Path relative to the repository root (e.g. `clusters/<cluster>/bp-cilium/helmrelease.yaml`) →
   * content: the YAML files, the folder's `README.md` and its ownership record.
   */
  readonly files: FileTree;
  /** Number of Kubernetes objects written (kustomize's own kustomization.yaml files not counted). */
  readonly objectCount: number;
}

/** How the README and headers name the spec. */
function specLabel(provenance: TreeProvenance): string {
  return provenance.specFile ? `the Sovereign spec ${provenance.specFile}` : 'a Sovereign spec given as text';
}

/** The one-line comment every YAML file of a cluster folder starts with. */
export function generatedHeader(ctx: ClusterContext, provenance: TreeProvenance): string {
  return `# Generated by catalyst-cdk from ${specLabel(provenance)}; do not edit: the next synth replaces this file (see ${ctx.gitops.clusterPath}/README.md).\n`;
}

/** The cluster folder's README: what it is, what produced it, how Flux applies it, the Blueprint order. */
function clusterReadme(ctx: ClusterContext, planned: readonly PlannedBlueprint[], provenance: TreeProvenance): string {
  const root = ctx.gitops.clusterPath;
  const rows = planned.map(({ blueprint, dependsOn }) => {
    const m = blueprint.metadata;
    const folder = blueprintObjectName(m.name);
    const after = dependsOn.map((d) => `\`${blueprintObjectName(d)}\``).join(', ') || '—';
    return `| \`${folder}/\` | ${m.title} | \`${m.namespace}\` | ${after} |`;
  });
  return [
    `# Cluster ${ctx.cluster.name} of Sovereign ${ctx.sovereign.name}`,
    '',
    `The Flux GitOps tree of the k3s cluster \`${ctx.cluster.name}\` (${ctx.cluster.role} region, Hetzner location \`${ctx.cluster.location}\`)`,
    `of the Sovereign \`${ctx.sovereign.name}\` (\`${ctx.sovereign.fqdn}\`).`,
    '',
    `Generated by catalyst-cdk ${CATALYST_CDK_VERSION} from ${specLabel(provenance)}. **Do not edit these files by hand**: the`,
    'next synth replaces them. Change the spec (or a Blueprint\'s props) and synthesize again.',
    `\`${OWNERSHIP_RECORD}\` lists every file catalyst-cdk wrote here; a synth replaces and removes only those and`,
    'leaves any other file in this repository alone.',
    '',
    '## How Flux applies it',
    '',
    `1. At first boot, cloud-init on the first control plane server installs Flux and applies the \`GitRepository\``,
    `   and \`Kustomization\` \`${FLUX_SYNC_NAME}\` from \`flux-system/\`: Flux follows branch \`${ctx.gitops.branch}\` of`,
    `   ${ctx.gitops.url} and applies \`./${root}/flux-system\`.`,
    `2. \`flux-system/\` holds the \`flux-system\` namespace, Flux's own sync objects (so Flux manages itself) and one`,
    '   Flux `Kustomization` per Blueprint folder.',
    '3. Each Blueprint folder (its namespace, NetworkPolicies, chart source and `HelmRelease`) is applied once',
    '   the folders it depends on are ready; Flux prunes what is removed from Git.',
    '',
    '| folder | Blueprint | namespace | applied after |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Comments in the YAML files say why a non-obvious value is set.',
    '',
  ].join('\n');
}

/**
 * Renders the tree of one cluster: every YAML file with the generated header, the notes of the
 * Blueprints' values as comments, the folder's README and its ownership record.
 *
 * @param ctx the cluster's shared facts
 * @param planned the Blueprints in install order, each with its dependency names
 * @param provenance what produced the tree, for the README and headers. @default a spec given as text
 * @param cluster the cluster the Blueprints bind into. @default built from `ctx` with the planned Blueprints
 * @throws Error when two objects of one folder would get the same file name, when a Blueprint's
 *   `timeout` is not whole minutes, or when a value note names a path its object lacks
 * @throws BlueprintError (naming the construct path) for whatever a Blueprint's rendering throws
 */
export function renderClusterTree(ctx: ClusterContext, planned: readonly PlannedBlueprint[], provenance: TreeProvenance = {}, cluster: Cluster = new Cluster(clusterInfoOf(ctx), planned.map((p) => p.blueprint))): ClusterTree {
  const files: FileTree = new Map();
  const root = ctx.gitops.clusterPath;
  const fluxChart = new Chart(new App(), 'flux-system');
  fluxNamespace(fluxChart, ctx);
  const labels = clusterLabels(ctx);
  let objectCount = 0;
  const kustomization = (id: string, folder: string, dependsOn: readonly string[], timeout: string) =>
    new FluxKustomization(fluxChart, id, {
      name: folder,
      labels,
      path: `./${root}/${folder}`,
      sourceName: FLUX_SYNC_NAME,
      dependsOn,
      timeout: minutes(timeout),
    });
  const declared = new Map<string, readonly string[]>(planned.map((p) => [p.blueprint.metadata.name, p.dependsOn]));
  const implied = (name: string): Set<string> => {
    const seen = new Set<string>();
    const visit = (n: string) => (declared.get(n) ?? []).forEach((d) => !seen.has(d) && (seen.add(d), visit(d)));
    visit(name);
    return seen;
  };

  for (const { blueprint, dependsOn } of planned) {
    const m = blueprint.metadata;
    const folder = blueprintObjectName(m.name);
    // One App per folder: a chart's synthesis validates its whole App, so a shared App would cost the square of the folder count.
    const chart = new Chart(new App(), folder);
    const configChart = new Chart(new App(), `${folder}-config`);
    blueprint.bind(chart, cluster, { configScope: configChart });
    const objects = manifests(chart);
    addFolder(files, `${root}/${folder}`, objects, [], blueprint.valueNotes(cluster));
    objectCount += objects.length;
    // A peer read is ordered before its reader unless the graph orders the two already; a read of a
    // Blueprint that depends on the reader (a server allowing its client) adds no edge, so none can form a cycle.
    const before = implied(m.name);
    const read = (cluster.references.get(m.name) ?? []).filter((peer) => !before.has(peer) && !implied(peer).has(m.name));
    const after = [...new Set([...dependsOn, ...read])].sort();
    declared.set(m.name, after);
    kustomization(folder, folder, after.map(blueprintObjectName), m.timeout ?? '10m');

    if (configChart.node.findAll().some((c) => c instanceof ApiObject)) {
      const configObjects = manifests(configChart);
      addFolder(files, `${root}/${folder}-config`, configObjects);
      objectCount += configObjects.length;
      kustomization(`${folder}-config`, `${folder}-config`, [folder], m.timeout ?? '10m');
    }
  }

  const fluxObjects = [...fluxSyncManifests(ctx), ...manifests(fluxChart)];
  addFolder(files, `${root}/flux-system`, fluxObjects);
  objectCount += fluxObjects.length;
  files.set(`${root}/kustomization.yaml`, toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['flux-system'] }));
  const header = generatedHeader(ctx, provenance);
  for (const [path, content] of files) files.set(path, `${header}${content}`);
  files.set(`${root}/README.md`, clusterReadme(ctx, planned, provenance));
  const owned = [...files.keys()].map((p) => p.slice(root.length + 1));
  const record = { generator: 'catalyst-cdk', version: CATALYST_CDK_VERSION, sovereign: ctx.sovereign.name, cluster: ctx.cluster.name, files: owned } as const;
  files.set(`${root}/${OWNERSHIP_RECORD}`, renderOwnershipRecord(record));
  return { files, objectCount };
}
