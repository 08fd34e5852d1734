/**
 * The NetworkPolicies of a namespace a Blueprint polices: a default deny, the baseline every
 * namespace needs (DNS, traffic between its own pods) and the Blueprint's allowances, as standard
 * `networking.k8s.io/v1` NetworkPolicy objects
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/) that Cilium enforces.
 *
 * One object per allowance, each with the rule's reason in the `catalyst.openova.io/reason`
 * annotation, so `kubectl describe networkpolicy` says why a connection is allowed. Names are derived
 * from direction, peer and ports, so they are stable across syntheses.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { NetworkAllowances, NetworkPort, NetworkRule } from '../../lib/blueprint';
import { LINK_LOCAL_CIDRS, PRIVATE_IPV4_CIDRS, PRIVATE_IPV6_CIDRS } from '../../lib/net';

/** Annotation holding why a NetworkPolicy exists. */
export const REASON_ANNOTATION = 'catalyst.openova.io/reason';

/** Name of the policy that denies all traffic of a namespace not allowed by another policy. */
export const DEFAULT_DENY_POLICY = 'default-deny';

/** Name of the policy that lets every pod of a namespace resolve names with CoreDNS. */
export const DNS_POLICY = 'allow-dns';

/** Name of the policy that allows traffic between the pods of one namespace, both directions. */
export const SAME_NAMESPACE_POLICY = 'allow-same-namespace';

/** Label that Kubernetes sets on every namespace to its name (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Namespace and pod labels of the cluster DNS: k3s deploys CoreDNS in `kube-system` with the label `k8s-app: kube-dns`. */
export const CLUSTER_DNS = {
  /** Namespace of the CoreDNS pods. */
  namespace: 'kube-system',
  /** Labels that select the CoreDNS pods. */
  podLabels: {
    /** The label k3s' CoreDNS manifest sets on its pods. */
    'k8s-app': 'kube-dns',
  },
} as const;

/**
 * Address ranges the `internet` peer leaves out: RFC 1918 and unique local addresses (RFC 4193), and
 * link-local ranges, which hold Hetzner's metadata service (169.254.169.254). The metadata service
 * serves a server's user_data, which carries the k3s join token, so no pod may reach it through an
 * internet allowance.
 */
export const NON_INTERNET_RANGES = {
  /** IPv4 CIDRs left out, sorted: the RFC 1918 ranges and `169.254.0.0/16`. */
  ipv4: [...PRIVATE_IPV4_CIDRS, LINK_LOCAL_CIDRS.ipv4].sort(),
  /** IPv6 CIDRs left out: `fc00::/7` and `fe80::/10`. */
  ipv6: [...PRIVATE_IPV6_CIDRS, LINK_LOCAL_CIDRS.ipv6],
} as const;

/** Direction of a rule, as in a NetworkPolicy's `policyTypes`. */
export type NetworkDirection = 'Ingress' | 'Egress';

/** Props of `NamespaceNetworkPolicies`. */
export interface NamespaceNetworkPoliciesProps {
  /** Namespace the policies live in and apply to (every pod of it). */
  readonly namespace: string;
  /** The cluster's node subnet (IPv4 CIDR), the peer of `apiserver` and `nodes` rules. */
  readonly nodeSubnet: string;
  /** Port of the Kubernetes API server on the control plane nodes (k3s: 6443), the default port of `apiserver` egress rules. */
  readonly apiServerPort: number;
  /** The Blueprint's allowances beyond the baseline. */
  readonly allowances: NetworkAllowances;
  /** Labels of every policy. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * Name of the policy of one allowance: `allow-<direction>-<peer>[-<namespace>]-<ports>`, ports as
 * their sorted distinct numbers, e.g. `allow-egress-internet-53-80-443`.
 */
export function allowanceName(direction: NetworkDirection, rule: NetworkRule, ports: readonly NetworkPort[]): string {
  const numbers = [...new Set(ports.map((p) => p.port))].sort((a, b) => a - b);
  return ['allow', direction.toLowerCase(), rule.peer, ...(rule.namespace ? [rule.namespace] : []), ...numbers].join('-');
}

/**
 * The ports of a rule, checked.
 * @throws Error when the rule has no ports (and is not an `apiserver` egress rule) or a port is not an integer in 1-65535
 */
function rulePorts(direction: NetworkDirection, rule: NetworkRule, apiServerPort: number): readonly NetworkPort[] {
  const ports = rule.ports ?? (rule.peer === 'apiserver' && direction === 'Egress' ? [{ port: apiServerPort }] : []);
  if (ports.length === 0) throw new Error(`${direction.toLowerCase()} rule with peer ${rule.peer} must list its ports (${rule.reason})`);
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new Error(`port ${p.port} of ${rule.peer} rule must be an integer in 1-65535`);
  }
  return ports;
}

