import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, resources } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { CertManager } from './cert-manager';
import { HcloudCloudControllerManager } from './hcloud-cloud-controller-manager';

/** Port of notification-controller's webhook receiver inside the pod (the pinned chart `flux2`, container port `http-webhook`). */
export const FLUX_WEBHOOK_RECEIVER_PORT = 9292;

/** Log levels the Flux controllers accept (`--log-level`). */
export const FLUX_LOG_LEVELS = ['debug', 'info', 'error'] as const;

/** Props of the Flux Blueprint. */
export interface FluxProps extends BlueprintProps {
  /** Run the image reflector and image automation controllers; nothing in the platform writes image updates back to Git. @default false */
  readonly imageAutomation?: boolean;
  /** Log level of every controller. @default 'info' */
  readonly logLevel?: (typeof FLUX_LOG_LEVELS)[number];
}

/**
 * Flux: the GitOps controllers (source, kustomize, helm, notification) that apply this Sovereign's
 * GitOps tree, every other Blueprint's HelmRelease included.
 *
 * cloud-init installs this chart (release `flux`, namespace `flux-system`) with these exact values
 * before any GitOps object exists; the HelmRelease then adopts the release, so Flux manages its own
 * upgrades and the chart must stay at the version cloud-init installed. The reference installed
 * `install.yaml` and adopted it with a wrapper chart; one chart for both leaves nothing to reconcile.
 * The CRDs carry `helm.sh/resource-policy: keep`: deleting the release never deletes every Flux object.
 *
 * Network: the chart's own policies (`policies.create`) include an allow-all egress that would undo
 * the default deny, so they are off, and this Blueprint polices `flux-system` (`networkPolicies`,
 * although the GitOps tree declares the namespace): egress to the API server and public HTTPS and SSH
 * sources, besides DNS and the traffic between the controllers.
 *
 * Source: chart `flux2` (`CHARTS.flux2`; Flux v2.4.0); reference catalog entry `flux` (bootstrap-kit slot 03).
 */
export class Flux extends HelmBlueprint<FluxProps> {
  /** The props a spec may set (`spec.blueprints.props.flux`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    imageAutomation: z.boolean().optional().describe('Run the image reflector and image automation controllers (default false)'),
    logLevel: z.literal(FLUX_LOG_LEVELS, { error: `must be one of ${FLUX_LOG_LEVELS.join(', ')}` }).optional().describe('Log level of every controller (default info)'),
  }) satisfies z.ZodType<FluxProps>;

  /** Catalog metadata: namespace flux-system (not owned, but policed), depends on cert-manager and the Hetzner CCM (its pods schedule only on nodes the CCM initialized), pre-installed by cloud-init after the CCM. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'flux',
    title: 'Flux',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'GitOps controllers that continuously apply the Sovereign GitOps tree to the cluster.',
    pin: chartPin('flux2'),
    namespace: 'flux-system',
    ownsNamespace: false,
    podSecurity: 'every controller runs as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [CertManager, HcloudCloudControllerManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 200, memoryMiB: 224 },
    networkPolicies: true,
    network: {
      egress: [
        allow.apiserver('the controllers watch Flux objects and apply, prune and health-check everything the GitOps tree declares'),
        allow.internet([443], 'source-controller fetches Git repositories, Helm repository indexes and charts, and OCI artifacts over HTTPS; notification-controller posts alerts'),
        allow.internet([22], 'source-controller fetches Git repositories over SSH (ssh:// GitRepository URLs)'),
      ],
    },
    preinstalled: true,
    releaseName: 'flux',
    kitSlot: 3,
    templateValues: [
      {
        path: 'cli.resources',
        template: 'templates/pre-install-job.yaml',
        why: 'the flux-check pre-install hook Job renders toYaml .Values.cli.resources as its container\'s resources; values.yaml has no cli.resources key',
      },
    ],
  });

  /** Values: CRDs installed and kept, log level, per-controller requests, requests of the flux-check pre-install hook Job (`cli.resources`), image automation only when enabled, PodMonitor and the chart's own NetworkPolicies off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const imageAutomation = this.props.imageAutomation ?? false;
    const controller = (memory: string) => ({ resources: resources('50m', memory, '256Mi') });
    return {
      installCRDs: true,
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
      logLevel: this.props.logLevel ?? 'info',
      watchAllNamespaces: true,
      sourceController: controller('64Mi'),
      kustomizeController: controller('64Mi'),
      helmController: controller('64Mi'),
      notificationController: controller('32Mi'),
      imageAutomationController: { create: imageAutomation },
      imageReflectionController: { create: imageAutomation },
      prometheus: { podMonitor: { create: false } },
      policies: { create: false },
      cli: { resources: resources('10m', '32Mi', '128Mi') },
    };
  }

  /** The chart's own NetworkPolicies turned off. */
  protected valueReasons(): ValueReason[] {
    return [{ path: ['policies', 'create'], reason: "off: the chart's allow-all policies would undo flux-system's default deny; bp-flux holds flux-system's NetworkPolicies" }];
  }

  /** The metadata's allowances, plus the webhook receiver when the final values create its Ingress (`notificationController.webhookReceiver.ingress.create`): Git hosts call it through the Cilium Ingress controller. */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const notification = this.helmValues(ctx).notificationController as { webhookReceiver?: { ingress?: { create?: unknown } } } | undefined;
    if (notification?.webhookReceiver?.ingress?.create !== true) return base;
    const receiver = allow.anywhere([FLUX_WEBHOOK_RECEIVER_PORT], 'Git hosts and registries call notification-controller\'s webhook receiver through the Cilium Ingress controller (Service webhook-receiver, target port 9292)');
    return { ingress: [...(base.ingress ?? []), receiver], egress: base.egress };
  }

  /** helm-controller upgrades the release it runs in, so Helm must not wait on the controllers' replacement; Flux's Kustomization health checks report readiness instead. */
  protected waitForResources(): boolean {
    return false;
  }
}
