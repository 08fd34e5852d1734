/**
 * What every Blueprint renders the same way, whatever it installs: the labels of its objects, and its
 * namespace with Pod Security labels and NetworkPolicies.
 */
import type { Construct } from 'constructs';
import type { Blueprint } from '../lib/blueprint';
import type { Cluster, ClusterInfo } from '../lib/cluster';
import { LABELS } from '../lib/naming';
import { PlatformNamespace } from '../constructs/k8s/namespace';
import { NamespaceNetworkPolicies } from '../constructs/k8s/network-policy';

/** Labels of every object a Blueprint renders: the Sovereign's, plus the Blueprint's name. */
export function blueprintLabels(bp: Blueprint, ctx: ClusterInfo): Record<string, string> {
  return { ...ctx.labels, [LABELS.blueprint]: bp.metadata.name };
}

/**
 * Renders a Blueprint's namespace (unless `ownsNamespace` is false) with its Pod Security level, and
 * the namespace's NetworkPolicies when the Blueprint polices it (see `Blueprint.policesNetwork`).
 * @throws Error for an invalid network rule (see `NamespaceNetworkPolicies`)
 */
export function renderNamespace(chart: Construct, bp: Blueprint, ctx: Cluster): void {
  const m = bp.metadata;
  if (m.ownsNamespace !== false) {
    new PlatformNamespace(chart, 'namespace', { name: m.namespace, podSecurity: m.podSecurity.level, labels: blueprintLabels(bp, ctx) });
  }
  if (bp.policesNetwork) {
    new NamespaceNetworkPolicies(chart, 'network-policies', {
      namespace: m.namespace,
      nodeSubnet: ctx.network.nodeSubnet,
      apiServerPort: ctx.kubernetes.apiPort,
      allowances: bp.networkAllowances(ctx),
      labels: blueprintLabels(bp, ctx),
    });
  }
}
