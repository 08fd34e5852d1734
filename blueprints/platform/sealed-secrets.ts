import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { componentMetadata, resources, restrictedContainerSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { CertManager } from './cert-manager';

/** Name of the controller's Deployment and Service: what `kubeseal` looks for by default (`--controller-name`). */
export const SEALED_SECRETS_CONTROLLER = 'sealed-secrets-controller';

/** Props of the Sealed Secrets Blueprint. */
export interface SealedSecretsProps extends BlueprintProps {
  /**
   * How often the controller generates a new sealing key (Go duration); old keys stay, so existing
   * SealedSecrets keep decrypting; `0` turns rotation off.
   * @default '720h' (30 days, the controller's own default, made explicit)
   */
  readonly keyRenewPeriod?: string;
}

/**
 * Sealed Secrets: a controller that decrypts `SealedSecret` objects, encrypted for this cluster's
 * key, into ordinary Secrets, so secrets can travel through Git during bootstrap.
 *
 * Installed into `kube-system` as `sealed-secrets-controller`, what `kubeseal` looks for by default;
 * the Blueprint never declares `kube-system`, so it is never pruned, and renders no NetworkPolicies
 * there (k3s's namespace, see `BlueprintMetadata.networkPolicies`). The container is restricted on
 * top of the chart's defaults (no privilege escalation, RuntimeDefault seccomp), although
 * `kube-system` is not labelled by this Blueprint.
 *
 * Source: chart `sealed-secrets` (`CHARTS['sealed-secrets']`); reference catalog entry `sealed-secrets` (bootstrap-kit slot 05).
 */
export class SealedSecrets extends HelmBlueprint<SealedSecretsProps> {
  /** The props a spec may set (`spec.blueprints.props.sealed-secrets`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    keyRenewPeriod: z
      .string()
      .regex(/^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/, { error: "must be a Go duration such as 720h or 168h30m, or '0' to turn rotation off" })
      .optional()
      .describe('How often the controller generates a new sealing key, a Go duration; 0 turns rotation off (default 720h)'),
  }) satisfies z.ZodType<SealedSecretsProps>;

  /** Catalog metadata: namespace kube-system (not owned), depends on cert-manager, installs the SealedSecret CRD. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'sealed-secrets',
    title: 'Sealed Secrets',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'Decrypts SealedSecrets committed to Git into Secrets inside the cluster.',
    pin: chartPin('sealed-secrets'),
    namespace: 'kube-system',
    ownsNamespace: false,
    podSecurity: 'the controller runs as non-root with a read-only root filesystem and no capabilities (kube-system itself is not labelled by this Blueprint)',
    dependsOn: [CertManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    kitSlot: 5,
    templateValues: ['allowPrivilegeEscalation', 'seccompProfile'].map((key) => ({
      path: `containerSecurityContext.${key}`,
      template: 'templates/deployment.yaml',
      why: 'the controller container\'s securityContext is omit .Values.containerSecurityContext "enabled" | toYaml: every key but enabled is rendered, and values.yaml does not list this one',
    })),
  });

  /** The controller as `kubeseal` addresses it (`--controller-name`, `--controller-namespace`). */
  get controller(): {
    /** Name of the controller's Deployment and Service (`SEALED_SECRETS_CONTROLLER`). */
    readonly name: string;
    /** Namespace it runs in (`metadata.namespace`, kube-system). */
    readonly namespace: string;
  } {
    return { name: SEALED_SECRETS_CONTROLLER, namespace: this.metadata.namespace };
  }

  /** Values: the controller name, key renewal period, requests, a restricted container security context (the chart's UID 1001), ServiceMonitor off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {
      fullnameOverride: SEALED_SECRETS_CONTROLLER,
      keyrenewperiod: this.props.keyRenewPeriod ?? '720h',
      resources: resources('50m', '64Mi', '128Mi'),
      containerSecurityContext: { enabled: true, runAsUser: 1001, ...restrictedContainerSecurityContext() },
      metrics: { serviceMonitor: { enabled: false } },
    };
  }
}
