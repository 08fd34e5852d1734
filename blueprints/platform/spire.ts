import { z } from 'zod';
import type { BlueprintConstruct, BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { blueprintObjectName } from '../../lib/naming';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmRelease } from '../../constructs/flux';
import { allow, componentMetadata, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, minutes } from '../helm';
import { CertManager } from './cert-manager';
import { HcloudCsi } from './hcloud-csi';

/**
 * Pod security context of the SPIRE server and OIDC discovery provider pods and of the chart's hook
 * Jobs: the chart's own recommendation (spire-lib `default_k8s_podsecuritycontext_values`, applied with
 * `global.spire.recommendations.securityContexts`), plus non-root and the RuntimeDefault seccomp profile.
 */
const POD_SECURITY = { ...restrictedPodSecurityContext(), fsGroupChangePolicy: 'OnRootMismatch' };

/** Container security context of the same pods: the chart's recommended one (spire-lib `default_securitycontext_values`). */
const CONTAINER_SECURITY = restrictedContainerSecurityContext();

/** Props of the SPIRE Blueprint. */
export interface SpireProps extends BlueprintProps {
  /**
   * SPIFFE trust domain: every SPIFFE ID is `spiffe://<trustDomain>/...`. It cannot change without
   * re-issuing every identity, so it names the Sovereign rather than a placeholder.
   * @default the Sovereign FQDN
   */
  readonly trustDomain?: string;
  /** Cluster name in node attestation (part of each agent's SPIFFE ID). @default the cluster name, e.g. `hz-fsn-mgt-prod` */
  readonly clusterName?: string;
  /**
   * Create the chart's default `ClusterSPIFFEID`, which gives every pod an identity
   * `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. Off as in the reference: consumers
   * declare their own ClusterSPIFFEIDs for exactly the workloads that need one.
   * @default false
   */
  readonly defaultWorkloadIdentity?: boolean;
}

/**
 * SPIRE: the SPIFFE runtime that attests nodes and workloads and issues them short-lived X.509 and
 * JWT identities (SVIDs).
 *
 * Installs two charts from one HelmRepository: `spire-crds` (release `spire-crds`, Flux object
 * `bp-spire-crds`) and `spire` (server with the controller manager, agent DaemonSet, SPIFFE CSI
 * driver, OIDC discovery provider), which depends on the CRD release because it creates
 * `ClusterSPIFFEID` objects. Everything runs in `spire-system` (the chart's split namespace layout is off).
 *
 * Source: `CHARTS.spire` and `CHARTS['spire-crds']` (https://github.com/spiffe/helm-charts-hardened);
 * reference catalog entry `spire`.
 *
 * Deviation: the reference used the trust domain `catalyst.local` and the cluster name `catalyst`
 * for every Sovereign, so identities of two Sovereigns were indistinguishable; here both derive from
 * the Sovereign and the cluster.
 */
export class Spire extends HelmBlueprint<SpireProps> {
  /** The props a spec may set (`spec.blueprints.props.spire`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    trustDomain: z.string().max(255).regex(/^[a-z0-9._-]+$/, { error: 'must be a SPIFFE trust domain: lowercase letters, digits, ".", "-" and "_", e.g. example.org' }).optional().describe('SPIFFE trust domain of every identity; default: the Sovereign FQDN'),
    clusterName: z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a DNS label such as hz-fsn-mgt-prod' }).optional().describe('Cluster name in node attestation; default: the cluster name'),
    defaultWorkloadIdentity: z.boolean().optional().describe('Create the chart\'s default ClusterSPIFFEID for every pod; default false'),
  }) satisfies z.ZodType<SpireProps>;

  /** Catalog metadata: charts `spire` and `spire-crds`, namespace spire-system, after cert-manager and the Hetzner CSI driver (the server's datastore volume). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'spire',
    title: 'SPIRE',
    category: 'identity',
    tier: 'bootstrap-kit',
    summary: 'Attests nodes and workloads and issues them short-lived SPIFFE identities.',
    pin: chartPin('spire'),
    namespace: 'spire-system',
    podSecurity: { level: 'privileged', reason: 'the agent DaemonSet uses the host PID and network namespaces and hostPath sockets, and the SPIFFE CSI driver runs privileged' },
    dependsOn: [CertManager, HcloudCsi],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 150, memoryMiB: 192 },
    network: {
      ingress: [
        allow.nodes([8081], 'SPIRE agents run on the host network (spire-agent DaemonSet hostNetwork: true) and attest and fetch SVIDs at the server\'s gRPC port 8081'),
        allow.apiserver('the API server calls the SPIRE controller manager\'s webhook (container port 9443 in the server pod)', [9443]),
        allow.cluster([8443], 'workloads that verify JWT-SVIDs fetch the signing keys from the OIDC discovery provider over HTTPS (chart values spiffe-oidc-discovery-provider.enabled and tls.spire.enabled, container port 8443)'),
      ],
      egress: [allow.apiserver('the server validates agent service account tokens (k8s_psat node attestation), the controller manager reconciles ClusterSPIFFEIDs, and the bundle notifier writes the trust bundle ConfigMap')],
    },
    kitSlot: 6,
    moreSources: [CHARTS['spire-crds'].docs],
  });

  /** Helm release name of the CRD chart. */
  static readonly CRDS_RELEASE_NAME = 'spire-crds';

