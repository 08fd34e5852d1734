/**
 * The Blueprint contract. A Blueprint is one installable component (or a product composing several):
 * static, typed metadata on the class, typed props on the instance, and a render step that emits the
 * component's Kubernetes objects into a cdk8s chart for one cluster.
 *
 * Blueprints are plain objects rather than constructs because one selection is rendered into several
 * clusters (one per region) and a construct can have only one parent; each render creates fresh
 * constructs in that cluster's chart.
 */
import type { Chart } from 'cdk8s';
import type { ClusterContext } from './context';
import type { ChartPin } from './versions';

/** How a Blueprint is installed: by the bootstrap kit, always, or when selected. */
export type BlueprintTier = 'bootstrap-kit' | 'mandatory' | 'a-la-carte';

/** Pod Security Admission level of a namespace (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** How a Blueprint runs when the Sovereign has two regions. */
export type PlacementMode = 'single-region' | 'active-hotstandby' | 'active-active';

/** CPU and memory requests of a Blueprint's workloads at its default size, for sizing checks. */
export interface ResourceRequests {
  /** CPU in millicores. */
  readonly cpuMillis: number;
  /** Memory in MiB. */
  readonly memoryMiB: number;
}

/** Static description of a Blueprint class. */
export interface BlueprintMetadata {
  /** Folder name and catalog key, e.g. `cert-manager`; `^[a-z][a-z0-9-]{1,40}$`. Flux objects are named `bp-<name>`. */
  readonly name: string;
  /** Display title, e.g. `cert-manager`. */
  readonly title: string;
  /** Catalog category, e.g. `networking`, `security`, `gitops-iac`. */
  readonly category: string;
  /** How it is installed: by the bootstrap kit, always (`mandatory`), or only when selected (`a-la-carte`). */
  readonly tier: BlueprintTier;
  /** One sentence saying what it does. */
  readonly summary: string;
  /** Upstream chart pinned exactly (from the version manifest). */
  readonly chart: ChartPin;
  /** Namespace the release installs into. */
  readonly namespace: string;
  /**
   * Whether the Blueprint declares its Namespace. False for namespaces that exist before Flux and
   * must never be pruned with a Blueprint (`kube-system`, `flux-system`).
   * @default true
   */
  readonly ownsNamespace?: boolean;
  /** Pod Security Admission level enforced on the namespace, and why that level. */
  readonly podSecurity: { readonly level: PodSecurityLevel; readonly reason: string };
  /** Helm release name. */
  readonly releaseName: string;
  /** Blueprints that must be ready first (typed class references); they become Flux `dependsOn` edges. */
  readonly dependsOn: readonly BlueprintClass[];
  /** Whether the chart installs CRDs (the HelmRelease then creates and replaces them on upgrade). */
  readonly installsCrds: boolean;
  /** Placement modes the component supports in a two-region Sovereign; the first is the default. */
  readonly placementModes: readonly PlacementMode[];
  /** Requests of the default install, summed over its pods. */
  readonly resources: ResourceRequests;
  /** Flux timeout for install/upgrade and readiness, Go duration. @default '10m' */
  readonly timeout?: string;
  /**
   * Set when cloud-init installs this chart with Helm before Flux runs (the CNI, Flux itself); its
   * HelmRelease then adopts that release: same release name, namespace, chart version and values.
   */
  readonly preinstalled?: boolean;
  /** Where the facts come from (upstream docs, reference catalog entry). */
  readonly sources: readonly string[];
}

/**
 * A Secret a Blueprint needs that the cluster generates once, at bootstrap, on the first control
 * plane server: random values come from the node's `/dev/urandom` and never appear in Terraform,
 * its state, user_data or Git. An existing Secret of that name is left as it is.
 */
export interface GeneratedSecret {
  /** Secret name. */
  readonly name: string;
  /** Namespaces that each get a copy with the same values (e.g. a producer and a consumer). */
  readonly namespaces: readonly string[];
  /** Keys that get a random alphanumeric value of 32 characters. */
  readonly randomKeys: readonly string[];
  /** Keys with fixed values that are not secret, e.g. a user name. @default none */
  readonly fixed?: Readonly<Record<string, string>>;
}

/** Props every Blueprint accepts. */
export interface BlueprintProps {
  /**
   * Raw Helm values merged last, over the Blueprint's curated values (deep merge; lists replace).
   * The escape hatch for anything the typed props do not cover.
   * @default {}
   */
  readonly values?: Record<string, unknown>;
}

/** A Blueprint class: constructible with its props, carrying static metadata. */
export interface BlueprintClass<T extends Blueprint = Blueprint> {
  new (props?: never): T;
  /** The class's static catalog metadata. */
  readonly metadata: BlueprintMetadata;
}

/** Deep-merges `over` into `base`: objects merge key by key, everything else (lists included) replaces. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    const bothObjects = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    out[key] = bothObjects(prev) && bothObjects(value) ? mergeValues(prev, value) : value;
  }
  return out;
}

/**
 * Base class of every Blueprint. Subclasses set `static readonly metadata` and implement `render`.
 *
 * @typeParam P the Blueprint's props
 */
export abstract class Blueprint<P extends BlueprintProps = BlueprintProps> {
  /** The props this instance was created with. */
  readonly props: P;

  constructor(props?: P) {
    this.props = props ?? ({} as P);
  }

  /** The class's static metadata. */
  get metadata(): BlueprintMetadata {
    return (this.constructor as unknown as BlueprintClass).metadata;
  }

  /**
   * Emits the Blueprint's objects for one cluster into `chart` (the `bp-<name>` folder).
   *
   * @param chart cdk8s chart of this Blueprint in this cluster
   * @param ctx the cluster's shared facts
   */
  abstract render(chart: Chart, ctx: ClusterContext): void;

  /**
   * Emits custom resources that need CRDs this Blueprint installs (the `bp-<name>-config` folder,
   * applied by a Flux Kustomization that depends on `bp-<name>`).
   *
   * @returns true when it emitted anything. @default emits nothing
   */
  renderConfig(_chart: Chart, _ctx: ClusterContext): boolean {
    return false;
  }

  /**
   * Secrets this Blueprint's release reads that nothing else creates; the bootstrap generates them.
   * @default none
   */
  generatedSecrets(_ctx: ClusterContext): GeneratedSecret[] {
    return [];
  }
}
