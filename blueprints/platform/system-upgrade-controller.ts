import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { toYaml } from '../../lib/gitops';
import { IMAGES, MANIFESTS } from '../../lib/versions';
import { GitManifestsBlueprint, type GitManifestsBlueprintMetadata, type ManifestAdjustments } from '../git-manifests';
import { blueprintLabels } from '../namespace';
import { Flux } from './flux';

/** API version of the controller's `Plan` kind (CRD `plans.upgrade.cattle.io` of the release pinned in `MANIFESTS['system-upgrade-controller']`). */
export const PLAN_API_VERSION = 'upgrade.cattle.io/v1';

/** Name of the Plan that upgrades k3s on the control plane servers. */
export const SERVER_PLAN = 'k3s-server';

/** Name of the Plan that upgrades k3s on the agents, after the server Plan. */
export const AGENT_PLAN = 'k3s-agent';

/** Label k3s sets to `true` on control plane nodes (https://docs.k3s.io/installation/configuration). */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** ServiceAccount of the controller and its upgrade Jobs, from the upstream manifests (`manifests/system-upgrade-controller.yaml`). */
const SERVICE_ACCOUNT = 'system-upgrade';

/** Name of the controller Deployment and its container in the upstream manifests. */
const CONTROLLER = 'system-upgrade-controller';

/** Props of the system-upgrade-controller Blueprint. */
export interface SystemUpgradeControllerProps extends BlueprintProps {
  /**
   * Seconds a drain waits for each evicted pod to go before moving on (`drain.skipWaitForDeleteTimeout`
   * of the agent Plan), so one pod stuck terminating does not hold a node's upgrade forever.
   * @default 60
   */
  readonly drainPodTimeoutSeconds?: number;
}

/**
 * Rancher's system-upgrade-controller, and the k3s upgrade `Plan`s that keep every node on the
 * cluster's k3s version (`ctx.kubernetes.version`, from `spec.kubernetes.k3sVersion`).
 *
 * Servers ignore changes to their user_data, so a new k3s version reaches running nodes only through
 * these Plans: after a version bump in the spec, the `k3s-server` Plan upgrades the control plane
 * servers one at a time (cordoned while k3s restarts, as the k3s documentation recommends; the
 * containers keep running), then the `k3s-agent` Plan, whose prepare step waits for the server Plan to
 * complete (`prepare k3s-server`), drains and upgrades the agents one at a time. That order keeps the
 * Kubernetes version-skew policy: no kubelet is ever newer than the API server. Both Plans pin the
 * version exactly; the controller resolves the image `rancher/k3s-upgrade:<version with + as ->`.
 * Both tolerate every taint, so worker pools with taints of their own are upgraded too. The
 * controller runs a Plan once on every node it selects that it has not yet run that Plan spec on, so
 * the first apply (and every version change) cordons each server and drains each agent once, one
 * node at a time. The Plans
 * live in the `-config` stage (`bp-system-upgrade-controller-config`), applied once the controller
 * has registered the Plan CRD.
 *
 * How it is installed: the project publishes no Helm chart. Flux fetches its `manifests/` folder from
 * the upstream Git repository at the release tag, pinned to the tag's commit (a `GitRepository` that
 * ignores everything else), and a Flux Kustomization applies it into `system-upgrade`. This was chosen
 * over rendering copies of the manifests here: nothing upstream is copied or has to be kept in sync by
 * hand, and a version bump is one pin in `lib/versions.ts`. Flux's kustomize options adjust the
 * upstream files: the target namespace (which also completes the RBAC bindings' ServiceAccount
 * subjects, which upstream leaves to its root kustomization), the controller image tag (the folder's
 * Deployment names an old tag, v0.14.0, that the upstream root kustomization overrides with another
 * old one, so the tag comes from `IMAGES`), resource requests, and the upstream Namespace is removed in
 * favour of this Blueprint's, which carries the Pod Security labels and the Sovereign labels.
 *
 * Pod Security: `privileged`. The controller itself runs restricted, but its upgrade Jobs run
 * privileged on the host network with the host's PID and IPC namespaces and its root filesystem
 * mounted (`pkg/upgrade/job/job.go`), which is how they replace the k3s binary and restart k3s.
 * Network: the controller talks to the Kubernetes API only; the Jobs use the host network, where
 * NetworkPolicies do not apply, and their image ships the k3s binary (nothing is downloaded).
 *
 * Source: https://github.com/rancher/system-upgrade-controller at the pinned tag (manifests and the Plan
 * CRD, `shared/charts/system-upgrade-controller`), https://docs.k3s.io/upgrades/automated. Not in
 * the reference kit.
 */
