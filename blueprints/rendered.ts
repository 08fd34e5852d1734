/**
 * `RenderedBlueprint`: the base of Blueprints whose upstream publishes no Helm chart and no manifests
 * (a CLI image, a binary of the reference project), so catalyst-cdk renders the Kubernetes objects
 * itself: its namespace with Pod Security labels and NetworkPolicies, then the subclass's objects.
 */
import { Blueprint, BlueprintConstruct, BlueprintMetadata, BlueprintProps, RenderedMetadata } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import type { TaggedImagePin } from '../lib/versions';
import { blueprintLabels, renderNamespace } from './namespace';

/** Metadata of a Blueprint that renders its own objects: the component part with `images` set (and no chart or manifests). */
export type RenderedBlueprintMetadata = BlueprintMetadata & RenderedMetadata;

/** Kubernetes object metadata of one object a Blueprint renders in its own namespace. */
export interface RenderedObjectMeta {
  /** Object name. */
  readonly name: string;
  /** The Blueprint's namespace. */
  readonly namespace: string;
  /** The Blueprint's labels (`blueprintLabels`). */
  readonly labels: Record<string, string>;
}

/**
 * A Blueprint that renders its objects itself, for a component no upstream chart or manifests
 * install. Subclasses set `metadata.images` (with `componentMetadata({ pin: { images, docs } })`) and
 * implement `renderObjects`.
 */
export abstract class RenderedBlueprint<P extends BlueprintProps = BlueprintProps> extends Blueprint<P> {
  /**
   * The class's static metadata, with its images.
   * @throws Error when the metadata lists no images, or names a chart or manifests as well
   */
  get metadata(): RenderedBlueprintMetadata {
    const m = super.metadata;
    if (m.images === undefined || m.chart !== undefined || m.manifests !== undefined) {
      throw new Error(`Blueprint ${m.name} is a RenderedBlueprint, so its metadata must set images and no chart or manifests`);
    }
    return m as RenderedBlueprintMetadata;
  }

  /**
   * Renders the namespace and its NetworkPolicies, then the subclass's objects.
   * @throws Error for an invalid network rule (see `NamespaceNetworkPolicies`), or what `renderObjects` throws
   */
  protected render(scope: BlueprintConstruct, cluster: Cluster): void {
    renderNamespace(scope, this, cluster);
    this.renderObjects(scope, cluster);
  }

  /**
   * Emits the component's own objects (Deployments, Services, RBAC, ...) into its construct.
   *
   * @param scope the Blueprint's construct in this cluster
   * @param cluster the cluster's facts and Blueprints
   */
  protected abstract renderObjects(scope: BlueprintConstruct, cluster: Cluster): void;

  /** Metadata of an object named `name` in the Blueprint's namespace, with its labels. */
  protected objectMeta(cluster: Cluster, name: string): RenderedObjectMeta {
    return { name, namespace: this.metadata.namespace, labels: blueprintLabels(this, cluster) };
  }
}

/** `repository:tag` of a pinned image, as a container's `image` field takes it. */
export function imageRef(pin: TaggedImagePin): string {
  return `${pin.repository}:${pin.tag}`;
}
