/**
 * `ProductBlueprint`: the base of products (Catalyst, Cortex, Axon, Fingate, ...), Blueprints that
 * compose other Blueprints instead of installing a chart of their own. The catalog adds a product's
 * required members (`requires`) to a selection and orders it after them and after its optional
 * members that are installed (`optional`), so the product's Flux Kustomization is Ready once its
 * members are. A product may add objects of its own (glue configuration) in its namespace.
 */
import type { Construct } from 'constructs';
import { Blueprint, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps, isProduct, type ProductMetadata, refName } from '../lib/blueprint';
import type { Cluster } from '../lib/cluster';
import { renderNamespace } from './namespace';

/** Metadata of a product: the component part with the product part (`kind: 'product'`, `requires`). */
export type ProductBlueprintMetadata = BlueprintMetadata & ProductMetadata;

/** A Blueprint composing other Blueprints, with no chart of its own. */
export abstract class ProductBlueprint<P extends BlueprintProps = BlueprintProps> extends Blueprint<P> {
  /**
   * The class's static metadata, with its product part.
   * @throws Error when the metadata is not a product's (`kind: 'product'`)
   */
  get metadata(): ProductBlueprintMetadata {
    const m = super.metadata;
    if (!isProduct(m)) throw new Error(`Blueprint ${m.name} is a ProductBlueprint, so its metadata must set kind: 'product' and requires`);
    return m as ProductBlueprintMetadata;
  }

  /** Names of the members installed in a cluster: every required one, and the optional ones the cluster has. */
  members(cluster: Cluster): string[] {
    const m = this.metadata;
    return [...m.requires.map(refName), ...(m.optional ?? []).map(refName).filter((n) => cluster.blueprints.has(n))].sort();
  }

  /**
   * The product's own objects in its namespace, e.g. configuration that ties its members together.
   * @default none
   */
  protected renderProduct(_scope: Construct, _cluster: Cluster): void {}

  /** Renders the namespace (unless `ownsNamespace` is false) with its policies, then the product's own objects. */
  protected render(scope: BlueprintConstruct, cluster: Cluster): void {
    renderNamespace(scope, this, cluster);
    this.renderProduct(scope, cluster);
  }
}