export class SystemUpgradeController extends GitManifestsBlueprint<SystemUpgradeControllerProps> {
  /** Catalog metadata: manifests of rancher/system-upgrade-controller at the tag pinned in `MANIFESTS['system-upgrade-controller']`, from Git, namespace system-upgrade, bootstrap kit, depends on Flux. */
  static readonly metadata: GitManifestsBlueprintMetadata = {
    name: 'system-upgrade-controller',
    title: 'System Upgrade Controller',
    category: 'infrastructure',
    tier: 'bootstrap-kit',
    summary: 'Upgrades k3s on every node, servers first and one node at a time, when the Sovereign\'s k3s version changes.',
    manifests: MANIFESTS['system-upgrade-controller'],
    namespace: 'system-upgrade',
    podSecurity: { level: 'privileged', reason: 'the upgrade Jobs run privileged on the host network with the host PID and IPC namespaces and the host root filesystem mounted, to replace the k3s binary and restart k3s' },
    dependsOn: [Flux],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    network: {
      egress: [
        { peer: 'apiserver', reason: 'the controller watches Plans and Nodes, creates the upgrade Jobs, and cordons and drains nodes through the API' },
      ],
    },
    sources: [MANIFESTS['system-upgrade-controller'].docs, 'https://docs.k3s.io/upgrades/automated'],
  };

  /** Target namespace, the controller image from `IMAGES`, the controller's requests, and the upstream Namespace removed (this Blueprint declares it). */
  protected adjustments(_ctx: Cluster): ManifestAdjustments {
    const namespace = this.metadata.namespace;
    const image = IMAGES.systemUpgradeController;
    return {
      targetNamespace: namespace,
      images: [{ name: image.repository, newTag: image.tag }],
      patches: [
        { patch: toYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, $patch: 'delete' }), target: { kind: 'Namespace', name: namespace } },
        {
          patch: toYaml({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: CONTROLLER },
            spec: { template: { spec: { containers: [{ name: CONTROLLER, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } }] } } },
          }),
          target: { kind: 'Deployment', name: CONTROLLER },
        },
      ],
    };
  }

  /**
   * The `spec` of one k3s Plan: concurrency 1, the exact k3s version, every taint tolerated.
   * @param selector the nodes the Plan upgrades (a label selector)
   * @param steps what the Plan does around the upgrade: `cordon`, or `prepare` and `drain`
   */
  private planSpec(ctx: Cluster, selector: Record<string, unknown>, steps: Record<string, unknown>): Record<string, unknown> {
    return {
      concurrency: 1,
      version: ctx.kubernetes.version,
      nodeSelector: selector,
      serviceAccountName: SERVICE_ACCOUNT,
      tolerations: [{ operator: 'Exists' }],
      upgrade: { image: IMAGES.k3sUpgrade.repository },
      ...steps,
    };
  }

  /** Renders the `k3s-server` and `k3s-agent` Plans (see the class). */
  protected override renderConfig(chart: Construct, ctx: Cluster): void {
    const metadata = (name: string) => ({ name, namespace: this.metadata.namespace, labels: blueprintLabels(this, ctx) });
    new ApiObject(chart, 'plan-server', {
      apiVersion: PLAN_API_VERSION,
      kind: 'Plan',
      metadata: metadata(SERVER_PLAN),
      spec: this.planSpec(ctx, { matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: 'In', values: ['true'] }] }, { cordon: true }),
    });
    new ApiObject(chart, 'plan-agent', {
      apiVersion: PLAN_API_VERSION,
      kind: 'Plan',
      metadata: metadata(AGENT_PLAN),
      spec: this.planSpec(ctx, { matchExpressions: [{ key: CONTROL_PLANE_LABEL, operator: 'DoesNotExist' }] }, {
        prepare: { image: IMAGES.k3sUpgrade.repository, args: ['prepare', SERVER_PLAN] },
        drain: { force: true, deleteEmptydirData: true, ignoreDaemonSets: true, skipWaitForDeleteTimeout: this.props.drainPodTimeoutSeconds ?? 60 },
      }),
    });
  }
}
