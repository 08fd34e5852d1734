/**
 * The Blueprint contract. A Blueprint is one installable component (or a product composing several):
 * static, typed metadata on the class, typed props on the instance, and `bind(scope, cluster)`, which
 * creates a construct of its own for one cluster holding the component's Kubernetes objects.
 *
 * The definition is a plain object rather than a construct because one selection is bound into
 * several clusters (one per region) and a construct has one parent; each `bind` creates fresh
 * constructs in the scope it is given.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import type { Cluster, ClusterInfo } from './cluster';
import { BlueprintError } from './errors';
import type { TemplateValue } from './chart-check/values';
import type { ChartPin, ImagePin, ManifestsPin } from './versions';
import type { ValueNote } from './gitops';
import { isSecretGenerator, type SecretGenerator } from './services';

/** How a Blueprint is installed: by the bootstrap kit, always, or when selected. */
export type BlueprintTier = 'bootstrap-kit' | 'mandatory' | 'a-la-carte';

/** Pod Security Admission level of a namespace (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The Pod Security level a Blueprint's namespace enforces, and why. */
export interface PodSecurity {
  /** The level the namespace enforces (`pod-security.kubernetes.io/enforce`). */
  readonly level: PodSecurityLevel;
  /** Why this level; required below `restricted`. */
  readonly reason: string;
}

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

/**
 * A Blueprint a metadata field refers to: its class, or its catalog name. Either way the catalog
 * resolves it by name, so a subclass registered with `Catalog.override` takes the original's place.
 */
export type BlueprintRef = BlueprintClass | string;

/** The catalog name of a Blueprint reference. */
export function refName(ref: BlueprintRef): string {
  return typeof ref === 'string' ? ref : ref.metadata.name;
}

/**
 * The component part of a Blueprint's metadata: what it is in the catalog and what it owns in a
 * cluster (its namespace, Pod Security level and network allowances), whatever installs it.
 */
export interface ComponentMetadata {
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
  /** Namespace the Blueprint's objects live in. */
  readonly namespace: string;
  /**
   * Whether the Blueprint declares its Namespace. False for namespaces that exist before Flux and
   * must never be pruned with a Blueprint (`kube-system`, `flux-system`).
   * @default true
   */
  readonly ownsNamespace?: boolean;
  /** Pod Security Admission level enforced on the namespace, and why that level. */
  readonly podSecurity: PodSecurity;
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
  /** Blueprints that must be ready first, by class or name; they become Flux `dependsOn` edges. */
  readonly dependsOn: readonly BlueprintRef[];
  /** Whether the Blueprint installs CRDs (for a chart, the HelmRelease then creates and replaces them on upgrade). */
  readonly installsCrds: boolean;
  /** Placement modes the component supports in a two-region Sovereign; the first is the default. */
  readonly placementModes: readonly PlacementMode[];
  /** Requests of the default install, summed over its pods (zero for a product without workloads of its own). */
  readonly resources: ResourceRequests;
  /** Flux timeout for install/upgrade and readiness, Go duration. @default '10m' */
  readonly timeout?: string;
  /** Where the facts come from (upstream docs, reference catalog entry). */
  readonly sources: readonly string[];
}

