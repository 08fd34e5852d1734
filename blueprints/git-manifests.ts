/**
 * `GitManifestsBlueprint`: the base of Blueprints whose upstream publishes plain manifests in Git
 * instead of a Helm chart. Flux fetches the manifests itself, from the repository pinned in
 * `metadata.manifests` (tag and commit), so no copy of upstream files lives in this repository or
 * in the GitOps tree; subclasses adjust them with Flux's own kustomize options (target namespace,
 * image tags, patches).
 */
import { Duration } from 'cdk8s';
import { Blueprint, BlueprintConstruct, BlueprintMetadata, BlueprintProps, ManifestsMetadata } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import { blueprintObjectName } from '../lib/naming';
import { FluxKustomization, FluxKustomizationProps, GitRepository } from '../constructs/flux';
import { minutes } from './helm';
import { blueprintLabels, renderNamespace } from './namespace';

/** Metadata of a Blueprint installed from Git manifests: the component part with `manifests` set (and no `chart`). */
export type GitManifestsBlueprintMetadata = BlueprintMetadata & ManifestsMetadata;

/** How a subclass adjusts the upstream manifests (Flux Kustomization fields of the same names). */
export type ManifestAdjustments = Pick<FluxKustomizationProps, 'targetNamespace' | 'images' | 'patches'>;

/**
 * A Blueprint that installs an upstream project's Git manifests with Flux: its folder holds the
 * namespace with Pod Security labels and NetworkPolicies, a `GitRepository` pinned to the commit of
 * the release tag (fetching only the manifests folder), and a Flux `Kustomization` named
 * `bp-<name>-manifests` that applies that folder with the subclass's adjustments and waits for
 * everything it applied to be ready. The Blueprint's own Kustomization (`bp-<name>`) is Ready only
 * once that one is.
 */
export abstract class GitManifestsBlueprint<P extends BlueprintProps = BlueprintProps> extends Blueprint<P> {
  /**
   * The class's static metadata, with its manifests pin.
   * @throws Error when the metadata names no manifests, or a chart as well
   */
  get metadata(): GitManifestsBlueprintMetadata {
    const m = super.metadata;
    if (m.manifests === undefined || m.chart !== undefined) {
      throw new Error(`Blueprint ${m.name} is a GitManifestsBlueprint, so its metadata must set manifests and no chart`);
    }
    return m as GitManifestsBlueprintMetadata;
  }

  /** Flux object name of the Kustomization that applies the upstream manifests. */
  get manifestsObjectName(): string {
    return `${blueprintObjectName(this.metadata.name)}-manifests`;
  }

  /** How the upstream manifests are adjusted for a cluster. @default not at all */
  protected adjustments(_ctx: Cluster): ManifestAdjustments {
    return {};
  }

  /**
   * Renders namespace and NetworkPolicies, the pinned `GitRepository` and the Kustomization applying its manifests folder.
   * @throws Error when `metadata.timeout` is not whole minutes, or for an invalid network rule (see `NamespaceNetworkPolicies`)
   */
  protected render(chart: BlueprintConstruct, ctx: Cluster): void {
    const m = this.metadata;
    const pin = m.manifests;
    const name = blueprintObjectName(m.name);
    const labels = blueprintLabels(this, ctx);
    renderNamespace(chart, this, ctx);
    new GitRepository(chart, 'source', {
      name,
      labels,
      url: pin.repository,
      tag: pin.tag,
      commit: pin.commit,
      interval: Duration.hours(1),
      ignore: `/*\n!/${pin.path}/\n`,
    });
    new FluxKustomization(chart, 'manifests', {
      name: this.manifestsObjectName,
      labels,
      path: `./${pin.path}`,
      sourceName: name,
      timeout: minutes(m.timeout ?? '10m'),
      ...this.adjustments(ctx),
    });
  }
}