/**
 * The NetworkPolicy peers of a rule; `undefined` for `anywhere` (no `from`: any source).
 * @throws Error when `namespace` is missing for peer `namespace` or set for another peer, or for `anywhere` in egress
 */
function rulePeers(direction: NetworkDirection, rule: NetworkRule, nodeSubnet: string): k8s.NetworkPolicyPeer[] | undefined {
  if ((rule.peer === 'namespace') !== (rule.namespace !== undefined)) {
    throw new Error(`a rule names a namespace exactly when its peer is namespace (peer ${rule.peer}, namespace ${rule.namespace ?? 'none'})`);
  }
  switch (rule.peer) {
    case 'apiserver':
    case 'nodes':
      return [{ ipBlock: { cidr: nodeSubnet } }];
    case 'internet':
      return [
        { ipBlock: { cidr: '0.0.0.0/0', except: [...NON_INTERNET_RANGES.ipv4] } },
        { ipBlock: { cidr: '::/0', except: [...NON_INTERNET_RANGES.ipv6] } },
      ];
    case 'cluster':
      return [{ namespaceSelector: {} }];
    case 'namespace':
      return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: rule.namespace! } } }];
    case 'anywhere':
      if (direction === 'Egress') throw new Error(`peer anywhere is for ingress only; egress rules name their peer (${rule.reason})`);
      return undefined;
  }
}

function policyPorts(ports: readonly NetworkPort[]): k8s.NetworkPolicyPort[] {
  return ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' }));
}

/**
 * The NetworkPolicies of one namespace: `default-deny` (every pod, both directions), `allow-dns`
 * (egress to CoreDNS on 53 UDP and TCP), `allow-same-namespace` (from and to the namespace's own
 * pods), then one `allow-...` policy per allowance. Every policy selects every pod of the namespace.
 */
export class NamespaceNetworkPolicies extends Construct {
  /**
   * @throws Error for an invalid rule (see `NetworkRule`: missing ports or reason, a port outside 1-65535, a
   *   misplaced `namespace`, `anywhere` in egress), or when two allowances would get the same policy name
   */
  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const names: string[] = [];
    const policy = (name: string, reason: string, spec: Omit<k8s.NetworkPolicySpec, 'podSelector'>) => {
      if (names.includes(name)) throw new Error(`two network allowances of namespace ${props.namespace} would both be named ${name}; merge their ports`);
      names.push(name);
      new k8s.KubeNetworkPolicy(this, name, {
        metadata: { name, namespace: props.namespace, labels: props.labels, annotations: { [REASON_ANNOTATION]: reason } },
        spec: { podSelector: {}, ...spec },
      });
    };

    policy(DEFAULT_DENY_POLICY, 'deny every connection of this namespace that no other policy allows', { policyTypes: ['Ingress', 'Egress'] });
    policy(DNS_POLICY, 'resolve names with the cluster DNS (CoreDNS in kube-system)', {
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace } }, podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
          ports: policyPorts([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]),
        },
      ],
    });
    policy(SAME_NAMESPACE_POLICY, 'the pods of this namespace talk to each other (a component and its own database, cluster peers, hooks)', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });

    const directions: Array<[NetworkDirection, readonly NetworkRule[]]> = [
      ['Ingress', props.allowances.ingress ?? []],
      ['Egress', props.allowances.egress ?? []],
    ];
    for (const [direction, rules] of directions) {
      for (const rule of rules) {
        if (rule.reason.trim() === '') throw new Error(`${direction.toLowerCase()} rule with peer ${rule.peer} needs a reason`);
        const ports = rulePorts(direction, rule, props.apiServerPort);
        const peers = rulePeers(direction, rule, props.nodeSubnet);
        const name = allowanceName(direction, rule, ports);
        if (direction === 'Ingress') policy(name, rule.reason, { policyTypes: ['Ingress'], ingress: [{ from: peers, ports: policyPorts(ports) }] });
        else policy(name, rule.reason, { policyTypes: ['Egress'], egress: [{ to: peers, ports: policyPorts(ports) }] });
      }
    }
  }
}
