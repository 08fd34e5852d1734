/**
 * The GitOps half: the repository tree of one cluster, rendered with cdk8s and written by the
 * deterministic writer in `lib/gitops.ts`.
 *
 * ```
 * <gitops.path>/<cluster>/
 *   kustomization.yaml          lists flux-system (what the bootstrap applies)
 *   flux-system/                Namespace flux-system (Pod Security labels, never pruned),
 *                               GitRepository + Kustomization `flux-system` (Flux manages itself)
 *                               + one Flux Kustomization per Blueprint, with dependsOn
 *   bp-<name>/                  Namespace, NetworkPolicies, chart source, HelmRelease, ...
 *   bp-<name>-config/           custom resources that need the Blueprint's CRDs (only where needed)
 * ```
 */
import { App, Chart, Duration } from 'cdk8s';
import type { Blueprint } from '../lib/blueprint';
import { clusterLabels, type ClusterContext } from '../lib/context';
import { addFolder, FileTree, Manifest, toYaml } from '../lib/gitops';
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

/** What the GitOps tree of a cluster holds, for reports and tests. */
export interface ClusterTree {
  /** Path relative to the repository root (e.g. `clusters/<cluster>/bp-cilium/helmrelease.yaml`) → YAML text. */
  readonly files: FileTree;
  /** Number of Kubernetes objects written (kustomize's own kustomization.yaml files not counted). */
  readonly objectCount: number;
}

/**
 * Renders the tree of one cluster.
 *
 * @param ctx the cluster's shared facts
 * @param planned the Blueprints in install order, each with its dependency names
 * @throws Error when two objects of one folder would get the same file name, when a Blueprint's
 *   `timeout` is not whole minutes, or whatever a Blueprint's `render` throws
 */
export function renderClusterTree(ctx: ClusterContext, planned: readonly PlannedBlueprint[]): ClusterTree {
  const files: FileTree = new Map();
  const root = ctx.gitops.clusterPath;
  const app = new App();
  const fluxChart = new Chart(app, 'flux-system');
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

  for (const { blueprint, dependsOn } of planned) {
    const m = blueprint.metadata;
    const folder = blueprintObjectName(m.name);
    const chart = new Chart(app, folder);
    blueprint.render(chart, ctx);
    const objects = manifests(chart);
    addFolder(files, `${root}/${folder}`, objects);
    objectCount += objects.length;
    kustomization(folder, folder, dependsOn.map(blueprintObjectName), m.timeout ?? '10m');

    const configChart = new Chart(app, `${folder}-config`);
    if (blueprint.renderConfig(configChart, ctx)) {
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
  return { files, objectCount };
}
