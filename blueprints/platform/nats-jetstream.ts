import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { HcloudCsi } from './hcloud-csi';
import { Spire } from './spire';

/** Props of the NATS JetStream Blueprint. */
export interface NatsJetstreamProps extends BlueprintProps {
  /**
   * NATS servers. Three form a JetStream quorum that survives losing one; one runs a single server
   * without clustering.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Size of each server's JetStream file store volume (Kubernetes quantity).
   * @default '10Gi'
   */
  readonly fileStoreSize?: string;
}

/**
 * NATS JetStream: the control plane's message bus (publish/subscribe, persistent streams,
 * key-value buckets).
 *
 * Installs a NATS StatefulSet with clustering and JetStream's file store on the cluster's default
 * storage class; the nats-box utility Deployment and the Prometheus exporter are off. The chart sets
 * no security contexts, so the Blueprint adds restricted ones to the pod and both containers
 * (non-root UID 1000, no capabilities, RuntimeDefault seccomp).
 *
 * Source: chart `nats` (`CHARTS.nats`) from https://nats-io.github.io/k8s/helm/charts
 * (https://github.com/nats-io/k8s/tree/main/helm/charts/nats); reference catalog entry
 * `nats-jetstream` (bootstrap-kit slot 07).
 */
export class NatsJetstream extends HelmBlueprint<NatsJetstreamProps> {
  /** Catalog metadata: the pinned chart `nats` (nats-io.github.io/k8s/helm/charts), namespace nats-system, bootstrap kit, depends on SPIRE and the Hetzner CSI driver (its file store volumes). */
  static readonly metadata: BlueprintMetadata = {
    name: 'nats-jetstream',
    title: 'NATS JetStream',
    category: 'eventing',
    tier: 'bootstrap-kit',
    summary: 'Message bus of the control plane with persistent JetStream streams and key-value buckets.',
    chart: chartPin('nats'),
    namespace: 'nats-system',
    podSecurity: { level: 'restricted', reason: 'the curated values run NATS and its config reloader as non-root with no capabilities and the RuntimeDefault seccomp profile' },
    releaseName: 'nats-jetstream',
    dependsOn: [Spire, HcloudCsi],
    installsCrds: false,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 768 },
    network: {
      ingress: [
        { peer: 'cluster', ports: [{ port: 4222 }], reason: 'control plane services in any namespace connect to the NATS client port (chart value config.nats.port, 4222); cluster routes (6222) stay within the namespace' },
      ],
    },
    sources: [CHARTS.nats.docs, 'catalog/components.json#nats-jetstream', 'catalog/bootstrap-kit.json slot 7'],
  };

  /** Values of the pinned chart `nats` from the props and context: a cluster of `replicas` servers (default 3) with a JetStream file store on the cluster's storage class, requests on the server and its config reloader, restricted security contexts, nats-box and exporter off. */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const replicas = this.props.replicas ?? 3;
    const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    return {
      config: {
        cluster: { enabled: replicas > 1, replicas },
        jetstream: {
          enabled: true,
          fileStore: { enabled: true, pvc: { enabled: true, size: this.props.fileStoreSize ?? '10Gi', storageClassName: ctx.storageClass } },
        },
      },
      container: {
        merge: {
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          securityContext: containerSecurity,
        },
      },
      reloader: { merge: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }, securityContext: containerSecurity } },
      podTemplate: {
        merge: {
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          },
        },
      },
      natsBox: { enabled: false },
      promExporter: { enabled: false },
    };
  }
}
