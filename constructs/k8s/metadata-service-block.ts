/**
 * The cluster-wide block of Hetzner's metadata service for pods, as Cilium policies
 * (`CiliumClusterwideNetworkPolicy`, https://docs.cilium.io/en/v1.16/security/policy/language/).
 *
 * The metadata service (169.254.169.254) serves every process on a server that server's user_data,
 * which carries the k3s join token. Two deny rules keep pods away from it: one for every pod outside
 * the exempt namespace, one for the pods in it without the exemption label (`METADATA_SERVICE_ACCESS`).
 * Deny rules win over every allow rule, whatever policy allows the traffic. Both policies set
 * `enableDefaultDeny` off in both directions: a Cilium policy that selects a pod otherwise puts it into
 * default deny for each direction it has rules for (deny rules included), which would cut off every
 * pod of the unpoliced namespaces (`kube-system`) and override the namespaces' own NetworkPolicies.
 * The field exists since Cilium 1.16.0 (https://github.com/cilium/cilium/pull/30572,
 * https://github.com/cilium/cilium/issues/35558).
 *
 * Host-network pods are not Cilium endpoints, so neither policy applies to them. Cilium's host
 * firewall could filter the node's own traffic, but it sees host-network pods and the node's own
 * processes as one identity (`host`), and the node itself needs the metadata service: cloud-init
 * reads its datasource there on every boot. Host-network pods are instead confined by Pod Security:
 * only `privileged` namespaces admit them.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { METADATA_SERVICE_ACCESS, METADATA_SERVICE_IP } from '../../lib/hetzner';

/** API version of Cilium's policy kinds (Cilium 1.16). */
export const CILIUM_POLICY_API = 'cilium.io/v2';

/** Names of the two policies. */
export const METADATA_BLOCK_POLICIES = {
  /** The policy that denies every pod outside the exempt namespace. */
  outside: 'deny-metadata-service',
  /** The policy that denies the pods of the exempt namespace (`kube-system`) without the exemption label. */
  exemptNamespace: `deny-metadata-service-${METADATA_SERVICE_ACCESS.namespace}`,
} as const;

/** Label key of a pod's namespace in Cilium endpoint selectors (`k8s:` source). */
const POD_NAMESPACE = 'k8s:io.kubernetes.pod.namespace';

/** Props of a `MetadataServiceBlock`. */
export interface MetadataServiceBlockProps {
  /** Labels of both policies. @default {} */
  readonly labels?: Record<string, string>;
}

/** Two `CiliumClusterwideNetworkPolicy` objects that deny every pod but the exempted ones egress to the metadata service (see the module). */
export class MetadataServiceBlock extends Construct {
  constructor(scope: Construct, id: string, props: MetadataServiceBlockProps = {}) {
    super(scope, id);
    const access = METADATA_SERVICE_ACCESS;
    const policy = (name: string, description: string, matchExpressions: Array<Record<string, unknown>>) =>
      new ApiObject(this, name, {
        apiVersion: CILIUM_POLICY_API,
        kind: 'CiliumClusterwideNetworkPolicy',
        metadata: { name, labels: props.labels },
        spec: {
          description,
          endpointSelector: { matchExpressions },
          enableDefaultDeny: { egress: false, ingress: false },
          egressDeny: [{ toCIDR: [`${METADATA_SERVICE_IP}/32`] }],
        },
      });
    policy(METADATA_BLOCK_POLICIES.outside, `No pod outside ${access.namespace} may reach Hetzner's metadata service, which serves the node's user_data with the k3s join token.`, [
      { key: POD_NAMESPACE, operator: 'Exists' },
      { key: POD_NAMESPACE, operator: 'NotIn', values: [access.namespace] },
    ]);
    policy(METADATA_BLOCK_POLICIES.exemptNamespace, `Pods in ${access.namespace} reach Hetzner's metadata service only with the label ${access.label}=${access.value} (the hcloud CSI node plugin, which reads its server ID and location there).`, [
      { key: POD_NAMESPACE, operator: 'In', values: [access.namespace] },
      { key: `k8s:${access.label}`, operator: 'NotIn', values: [access.value] },
    ]);
  }
}
