import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { Blueprint, BlueprintConstruct, BlueprintMetadata, BlueprintProps, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { BlueprintError } from '../../lib/errors';
import type { PostgresDatabase } from '../../lib/services';
import { chartPin, IMAGES } from '../../lib/versions';
import { allow, componentMetadata, resources, wholeNumber } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint } from '../helm';
import { blueprintLabels } from '../namespace';
import { isPostgresConsumer, POSTGRES_DEFAULT_INSTANCES, POSTGRES_DEFAULT_STORAGE, type PostgresOptions } from '../postgres';
import { Flux } from './flux';
import { HcloudCsi } from './hcloud-csi';

/** API version of the CloudNativePG custom resources (`Cluster`, `ScheduledBackup`). */
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

/** Port of the operator's admission webhooks in its pod (chart value `webhook.port`). */
export const CNPG_WEBHOOK_PORT = 9443;

/** Port of the instance manager's status endpoint in every PostgreSQL pod, which the operator polls. */
export const CNPG_STATUS_PORT = 8000;

/** PostgreSQL's port in every instance pod and on the `-rw`/`-ro`/`-r` Services. */
export const POSTGRES_PORT = 5432;

/** Label the operator sets on every pod of a database cluster to the Cluster's name. */
export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';

/** Props of the CloudNativePG Blueprint (the operator). */
export interface CnpgProps extends BlueprintProps {
  /** Operator replicas (leader election keeps one active). 1-3. @default 1 */
  readonly replicas?: number;
}

/** The ports of a rule as `number/protocol` strings; an `apiserver` egress rule without ports has the API port. */
function rulePorts(rule: NetworkRule, egress: boolean, apiPort: number): string[] {
  const ports = rule.ports ?? (rule.peer === 'apiserver' && egress ? [{ port: apiPort }] : []);
  return ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
}

/** Whether one of `rules` allows what `rule` allows: the same peer and namespace, and every one of its ports. */
function covered(rules: readonly NetworkRule[], rule: NetworkRule, egress: boolean, apiPort: number): boolean {
  const want = rulePorts(rule, egress, apiPort);
  return rules.some((r) => r.peer === rule.peer && r.namespace === rule.namespace && want.every((p) => rulePorts(r, egress, apiPort).includes(p)));
}

/**
 * CloudNativePG: the PostgreSQL operator. Every Blueprint that needs PostgreSQL gets its own
 * database cluster from it, in its own namespace, instead of a chart's embedded Bitnami PostgreSQL.
 *
 * The operator (chart `cloudnative-pg`, `CHARTS['cloudnative-pg']`, the operator release its appVersion names) watches every
 * namespace and installs its CRDs with the chart (`crds.create`). Its PodMonitor and Grafana
 * dashboard stay off: no Blueprint installs the Prometheus Operator CRDs.
 *
 * For consumers it is the one source of the database facts: `database(cluster, consumer)` names the
 * CNPG `Cluster` (`<consumer>-pg`), the database and owner (the consumer's name, `-` as `_`), the
 * connection Secret the operator writes (`<consumer>-pg-app`) and the read-write Service host
 * (`<consumer>-pg-rw.<namespace>.svc.cluster.local:5432`); `render(scope, cluster, consumer, options)`
 * renders that `Cluster` into the consumer's folder, so a consumer never writes a host or a Secret
 * name. A consumer implements `PostgresConsumer` (`blueprints/postgres.ts`), which this Blueprint
 * reads to allow its traffic to the consumer's instances.
 *
 * Network: the API server calls the admission webhooks (9443); the operator talks to the API server
 * and to the instances of every consumer namespace on the status port (8000) and PostgreSQL (5432),
 * as CloudNativePG requires (https://cloudnative-pg.io/documentation/current/networking/). The
 * consumer's namespace allows the matching ingress and the instances' egress to the API server (the
 * instance manager reports status and reads its Secrets through it): the consumer adds
 * `withDatabaseNetwork` to its allowances, and `render` refuses a consumer that does not.
 *
 * Source: chart `cloudnative-pg` (`CHARTS['cloudnative-pg']`, https://github.com/cloudnative-pg/charts/tree/main/charts/cloudnative-pg;
 * its CRDs from the operator's config/crd/bases at the appVersion tag); reference kit slot 16.
 */
