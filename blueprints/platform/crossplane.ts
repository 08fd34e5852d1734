import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { Flux } from './flux';

/** Props of the Crossplane Blueprint. */
export interface CrossplaneProps extends BlueprintProps {
  /**
   * Replicas of the Crossplane core pod (leader election keeps one active).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Crossplane provider packages installed with the core, e.g.
   * `xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0`. Providers and their configs are
   * usually better declared as `Provider` objects in a Blueprint that depends on this one.
   * @default none
   */
  readonly providerPackages?: readonly string[];
}

/**
 * Crossplane: the Kubernetes control plane for cloud resources, used for day-2 changes to what
 * Terraform created at bootstrap.
 *
 * Installs the core and RBAC manager only; compositions, providers and claims belong to Blueprints
 * that depend on this one (a chart cannot carry both a CRD and objects of that CRD). Metrics are off
 * (no Prometheus Operator yet). Both containers get a fully restricted security context.
 *
 * Source: chart `crossplane` (`CHARTS.crossplane`) from https://charts.crossplane.io/stable
 * (https://docs.crossplane.io/v1.18/software/install/); reference catalog entry `crossplane`
 * (bootstrap-kit slot 04, timeout 15m).
 *
 * The namespace enforces `baseline`, not `restricted`: provider pods are created by Crossplane's
 * package manager, and its default runtime config sets neither a seccomp profile nor dropped
 * capabilities.
 */
export class Crossplane extends HelmBlueprint<CrossplaneProps> {
  /** Catalog metadata: the pinned chart `crossplane` (charts.crossplane.io/stable), namespace crossplane-system, bootstrap kit, depends on Flux, timeout 15m. */
  static readonly metadata: BlueprintMetadata = {
    name: 'crossplane',
    title: 'Crossplane',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'Kubernetes control plane for cloud resources, taking over day-2 changes from Terraform.',
    chart: chartPin('crossplane'),
    namespace: 'crossplane-system',
    podSecurity: { level: 'baseline', reason: 'provider pods created by the package manager have no seccomp profile or dropped capabilities unless a DeploymentRuntimeConfig adds them' },
    releaseName: 'crossplane',
    dependsOn: [Flux],
    installsCrds: true,
    placementModes: ['single-region'],
    resources: { cpuMillis: 200, memoryMiB: 512 },
    timeout: '15m',
    network: {
      ingress: [
        { peer: 'apiserver', ports: [{ port: 9443 }], reason: 'the API server calls the admission and conversion webhooks of Crossplane and of its providers on 9443 (chart value webhooks.enabled, Service crossplane-webhooks)' },
      ],
      egress: [
        { peer: 'apiserver', reason: 'the core, the RBAC manager and the providers watch and write composite resources, managed resources, packages and RBAC' },
        { peer: 'internet', ports: [{ port: 443 }], reason: 'the package manager pulls provider packages from OCI registries (e.g. xpkg.upbound.io), and providers call their cloud APIs over HTTPS' },
      ],
    },
    sources: [CHARTS.crossplane.docs, 'catalog/components.json#crossplane', 'catalog/bootstrap-kit.json slot 4'],
    templateValues: [
      ...(['Crossplane', 'RBACManager'] as const).flatMap((c) =>
        ['runAsNonRoot', 'capabilities', 'seccompProfile'].map((key) => ({
          path: `securityContext${c}.${key}`,
          template: c === 'Crossplane' ? 'templates/deployment.yaml' : 'templates/rbac-manager-deployment.yaml',
          why: `the init and main containers' securityContext is toYaml .Values.securityContext${c}, whose default in values.yaml has runAsUser, runAsGroup, allowPrivilegeEscalation and readOnlyRootFilesystem only`,
        })),
      ),
    ],
  };

  /** Values of the pinned chart `crossplane` from the props: replicas, provider packages, requests/limits and a restricted security context for core and RBAC manager, metrics off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const securityContext = {
      runAsUser: 65532,
      runAsGroup: 65532,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    return {
      replicas: this.props.replicas ?? 1,
      provider: { packages: [...(this.props.providerPackages ?? [])] },
      metrics: { enabled: false },
      resourcesCrossplane: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1024Mi' } },
      resourcesRBACManager: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '512Mi' } },
      securityContextCrossplane: securityContext,
      securityContextRBACManager: securityContext,
    };
  }
}
