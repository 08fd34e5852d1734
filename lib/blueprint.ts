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
import type { TemplateValue } from './chart-check/values';
import type { ChartPin } from './versions';
import type { ValueNote } from './gitops';

/** How a Blueprint is installed: by the bootstrap kit, always, or when selected. */
export type BlueprintTier = 'bootstrap-kit' | 'mandatory' | 'a-la-carte';

/** Pod Security Admission level of a namespace (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** How a Blueprint runs when the Sovereign has two regions. */
export type PlacementMode = 'single-region' | 'active-hotstandby' | 'active-active';

/** Transport protocol of a port a network rule allows. */
export type NetworkProtocol = 'TCP' | 'UDP';

/** One port a network rule allows. */
export interface NetworkPort {
  /**
   * Port number, 1-65535, as the pod sees it: Cilium applies policy after Service translation, so
   * this is the container port (e.g. PowerDNS answers DNS on 5353 behind Service port 53).
   */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: NetworkProtocol;
}

/**
 * Whom a network rule allows traffic with. Every peer is rendered as a standard
 * `networking.k8s.io/v1` NetworkPolicy peer:
 *
 * - `apiserver`: the Kubernetes API server. k3s runs it inside the k3s process on the control plane
 *   nodes, and the `kubernetes` Service's endpoints are `<node IP>:6443`, so the peer is an `ipBlock`
 *   of the node subnet (Cilium matches node IPs by CIDR only with `policyCIDRMatchMode: [nodes]`,
 *   which the Cilium Blueprint sets). In egress its ports default to the API port, 6443/TCP; in
 *   ingress (admission webhooks the API server calls) the ports are required.
 * - `nodes`: every node, an `ipBlock` of the node subnet: host-network pods (SPIRE agents) and the
 *   nodes themselves.
 * - `internet`: public addresses: `0.0.0.0/0` and `::/0` except the private ranges `10.0.0.0/8`,
 *   `172.16.0.0/12`, `192.168.0.0/16` and `fc00::/7`, and the link-local ranges `169.254.0.0/16` and
 *   `fe80::/10` that hold Hetzner's metadata service (see `NON_INTERNET_RANGES`).
 * - `cluster`: every pod of every namespace (`namespaceSelector: {}`).
 * - `namespace`: every pod of the namespace named in `NetworkRule.namespace`, selected by its
 *   `kubernetes.io/metadata.name` label.
 * - `anywhere` (ingress only): any source, i.e. a rule with ports and no `from`. For ports served
 *   through Cilium's Ingress controller: Cilium proxies that traffic with its reserved `ingress`
 *   identity, which no Kubernetes NetworkPolicy peer can select.
 */
export type NetworkPeer = 'apiserver' | 'nodes' | 'internet' | 'cluster' | 'namespace' | 'anywhere';

/** One allowance: traffic with one peer on some ports, and why the component needs it. */
export interface NetworkRule {
  /** Whom the traffic is with (see `NetworkPeer`). */
  readonly peer: NetworkPeer;
  /** Name of the peer namespace; required for peer `namespace`, not allowed for any other peer. */
  readonly namespace?: string;
  /**
   * Allowed ports; never empty, so no rule allows every port.
   * @default for an `apiserver` egress rule: the API port (6443/TCP); required for every other rule
   */
  readonly ports?: readonly NetworkPort[];
  /** Why the component needs this traffic, and where that fact comes from (chart values, docs). */
  readonly reason: string;
}

/**
 * Traffic a Blueprint's namespace allows beyond the baseline every policed namespace gets (default
 * deny in both directions, DNS to the cluster's CoreDNS, traffic between the namespace's own pods).
 * Rules apply to every pod of the namespace: chart pod labels are no stable contract, and the
 * namespace is the unit a Blueprint owns.
 */
export interface NetworkAllowances {
  /** Connections the namespace's pods accept. @default none */
  readonly ingress?: readonly NetworkRule[];
  /** Connections the namespace's pods may open. @default none */
  readonly egress?: readonly NetworkRule[];
}

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
  /**
   * Whether the Blueprint renders its namespace's NetworkPolicies: a `default-deny` policy, the
   * baseline allowances and `network`. Only the owner of a namespace may deny traffic by default in
   * it, so this follows `ownsNamespace`; the Flux Blueprint sets it for `flux-system`, which the GitOps
   * tree declares (never pruned) but whose traffic is Flux's. `kube-system` stays unpoliced: it is
   * k3s's, and a default deny there would have to allow the traffic of every k3s component in it
   * (CoreDNS answering all namespaces, metrics-server, the local-path provisioner), which no Blueprint
   * owns.
   * @default the value of `ownsNamespace` (true)
   */
  readonly networkPolicies?: boolean;
  /**
   * Traffic the namespace allows beyond the baseline, each rule with its reason.
   * @default none: only the baseline (default deny, DNS, traffic within the namespace)
   */
  readonly network?: NetworkAllowances;
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
  /**
   * Values paths the Blueprint sets that the pinned chart's templates read although neither its
   * `values.yaml` nor its `values.schema.json` declares them (a commented-out key, sub-keys of a map
   * a template renders whole), each with the template file at the pinned tag as evidence. The chart
   * check (`npm run check:charts`) rejects every other undeclared path, and an entry the chart
   * declares after all.
   * @default none
   */
  readonly templateValues?: readonly TemplateValue[];
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
  /**
   * Further network allowances, appended to the Blueprint's own (`metadata.network`), e.g. SMTP for
   * Keycloak's e-mails. They take effect only where the Blueprint renders NetworkPolicies
   * (`metadata.networkPolicies`).
   * @default none
   */
  readonly network?: NetworkAllowances;
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

  /**
   * Reasons for non-obvious values of the objects this Blueprint renders in a cluster, written as
   * comments above those values in the GitOps tree (see `ValueNote`).
   * @default none
   */
  valueNotes(_ctx: ClusterContext): ValueNote[] {
    return [];
  }

  /** Whether this Blueprint renders its namespace's NetworkPolicies (`metadata.networkPolicies`, else `ownsNamespace`). */
  get policesNetwork(): boolean {
    const m = this.metadata;
    return m.networkPolicies ?? m.ownsNamespace !== false;
  }

  /**
   * Network allowances of this instance in a cluster, beyond the baseline: `metadata.network`, then
   * `props.network`. Subclasses append rules that depend on their props or values.
   */
  networkAllowances(_ctx: ClusterContext): NetworkAllowances {
    const own = this.metadata.network;
    const extra = this.props.network;
    return {
      ingress: [...(own?.ingress ?? []), ...(extra?.ingress ?? [])],
      egress: [...(own?.egress ?? []), ...(extra?.egress ?? [])],
    };
  }
}
