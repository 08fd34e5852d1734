import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, chartPin } from '../../lib/versions';
import { HelmBlueprint } from '../helm';
import { HcloudCsi } from './hcloud-csi';
import { Spire } from './spire';

/**
 * Fewest servers for which the chart's PodDisruptionBudget allows a disruption: below it the chart
 * renders `maxUnavailable: 0`, so the Blueprint turns the budget off.
 */
export const OPENBAO_MIN_REPLICAS_FOR_PDB = 3;

/** Props of the OpenBao Blueprint. */
export interface OpenBaoProps extends BlueprintProps {
  /**
   * OpenBao servers in the Raft cluster. Three tolerate the loss of one; one is a single node. The
   * chart keeps servers on different nodes, so more servers than nodes never all schedule.
   * @default 3 on clusters of three or more nodes, else 1
   */
  readonly replicas?: number;
  /**
   * Size of each server's Raft data volume (Kubernetes quantity).
   * @default '10Gi'
   */
  readonly dataStorageSize?: string;
  /**
   * Serve the web UI on the API port.
   * @default true
   */
  readonly ui?: boolean;
}

/**
 * OpenBao: the secrets store (a fork of HashiCorp Vault) holding the platform's secrets once the
 * bootstrap is over.
 *
 * Installs an HA StatefulSet on integrated Raft storage. The generated Raft config lists every
 * server in `retry_join`, so servers 1..n join server 0 on their own once it is initialized. The
 * servers start sealed: initialization and unsealing are an operator step (`bao operator init`),
 * and the unseal keys are the one thing to back up by hand. The agent injector is off (secrets reach
 * workloads through the External Secrets Operator instead), and the pod and container get
 * restricted security contexts (the image needs no IPC_LOCK: the chart sets `SKIP_SETCAP`).
 *
 * Source: chart `openbao` (`CHARTS.openbao`; OpenBao v2.3.1) from https://openbao.github.io/openbao-helm
 * (https://github.com/openbao/openbao-helm); reference catalog entry `openbao` (bootstrap-kit slot 08).
 *
 * Sealed servers are not Ready until an operator unseals them, so Helm does not wait for the
 * release (as in the reference kit): the HelmRelease is Ready once applied. Inside the cluster the
 * listener is plain HTTP (the chart's default); node-to-node traffic is encrypted by Cilium's WireGuard.
 */
export class OpenBao extends HelmBlueprint<OpenBaoProps> {
  /** Catalog metadata: the pinned chart `openbao` (openbao.github.io/openbao-helm), namespace openbao, bootstrap kit, depends on SPIRE and the Hetzner CSI driver (its Raft volumes). */
  static readonly metadata: BlueprintMetadata = {
    name: 'openbao',
    title: 'OpenBao',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Secrets store of the platform, an HA Raft cluster of OpenBao servers.',
    chart: chartPin('openbao'),
    namespace: 'openbao',
    podSecurity: { level: 'restricted', reason: 'the curated values run the servers as non-root with no capabilities and the RuntimeDefault seccomp profile; the injector is off' },
    releaseName: 'openbao',
    dependsOn: [Spire, HcloudCsi],
    installsCrds: false,
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 768 },
    network: {
      ingress: [
        { peer: 'cluster', ports: [{ port: 8200 }], reason: 'secret consumers in any namespace (e.g. the External Secrets Operator) call the OpenBao API on 8200 (listener address in the Raft config, chart service port); Raft traffic on 8201 stays within the namespace' },
      ],
      egress: [
        { peer: 'apiserver', reason: 'Kubernetes service registration labels each server pod active, standby or sealed, and the Kubernetes auth method, once enabled, reviews service account tokens' },
      ],
    },
    sources: [CHARTS.openbao.docs, 'catalog/components.json#openbao', 'catalog/bootstrap-kit.json slot 8'],
  };

  /**
   * The Raft server config (HCL): plain-HTTP listener, Raft storage with a `retry_join` block per
   * server, Kubernetes service registration.
   *
   * @param replicas number of servers
   */
  raftConfig(replicas: number): string {
    const release = this.metadata.releaseName;
    const joins = Array.from(
      { length: replicas },
      (_, i) => `  retry_join {\n    leader_api_addr = "http://${release}-${i}.${release}-internal:8200"\n  }\n`,
    ).join('');
    return [
      'ui = true',
      'listener "tcp" {',
      '  tls_disable = 1',
      '  address = "[::]:8200"',
      '  cluster_address = "[::]:8201"',
      '}',
      'storage "raft" {',
      '  path = "/openbao/data"',
      `${joins}}`,
      'service_registration "kubernetes" {}',
      '',
    ].join('\n');
  }

  /**
   * Values of the pinned chart `openbao` from the props and context: HA Raft cluster of `replicas` servers
   * (default 3, or 1 on clusters of fewer than three nodes) with data on the cluster's storage class,
   * restricted security context, injector off, UI on unless `ui: false`.
   *
   * The PodDisruptionBudget is on only from three servers: the chart computes its `maxUnavailable`
   * as 0 for one server (hard-coded) and for two (`(n*10/2 - 1)/10` in `openbao.pdb.maxUnavailable`,
   * templates/_helpers.tpl), and a budget that allows no disruption blocks every node drain.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const replicas = this.props.replicas ?? (ctx.cluster.nodeCount >= 3 ? 3 : 1);
    return {
      injector: { enabled: false },
      server: {
        ha: {
          enabled: true,
          replicas,
          raft: { enabled: true, setNodeId: true, config: this.raftConfig(replicas) },
          disruptionBudget: { enabled: replicas >= OPENBAO_MIN_REPLICAS_FOR_PDB },
        },
        dataStorage: { enabled: true, size: this.props.dataStorageSize ?? '10Gi', storageClass: ctx.storageClass },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        statefulSet: {
          securityContext: {
            pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        },
      },
      ui: { enabled: this.props.ui ?? true },
    };
  }

  /** Sealed servers are not Ready until unsealed by an operator, so Helm must not wait for them. */
  protected waitForResources(): boolean {
    return false;
  }
}
