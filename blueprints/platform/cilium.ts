import type { Construct } from 'constructs';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { MetadataServiceBlock } from '../../constructs/k8s/metadata-service-block';
import type { HelmPostRenderPatch } from '../../constructs/flux';
import { podSecurityLabels } from '../../constructs/k8s/namespace';
import { HelmBlueprint, type ValueReason } from '../helm';

/**
 * Namespace the chart creates for the TLS Secrets of Ingress, Gateway API and CiliumEnvoyConfig
 * (chart values `ingressController.secretsNamespace.name`, `gatewayAPI.secretsNamespace.name`,
 * `envoyConfig.secretsNamespace.name`; template `templates/cilium-secrets-namespace.yaml`).
 */
export const CILIUM_SECRETS_NAMESPACE = 'cilium-secrets';

/** Props of the Cilium Blueprint. */
export interface CiliumProps extends BlueprintProps {
  /**
   * Encrypt pod-to-pod traffic between nodes with WireGuard.
   * @default true
   */
  readonly wireguard?: boolean;
  /**
   * Enable Cilium's Gateway API support. Needs the Gateway API CRDs installed first, which no
   * Blueprint in this catalog installs yet, so it is off by default.
   * @default false
   */
  readonly gatewayApi?: boolean;
  /**
   * Run Cilium's Ingress controller (ingress class `cilium`, the cluster default) as one shared
   * NodePort service on the ingress ports of the cluster context, which the Hetzner load balancer
   * forwards 80 and 443 to.
   * @default true
   */
  readonly ingressController?: boolean;
  /**
   * Cilium operator replicas.
   * @default 1 with one control plane server, 2 with three
   */
  readonly operatorReplicas?: number;
}

/**
 * Cilium: eBPF CNI, kube-proxy replacement and WireGuard node-to-node encryption.
 *
 * The cluster has no CNI until Cilium runs (k3s starts with `--flannel-backend=none`), so cloud-init
 * installs this chart with Helm before Flux exists, with exactly these values; the HelmRelease then
 * adopts that release (same release name `cilium`, namespace `kube-system`, chart version).
 *
 * Source: chart `cilium` (`CHARTS.cilium`) from https://helm.cilium.io (https://docs.cilium.io/en/v1.16/helm-reference/);
 * reference catalog entry `cilium` (bootstrap-kit slot 01).
 *
 * The agents reach the API server through k3s's node-local load balancer at `127.0.0.1:6444`, which
 * exists on servers and agents alike; the reference's `127.0.0.1:6443` only works on control plane nodes.
 *
 * The Ingress controller listens on the node ports the load balancer targets (`ctx.ingress`,
 * 31080/31443), so traffic to the load balancer reaches Ingress objects, and cert-manager's HTTP-01
 * solver (ingress class `cilium`) works from the first boot. With `ctx.ingress.proxyProtocol` (the
 * default) its listeners accept only PROXY protocol connections, which is what the load balancer
 * sends, and Envoy sets `X-Forwarded-For` from the client address in the header.
 *
 * `policyCIDRMatchMode: [nodes]` lets NetworkPolicy `ipBlock` peers match cluster nodes, which Cilium
 * otherwise leaves to its `host`/`remote-node` entities that a standard NetworkPolicy cannot name.
 * The Blueprints' policies need it twice: the API server runs in k3s on the control plane nodes (the
 * `kubernetes` Service's endpoints are `<node IP>:6443`), and host-network pods such as the SPIRE
 * agents connect from node addresses; both are selected by the node subnet. cloud-init installs these
 * values, so the mode holds from the first boot; on a running cluster the agents read a changed
 * `cilium-config` only when they restart
 * (https://docs.cilium.io/en/v1.16/security/policy/language/#selecting-nodes-with-cidr-ipblock).
 * The Blueprint renders no NetworkPolicy: `kube-system` is k3s's namespace, not this Blueprint's
 * (see `BlueprintMetadata.networkPolicies`).
 *
 * Its `-config` stage blocks Hetzner's metadata service (169.254.169.254, which serves the node's
 * user_data with the k3s join token) for every pod of the cluster, except the pods of `kube-system`
 * labelled `catalyst.openova.io/metadata-service: allowed` (the hcloud CSI node plugin), with two
 * `CiliumClusterwideNetworkPolicy` deny rules (see `MetadataServiceBlock`, also for why host-network
 * pods are left to Pod Security rather than Cilium's host firewall).
 */
