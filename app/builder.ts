/**
 * `SovereignBuilder`: composing a Sovereign in TypeScript, without YAML. It collects the spec body,
 * regions and Blueprint instances with typed props, and builds the model through the same validation
 * as a YAML spec (`Sovereign.fromSpec`).
 *
 * ```ts
 * const sovereign = new SovereignBuilder('acme', {
 *   fqdn: 'acme.example.org',
 *   organization: { name: 'acme', adminEmail: 'platform@acme.example.org' },
 *   ssh: { publicKeys: ['ssh-ed25519 AAAA... ops@acme'] },
 *   gitops: { url: 'https://git.acme.example.org/platform/gitops.git' },
 * })
 *   .addRegion({ location: 'fsn1', workerPools: [{ name: 'general', serverType: 'cx33', count: 2 }] })
 *   .addBlueprint(new Keycloak({ replicas: 2 }))
 *   .build();
 * ```
 */
import type { Blueprint, BlueprintClass } from '../lib/blueprint';
import type { Catalog } from '../lib/catalog';
import { CatalogError } from '../lib/errors';
import { SPEC_API_VERSION, type SovereignSpecInput } from '../lib/spec/schema';
import { builtinCatalog } from '../blueprints';
import { Sovereign } from './sovereign';

/** The spec body as the builder takes it: everything of `spec` except the regions and the Blueprint selection. */
export type SovereignBody = Omit<SovereignSpecInput['spec'], 'regions' | 'blueprints'>;

/** One region as the builder takes it: the shape of an entry of `spec.regions`. */
export type RegionInput = SovereignSpecInput['spec']['regions'][number];

/** Builds a Sovereign from typed parts; each method returns the builder. */
export class SovereignBuilder {
  private readonly regions: RegionInput[] = [];
  private readonly instances = new Map<string, Blueprint>();
  private readonly names = new Set<string>();
  private catalog: Catalog = builtinCatalog();
  private selected = false;

  /**
   * @param name the Sovereign slug (`metadata.name`), e.g. `acme`
   * @param body the spec body without regions and Blueprints (fqdn, organization, ssh, gitops, ...)
   */
  constructor(
    private readonly name: string,
    private readonly body: SovereignBody,
  ) {}

  /** Adds a region (the first added is the primary). At most two; `build` reports a third like a YAML spec would. */
  addRegion(region: RegionInput): this {
    this.regions.push(region);
    return this;
  }

  /**
   * Installs Blueprint instances with their typed props (one per name). A class the catalog does not
   * know yet is registered; a subclass of a registered Blueprint overrides it.
   * @throws CatalogError when an instance of the same name was added already
   */
  addBlueprint(...blueprints: Blueprint[]): this {
    for (const bp of blueprints) {
      const name = bp.metadata.name;
      if (this.instances.has(name)) throw new CatalogError(`a Blueprint instance named "${name}" was added already; add one instance per Blueprint`);
      this.register(bp.constructor as unknown as BlueprintClass);
      this.instances.set(name, bp);
    }
    this.selected = true;
    return this;
  }

  /**
   * Installs Blueprints of the catalog by name with their default props.
   * @default the bootstrap kit, when neither this nor `addBlueprint` is called
   */
  install(...names: string[]): this {
    for (const n of names) this.names.add(n);
    this.selected = true;
    return this;
  }

  /** Registers or replaces Blueprint classes (see `Catalog.with` and `Catalog.override`): subclasses of registered names override them. */
  useClasses(...classes: BlueprintClass[]): this {
    classes.forEach((cls) => this.register(cls));
    return this;
  }

  /** Adds `cls` to the catalog, or overrides the class of its name with it (nothing when it is registered already). */
  private register(cls: BlueprintClass): void {
    if (!this.catalog.names().includes(cls.metadata.name)) this.catalog = this.catalog.with(cls);
    else if (this.catalog.get(cls.metadata.name) !== cls) this.catalog = this.catalog.override(cls);
  }

  /** The spec object the builder stands for, as a YAML document would hold it (instances become install names). */
  toSpec(): SovereignSpecInput {
    const install = this.selected ? [...new Set([...this.names, ...this.instances.keys()])].sort() : undefined;
    return {
      apiVersion: SPEC_API_VERSION,
      kind: 'Sovereign',
      metadata: { name: this.name },
      spec: { ...this.body, regions: [...this.regions], ...(install ? { blueprints: { install } } : {}) },
    };
  }

  /**
   * Validates everything and builds the model.
   * @throws SpecError for an invalid spec, with the same paths and messages as a YAML spec
   * @throws CatalogError as `Sovereign` does
   */
  build(): Sovereign {
    return Sovereign.fromSpec(this.toSpec(), { catalog: this.catalog, blueprints: [...this.instances.values()] });
  }
}
