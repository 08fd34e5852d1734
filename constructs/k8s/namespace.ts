/**
 * A namespace with Pod Security Admission labels
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/), on cdk8s-plus-28's `Namespace`.
 */
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PodSecurityLevel } from '../../lib/blueprint';

/**
 * Pod Security Admission labels of a namespace: `level` enforced (at the latest policy version),
 * `restricted` warned and audited.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

/** Props of a `PlatformNamespace`. */
export interface PlatformNamespaceProps {
  /** Namespace name, e.g. `cert-manager`. */
  readonly name: string;
  /** Level enforced on pods in the namespace. */
  readonly podSecurity: PodSecurityLevel;
  /** Extra labels (e.g. the Sovereign label). @default {} */
  readonly labels?: Record<string, string>;
  /** Annotations, e.g. `kustomize.toolkit.fluxcd.io/prune: disabled`. @default none */
  readonly annotations?: Record<string, string>;
}

/**
 * A `Namespace` that enforces a Pod Security level and warns and audits at `restricted`, so
 * workloads that could be tightened show up in warnings and audit logs.
 */
export class PlatformNamespace extends Construct {
  /** The underlying cdk8s-plus namespace. */
  readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.namespace = new kplus.Namespace(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: props.annotations,
        labels: { ...props.labels, ...podSecurityLabels(props.podSecurity) },
      },
    });
  }
}