  /** Flux object name of the CRD chart's HelmRelease. */
  static readonly CRDS_OBJECT_NAME = `${blueprintObjectName('spire')}-crds`;

  /** Trust domain this instance uses in a cluster. */
  trustDomain(ctx: Cluster): string {
    return this.props.trustDomain ?? ctx.sovereign.fqdn;
  }

  /**
   * Values of the chart `spire`: trust domain, cluster name and CA subject, persistence on the
   * cluster's storage class, requests, the default ClusterSPIFFEID only when enabled, and restricted
   * security contexts for the server, the OIDC discovery provider and the chart's hook Jobs (which
   * render the server's and the provider's contexts; they have no resources value in this chart version).
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const trustDomain = this.trustDomain(ctx);
    return {
      global: {
        spire: {
          trustDomain,
          clusterName: this.props.clusterName ?? ctx.cluster.name,
          caSubject: { organization: ctx.sovereign.organization, commonName: trustDomain },
          persistence: { storageClass: ctx.storageClass },
        },
      },
      'spire-server': {
        resources: resources('100m', '128Mi', '512Mi'),
        podSecurityContext: POD_SECURITY,
        securityContext: CONTAINER_SECURITY,
        controllerManager: {
          resources: resources('50m', '64Mi', '256Mi'),
          securityContext: CONTAINER_SECURITY,
          identities: { clusterSPIFFEIDs: { default: { enabled: this.props.defaultWorkloadIdentity ?? false } } },
        },
      },
      'spiffe-oidc-discovery-provider': { podSecurityContext: POD_SECURITY, securityContext: CONTAINER_SECURITY },
      'spire-agent': { resources: resources('50m', '64Mi', '256Mi') },
    };
  }

  /**
   * Renders what every HelmBlueprint does, plus the `spire-crds` HelmRelease from the same HelmRepository.
   * @throws Error when the `spire-crds` and `spire` pins name different Helm repositories
   */
  protected override render(chart: BlueprintConstruct, ctx: Cluster): void {
    super.render(chart, ctx);
    const m = this.metadata;
    const crds = chartPin('spire-crds');
    if (crds.repository !== m.chart.repository) {
      throw new Error(`spire-crds (${crds.repository}) and spire (${m.chart.repository}) must come from the same Helm repository`);
    }
    new HelmRelease(chart, 'release-crds', {
      name: Spire.CRDS_OBJECT_NAME,
      labels: this.labels(ctx),
      releaseName: Spire.CRDS_RELEASE_NAME,
      targetNamespace: m.namespace,
      source: this.renderSource(chart, ctx, crds.chart, crds.version),
      timeout: minutes(m.timeout ?? '10m'),
      crds: 'CreateReplace',
    });
  }

  /** The `spire` release installs only after the CRD chart is ready. */
  protected releaseDependsOn(): string[] {
    return [Spire.CRDS_OBJECT_NAME];
  }
}
