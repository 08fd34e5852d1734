import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';

/** HTTPS port of the VPA admission controller's webhook in its pod: the chart's `admissionController.containerPorts.https`. */
export const VPA_WEBHOOK_PORT = 8000;

/** Props of the Vertical Pod Autoscaler Blueprint. */
export interface VpaProps extends BlueprintProps {
  /**
   * Replicas of the admission controller, the webhook that sets the recommended requests on new
   * pods; 1-3 (the webhook is stateless, the chart adds a PodDisruptionBudget only when asked).
   * @default 1
   */
  readonly admissionControllerReplicas?: number;
  /**
   * Whether the updater runs: it evicts pods whose requests are far from the recommendation, for
   * `VerticalPodAutoscaler` objects in update mode `Recreate` or `Auto`. Off, the VPA only recommends
   * (objects in mode `Off`) and sets requests when pods start (mode `Initial`).
   * @default true
   */
  readonly updater?: boolean;
}

/**
 * The Vertical Pod Autoscaler: the recommender learns each workload's CPU and memory use from the
 * metrics API (k3s's metrics-server), the admission controller sets recommended requests on new pods,
 * and the updater evicts pods whose requests drifted, for the `VerticalPodAutoscaler` objects a
 * platform team or tenant creates (the Catalyst default is update mode `Off`: recommend only).
 *
 * Installs the cowboysysop chart (the one the reference pins). The reference's overlay keys
 * `crds.install` and `admissionController.generateCertificate` do not exist in the pinned chart and were
 * silent no-ops; the keys that do are `crds.enabled` (the chart applies its two CRDs,
 * `VerticalPodAutoscaler` and `VerticalPodAutoscalerCheckpoint`, with a hook Job) and
 * `admissionController.tls.*` (left empty: the chart then generates the webhook's CA and certificate
 * with Helm's `genCA`/`genSignedCert` and puts the CA into the webhook configuration in the same
 * release, so they always match). The chart's pods already run restricted (non-root 65534, no
 * capabilities, read-only root filesystem, RuntimeDefault seccomp), so the namespace is `restricted`:
 * nothing in the VPA needs more. The requests are the reference's figures (the chart sets none).
 * The recommender and updater stay single replicas: without leader election two of either would act
 * twice.
 *
 * Source: chart `vertical-pod-autoscaler` (`CHARTS['vertical-pod-autoscaler']`,
 * https://github.com/cowboysysop/charts/tree/master/charts/vertical-pod-autoscaler), VPA 1.5
 * (https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler); reference kit slot 29.
 */
export class Vpa extends HelmBlueprint<VpaProps> {
  /** The props a spec may set (`spec.blueprints.props.vpa`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    admissionControllerReplicas: wholeNumber(1, 3).optional().describe('Replicas of the admission controller webhook, 1-3; default 1'),
    updater: z.boolean().optional().describe('Whether the updater evicts pods for VPAs in mode Recreate or Auto; default true'),
  }) satisfies z.ZodType<VpaProps>;

  /** Catalog metadata: bootstrap kit slot 29, namespace vpa, no dependencies (as the reference). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'vpa',
    title: 'Vertical Pod Autoscaler',
    category: 'scaling-operations',
    tier: 'bootstrap-kit',
    summary: 'Recommends CPU and memory requests from observed use, and applies them to pods that ask for it.',
    pin: chartPin('vertical-pod-autoscaler'),
    kitSlot: 29,
    podSecurity: 'the chart runs recommender, updater, admission controller and its CRD Job as non-root 65534 with no capabilities, a read-only root filesystem and the RuntimeDefault seccomp profile',
    installsCrds: true,
    placementModes: ['single-region', 'active-active'],
    resources: { cpuMillis: 150, memoryMiB: 512 },
    network: {
      ingress: [allow.apiserver(`the API server calls the admission controller's mutating webhook (chart value admissionController.containerPorts.https, ${VPA_WEBHOOK_PORT})`, [VPA_WEBHOOK_PORT])],
      egress: [allow.apiserver('the recommender reads pod metrics through the metrics API and VPA objects, the updater evicts pods, the CRD Job applies the CRDs')],
    },
  });

  /** Values of the pinned chart: the CRDs by the chart's Job, the requests, the admission controller's replicas, the updater on or off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    return {
      crds: { enabled: true },
      admissionController: { replicaCount: p.admissionControllerReplicas ?? 1, resources: resources('50m', '128Mi', '512Mi') },
      recommender: { replicaCount: 1, resources: resources('50m', '256Mi', '1Gi') },
      updater: { enabled: p.updater ?? true, replicaCount: 1, resources: resources('50m', '128Mi', '512Mi') },
    };
  }
}
