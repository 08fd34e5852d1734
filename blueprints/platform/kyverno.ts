import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { LABELS } from '../../lib/naming';
import { chartPin } from '../../lib/versions';
import { NamespaceNetworkPolicies, NAMESPACE_NAME_LABEL } from '../../constructs/k8s/network-policy';
import { allow, componentMetadata, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { blueprintLabels } from '../namespace';
import { Cilium } from './cilium';

/** API version of Kyverno's `ClusterPolicy` kind (CRD `clusterpolicies.kyverno.io`, storage version v1). */
export const CLUSTER_POLICY_API_VERSION = 'kyverno.io/v1';

/** Port of Kyverno's admission and cleanup webhooks in their pods (the chart's `admissionController.webhookServer.port`, `cleanupController.server.port`). */
export const KYVERNO_WEBHOOK_PORT = 9443;

/** Namespaces k3s creates itself; no Blueprint owns them and no policy of this Blueprint touches them. */
export const K3S_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

/** Annotation a Deployment or StatefulSet carries (value `"true"`) to get no generated PodDisruptionBudget (the reference's `<resource>.openova.io/skip` convention). */
export const SKIP_PDB_ANNOTATION = 'pdb.openova.io/skip';

/** Names of the ClusterPolicies this Blueprint renders. */
export const KYVERNO_POLICIES = {
  /** Generates the baseline NetworkPolicies into every namespace catalyst-cdk does not manage. */
  networkPolicies: 'catalyst-namespace-network-policies',
  /** Generates a PodDisruptionBudget for every replicated Deployment and StatefulSet there. */
  podDisruptionBudgets: 'catalyst-pod-disruption-budgets',
  /** Checks every pod there against a Pod Security Standard. */
  podSecurity: 'catalyst-pod-security',
} as const;

/** Props of the Kyverno Blueprint. */
export interface KyvernoProps extends BlueprintProps {
  /**
   * Replicas of the admission controller, 1-5. Kyverno's docs ask for 3 in production (the chart
   * then adds a PodDisruptionBudget); the background, cleanup and reports controllers stay single.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * What the API server does with a request the policies match when Kyverno cannot be reached
   * (`webhookConfiguration.failurePolicy` of every policy): `Fail` rejects it, `Ignore` admits it
   * unchecked. Kyverno's webhooks only see namespaces catalyst-cdk does not manage (see the class),
   * so `Fail` can never block the platform's own pods.
   * @default 'Fail'
   */
  readonly failurePolicy?: 'Fail' | 'Ignore';
  /** `Enforce` rejects pods that break the Pod Security Standard; `Audit` admits them and reports them in PolicyReports. @default 'Enforce' */
  readonly mode?: 'Enforce' | 'Audit';
  /** The Pod Security Standard pods in namespaces catalyst-cdk does not manage must meet. @default 'restricted' */
  readonly podSecurityLevel?: 'baseline' | 'restricted';
  /** Generate the baseline NetworkPolicies (default deny, DNS, same namespace) into new namespaces catalyst-cdk does not manage. @default true */
  readonly networkPolicies?: boolean;
  /** Generate a PodDisruptionBudget (`maxUnavailable: 1`) for replicated Deployments and StatefulSets there. @default true */
  readonly podDisruptionBudgets?: boolean;
}

/**
 * Kyverno: the admission policy engine (validate, mutate, generate), with the Sovereign's baseline
 * policies as code in the `-config` folder.
 *
 * What the policies target: every Blueprint namespace already gets a default-deny NetworkPolicy with
 * its allowances and Pod Security Admission labels from catalyst-cdk, and charts ship their own
 * PodDisruptionBudgets; a Kyverno policy over those namespaces would duplicate them (two PDBs over one
 * pod make every eviction fail) or contradict them (a stricter Pod Security level than a component
 * needs). So the policies cover exactly the namespaces catalyst-cdk does not manage — tenants' and
 * teams' — selected by the absence of the label every namespace catalyst-cdk renders carries
 * (`catalyst.openova.io/sovereign`, `LABELS.sovereign`; `flux-system` has it too) and leaving out k3s's
 * own (`kube-system`, `kube-public`, `kube-node-lease`). Kyverno's webhooks get the same namespace
 * selector (chart value `config.webhooks.namespaceSelector`), so the API server never calls Kyverno for
 * the platform's namespaces at all: a Kyverno outage with failure policy `Fail` cannot block Cilium,
 * Flux or any other Blueprint. This is enforcement rather than audit mode for tenants, because there
 * nothing else enforces anything.
 *
 * The policies (the seeds: generate PodDisruptionBudgets and NetworkPolicies, enforce Pod Security):
 * - `catalyst-namespace-network-policies`: on a new namespace, generates the same baseline a Blueprint
 *   namespace gets (`default-deny`, `allow-dns`, `allow-same-namespace`, rendered by the one
 *   `NamespaceNetworkPolicies` construct), kept in sync by Kyverno; tenants add their allowances as
 *   further NetworkPolicies. Existing namespaces are left alone (`generateExisting: false`): a default
 *   deny appearing in a running namespace would cut its traffic.
 * - `catalyst-pod-disruption-budgets`: for each Deployment and StatefulSet with at least two replicas
 *   and a `matchLabels` selector, a PodDisruptionBudget `<name>-<kind>` with `maxUnavailable: 1` over
 *   the workload's pods, so node drains (k3s upgrades) keep the rest running; removed with the
 *   workload. A workload annotated `pdb.openova.io/skip: "true"` (one with its own PDB) gets none.
 * - `catalyst-pod-security`: every pod must meet the Pod Security Standard `props.podSecurityLevel`
 *   (Kyverno's `podSecurity` rule, version latest), enforced or audited (`props.mode`); Kyverno also
 *   checks the Deployments, StatefulSets, Jobs... that create pods (autogen), so a bad template is
 *   rejected at apply time, not when its pods fail to start.
 *
 * The background controller generates the objects; its ClusterRole gets PodDisruptionBudgets (the
 * chart's core role already covers NetworkPolicies). The chart manages its webhooks' certificates
 * itself (no cert-manager, as the reference kit notes). Every pod of the chart runs restricted.
 *
 * Source: chart `kyverno` (`CHARTS.kyverno`, https://github.com/kyverno/kyverno/tree/main/charts/kyverno),
 * https://kyverno.io/docs/writing-policies/generate/, https://kyverno.io/docs/writing-policies/validate/#pod-security;
 * reference kit slot 27.
 */
export class Kyverno extends HelmBlueprint<KyvernoProps> {
  /** The props a spec may set (`spec.blueprints.props.kyverno`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 5).optional().describe('Admission controller replicas, 1-5 (3 for production); default 1'),
    failurePolicy: z.literal(['Fail', 'Ignore'], { error: 'must be Fail or Ignore' }).optional().describe('What the API server does when Kyverno is unreachable; default Fail'),
    mode: z.literal(['Enforce', 'Audit'], { error: 'must be Enforce or Audit' }).optional().describe('Reject (Enforce) or only report (Audit) pods breaking the Pod Security Standard; default Enforce'),
    podSecurityLevel: z.literal(['baseline', 'restricted'], { error: 'must be baseline or restricted' }).optional().describe('Pod Security Standard for namespaces catalyst-cdk does not manage; default restricted'),
    networkPolicies: z.boolean().optional().describe('Generate the baseline NetworkPolicies into new unmanaged namespaces; default true'),
    podDisruptionBudgets: z.boolean().optional().describe('Generate PodDisruptionBudgets for replicated workloads in unmanaged namespaces; default true'),
  }) satisfies z.ZodType<KyvernoProps>;

  /** Catalog metadata: bootstrap kit slot 27, namespace kyverno, after Cilium (the reference edge). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'kyverno',
    title: 'Kyverno',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Admission policies as code: baseline NetworkPolicies, PodDisruptionBudgets and Pod Security for tenant namespaces.',
    pin: chartPin('kyverno'),
    kitSlot: 27,
    podSecurity: 'the chart runs its four controllers and hook Jobs as non-root 65534 with no capabilities, a read-only root filesystem and the RuntimeDefault seccomp profile',
    dependsOn: [Cilium],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    // admission controller 100m/128Mi, background, cleanup and reports controllers 100m/64Mi each
    resources: { cpuMillis: 400, memoryMiB: 320 },
    network: {
      ingress: [allow.apiserver(`the API server calls the admission and cleanup controllers' webhooks (chart values admissionController.webhookServer.port, cleanupController.server.port: ${KYVERNO_WEBHOOK_PORT})`, [KYVERNO_WEBHOOK_PORT])],
      egress: [allow.apiserver('the controllers watch policies and resources, manage their webhook configurations and write reports and generated objects')],
    },
  });

  /**
   * The namespaces the policies and webhooks cover: those without the label every namespace
   * catalyst-cdk renders carries, k3s's own left out.
   */
  static unmanagedNamespaces(): Record<string, unknown> {
    return {
      matchExpressions: [
        { key: LABELS.sovereign, operator: 'DoesNotExist' },
        { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...K3S_NAMESPACES] },
      ],
    };
  }

  /** Values of the pinned chart: CRDs, webhooks limited to unmanaged namespaces, replicas and requests, PDB rights for the background controller. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {
      crds: { install: true },
      config: { webhooks: { namespaceSelector: Kyverno.unmanagedNamespaces() } },
      admissionController: { replicas: this.props.replicas ?? 1, container: { resources: resources('100m', '128Mi', '384Mi') } },
      backgroundController: {
        resources: resources('100m', '64Mi', '128Mi'),
        rbac: { clusterRole: { extraResources: [{ apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['create', 'update', 'patch', 'delete'] }] } },
      },
      cleanupController: { resources: resources('100m', '64Mi', '128Mi') },
      reportsController: { resources: resources('100m', '64Mi', '128Mi') },
    };
  }

  /** Renders the baseline ClusterPolicies the props turn on (see the class). */
  protected override renderConfig(scope: Construct, ctx: Cluster): void {
    const p = this.props;
    const policy = (id: string, name: string, reason: string, rules: Record<string, unknown>[], background: boolean) =>
      new ApiObject(scope, id, {
        apiVersion: CLUSTER_POLICY_API_VERSION,
        kind: 'ClusterPolicy',
        metadata: { name, labels: blueprintLabels(this, ctx), annotations: { 'policies.kyverno.io/description': reason } },
        spec: { background, webhookConfiguration: { failurePolicy: p.failurePolicy ?? 'Fail' }, rules },
      });
    if (p.networkPolicies ?? true) {
      policy('network-policies', KYVERNO_POLICIES.networkPolicies, 'Generates the baseline NetworkPolicies (default deny, DNS, same namespace) of a Blueprint namespace into every new namespace catalyst-cdk does not manage.', this.networkPolicyRules(), false);
    }
    if (p.podDisruptionBudgets ?? true) {
      policy('pod-disruption-budgets', KYVERNO_POLICIES.podDisruptionBudgets, 'Generates a PodDisruptionBudget with maxUnavailable 1 for every Deployment and StatefulSet with two or more replicas in namespaces catalyst-cdk does not manage.', ['Deployment', 'StatefulSet'].map((kind) => this.pdbRule(kind)), false);
    }
    const level = p.podSecurityLevel ?? 'restricted';
    policy('pod-security', KYVERNO_POLICIES.podSecurity, `Pods in namespaces catalyst-cdk does not manage must meet the Pod Security Standard ${level}.`, [
      {
        name: `pod-security-${level}`,
        match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: Kyverno.unmanagedNamespaces() } }] },
        validate: { failureAction: p.mode ?? 'Enforce', podSecurity: { level, version: 'latest' } },
      },
    ], true);
  }

  /**
   * One generate rule per baseline NetworkPolicy of a Blueprint namespace, the policies taken from the
   * `NamespaceNetworkPolicies` construct itself (rendered with no allowances for a placeholder
   * namespace that Kyverno fills in), so tenants' namespaces and Blueprint namespaces share one baseline.
   */
  private networkPolicyRules(): Record<string, unknown>[] {
    const scratch = new Chart(new App(), 'baseline');
    const namespace = '{{request.object.metadata.name}}';
    new NamespaceNetworkPolicies(scratch, 'baseline', { namespace, nodeSubnet: '0.0.0.0/32', apiServerPort: 1, allowances: {}, labels: { [LABELS.blueprint]: this.metadata.name } });
    return scratch.toJson().map((object) => {
      const { apiVersion, kind, metadata, spec } = object as { apiVersion: string; kind: string; metadata: { name: string; labels: object; annotations: object }; spec: object };
      return {
        name: `generate-${metadata.name}`,
        match: { any: [{ resources: { kinds: ['Namespace'], selector: Kyverno.unmanagedNamespaces() } }] },
        generate: { apiVersion, kind, name: metadata.name, namespace, synchronize: true, generateExisting: false, data: { metadata: { labels: metadata.labels, annotations: metadata.annotations }, spec } },
      };
    });
  }

  /** The generate rule of a PodDisruptionBudget for one workload kind. */
  private pdbRule(kind: string): Record<string, unknown> {
    const suffix = kind.toLowerCase();
    return {
      name: `generate-pdb-${suffix}`,
      match: { any: [{ resources: { kinds: [kind], namespaceSelector: Kyverno.unmanagedNamespaces() } }] },
      exclude: { any: [{ resources: { annotations: { [SKIP_PDB_ANNOTATION]: 'true' } } }] },
      preconditions: {
        all: [
          { key: '{{ request.object.spec.replicas || `1` }}', operator: 'GreaterThanOrEquals', value: 2 },
          { key: '{{ length(request.object.spec.selector.matchLabels || `{}`) }}', operator: 'GreaterThan', value: 0 },
        ],
      },
      generate: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        name: `{{request.object.metadata.name}}-${suffix}`,
        namespace: '{{request.object.metadata.namespace}}',
        synchronize: true,
        generateExisting: false,
        data: {
          metadata: { labels: { [LABELS.blueprint]: this.metadata.name } },
          spec: { maxUnavailable: 1, selector: { matchLabels: '{{request.object.spec.selector.matchLabels}}' } },
        },
      },
    };
  }
}