/** The Helm part of a Blueprint's metadata: the chart it installs and how. */
export interface HelmChartMetadata {
  /** Upstream Helm chart pinned exactly (an entry of the version manifest). */
  readonly chart: ChartPin;
  /** Helm release name. */
  readonly releaseName: string;
  /**
   * Set when cloud-init installs this chart with Helm before Flux runs (the CNI, Flux itself); its
   * HelmRelease then adopts that release: same release name, namespace, chart version and values.
   * @default false
   */
  readonly preinstalled?: boolean;
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

/** The Git-manifests part of a Blueprint's metadata, for a project that publishes no Helm chart. */
export interface ManifestsMetadata {
  /** Upstream manifests in a Git repository, pinned to a tag and its commit (Flux fetches them with a `GitRepository`). */
  readonly manifests: ManifestsPin;
}

/**
 * The rendered part of a Blueprint's metadata, for a component whose upstream publishes neither a Helm
 * chart nor manifests (a CLI image, a binary of the reference project): catalyst-cdk renders its
 * Kubernetes objects itself, and the images they run are its pins.
 */
export interface RenderedMetadata {
  /**
   * Every container image the rendered objects run, each an entry of `IMAGES` with its exact tag (or
   * none where the Blueprint derives the tag from a cluster fact, as for the k3s version); empty for
   * objects that run no pods.
   */
  readonly images: readonly ImagePin[];
}

/** The product part of a Blueprint's metadata: the Blueprints it composes. */
export interface ProductMetadata {
  /** Marks a product: it installs no chart of its own and composes other Blueprints. */
  readonly kind: 'product';
  /** Blueprints the product needs; the catalog adds them to a selection and orders the product after them. */
  readonly requires: readonly BlueprintRef[];
  /** Blueprints the product uses when they are installed; it is ordered after those that are. @default none */
  readonly optional?: readonly BlueprintRef[];
}

/**
 * Static description of a Blueprint class: the component part, plus either the Helm part (`chart`),
 * the Git-manifests part (`manifests`), the rendered part (`images`) or the product part (`kind:
 * 'product'`). The catalog checks that exactly one of them is set (see `metadataProblems`).
 */
export interface BlueprintMetadata extends ComponentMetadata, Partial<HelmChartMetadata>, Partial<ManifestsMetadata>, Partial<RenderedMetadata>, Partial<ProductMetadata> {}

/** Whether metadata describes a product. */
export function isProduct(m: BlueprintMetadata): m is BlueprintMetadata & ProductMetadata {
  return m.kind === 'product';
}

/**
 * A Secret a Blueprint needs whose values nobody chooses: random keys (and fixed ones), generated
 * once and never rotated. Random values never appear in Terraform, its state, user_data or Git.
 * There are two kinds, by who generates them:
 *
 * - in-cluster (`Blueprint.generatedSecrets`, the normal case): the cluster's secret generator (the
 *   external-secrets Blueprint, see `SecretGenerator`) creates them from the Blueprint's own folder,
 *   so a Blueprint added to a running Sovereign gets its Secrets too;
 * - at bootstrap (`Blueprint.bootstrapSecrets`): cloud-init on the first control plane server
 *   creates them from the node's `/dev/urandom`, for the few Secrets needed before external-secrets
 *   can run (those of Blueprints it depends on).
 *
 * Either way an existing Secret of that name is left as it is.
 */
export interface GeneratedSecret {
  /** Secret name. */
  readonly name: string;
  /**
   * Namespaces that get the Secret. In-cluster generated Secrets live in the declaring Blueprint's
   * namespace only (consumers elsewhere copy them, see `sharedSecret` and `copySecret` in
   * `blueprints/secrets.ts`); bootstrap Secrets get one copy with the same values in each.
   */
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
  /**
   * The zod schema of the class's props as a spec may set them (`spec.blueprints.props.<name>`): plain
   * data only. It also feeds the exported JSON Schema, so editors complete the props.
   * @default `BLUEPRINT_PROPS_SCHEMA` (only `values` and `network`)
   */
  readonly propsSchema?: z.ZodType;
  /** Class name, for messages. */
  readonly name: string;
}

/** zod schema of one network rule (`NetworkRule`). */
const NETWORK_RULE_SCHEMA: z.ZodType<NetworkRule> = z.strictObject({
  peer: z.enum(['apiserver', 'nodes', 'internet', 'cluster', 'namespace', 'anywhere']).describe('Whom the traffic is with'),
  namespace: z.string().optional().describe('The peer namespace, for peer namespace only'),
  ports: z
    .array(z.strictObject({ port: z.number().int().min(1).max(65535).describe('Port as the pod sees it'), protocol: z.enum(['TCP', 'UDP']).optional().describe('Default TCP') }))
    .min(1)
    .optional()
    .describe('Allowed ports; default for apiserver egress: the API port'),
  reason: z.string().min(1).describe('Why the component needs this traffic'),
});

/** The zod shape of `BLUEPRINT_PROPS_SCHEMA`: one schema per `BlueprintProps` field. */
export type BlueprintPropsShape = {
  /** Schema of `BlueprintProps.values`. */
  values: z.ZodOptional<z.ZodType<Record<string, unknown>>>;
  /** Schema of `BlueprintProps.network`. */
  network: z.ZodOptional<z.ZodType<NetworkAllowances>>;
};

/**
 * zod schema of the props every Blueprint accepts from a spec (`BlueprintProps`): raw `values` and
 * extra `network` allowances. A Blueprint's own schema extends it (`BLUEPRINT_PROPS_SCHEMA.extend({...})`).
 */
export const BLUEPRINT_PROPS_SCHEMA: z.ZodObject<BlueprintPropsShape, z.core.$strict> = z.strictObject({
  values: z.record(z.string(), z.unknown()).optional().describe('Raw Helm values merged last, over the curated values'),
  network: z
    .strictObject({ ingress: z.array(NETWORK_RULE_SCHEMA).optional().describe('Connections the pods accept'), egress: z.array(NETWORK_RULE_SCHEMA).optional().describe('Connections the pods may open') })
    .optional()
    .describe("Further network allowances, appended to the Blueprint's own"),
});

/** The props schema of a Blueprint class: its own `propsSchema`, else `BLUEPRINT_PROPS_SCHEMA`. */
export function propsSchemaOf(cls: BlueprintClass): z.ZodType {
  return cls.propsSchema ?? BLUEPRINT_PROPS_SCHEMA;
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

/** Options of `Blueprint.bind`. */
export interface BindOptions {
  /**
   * Scope of the objects that need CRDs the Blueprint installs (`renderConfig`): the GitOps tree
   * passes the chart of the `bp-<name>-config` folder, which Flux applies after `bp-<name>`. The
   * Blueprint creates a construct named after itself in it.
   * @default a child `config` of the Blueprint's own construct
   */
  readonly configScope?: Construct;
}

/**
 * One Blueprint bound into one cluster: a construct named after the Blueprint (`metadata.name`)
 * holding the objects it made, with the definition and the cluster it was bound for.
 */
export class BlueprintConstruct extends Construct {
  /** The Blueprint definition (class and props) this construct was bound from. */
  readonly blueprint: Blueprint;
  /** The cluster it was bound for. */
  readonly cluster: Cluster;
  /** Scope of the objects that need the Blueprint's CRDs (see `BindOptions.configScope`). */
  readonly config: Construct;

  constructor(scope: Construct, blueprint: Blueprint, cluster: Cluster, options: BindOptions = {}) {
    super(scope, blueprint.metadata.name);
    this.blueprint = blueprint;
    this.cluster = cluster;
    this.config = new Construct(options.configScope ?? this, options.configScope ? blueprint.metadata.name : 'config');
  }

  /** The Namespace object, when the Blueprint owns its namespace. */
  get namespace(): ApiObject | undefined {
    return this.child('namespace');
  }

  /** The chart or manifests source (`HelmRepository`, `OCIRepository` or `GitRepository`), when there is one. */
  get source(): ApiObject | undefined {
    return this.child('source');
  }

  /** The `HelmRelease`, for a Blueprint that installs a chart. */
  get release(): ApiObject | undefined {
    return this.child('release');
  }

  /** Every Kubernetes object the Blueprint made here, its `config` objects included, in construct order. */
  get objects(): ApiObject[] {
    const own = this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const config = this.config.node.scope === this ? [] : this.config.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    return [...own, ...config];
  }

  /** Objects that need the Blueprint's CRDs (under `config`). */
  get configObjects(): ApiObject[] {
    return this.config.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  private child(id: string): ApiObject | undefined {
    const found = this.node.tryFindChild(id);
    if (found === undefined) return undefined;
    return found instanceof ApiObject ? found : found.node.findAll().find((c): c is ApiObject => c instanceof ApiObject);
  }
}

/**
 * Base class of every Blueprint: a definition (static metadata on the class, typed props on the
 * instance) that binds into any construct scope for one cluster. Subclasses set
 * `static readonly metadata` and implement `render`.
 *
 * One definition binds into several clusters (one per region): each `bind` creates fresh constructs.
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
   * Binds the Blueprint into `scope` for one cluster: creates a `BlueprintConstruct` named after the
   * Blueprint and renders its objects into it (and its CRD-dependent objects into its `config` scope).
   * Peers it reads through `cluster.blueprint(...)` are recorded as its references.
   *
   * @throws BlueprintError whose message starts with the construct path and the Blueprint, for any
   *   error while rendering (invalid props, a network rule, a missing peer)
   */
  bind(scope: Construct, cluster: Cluster, options: BindOptions = {}): BlueprintConstruct {
    const view = cluster.readingAs(this.metadata.name);
    const construct = new BlueprintConstruct(scope, this, view, options);
    try {
      this.render(construct, view);
      this.renderConfig(construct.config, view);
      this.bindGeneratedSecrets(construct, view);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new BlueprintError(`${construct.node.path} (Blueprint ${this.metadata.name}, ${this.constructor.name}): ${message}`);
    }
    return construct;
  }

  /**
   * Has the cluster's secret generator render this Blueprint's `generatedSecrets` into its construct,
   * reading the generator so the Flux edge to it exists.
   * @throws BlueprintError naming the Secrets and the fix when the cluster has no secret generator
   */
  private bindGeneratedSecrets(scope: BlueprintConstruct, cluster: Cluster): void {
    const secrets = this.generatedSecrets(cluster);
    if (secrets.length === 0) return;
    const generator = [...cluster.blueprints.values()].find(isSecretGenerator);
    const names = secrets.map((s) => s.name).join(', ');
    if (!generator) {
      throw new BlueprintError(`declares the generated Secrets ${names}, but cluster ${cluster.cluster.name} has no Blueprint that generates Secrets in the cluster; install external-secrets (add it to the selection, or to ${this.metadata.name}'s dependsOn so the catalog adds it)`);
    }
    cluster.blueprint(generator.constructor as BlueprintClass<Blueprint & SecretGenerator>).renderGeneratedSecrets(scope, cluster, this, secrets);
  }

  /**
   * Emits the Blueprint's objects for one cluster into its construct.
   *
   * @param scope the Blueprint's construct in this cluster
   * @param cluster the cluster's facts and Blueprints
   */
  protected abstract render(scope: BlueprintConstruct, cluster: Cluster): void;

  /**
   * Emits custom resources that need CRDs this Blueprint installs (the `bp-<name>-config` folder,
   * applied by a Flux Kustomization that depends on `bp-<name>`).
   * @default emits nothing
   */
  protected renderConfig(_scope: Construct, _cluster: Cluster): void {}

  /**
   * Secrets this Blueprint reads that nothing else creates, generated once in the cluster: `bind`
   * has the cluster's secret generator (external-secrets, `SecretGenerator`) render them into this
   * Blueprint's folder, and reads it, so this Blueprint is ordered after it. Each is declared in this
   * Blueprint's namespace.
   * @default none
   */
  generatedSecrets(_cluster: ClusterInfo): GeneratedSecret[] {
    return [];
  }

  /**
   * Secrets generated at bootstrap by cloud-init, before Flux runs: only for Blueprints the secret
   * generator itself depends on (external-secrets → OpenBao → the Hetzner CSI driver, whose LUKS
   * passphrase must exist before any volume), whose `generatedSecrets` could never be created.
   * @default none
   */
  bootstrapSecrets(_cluster: ClusterInfo): GeneratedSecret[] {
    return [];
  }

  /**
   * Reasons for non-obvious values of the objects this Blueprint renders in a cluster, written as
   * comments above those values in the GitOps tree (see `ValueNote`).
   * @default none
   */
  valueNotes(_cluster: Cluster): ValueNote[] {
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
  networkAllowances(_cluster: Cluster): NetworkAllowances {
    const own = this.metadata.network;
    const extra = this.props.network;
    return {
      ingress: [...(own?.ingress ?? []), ...(extra?.ingress ?? [])],
      egress: [...(own?.egress ?? []), ...(extra?.egress ?? [])],
    };
  }
}
