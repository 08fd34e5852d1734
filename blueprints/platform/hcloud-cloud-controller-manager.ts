import type { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS } from '../../lib/versions';
import { componentMetadata, resources } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { Cilium } from './cilium';

/** Name of the Deployment the chart renders: the chart name (no `nameOverride`). */
export const HCLOUD_CCM_DEPLOYMENT = 'hcloud-cloud-controller-manager';

/** Props of the Hetzner Cloud controller manager Blueprint: only those every Blueprint has (raw `values` above all). */
export type HcloudCloudControllerManagerProps = BlueprintProps;

/**
 * The Hetzner Cloud controller manager (CCM): sets each node's provider ID, addresses, instance type
 * and location labels, removes the `node.cloudprovider.kubernetes.io/uninitialized` taint the kubelet
 * sets under `cloud-provider=external`, deletes Node objects whose server is gone, and creates Hetzner
 * load balancers for `LoadBalancer` Services (in the cluster's location, over the private network).
 *
 * Bootstrap order: until the CCM has initialized a node, only pods tolerating that taint schedule on
 * it; Cilium's agent tolerates every taint, CoreDNS and Flux's controllers do not, so Flux could never
 * install the CCM itself. Cloud-init pre-installs this chart with Helm right after Cilium (the CCM
 * tolerates `not-ready` only for `NoExecute`, so it needs the CNI first) and before Flux, with exactly
 * these values; this HelmRelease then adopts the release. The Flux Blueprint depends on this one,
 * which orders the pre-installs.
 *
 * Private networking is on: the CCM reads the cluster's Hetzner network name and the API token from
 * the in-cluster Hetzner Secret (`cluster.hcloudSecret`, keys `network` and `token`; created at
 * bootstrap from the sensitive Terraform variable `hcloud_token`, never in Git) and gets
 * `--cluster-cidr` = the pod range. Routes per node pod range stay off: Cilium tunnels pod traffic
 * between nodes (VXLAN), so routes would never carry a packet. With networking on, the chart runs
 * the pod on the host network with the node's resolvers (`dnsPolicy: Default`), so it needs neither
 * a pod network nor CoreDNS; it reads Hetzner's metadata service once at start
 * (`serverIsAttachedToNetwork` in `hcloud/cloud.go`), unaffected by the Cilium Blueprint's pod-level
 * block. Metrics (a host port 8233 nobody scrapes) are off.
 *
 * Namespace `kube-system`, as upstream installs it: the token Secret lives there and no Blueprint
 * owns it, so no NetworkPolicy (a host-network pod is not subject to one anyway). Its traffic: the
 * Hetzner API (`api.hetzner.cloud`, HTTPS) and the Kubernetes API.
 *
 * Source: chart `hcloud-cloud-controller-manager` (`CHARTS['hcloud-cloud-controller-manager']`,
 * https://charts.hetzner.cloud; values and templates at the chart version's release tag,
 * `shared/charts/hcloud-ccm`). Not in the reference kit.
 */
export class HcloudCloudControllerManager extends HelmBlueprint<HcloudCloudControllerManagerProps> {
  /** The props a spec may set (`spec.blueprints.props.hcloud-cloud-controller-manager`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA satisfies z.ZodType<HcloudCloudControllerManagerProps>;

  /** Catalog metadata: namespace kube-system (not owned), bootstrap kit, depends on Cilium, pre-installed by cloud-init. */
  static readonly metadata: BlueprintMetadata = {
    ...componentMetadata({
      name: 'hcloud-cloud-controller-manager',
      title: 'Hetzner Cloud controller manager',
      category: 'infrastructure',
      tier: 'bootstrap-kit',
      summary: 'Initializes nodes with their Hetzner server data, removes dead nodes and serves LoadBalancer Services.',
      pin: CHARTS['hcloud-cloud-controller-manager'],
      namespace: 'kube-system',
      ownsNamespace: false,
      podSecurity: { level: 'privileged', reason: 'with private networking the chart runs the controller on the host network (hostNetwork: true), which baseline forbids; the container itself is non-root with no capabilities and a read-only root filesystem' },
      dependsOn: [Cilium],
      placementModes: ['active-active', 'single-region'],
      resources: { cpuMillis: 100, memoryMiB: 64 },
      preinstalled: true,
      templateValues: [
        { path: 'env.HCLOUD_NETWORK_ROUTES_ENABLED', template: 'templates/deployment.yaml', why: 'the template renders every entry of .Values.env as a container environment variable (range $key, $value := $.Values.env); the variable is read by internal/config/config.go' },
        ...['LOCATION', 'USE_PRIVATE_IP'].map((v) => ({ path: `env.HCLOUD_LOAD_BALANCERS_${v}`, template: 'templates/deployment.yaml', why: 'rendered as an environment variable from .Values.env like every entry; read by internal/config/load_balancer_envs.go' })),
        { path: 'resources.limits', template: 'templates/deployment.yaml', why: 'the template renders .Values.resources whole (toYaml $.Values.resources); values.yaml sets only requests' },
      ],
    }),
    // not in the reference catalog: the pin's docs and the private network guide at the release tag
    sources: [CHARTS['hcloud-cloud-controller-manager'].docs, `https://github.com/hetznercloud/hcloud-cloud-controller-manager/blob/v${CHARTS['hcloud-cloud-controller-manager'].version}/docs/guides/private-network-setup.md`],
  };

  /** Values of the pinned chart `hcloud-cloud-controller-manager` from the context: token and network from the in-cluster Hetzner Secret, private networking with the pod range as cluster CIDR and no routes, load balancers in the cluster's location on private IPs, metrics off, requests and a memory limit. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const secret = ctx.hcloudSecret;
    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: secret.name, key } } });
    return {
      replicaCount: 1,
      env: {
        HCLOUD_TOKEN: fromSecret(secret.tokenKey),
        HCLOUD_NETWORK_ROUTES_ENABLED: { value: 'false' },
        HCLOUD_LOAD_BALANCERS_LOCATION: { value: ctx.cluster.location },
        HCLOUD_LOAD_BALANCERS_USE_PRIVATE_IP: { value: 'true' },
      },
      networking: { enabled: true, clusterCIDR: ctx.network.podCidr, network: fromSecret(secret.networkKey) },
      monitoring: { enabled: false },
      resources: resources('100m', '64Mi', '256Mi'),
    };
  }

  /** Waits until the controller Deployment is rolled out: Flux's pods schedule only on nodes it has initialized. */
  protected preinstallWaitCommand(): string {
    return `k3s kubectl -n ${this.metadata.namespace} rollout status deployment/${HCLOUD_CCM_DEPLOYMENT} --timeout=10m`;
  }
}
