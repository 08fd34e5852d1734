import type { BlueprintConstruct } from '../../lib/blueprint';
import type { BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { blueprintObjectName } from '../../lib/naming';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmRelease } from '../../constructs/flux';
import { HelmBlueprint, type HelmBlueprintMetadata, minutes } from '../helm';
import { CertManager } from './cert-manager';
import { HcloudCsi } from './hcloud-csi';

/**
 * Pod security context of the SPIRE server and OIDC discovery provider pods and of the chart's hook
 * Jobs: the values the chart itself applies with `global.spire.recommendations.securityContexts`
 * (spire-lib `default_k8s_podsecuritycontext_values`), plus non-root and the RuntimeDefault seccomp profile.
 */
const SPIRE_POD_SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } };

/** Container security context of the same pods: the chart's recommended one (spire-lib `default_securitycontext_values`). */
const SPIRE_CONTAINER_SECURITY_CONTEXT = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** Props of the SPIRE Blueprint. */
export interface SpireProps extends BlueprintProps {
  /**
   * SPIFFE trust domain: every SPIFFE ID is `spiffe://<trustDomain>/...`. It cannot change without
   * re-issuing every identity, so it names the Sovereign rather than a placeholder.
   * @default the Sovereign FQDN
   */
  readonly trustDomain?: string;
  /**
   * Cluster name in node attestation (part of each agent's SPIFFE ID).
   * @default the cluster name, e.g. `hz-fsn-mgt-prod`
   */
  readonly clusterName?: string;
  /**
   * Create the chart's default `ClusterSPIFFEID`, which gives every pod in the cluster an identity
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
 * Installs two upstream charts from one HelmRepository: `spire-crds` (release `spire-crds`, Flux
 * object `bp-spire-crds`) and `spire` (server with the controller manager, agent DaemonSet, SPIFFE
 * CSI driver, OIDC discovery provider; Flux object `bp-spire`). The `spire` release depends on the
 * CRD release because it creates `ClusterSPIFFEID` objects. Everything runs in `spire-system` (the
 * chart's split server/system namespace layout is off), on the cluster's default storage class.
 *
 * Source: charts `spire-crds` and `spire` (`CHARTS['spire-crds']`, `CHARTS.spire`) from https://spiffe.github.io/helm-charts-hardened
 * (https://github.com/spiffe/helm-charts-hardened/tree/main/charts/spire); reference catalog entry
 * `spire` (bootstrap-kit slot 06).
 *
 * Deviation: the reference used the trust domain `catalyst.local` and the cluster name `catalyst`
 * for every Sovereign, so identities of two Sovereigns were indistinguishable; here both derive from
 * the Sovereign and the cluster.
 */
export class Spire extends HelmBlueprint<SpireProps> {
  /** Catalog metadata: the pinned charts `spire` and `spire-crds` (spiffe.github.io/helm-charts-hardened), namespace spire-system, bootstrap kit, depends on cert-manager and the Hetzner CSI driver (the server's datastore volume). */
  static readonly metadata: HelmBlueprintMetadata = {
    name: 'spire',
    title: 'SPIRE',
    category: 'identity',
    tier: 'bootstrap-kit',
    summary: 'Attests nodes and workloads and issues them short-lived SPIFFE identities.',
    chart: chartPin('spire'),
    namespace: 'spire-system',
    podSecurity: { level: 'privileged', reason: 'the agent DaemonSet uses the host PID and network namespaces and hostPath sockets, and the SPIFFE CSI driver runs privileged' },
    releaseName: 'spire',
    dependsOn: [CertManager, HcloudCsi],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 150, memoryMiB: 192 },
    network: {
      ingress: [
        { peer: 'nodes', ports: [{ port: 8081 }], reason: 'SPIRE agents run on the host network (spire-agent DaemonSet hostNetwork: true) and attest and fetch SVIDs at the server\'s gRPC port 8081' },
        { peer: 'apiserver', ports: [{ port: 9443 }], reason: 'the API server calls the SPIRE controller manager\'s webhook (container port 9443 in the server pod)' },
        { peer: 'cluster', ports: [{ port: 8443 }], reason: 'workloads that verify JWT-SVIDs fetch the signing keys from the OIDC discovery provider over HTTPS (chart values spiffe-oidc-discovery-provider.enabled and tls.spire.enabled, container port 8443)' },
      ],
      egress: [
        { peer: 'apiserver', reason: 'the server validates agent service account tokens (k8s_psat node attestation), the controller manager reconciles ClusterSPIFFEIDs, and the bundle notifier writes the trust bundle ConfigMap' },
      ],
    },
    sources: [CHARTS.spire.docs, CHARTS['spire-crds'].docs, 'catalog/components.json#spire', 'catalog/bootstrap-kit.json slot 6'],
  };

  /** Helm release name of the CRD chart. */
  static readonly CRDS_RELEASE_NAME = 'spire-crds';

  /** Flux object name of the CRD chart's HelmRelease. */
  static readonly CRDS_OBJECT_NAME = `${blueprintObjectName('spire')}-crds`;

  /** Trust domain this instance uses in a cluster. */
  trustDomain(ctx: Cluster): string {
    return this.props.trustDomain ?? ctx.sovereign.fqdn;
  }

  /**
   * Values of the pinned chart `spire` from the props and context: trust domain, cluster name and CA
   * subject, persistence on the cluster's storage class, server, controller manager and agent
   * requests, the default ClusterSPIFFEID only when enabled, and restricted security contexts for
   * the server pod, the OIDC discovery provider and the chart's hook Jobs (post-install, pre- and
   * post-upgrade, pre-delete), which render the server's and the provider's `podSecurityContext` and
   * `securityContext` (spire-lib `podsecuritycontext`/`securitycontext`). The hook Jobs have no
   * resources value in this chart version.
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
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        podSecurityContext: SPIRE_POD_SECURITY_CONTEXT,
        securityContext: SPIRE_CONTAINER_SECURITY_CONTEXT,
        controllerManager: {
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          securityContext: SPIRE_CONTAINER_SECURITY_CONTEXT,
          identities: { clusterSPIFFEIDs: { default: { enabled: this.props.defaultWorkloadIdentity ?? false } } },
        },
      },
      'spiffe-oidc-discovery-provider': {
        podSecurityContext: SPIRE_POD_SECURITY_CONTEXT,
        securityContext: SPIRE_CONTAINER_SECURITY_CONTEXT,
      },
      'spire-agent': {
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      },
    };
  }

  /**
   * Renders namespace, the shared HelmRepository, the `spire-crds` HelmRelease and the `spire` HelmRelease depending on it.
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
