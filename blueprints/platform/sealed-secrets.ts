import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { CertManager } from './cert-manager';

/** Props of the Sealed Secrets Blueprint. */
export interface SealedSecretsProps extends BlueprintProps {
  /**
   * How often the controller generates a new sealing key (Go duration). Old keys stay, so existing
   * SealedSecrets keep decrypting; `0` turns rotation off.
   * @default '720h' (30 days, the controller's own default, made explicit)
   */
  readonly keyRenewPeriod?: string;
}

/**
 * Sealed Secrets: a controller that decrypts `SealedSecret` objects, encrypted for this cluster's
 * key, into ordinary Secrets, so secrets can travel through Git during bootstrap.
 *
 * Installed into `kube-system` under the controller name `sealed-secrets-controller` (what `kubeseal`
 * looks for by default). The Blueprint never declares `kube-system`, so it can never be pruned.
 * The container gets `allowPrivilegeEscalation: false` and the RuntimeDefault seccomp profile on top
 * of the chart's defaults, so the pod would pass `restricted` even though `kube-system` itself is not
 * labelled by this Blueprint. Nor does it render NetworkPolicies: `kube-system` is k3s's namespace,
 * and a default deny there would have to allow the traffic of every k3s component in it (CoreDNS
 * answering all namespaces, metrics-server, the local-path provisioner), which no Blueprint owns (see
 * `BlueprintMetadata.networkPolicies`).
 *
 * Source: chart `sealed-secrets` (`CHARTS['sealed-secrets']`) from https://bitnami-labs.github.io/sealed-secrets
 * (https://github.com/bitnami-labs/sealed-secrets/tree/main/helm/sealed-secrets); reference catalog
 * entry `sealed-secrets` (bootstrap-kit slot 05).
 */
export class SealedSecrets extends HelmBlueprint<SealedSecretsProps> {
  /** Catalog metadata: the pinned chart `sealed-secrets` (bitnami-labs.github.io/sealed-secrets), namespace kube-system (not owned), bootstrap kit, depends on cert-manager. */
  static readonly metadata: BlueprintMetadata = {
    name: 'sealed-secrets',
    title: 'Sealed Secrets',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'Decrypts SealedSecrets committed to Git into Secrets inside the cluster.',
    chart: chartPin('sealed-secrets'),
    namespace: 'kube-system',
    ownsNamespace: false,
    podSecurity: { level: 'restricted', reason: 'the controller runs as non-root with a read-only root filesystem and no capabilities (kube-system itself is not labelled by this Blueprint)' },
    releaseName: 'sealed-secrets',
    dependsOn: [CertManager],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 50, memoryMiB: 64 },
    sources: [CHARTS['sealed-secrets'].docs, 'catalog/components.json#sealed-secrets', 'catalog/bootstrap-kit.json slot 5'],
    templateValues: ['allowPrivilegeEscalation', 'seccompProfile'].map((key) => ({
      path: `containerSecurityContext.${key}`,
      template: 'templates/deployment.yaml',
      why: 'the controller container\'s securityContext is omit .Values.containerSecurityContext "enabled" | toYaml: every key but enabled is rendered, and values.yaml does not list this one',
    })),
  };

  /** Values of the pinned chart `sealed-secrets` from the props: controller named `sealed-secrets-controller`, key renewal period, restricted container security context, ServiceMonitor off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {
      fullnameOverride: 'sealed-secrets-controller',
      keyrenewperiod: this.props.keyRenewPeriod ?? '720h',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      containerSecurityContext: {
        enabled: true,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1001,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      metrics: { serviceMonitor: { enabled: false } },
    };
  }
}
