import type { Construct } from 'constructs';
import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { MetadataServiceBlock } from '../../constructs/k8s/metadata-service-block';
import type { HelmPostRenderPatch } from '../../constructs/flux';
import { podSecurityLabels } from '../../constructs/k8s/namespace';
import { componentMetadata, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';

/** Namespace the chart creates for Ingress, Gateway API and CiliumEnvoyConfig TLS Secrets (`*.secretsNamespace.name`, templates/cilium-secrets-namespace.yaml). */
export const CILIUM_SECRETS_NAMESPACE = 'cilium-secrets';

/** The IngressClass the chart creates for Cilium's Ingress controller; no value of the pinned chart renames it (https://docs.cilium.io/en/v1.16/network/servicemesh/ingress/). */
export const CILIUM_INGRESS_CLASS = 'cilium';

/** Props of the Cilium Blueprint. */
export interface CiliumProps extends BlueprintProps {
  /** Encrypt pod-to-pod traffic between nodes with WireGuard. @default true */
  readonly wireguard?: boolean;
  /** Cilium's Gateway API support; needs the Gateway API CRDs, which no Blueprint installs yet. @default false */
  readonly gatewayApi?: boolean;
  /**
   * Run the Ingress controller (class `cilium`, the cluster default) as one shared NodePort service on
   * the cluster's ingress ports, which the Hetzner load balancer forwards 80 and 443 to.
   * @default true
   */
  readonly ingressController?: boolean;
  /** Cilium operator replicas. @default 1 with one control plane server, 2 with three */
  readonly operatorReplicas?: number;
}

/**
 * Cilium: eBPF CNI, kube-proxy replacement and WireGuard node-to-node encryption.
 *
 * k3s starts without a CNI (`--flannel-backend=none`), so cloud-init installs this chart with these
 * exact values before Flux exists and the HelmRelease adopts that release. The agents reach the API
 * server through k3s's node-local load balancer `127.0.0.1:6444`, which servers and agents both run
 * (the reference's `127.0.0.1:6443` works on control plane nodes only). The Ingress controller
 * listens on the node ports the load balancer targets, expecting the PROXY protocol exactly when the
 * load balancer sends it, so cert-manager's HTTP-01 solver works from the first boot.
 *
 * `policyCIDRMatchMode: [nodes]` lets NetworkPolicy `ipBlock` peers match node IPs, which the
 * Blueprints' policies need for the API server (in k3s on the control plane nodes) and host-network
 * pods such as SPIRE agents; agents read a changed `cilium-config` only when they restart
 * (https://docs.cilium.io/en/v1.16/security/policy/language/#selecting-nodes-with-cidr-ipblock).
 * No NetworkPolicy: `kube-system` is k3s's (see `BlueprintMetadata.networkPolicies`). The `-config`
 * stage blocks Hetzner's metadata service for every pod but the labelled ones (`MetadataServiceBlock`).
 *
 * Source: chart `cilium` (`CHARTS.cilium`); reference catalog entry `cilium` (bootstrap-kit slot 01).
 */
export class Cilium extends HelmBlueprint<CiliumProps> {
  /** The props a spec may set (`spec.blueprints.props.cilium`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    wireguard: z.boolean().optional().describe('Encrypt pod-to-pod traffic between nodes with WireGuard (default true)'),
    gatewayApi: z.boolean().optional().describe('Gateway API support; needs the Gateway API CRDs (default false)'),
    ingressController: z.boolean().optional().describe('Run the Ingress controller, class cilium, on the cluster ingress node ports (default true)'),
    operatorReplicas: wholeNumber(1, 5).optional().describe('Cilium operator replicas, 1-5 (default 1, or 2 with three control plane servers)'),
  }) satisfies z.ZodType<CiliumProps>;

  /** Catalog metadata: namespace kube-system (not owned), no dependencies, pre-installed by cloud-init. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'cilium',
    title: 'Cilium',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'eBPF CNI with kube-proxy replacement, WireGuard encryption and Hubble.',
    pin: chartPin('cilium'),
    namespace: 'kube-system',
    ownsNamespace: false,
    podSecurity: { level: 'privileged', reason: 'the agent loads eBPF programs and manages host networking' },
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 200, memoryMiB: 448 },
    preinstalled: true,
    kitSlot: 1,
    templateValues: [
      {
        path: 'kubeProxyReplacement',
        template: 'templates/cilium-configmap.yaml',
        why: 'values.yaml has the key only as a comment; the ConfigMap template reads .Values.kubeProxyReplacement into kube-proxy-replacement (and fails unless it is true or false), as do templates/cilium-agent/daemonset.yaml and templates/validate.yaml',
      },
    ],
  });

  /**
   * The ingress class Ingresses and cert-manager's HTTP-01 solver use to reach this Ingress controller.
   * @throws Error when the props turn the Ingress controller off, so a reader must name its own class
   */
  ingressClassName(): string {
    if (this.props.ingressController === false) throw new Error('Cilium runs no Ingress controller (props.ingressController is false); name the ingress class of your own controller in the reading Blueprint\'s props (e.g. cert-manager\'s http01IngressClass)');
    return CILIUM_INGRESS_CLASS;
  }

  /**
   * Values: kube-proxy replacement through k3s's local API proxy, VXLAN tunnel, WireGuard, node IPs
   * selectable by `ipBlock`, the Ingress controller on the cluster's ingress node ports, operator
   * replicas by control plane size, and requests (agent, its init containers via `initResources` and
   * `cgroup.autoMount.resources`, envoy, operator; the chart's `cni.resources` already covers
   * install-cni-binaries, and the `config` init container has no resources value). No limits: a
   * throttled or OOM-killed CNI agent takes the node's pod network with it.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const p = this.props;
    return {
      kubeProxyReplacement: true,
      k8sServiceHost: '127.0.0.1',
      k8sServicePort: 6444,
      ipam: { mode: 'kubernetes' },
      routingMode: 'tunnel',
      tunnelProtocol: 'vxlan',
      bpf: { masquerade: true },
      encryption: { enabled: p.wireguard ?? true, type: 'wireguard' },
      l7Proxy: true,
      gatewayAPI: { enabled: p.gatewayApi ?? false },
      l2announcements: { enabled: false },
      policyCIDRMatchMode: ['nodes'],
      ingressController: {
        enabled: p.ingressController ?? true,
        default: true,
        loadbalancerMode: 'shared',
        enableProxyProtocol: ctx.ingress.proxyProtocol,
        service: { type: 'NodePort', insecureNodePort: ctx.ingress.http, secureNodePort: ctx.ingress.https },
      },
      resources: resources('100m', '256Mi'),
      initResources: resources('10m', '32Mi'),
      cgroup: { autoMount: { resources: resources('10m', '32Mi') } },
      envoy: { enabled: true, resources: resources('50m', '64Mi') },
      operator: { replicas: p.operatorReplicas ?? (ctx.cluster.controlPlaneCount >= 3 ? 2 : 1), resources: resources('50m', '128Mi') },
      hubble: { relay: { enabled: false }, ui: { enabled: false } },
      prometheus: { enabled: false, serviceMonitor: { enabled: false } },
    };
  }

  /** Renders the cluster-wide metadata service block; it needs Cilium's policy CRDs, so it is in the `-config` stage. */
  protected override renderConfig(chart: Construct, ctx: Cluster): void {
    new MetadataServiceBlock(chart, 'metadata-service-block', { labels: this.labels(ctx) });
  }

  /** The API endpoint, the node-IP match mode and the ingress node ports (see the class). */
  protected valueReasons(ctx: Cluster): ValueReason[] {
    return [
      { path: ['k8sServiceHost'], reason: "k3s's node-local API load balancer, on servers and agents alike: without kube-proxy Cilium cannot use the kubernetes Service" },
      { path: ['policyCIDRMatchMode'], reason: 'lets NetworkPolicy ipBlock peers match node IPs: the API server (in k3s on the control plane nodes) and host-network pods such as SPIRE agents' },
      { path: ['ingressController', 'service'], reason: `the Hetzner load balancer forwards 80 and 443 to these node ports (${ctx.ingress.http}, ${ctx.ingress.https})` },
    ];
  }

  /** Labels the chart's `cilium-secrets` Namespace (TLS Secrets only) Pod Security `restricted`; the chart has no value for its labels. */
  protected postRenderPatches(_ctx: Cluster): HelmPostRenderPatch[] {
    return [{ target: { apiVersion: 'v1', kind: 'Namespace', name: CILIUM_SECRETS_NAMESPACE }, patch: { metadata: { labels: podSecurityLabels('restricted') } } }];
  }

  /** Waits for the agent DaemonSet: the node has no pod network before it is ready. */
  protected preinstallWaitCommand(): string {
    return `k3s kubectl -n ${this.metadata.namespace} rollout status daemonset/cilium --timeout=10m`;
  }
}