export class Cilium extends HelmBlueprint<CiliumProps> {
  /** Catalog metadata: the pinned chart `cilium` (helm.cilium.io), namespace kube-system (not owned), bootstrap kit, no dependencies, pre-installed by cloud-init. */
  static readonly metadata: BlueprintMetadata = {
    name: 'cilium',
    title: 'Cilium',
    category: 'networking',
    tier: 'bootstrap-kit',
    summary: 'eBPF CNI with kube-proxy replacement, WireGuard encryption and Hubble.',
    chart: chartPin('cilium'),
    namespace: 'kube-system',
    ownsNamespace: false,
    podSecurity: { level: 'privileged', reason: 'the agent loads eBPF programs and manages host networking' },
    releaseName: 'cilium',
    dependsOn: [],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 200, memoryMiB: 448 },
    preinstalled: true,
    sources: ['https://docs.cilium.io/en/v1.16/helm-reference/', 'catalog/components.json#cilium', 'catalog/bootstrap-kit.json slot 1'],
    templateValues: [
      {
        path: 'kubeProxyReplacement',
        template: 'templates/cilium-configmap.yaml',
        why: 'values.yaml has the key only as a comment; the ConfigMap template reads .Values.kubeProxyReplacement into kube-proxy-replacement (and fails unless it is true or false), as do templates/cilium-agent/daemonset.yaml and templates/validate.yaml',
      },
    ],
  };

  /**
   * Values of the pinned chart `cilium` from the props and context: kube-proxy replacement through k3s's
   * local API proxy (127.0.0.1:6444), VXLAN tunnel, WireGuard, node IPs selectable by NetworkPolicy
   * `ipBlock` (`policyCIDRMatchMode`, a list whose one possible entry is `nodes`), the Ingress
   * controller on the context's ingress node ports expecting the PROXY
   * protocol exactly when the load balancer sends it (`ingressController.enableProxyProtocol` =
   * `ctx.ingress.proxyProtocol`), operator replicas by control plane size, and
   * requests for the containers: agent 100m/256Mi, the agent's init containers 10m/32Mi
   * (`initResources`: apply-sysctl-overwrites, mount-bpf-fs, clean-cilium-state and the optional
   * wait containers; `cgroup.autoMount.resources`: mount-cgroup), envoy 50m/64Mi, operator 50m/128Mi;
   * the chart's `cni.resources` already requests 100m/10Mi for install-cni-binaries. The `config`
   * init container has no resources value in this chart version. No limits: a throttled or
   * OOM-killed CNI agent takes the node's pod network with it.
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
      resources: { requests: { cpu: '100m', memory: '256Mi' } },
      initResources: { requests: { cpu: '10m', memory: '32Mi' } },
      cgroup: { autoMount: { resources: { requests: { cpu: '10m', memory: '32Mi' } } } },
      envoy: { enabled: true, resources: { requests: { cpu: '50m', memory: '64Mi' } } },
      operator: { replicas: p.operatorReplicas ?? (ctx.cluster.controlPlaneCount >= 3 ? 2 : 1), resources: { requests: { cpu: '50m', memory: '128Mi' } } },
      hubble: { relay: { enabled: false }, ui: { enabled: false } },
      prometheus: { enabled: false, serviceMonitor: { enabled: false } },
    };
  }

  /** Renders the cluster-wide metadata service block (see the class); it needs Cilium's policy CRDs, so it is in the `-config` stage. */
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

  /**
   * Labels the `cilium-secrets` Namespace the chart renders (for Ingress TLS Secrets) with Pod
   * Security labels at `restricted`: it holds Secrets only, and the chart has no value for its labels.
   */
  protected postRenderPatches(_ctx: Cluster): HelmPostRenderPatch[] {
    return [{ target: { apiVersion: 'v1', kind: 'Namespace', name: CILIUM_SECRETS_NAMESPACE }, patch: { metadata: { labels: podSecurityLabels('restricted') } } }];
  }

  /** Waits for the agent DaemonSet: the node has no pod network before it is ready. */
  protected preinstallWaitCommand(): string {
    return 'k3s kubectl -n kube-system rollout status daemonset/cilium --timeout=10m';
  }
}