export class Cnpg extends HelmBlueprint<CnpgProps> {
  /** The props a spec may set (`spec.blueprints.props.cnpg`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    replicas: wholeNumber(1, 3).optional().describe('Operator replicas, 1-3; leader election keeps one active (default 1)'),
  }) satisfies z.ZodType<CnpgProps>;

  /**
   * Catalog metadata: reference kit slot 16, namespace cnpg-system, installs the postgresql.cnpg.io
   * CRDs. After Flux (the reference's edge) and the Hetzner CSI driver (an extra edge: every
   * database cluster it runs claims volumes of the driver's StorageClass, so its consumers get the
   * edge through this one).
   */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'cnpg',
    title: 'CloudNativePG',
    category: 'data',
    tier: 'bootstrap-kit',
    summary: 'PostgreSQL operator: one highly available database cluster per Blueprint that needs one.',
    pin: chartPin('cloudnative-pg'),
    namespace: 'cnpg-system',
    podSecurity: "the chart runs the operator as UID 10001 with no capabilities, no privilege escalation, a read-only root filesystem and the RuntimeDefault seccomp profile (its default containerSecurityContext and podSecurityContext)",
    dependsOn: [Flux, HcloudCsi],
    installsCrds: true,
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 100, memoryMiB: 256 },
    network: {
      ingress: [allow.apiserver(`the API server calls the operator's mutating and validating webhooks (chart value webhook.port, ${CNPG_WEBHOOK_PORT})`, [CNPG_WEBHOOK_PORT])],
      egress: [allow.apiserver('the operator watches and writes Clusters, their pods, PVCs, Services and Secrets in every namespace (config.clusterWide)')],
    },
    kitSlot: 16,
  });

  /** Values: operator replicas and requests, CRDs with the chart, every namespace watched, PodMonitor off. */
  protected curatedValues(_ctx: Cluster): Record<string, unknown> {
    return {
      replicaCount: this.props.replicas ?? 1,
      crds: { create: true },
      config: { clusterWide: true },
      resources: resources('100m', '256Mi', '512Mi'),
      monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
    };
  }

  /**
   * The metadata's allowances, plus egress to the database pods of every consumer namespace
   * (`PostgresConsumer.usesCnpg`) on the status port and PostgreSQL. Reading the consumers adds no
   * dependsOn edge (they depend on this Blueprint).
   */
  override networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    const namespaces = [...new Set([...cluster.blueprints.values()].filter((bp) => isPostgresConsumer(bp) && bp.usesCnpg(cluster)).map((bp) => bp.metadata.namespace))].sort();
    const instances = namespaces.map((ns) => allow.namespace(ns, [CNPG_STATUS_PORT, POSTGRES_PORT], `the operator polls the instance manager's status endpoint (${CNPG_STATUS_PORT}) and connects to PostgreSQL (${POSTGRES_PORT}) of the database clusters in ${ns}`));
    return { ingress: base.ingress, egress: [...(base.egress ?? []), ...instances] };
  }

  /**
   * The connection facts of a consumer's database, derived once from the consumer's name and
   * namespace: pure, for the consumer's Helm values (it renders nothing and records no reference).
   * The cluster argument keeps the call the same as `render`'s; the facts depend on the consumer only.
   * @param consumer the Blueprint whose database it is
   */
  database(_cluster: Cluster, consumer: Blueprint): PostgresDatabase {
    const name = `${consumer.metadata.name}-pg`;
    const namespace = consumer.metadata.namespace;
    const owner = consumer.metadata.name.replace(/-/g, '_');
    return { namespace, cluster: name, host: `${name}-rw.${namespace}.svc.cluster.local`, port: POSTGRES_PORT, database: owner, user: owner, secret: `${name}-app` };
  }

  /**
   * What the namespace of a consumer's database must allow, as namespace-wide rules like every
   * Blueprint's: ingress from the operator's namespace to the instance manager's status port and to
   * PostgreSQL, and egress to the API server, through which the instance manager in every database
   * pod watches its Cluster, reports its status and reads its Secrets.
   * The consumer argument keeps the call the same as `render`'s.
   * @param cluster the cluster the consumer is bound into
   */
  databaseNetwork(cluster: Cluster, _consumer: Blueprint): Required<NetworkAllowances> {
    return {
      ingress: [allow.namespace(this.metadata.namespace, [CNPG_STATUS_PORT, POSTGRES_PORT], `the CloudNativePG operator (namespace ${this.metadata.namespace}) polls the instance manager of the database pods (${CNPG_STATUS_PORT}) and connects to PostgreSQL (${POSTGRES_PORT})`)],
      egress: [allow.apiserver(`the instance manager in every database pod watches its Cluster, reports its status and reads its Secrets through the API server (port ${cluster.kubernetes.apiPort})`)],
    };
  }

  /**
   * A consumer's network allowances with its database's (`databaseNetwork`) added, leaving out each
   * rule `allowances` already covers (same peer and namespace, every port), so two rules never get
   * one NetworkPolicy name. A consumer returns this from its `networkAllowances` whenever it renders
   * a database; `render` checks that it does.
   * @param cluster the cluster the consumer is bound into
   * @param consumer the consumer Blueprint
   * @param allowances the consumer's own allowances (e.g. `super.networkAllowances(cluster)`)
   */
  withDatabaseNetwork(cluster: Cluster, consumer: Blueprint, allowances: NetworkAllowances): NetworkAllowances {
    const add = this.uncoveredDatabaseNetwork(cluster, consumer, allowances);
    return { ingress: [...(allowances.ingress ?? []), ...add.ingress], egress: [...(allowances.egress ?? []), ...add.egress] };
  }

  /** The rules of `databaseNetwork` that `allowances` does not cover. */
  private uncoveredDatabaseNetwork(cluster: Cluster, consumer: Blueprint, allowances: NetworkAllowances): Required<NetworkAllowances> {
    const need = this.databaseNetwork(cluster, consumer);
    const apiPort = cluster.kubernetes.apiPort;
    return {
      ingress: need.ingress.filter((r) => !covered(allowances.ingress ?? [], r, false, apiPort)),
      egress: need.egress.filter((r) => !covered(allowances.egress ?? [], r, true, apiPort)),
    };
  }

  /**
   * Renders the operator's own objects (namespace, NetworkPolicies, chart source, HelmRelease); the
   * Blueprint contract calls this form from `bind`.
   */
  override render(scope: BlueprintConstruct, cluster: Cluster): void;
  /**
   * Renders a consumer's database into the consumer's folder (`scope`, in the consumer's namespace):
   * the CNPG `Cluster` named by `database(cluster, consumer)` (instances, data volumes of
   * `options.storageSize` in `cluster.storageClass`, requests, PodMonitor off, a PodDisruptionBudget
   * only with replicas, so a single instance does not block node drains). The operator writes the
   * connection Secret `<cluster>-app` with a generated password; nothing secret is rendered. The
   * consumer's namespace must allow the database's traffic (`withDatabaseNetwork`).
   *
   * Call it as `cluster.blueprint(Cnpg).render(scope, cluster, this, this.props.database)`, which
   * also records the consumer's dependsOn edge to this Blueprint.
   *
   * @param scope the consumer's construct (its main folder: the CRDs come from this Blueprint)
   * @param cluster the cluster the consumer is bound into
   * @param consumer the consumer Blueprint; it must implement `PostgresConsumer` and return true from `usesCnpg`
   * @param options instances, storage size, backups. @default one instance of 10Gi, no backups
   * @returns the database's connection facts (as `database` returns them)
   * @throws BlueprintError when the consumer does not implement `PostgresConsumer` or says it uses no
   *   CloudNativePG database (the operator would not be allowed to reach it), when its network
   *   allowances lack `databaseNetwork`'s rules, or when backups are on
   */
  override render(scope: Construct, cluster: Cluster, consumer: Blueprint, options?: PostgresOptions): PostgresDatabase;
  override render(scope: Construct, cluster: Cluster, consumer?: Blueprint, options: PostgresOptions = {}): void | PostgresDatabase {
    if (consumer === undefined) return super.render(scope as BlueprintConstruct, cluster);
    const who = `Blueprint ${consumer.metadata.name}`;
    if (!isPostgresConsumer(consumer) || !consumer.usesCnpg(cluster)) {
      throw new BlueprintError(`${who} renders a CloudNativePG database but does not declare it: implement PostgresConsumer (blueprints/postgres.ts) with usesCnpg(cluster) returning true whenever it calls Cnpg.render, so the operator may reach its instances`);
    }
    if (options.backups === true) {
      throw new BlueprintError(`${who}: props.database.backups is true, but this build has no S3 endpoint Blueprint to back up to; set backups to false`);
    }
    const db = this.database(cluster, consumer);
    const instances = options.instances ?? POSTGRES_DEFAULT_INSTANCES;
    const labels = blueprintLabels(consumer, cluster);
    new ApiObject(scope, 'cnpg-cluster', {
      apiVersion: CNPG_API_VERSION,
      kind: 'Cluster',
      metadata: { name: db.cluster, namespace: db.namespace, labels },
      spec: {
        instances,
        imageName: `${IMAGES.cnpgPostgresql.repository}:${IMAGES.cnpgPostgresql.tag}`,
        enablePDB: instances > 1,
        bootstrap: { initdb: { database: db.database, owner: db.user } },
        storage: { size: options.storageSize ?? POSTGRES_DEFAULT_STORAGE, storageClass: cluster.storageClass },
        resources: resources('100m', '256Mi', '1Gi'),
        monitoring: { enablePodMonitor: false },
      },
    });
    const uncovered = this.uncoveredDatabaseNetwork(cluster, consumer, consumer.networkAllowances(cluster));
    const missing = [...uncovered.ingress, ...uncovered.egress];
    if (missing.length > 0) {
      throw new BlueprintError(`${who} renders a CloudNativePG database, but its network allowances lack ${missing.map((r) => r.reason).join('; ')}: return cluster.blueprint(Cnpg).withDatabaseNetwork(cluster, this, allowances) from its networkAllowances`);
    }
    return db;
  }
}
