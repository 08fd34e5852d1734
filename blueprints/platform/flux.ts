import type { BlueprintMetadata, BlueprintProps, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint, type ValueReason } from '../helm';
import { CertManager } from './cert-manager';
import { HcloudCloudControllerManager } from './hcloud-cloud-controller-manager';

/** Port of notification-controller's webhook receiver inside the pod (the pinned chart `flux2`, container port `http-webhook`). */
export const FLUX_WEBHOOK_RECEIVER_PORT = 9292;

/** Props of the Flux Blueprint. */
export interface FluxProps extends BlueprintProps {
  /**
   * Run the image reflector and image automation controllers (image update automation). Nothing in
   * the platform writes image updates back to Git, so they are off and cost nothing.
   * @default false
   */
  readonly imageAutomation?: boolean;
  /**
   * Log level of every controller: `debug`, `info` or `error`.
   * @default 'info'
   */
  readonly logLevel?: 'debug' | 'info' | 'error';
}

/**
 * Flux: the GitOps controllers (source, kustomize, helm, notification) that apply this Sovereign's
 * GitOps tree, including every other Blueprint's HelmRelease.
 *
 * Cloud-init installs this chart with Helm (release `flux`, namespace `flux-system`) before any
 * GitOps object exists, with exactly these values; this HelmRelease then adopts that release, so
 * Flux manages its own upgrades from then on. The chart must stay at the version cloud-init
 * installed, or the adoption becomes an upgrade of the controllers doing the upgrade.
 *
 * Source: chart `flux2` (`CHARTS.flux2`; Flux v2.4.0) from https://fluxcd-community.github.io/helm-charts
 * (https://github.com/fluxcd-community/helm-charts/tree/main/charts/flux2); reference catalog entry
 * `flux` (bootstrap-kit slot 03).
 *
 * Network: the chart creates NetworkPolicies of its own by default (`policies.create`), among them
 * `allow-egress`, which allows all egress from `flux-system` and would undo the default deny (policies
 * add up). They are off; instead this Blueprint renders the policies of `flux-system`
 * (`networkPolicies`, although the GitOps tree, not the Blueprint, declares the namespace): egress to
 * the API server and to public HTTPS and SSH sources, besides DNS and the traffic between the
 * controllers (source-controller serves artifacts, notification-controller receives events).
 *
 * The chart's CRDs are annotated `helm.sh/resource-policy: keep`: deleting the release must never
 * delete the CRDs and with them every Flux object of the cluster. The reference installed Flux from
 * the upstream `install.yaml` and then adopted it with a wrapper chart; here cloud-init and Flux use
 * the same upstream chart, so there is nothing to reconcile between two installation methods.
 */
export class Flux extends HelmBlueprint<FluxProps> {
  /** Catalog metadata: the pinned chart `flux2` (fluxcd-community.github.io/helm-charts), namespace flux-system (not owned), bootstrap kit, depends on cert-manager and the Hetzner CCM (its pods schedule only on nodes the CCM initialized), pre-installed by cloud-init after the CCM. */
  static readonly metadata: BlueprintMetadata = {
    name: 'flux',
    title: 'Flux',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'GitOps controllers that continuously apply the Sovereign GitOps tree to the cluster.',
    chart: chartPin('flux2'),
    namespace: 'flux-system',
    ownsNamespace: false,
    podSecurity: { level: 'restricted', reason: 'every controller runs as non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile' },
    releaseName: 'flux',
    dependsOn: [CertManager, HcloudCloudControllerManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 200, memoryMiB: 224 },
    networkPolicies: true,
    network: {
      egress: [
        { peer: 'apiserver', reason: 'the controllers watch Flux objects and apply, prune and health-check everything the GitOps tree declares' },
        { peer: 'internet', ports: [{ port: 443 }], reason: 'source-controller fetches Git repositories, Helm repository indexes and charts, and OCI artifacts over HTTPS; notification-controller posts alerts' },
        { peer: 'internet', ports: [{ port: 22 }], reason: 'source-controller fetches Git repositories over SSH (ssh:// GitRepository URLs)' },
      ],
    },
    preinstalled: true,
    sources: [CHARTS.flux2.docs, 'catalog/components.json#flux', 'catalog/bootstrap-kit.json slot 3'],
    templateValues: [
      {
        path: 'cli.resources',
        template: 'templates/pre-install-job.yaml',
        why: 'the flux-check pre-install hook Job renders toYaml .Values.cli.resources as its container\'s resources; values.yaml has no cli.resources key',
      },
    ],
  };

  /** Values of the pinned chart `flux2` from the props: CRDs installed and kept on uninstall, log level, per-controller requests, requests of the flux-check pre-install hook Job (`cli.resources`; its security context is the chart's restricted default), image automation controllers only when enabled, PodMonitor off, the chart's own NetworkPolicies off (see the class). */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const imageAutomation = this.props.imageAutomation ?? false;
    const controller = (memory: string) => ({ resources: { requests: { cpu: '50m', memory }, limits: { memory: '256Mi' } } });
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
      cli: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
    };
  }

  /** The chart's own NetworkPolicies turned off. */
  protected valueReasons(): ValueReason[] {
    return [{ path: ['policies', 'create'], reason: "off: the chart's allow-all policies would undo flux-system's default deny; bp-flux holds flux-system's NetworkPolicies" }];
  }

  /**
   * The metadata's allowances, plus ingress to notification-controller's webhook receiver (container
   * port 9292) when the final values create its Ingress (`notificationController.webhookReceiver.ingress.create`,
   * e.g. through `props.values`): Git hosts then call it through the Cilium Ingress controller.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const notification = this.helmValues(ctx).notificationController as { webhookReceiver?: { ingress?: { create?: unknown } } } | undefined;
    if (notification?.webhookReceiver?.ingress?.create !== true) return base;
    const receiver: NetworkRule = {
      peer: 'anywhere',
      ports: [{ port: FLUX_WEBHOOK_RECEIVER_PORT }],
      reason: 'Git hosts and registries call notification-controller\'s webhook receiver through the Cilium Ingress controller (Service webhook-receiver, target port 9292)',
    };
    return { ingress: [...(base.ingress ?? []), receiver], egress: base.egress };
  }

  /**
   * helm-controller upgrades the release it runs in: waiting for the new controllers to be ready
   * would have the old controller wait on its own replacement, so Helm does not wait here and Flux's
   * Kustomization health checks report readiness instead.
   */
  protected waitForResources(): boolean {
    return false;
  }
}
