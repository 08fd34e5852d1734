import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { BLUEPRINT_PROPS_SCHEMA, type BlueprintMetadata, type BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { toYaml } from '../../lib/gitops';
import { IMAGES, MANIFESTS } from '../../lib/versions';
import { allow, componentMetadata, resources } from '../common';
import { GitManifestsBlueprint, type ManifestAdjustments } from '../git-manifests';
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
   * Whole seconds, 1-3600.
   * @default 60
   */
  readonly drainPodTimeoutSeconds?: number;
}

/**
 * Rancher's system-upgrade-controller, and the k3s upgrade `Plan`s that keep every node on the
 * cluster's k3s version (`cluster.kubernetes.version`, from `spec.kubernetes.k3sVersion`).
 *
 * Servers ignore changes to their user_data, so a new k3s version reaches running nodes only through
 * these Plans: the `k3s-server` Plan upgrades the control plane servers one at a time (cordoned while
 * k3s restarts, as the k3s documentation recommends; containers keep running), then the `k3s-agent`
 * Plan, whose prepare step waits for the server Plan (`prepare k3s-server`), drains and upgrades the
 * agents one at a time. No kubelet is ever newer than the API server (the version-skew policy). Both
 * Plans pin the version exactly (the controller runs `rancher/k3s-upgrade:<version, + as ->`) and
 * tolerate every taint. The controller runs a Plan once on every selected node it has not yet run
 * that Plan spec on, so the first apply and every version change cordon each server and drain each
 * agent once. The Plans live in the `-config` stage, applied once the Plan CRD is registered.
 *
 * The project publishes no Helm chart: Flux fetches its `manifests/` folder from Git at the release
 * tag, pinned to the tag's commit, and a Flux Kustomization applies it into `system-upgrade`, so
 * nothing upstream is copied and a bump is one pin in `lib/versions.ts`. Kustomize options adjust
 * the files: the target namespace (which also completes the RBAC subjects), the controller image
 * (the folder names an old tag, so the tag comes from `IMAGES`), requests, and the upstream Namespace
 * removed in favour of this Blueprint's, which carries the Pod Security and Sovereign labels.
 *
 * Pod Security `privileged`: the controller runs restricted, but its upgrade Jobs run privileged on
 * the host network with the host's PID and IPC namespaces and root filesystem (`pkg/upgrade/job/job.go`)
 * to replace the k3s binary and restart k3s. Network: the controller talks to the Kubernetes API
 * only; the Jobs use the host network, where NetworkPolicies do not apply, and download nothing.
 *
 * Source: https://github.com/rancher/system-upgrade-controller at the pinned tag (manifests and the
 * Plan CRD, `shared/charts/system-upgrade-controller`), https://docs.k3s.io/upgrades/automated. Not
 * in the reference kit.
 */
export class SystemUpgradeController extends GitManifestsBlueprint<SystemUpgradeControllerProps> {
  /** The props a spec may set (`spec.blueprints.props.system-upgrade-controller`). */
  static readonly propsSchema = BLUEPRINT_PROPS_SCHEMA.extend({
    drainPodTimeoutSeconds: z.number().int().min(1).max(3600).optional().describe('Seconds a drain waits for each evicted pod before moving on (default 60)'),
  }) satisfies z.ZodType<SystemUpgradeControllerProps>;

  /** Catalog metadata: manifests from Git, namespace system-upgrade, bootstrap kit, depends on Flux. */
  static readonly metadata: BlueprintMetadata = {
    ...componentMetadata({
      name: 'system-upgrade-controller',
      title: 'System Upgrade Controller',
      category: 'infrastructure',
      tier: 'bootstrap-kit',
      summary: 'Upgrades k3s on every node, servers first and one node at a time, when the Sovereign\'s k3s version changes.',
      pin: MANIFESTS['system-upgrade-controller'],
      namespace: 'system-upgrade',
      podSecurity: { level: 'privileged', reason: 'the upgrade Jobs run privileged on the host network with the host PID and IPC namespaces and the host root filesystem mounted, to replace the k3s binary and restart k3s' },
      dependsOn: [Flux],
      installsCrds: true,
      placementModes: ['active-active', 'single-region'],
      resources: { cpuMillis: 50, memoryMiB: 64 },
      network: { egress: [allow.apiserver('the controller watches Plans and Nodes, creates the upgrade Jobs, and cordons and drains nodes through the API')] },
    }),
    // not in the reference catalog
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
            spec: { template: { spec: { containers: [{ name: CONTROLLER, resources: resources('50m', '64Mi', '256Mi') }] } } },
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
