import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, restrictedContainerSecurityContext, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { Flux } from './flux';

/** A Crossplane package reference: `registry/path` with a `:tag` or an `@sha256:` digest, which the package manager requires. */
const PACKAGE_REFERENCE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Props of the Crossplane Blueprint. */
export interface CrossplaneProps extends BlueprintProps {
  /** Replicas of the Crossplane core pod (leader election keeps one active). @default 1 */
  readonly replicas?: number;
  /**
   * Provider packages installed with the core, e.g. `xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0`.
   * Providers and their configs are usually better declared as `Provider` objects in a Blueprint that depends on this one.
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
 * (no Prometheus Operator yet); both containers run fully restricted. The namespace enforces
 * `baseline`: the package manager's default runtime config gives provider pods neither a seccomp
 * profile nor dropped capabilities.
 *
 * Source: chart `crossplane` (`CHARTS.crossplane`); reference catalog entry `crossplane` (bootstrap-kit slot 04, timeout 15m).
 */
export class Crossplane extends HelmBlueprint<CrossplaneProps> {
  /** The props a spec may set (`spec.blueprints.props.crossplane`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 5).optional().describe('Replicas of the core pod, 1-5; leader election keeps one active (default 1)'),
    providerPackages: z
      .array(z.string().regex(PACKAGE_REFERENCE, { error: 'must be a package reference with a tag or digest, e.g. xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0' }))
      .optional()
      .describe('Provider packages installed with the core (default none)'),
  }) satisfies z.ZodType<CrossplaneProps>;

  /** Catalog metadata: namespace crossplane-system (baseline), depends on Flux, timeout 15m. */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'crossplane',
    title: 'Crossplane',
    category: 'gitops-iac',
    tier: 'bootstrap-kit',
    summary: 'Kubernetes control plane for cloud resources, taking over day-2 changes from Terraform.',
    pin: chartPin('crossplane'),
    namespace: 'crossplane-system',
    podSecurity: { level: 'baseline', reason: 'provider pods created by the package manager have no seccomp profile or dropped capabilities unless a DeploymentRuntimeConfig adds them' },
    dependsOn: [Flux],
    installsCrds: true,
    placementModes: ['single-region'],
    resources: { cpuMillis: 200, memoryMiB: 512 },
    timeout: '15m',
    network: {
      ingress: [allow.apiserver('the API server calls the admission and conversion webhooks of Crossplane and of its providers on 9443 (chart value webhooks.enabled, Service crossplane-webhooks)', [9443])],
      egress: [
        allow.apiserver('the core, the RBAC manager and the providers watch and write composite resources, managed resources, packages and RBAC'),
        allow.internet([443], 'the package manager pulls provider packages from OCI registries (e.g. xpkg.upbound.io), and providers call their cloud APIs over HTTPS'),
      ],
    },
    kitSlot: 4,
    templateValues: (['Crossplane', 'RBACManager'] as const).flatMap((c) =>
      ['runAsNonRoot', 'capabilities', 'seccompProfile'].map((key) => ({
        path: `securityContext${c}.${key}`,
        template: c === 'Crossplane' ? 'templates/deployment.yaml' : 'templates/rbac-manager-deployment.yaml',
        why: `the init and main containers' securityContext is toYaml .Values.securityContext${c}, whose default in values.yaml has runAsUser, runAsGroup, allowPrivilegeEscalation and readOnlyRootFilesystem only`,
      })),
    ),
  });

  /** Values: replicas, provider packages, the chart's default requests and limits made explicit, a restricted security context (the chart's UID 65532) for core and RBAC manager, metrics off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    const securityContext = () => ({ runAsUser: 65532, runAsGroup: 65532, ...restrictedContainerSecurityContext() });
    return {
      replicas: this.props.replicas ?? 1,
      provider: { packages: [...(this.props.providerPackages ?? [])] },
      metrics: { enabled: false },
      resourcesCrossplane: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1024Mi' } },
      resourcesRBACManager: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '512Mi' } },
      securityContextCrossplane: securityContext(),
      securityContextRBACManager: securityContext(),
    };
  }
}
