import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, helmFullname, propsField, resources, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { HcloudCsi } from './hcloud-csi';
import { Spire } from './spire';

/**
 * Fewest servers for which the chart's PodDisruptionBudget allows a disruption: below it the chart
 * renders `maxUnavailable: 0`, so the Blueprint turns the budget off.
 */
export const OPENBAO_MIN_REPLICAS_FOR_PDB = 3;

/** Port of the OpenBao API (the listener in the Raft config and the chart's service port); Raft traffic uses the next one. */
export const OPENBAO_API_PORT = 8200;

/** Props of the OpenBao Blueprint. */
export interface OpenBaoProps extends BlueprintProps {
  /**
   * OpenBao servers in the Raft cluster. Three tolerate the loss of one; one is a single node. The
   * chart keeps servers on different nodes, so more servers than nodes never all schedule.
   * @default 3 on clusters of three or more nodes, else 1
   */
  readonly replicas?: number;
  /** Size of each server's Raft data volume (Kubernetes quantity). @default '10Gi' */
  readonly dataStorageSize?: string;
  /** Serve the web UI on the API port. @default true */
  readonly ui?: boolean;
}

/**
 * OpenBao: the secrets store (a fork of HashiCorp Vault) holding the platform's secrets once the
 * bootstrap is over.
 *
 * Installs an HA StatefulSet on integrated Raft storage. The Raft config lists every server in
 * `retry_join`, so servers 1..n join server 0 on their own once it is initialized. The servers start
 * sealed: initialization and unsealing are an operator step (`bao operator init`, then
 * `bao operator unseal` on each server with the threshold of unseal keys, again after every
 * restart), and the unseal keys are the one thing to back up by hand. The pinned OpenBao (chart
 * appVersion 2.3) cannot initialize itself declaratively (`initialize` stanzas need OpenBao 2.4), so
 * the setup the external-secrets `ClusterSecretStore` needs (Kubernetes auth method, KV version 2
 * mount, policy, role) is an operator step too: `ExternalSecrets.openBaoSetupCommands()` lists the
 * commands, with the names the store uses (also in the README, "Secrets"). The chart binds the
 * server's ServiceAccount to `system:auth-delegator` (`server.authDelegator`, on by default), which
 * the Kubernetes auth method needs to review tokens. Sealed servers are not Ready, so Helm does not wait for
 * the release (as in the reference kit). The agent injector is off (secrets reach workloads through
 * the External Secrets Operator), and the pods run restricted (the image needs no IPC_LOCK: the chart
 * sets `SKIP_SETCAP`). The listener is plain HTTP (the chart's default); node-to-node traffic is
 * encrypted by Cilium's WireGuard.
 *
 * Source: `CHARTS.openbao` (https://github.com/openbao/openbao-helm); reference catalog entry `openbao`.
 */
export class OpenBao extends HelmBlueprint<OpenBaoProps> {
  /** The props a spec may set (`spec.blueprints.props.openbao`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: propsField.replicas().optional().describe('OpenBao servers in the Raft cluster; default 3 on clusters of three or more nodes, else 1'),
    dataStorageSize: propsField.storageSize().optional().describe('Size of each server\'s Raft data volume; default 10Gi'),
    ui: z.boolean().optional().describe('Serve the web UI on the API port; default true'),
  }) satisfies z.ZodType<OpenBaoProps>;

  /** Catalog metadata: chart `openbao`, namespace openbao, after SPIRE and the Hetzner CSI driver (its Raft volumes). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'openbao',
    title: 'OpenBao',
    category: 'security',
    tier: 'bootstrap-kit',
    summary: 'Secrets store of the platform, an HA Raft cluster of OpenBao servers.',
    pin: chartPin('openbao'),
    podSecurity: 'the curated values run the servers as non-root with no capabilities and the RuntimeDefault seccomp profile; the injector is off',
    dependsOn: [Spire, HcloudCsi],
    placementModes: ['active-hotstandby', 'single-region'],
    resources: { cpuMillis: 300, memoryMiB: 768 },
    network: {
      ingress: [
        allow.cluster([OPENBAO_API_PORT], 'secret consumers in any namespace (e.g. the External Secrets Operator) call the OpenBao API on 8200 (listener address in the Raft config, chart service port); Raft traffic on 8201 stays within the namespace'),
      ],
      egress: [allow.apiserver('Kubernetes service registration labels each server pod active, standby or sealed, and the Kubernetes auth method, once enabled, reviews service account tokens')],
    },
    kitSlot: 8,
  });

  /** Name of the chart's Service and StatefulSet (`openbao.fullname`, see `helmFullname`), e.g. `openbao`. */
  get serviceName(): string {
    return helmFullname(this.metadata.releaseName, this.metadata.chart.chart);
  }

  /** In-cluster URL of the OpenBao API, e.g. `http://openbao.openbao.svc.cluster.local:8200`. */
  get apiUrl(): string {
    return `http://${this.serviceName}.${this.metadata.namespace}.svc.cluster.local:${OPENBAO_API_PORT}`;
  }

  /**
   * The Raft server config (HCL): plain-HTTP listener, Raft storage with a `retry_join` block per
   * server, Kubernetes service registration.
   *
   * @param replicas number of servers
   */
  raftConfig(replicas: number): string {
    const name = this.serviceName;
    const joins = Array.from({ length: replicas }, (_, i) => `  retry_join {\n    leader_api_addr = "http://${name}-${i}.${name}-internal:${OPENBAO_API_PORT}"\n  }\n`).join('');
    return [
      'ui = true',
      'listener "tcp" {',
      '  tls_disable = 1',
      `  address = "[::]:${OPENBAO_API_PORT}"`,
      `  cluster_address = "[::]:${OPENBAO_API_PORT + 1}"`,
      '}',
      'storage "raft" {',
      '  path = "/openbao/data"',
      `${joins}}`,
      'service_registration "kubernetes" {}',
      '',
    ].join('\n');
  }

  /**
   * Values of the chart `openbao`: an HA Raft cluster of `replicas` servers with data on the cluster's
   * storage class, restricted security context, injector off, UI on unless `ui: false`.
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
        resources: resources('100m', '256Mi', '512Mi'),
        statefulSet: {
          securityContext: {
            pod: restrictedPodSecurityContext({ user: 100, group: 1000 }),
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
