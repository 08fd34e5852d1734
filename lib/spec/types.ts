/**
 * Types of a Sovereign spec after loading: validated, with every default applied.
 */
import type { ChartVerifySpec, RegionSpecParsed, SovereignSpecParsed } from './schema';

/** The four IPv4 ranges of one region, defaults applied. */
export interface NetworkPlan {
  /** Hetzner private network range, e.g. `10.0.0.0/16`. */
  readonly cidr: string;
  /** Subnet the servers are attached to, inside `cidr`, e.g. `10.0.1.0/24`. */
  readonly nodeSubnet: string;
  /** Kubernetes pod range (k3s `--cluster-cidr`), e.g. `10.42.0.0/16`. */
  readonly podCidr: string;
  /** Kubernetes service range (k3s `--service-cidr`), e.g. `10.43.0.0/16`. */
  readonly serviceCidr: string;
}

/** One region of a loaded spec. */
export interface RegionSpec extends Omit<RegionSpecParsed, 'network'> {
  /** Position in `spec.regions`; 0 is the primary region. */
  readonly index: number;
  /** Cluster name, e.g. `hz-fsn-rtz-prod`. */
  readonly cluster: string;
  /** Network ranges with defaults applied. */
  readonly network: NetworkPlan;
}

/** A loaded Sovereign spec: shape and cross-field rules checked, every default applied. */
export interface SovereignSpec {
  /** Always `catalyst.openova.io/v1alpha1`. */
  readonly apiVersion: SovereignSpecParsed['apiVersion'];
  /** Always `Sovereign`. */
  readonly kind: SovereignSpecParsed['kind'];
  /** `name`: the Sovereign slug, e.g. `omantel`; it prefixes every Hetzner resource name. */
  readonly metadata: SovereignSpecParsed['metadata'];
  /** The spec body with defaults applied; regions and the Blueprint selection are in their loaded form. */
  readonly spec: Omit<SovereignSpecParsed['spec'], 'regions' | 'blueprints'> & {
    /** One or two regions, in spec order; the first is the primary. */
    readonly regions: readonly RegionSpec[];
    /** The Blueprint selection as loaded: names, raw values, verification and typed props per name. */
    readonly blueprints: {
      /** Blueprint names to install as the spec lists them (the catalog default when the spec lists none), sorted. */
      readonly install: readonly string[];
      /** Raw Helm values per Blueprint name, merged last. */
      readonly values: Readonly<Record<string, Record<string, unknown>>>;
      /** Cosign verification of the OCI chart per Blueprint name. */
      readonly verify: Readonly<Record<string, ChartVerifySpec>>;
      /** Typed props per Blueprint name, valid against each Blueprint's props schema. */
      readonly props: Readonly<Record<string, Record<string, unknown>>>;
    };
  };
  /** The file the spec was loaded from, when it came from a file. */
  readonly source?: string;
}
