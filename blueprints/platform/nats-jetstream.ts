import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, propsField, resources, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { HcloudCsi } from './hcloud-csi';
import { Spire } from './spire';

/** NATS client port: the chart's default `config.nats.port`, which the Blueprint leaves as it is. */
export const NATS_CLIENT_PORT = 4222;

/** Props of the NATS JetStream Blueprint. */
export interface NatsJetstreamProps extends BlueprintProps {
  /**
   * NATS servers. Three form a JetStream quorum that survives losing one; one runs a single server
   * without clustering.
   * @default 3
   */
  readonly replicas?: number;
  /** Size of each server's JetStream file store volume (Kubernetes quantity). @default '10Gi' */
  readonly fileStoreSize?: string;
}

/**
 * NATS JetStream: the control plane's message bus (publish/subscribe, persistent streams,
 * key-value buckets).
 *
 * Installs a NATS StatefulSet with clustering and JetStream's file store on the cluster's default
 * storage class; the nats-box utility Deployment and the Prometheus exporter are off. The chart sets
 * no security contexts, so the Blueprint adds restricted ones to the pod and both containers.
 *
 * Source: `CHARTS.nats` (https://github.com/nats-io/k8s/tree/main/helm/charts/nats); reference
 * catalog entry `nats-jetstream`.
 */
export class NatsJetstream extends HelmBlueprint<NatsJetstreamProps> {
  /** The props a spec may set (`spec.blueprints.props.nats-jetstream`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().optional().describe('NATS servers; 3 form a JetStream quorum, 1 runs without clustering; default 3'),
    fileStoreSize: propsField.storageSize().optional().describe('Size of each server\'s JetStream file store volume; default 10Gi'),
  }) satisfies z.ZodType<NatsJetstreamProps>;

  /** Catalog metadata: chart `nats`, release nats-jetstream in nats-system, after SPIRE and the Hetzner CSI driver (its file store volumes). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'nats-jetstream',
    title: 'NATS JetStream',
    category: 'eventing',
    tier: 'bootstrap-kit',
    summary: 'Message bus of the control plane with persistent JetStream streams and key-value buckets.',
    pin: chartPin('nats'),
    namespace: 'nats-system',
    podSecurity: 'the curated values run NATS and its config reloader as non-root with no capabilities and the RuntimeDefault seccomp profile',
    dependsOn: [Spire, HcloudCsi],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 768 },
    network: {
      ingress: [allow.cluster([NATS_CLIENT_PORT], 'control plane services in any namespace connect to the NATS client port (chart value config.nats.port, 4222); cluster routes (6222) stay within the namespace')],
    },
    kitSlot: 7,
  });

  /**
   * In-cluster URL of the NATS client port, e.g. `nats://nats-jetstream.nats-system.svc.cluster.local:4222`:
   * the chart names its Service `nats.fullname` (`service.name` unset), see `helmFullname`.
   */
  get clientUrl(): string {
    const m = this.metadata;
    return `nats://${helmFullname(m.releaseName, m.chart.chart)}.${m.namespace}.svc.cluster.local:${NATS_CLIENT_PORT}`;
  }

  /** Values of the chart `nats`: a cluster of `replicas` servers with a JetStream file store on the cluster's storage class, requests on the server and its config reloader, restricted security contexts, nats-box and exporter off. */
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
      container: { merge: { resources: resources('100m', '256Mi', '1Gi'), securityContext: containerSecurity } },
      reloader: { merge: { resources: resources('10m', '32Mi', '64Mi'), securityContext: containerSecurity } },
      podTemplate: { merge: { spec: { securityContext: restrictedPodSecurityContext() } } },
      natsBox: { enabled: false },
      promExporter: { enabled: false },
    };
  }
}
