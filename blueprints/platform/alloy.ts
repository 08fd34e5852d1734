import { z } from 'zod';
import type { BlueprintMetadata, BlueprintProps, NetworkAllowances } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { chartPin } from '../../lib/versions';
import { allow, componentMetadata, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common';
import { HELM_PROPS_SCHEMA, HelmBlueprint, type ValueReason } from '../helm';
import { urlPort } from '../telemetry-endpoints';
import { Loki } from './loki';
import { Mimir } from './mimir';
import { OpenTelemetry } from './opentelemetry';

/** The kubelet's HTTPS port on every node (its `/metrics` and `/metrics/cadvisor` endpoints). */
export const KUBELET_PORT = 10250;

/** UID of the `alloy` user the grafana/alloy image creates (its Dockerfile's `UID=473`); the image itself does not switch to it. */
const ALLOY_UID = 473;

/** Where Alloy keeps its write-ahead log and positions: the chart's default `alloy.storagePath`, on an emptyDir so the root filesystem stays read-only. */
const ALLOY_STORAGE_PATH = '/tmp/alloy';

/** The environment variable holding the pod's node name, which the chart sets on the Alloy container (templates/containers/_agent.yaml, `K8S_NODE_NAME` from `spec.nodeName`). */
const NODE_NAME_ENV = 'K8S_NODE_NAME';

/** Service account files every pod gets mounted: the token Alloy authenticates to the kubelet with and the cluster CA that signs the kubelets' serving certificates. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Props of the Alloy Blueprint. */
export interface AlloyProps extends BlueprintProps {
  /** Ship the logs of every pod on the node to Loki. @default true */
  readonly podLogs?: boolean;
  /** Scrape every node's kubelet (`/metrics`: node and kubelet metrics, `/metrics/cadvisor`: per-container CPU, memory, network and filesystem) into Mimir. @default true */
  readonly nodeMetrics?: boolean;
  /** Seconds between metric scrapes. @default 60 */
  readonly scrapeIntervalSeconds?: number;
}

/** Where Alloy ships to: Loki's push API and Mimir's remote-write URL, from their Blueprints. */
export interface AlloySinks {
  /** Loki push URL (`Loki.pushUrl`). */
  readonly lokiPushUrl: string;
  /** Mimir remote-write URL (`Mimir.remoteWriteUrl`). */
  readonly mimirRemoteWriteUrl: string;
}

/** A River string literal: JSON's escaping is River's (https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/expressions/types_and_values/#strings). */
const river = (s: string): string => JSON.stringify(s);

/**
 * The Alloy configuration (River) of one node's agent: pod logs of the node, read through the
 * Kubernetes API (`loki.source.kubernetes`, so no host path is mounted), labelled with namespace,
 * pod, container and node, to Loki's push API; the node's kubelet and cAdvisor metrics, scraped over
 * HTTPS with the service account token and verified against the cluster CA (k3s signs kubelet
 * serving certificates with it), to Mimir by remote write. Both carry the external label `cluster`.
 * Each agent selects only its own node (`K8S_NODE_NAME`, which the chart sets from the pod's `spec.nodeName`).
 *
 * @param sinks Loki's and Mimir's write endpoints
 * @param clusterName the value of the `cluster` label
 * @param options which of the two pipelines to include, and the scrape interval in seconds
 */
export function alloyConfig(sinks: AlloySinks, clusterName: string, options: { podLogs: boolean; nodeMetrics: boolean; scrapeIntervalSeconds: number }): string {
  const blocks: string[] = [];
  const labels = `{ cluster = ${river(clusterName)} }`;
  if (options.podLogs) {
    const relabel = [
      ['__meta_kubernetes_namespace', 'namespace'],
      ['__meta_kubernetes_pod_name', 'pod'],
      ['__meta_kubernetes_pod_container_name', 'container'],
      ['__meta_kubernetes_pod_node_name', 'node'],
    ].map(([from, to]) => `  rule {\n    source_labels = [${river(from!)}]\n    target_label  = ${river(to!)}\n  }\n`).join('');
    blocks.push(
      `discovery.kubernetes "pods" {\n  role = "pod"\n  selectors {\n    role  = "pod"\n    field = "spec.nodeName=" + sys.env(${river(NODE_NAME_ENV)})\n  }\n}\n`,
      `discovery.relabel "pod_logs" {\n  targets = discovery.kubernetes.pods.targets\n${relabel}}\n`,
      `loki.source.kubernetes "pods" {\n  targets    = discovery.relabel.pod_logs.output\n  forward_to = [loki.write.default.receiver]\n}\n`,
      `loki.write "default" {\n  endpoint {\n    url = ${river(sinks.lokiPushUrl)}\n  }\n  external_labels = ${labels}\n}\n`,
    );
  }
  if (options.nodeMetrics) {
    const scrape = (name: string, path: string) =>
      `prometheus.scrape ${river(name)} {\n  targets           = discovery.kubernetes.nodes.targets\n  scheme            = "https"\n  metrics_path      = ${river(path)}\n  scrape_interval   = "${options.scrapeIntervalSeconds}s"\n  bearer_token_file = ${river(`${SERVICE_ACCOUNT_DIR}/token`)}\n  tls_config {\n    ca_file = ${river(`${SERVICE_ACCOUNT_DIR}/ca.crt`)}\n  }\n  forward_to = [prometheus.remote_write.default.receiver]\n}\n`;
    blocks.push(
      `discovery.kubernetes "nodes" {\n  role = "node"\n  selectors {\n    role  = "node"\n    field = "metadata.name=" + sys.env(${river(NODE_NAME_ENV)})\n  }\n}\n`,
      scrape('kubelet', '/metrics'),
      scrape('cadvisor', '/metrics/cadvisor'),
      `prometheus.remote_write "default" {\n  endpoint {\n    url = ${river(sinks.mimirRemoteWriteUrl)}\n  }\n  external_labels = ${labels}\n}\n`,
    );
  }
  return blocks.join('\n');
}

/**
 * Grafana Alloy: the node agent (a DaemonSet, the chart's default `controller.type`) that collects
 * what applications do not send themselves — the logs of every pod and the kubelet's node and
 * container metrics — and ships them into Loki and Mimir.
 *
 * Alloy writes to Loki's push API and Mimir's remote-write endpoint directly, in their own
 * protocols (`AlloySinks`, from the Loki and Mimir Blueprints' getters), rather than through the
 * OpenTelemetry collector: Loki stream labels and Prometheus series labels arrive as Alloy set
 * them, with no OTLP round trip that would turn labels into attributes, and a collector restart
 * loses no node's logs (Alloy buffers in its write-ahead log). The collector stays the entry point
 * for what applications send over OTLP.
 *
 * The chart's config is empty and must be supplied (`alloy.configMap.content`, `alloyConfig`). Pod
 * logs come through the API server (`pods/log`), so the namespace stays Pod Security `restricted`:
 * no host paths, no host network. The chart's RBAC rules are cut to what the config reads (no
 * Secrets, ConfigMaps or monitoring CRDs), its PodLogs CRD is not installed (the config does not use
 * it), and usage reporting to Grafana is off.
 *
 * Source: `CHARTS.alloy` (https://github.com/grafana/alloy/tree/main/operations/helm/charts/alloy,
 * https://grafana.com/docs/alloy/latest/); reference kit slot 21, whose only edge is the
 * OpenTelemetry collector: kept as an ordering edge (the reference ships through the collector; here
 * Alloy reads none of its facts). Extra edges: Loki and Mimir, which it writes to.
 */
export class Alloy extends HelmBlueprint<AlloyProps> {
  /** The props a spec may set (`spec.blueprints.props.alloy`). */
  static readonly propsSchema = HELM_PROPS_SCHEMA.extend({
    podLogs: z.boolean().optional().describe('Ship the logs of every pod on each node to Loki; default true'),
    nodeMetrics: z.boolean().optional().describe('Scrape every kubelet (node and container metrics) into Mimir; default true'),
    scrapeIntervalSeconds: z.number().int().min(10, { error: 'must be a whole number of seconds from 10 to 300' }).max(300, { error: 'must be a whole number of seconds from 10 to 300' }).optional().describe('Seconds between metric scrapes, 10-300; default 60'),
  }) satisfies z.ZodType<AlloyProps>;

  /** Catalog metadata: chart `alloy`, namespace alloy, after the OpenTelemetry collector (reference), Loki and Mimir. Requests are per node (one agent on each). */
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'alloy',
    title: 'Grafana Alloy',
    category: 'observability',
    tier: 'bootstrap-kit',
    summary: 'Node agent shipping pod logs to Loki and kubelet metrics to Mimir.',
    pin: chartPin('alloy'),
    podSecurity: `the curated values run Alloy as the image's alloy user (UID ${ALLOY_UID}) and the config reloader non-root, both with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile; logs are read through the API, so no host path is mounted`,
    dependsOn: [OpenTelemetry, Loki, Mimir],
    placementModes: ['active-active', 'single-region'],
    resources: { cpuMillis: 110, memoryMiB: 306 },
    timeout: '15m',
    network: {
      egress: [allow.apiserver('discovery of the node\'s pods and of the node itself, and pod logs through pods/log (loki.source.kubernetes)')],
    },
    kitSlot: 21,
  });

  /** The props with their defaults. */
  private options() {
    return { podLogs: this.props.podLogs ?? true, nodeMetrics: this.props.nodeMetrics ?? true, scrapeIntervalSeconds: this.props.scrapeIntervalSeconds ?? 60 };
  }

  /** Loki's and Mimir's write endpoints, read through the cluster. */
  private sinks(ctx: Cluster): AlloySinks {
    return { lokiPushUrl: ctx.blueprint(Loki).pushUrl, mimirRemoteWriteUrl: ctx.blueprint(Mimir).remoteWriteUrl };
  }

  /**
   * Values of the chart `alloy`: the DaemonSet with the config of `alloyConfig`, an emptyDir at the storage path, restricted security contexts, requests, RBAC cut
   * to pods, pod logs, namespaces, nodes and node metrics, no PodLogs CRD, no usage reporting.
   */
  protected curatedValues(ctx: Cluster): Record<string, unknown> {
    const container = restrictedContainerSecurityContext();
    return {
      crds: { create: false },
      global: { podSecurityContext: restrictedPodSecurityContext({ user: ALLOY_UID }) },
      alloy: {
        configMap: { content: alloyConfig(this.sinks(ctx), ctx.cluster.name, this.options()) },
        enableReporting: false,
        storagePath: ALLOY_STORAGE_PATH,
        mounts: { extra: [{ name: 'storage', mountPath: ALLOY_STORAGE_PATH }] },
        securityContext: { ...container, runAsUser: ALLOY_UID },
        resources: resources('100m', '256Mi', '1Gi'),
      },
      configReloader: { securityContext: { ...container, runAsUser: ALLOY_UID }, resources: resources('10m', '50Mi') },
      controller: { type: 'daemonset', volumes: { extra: [{ name: 'storage', emptyDir: {} }] } },
      rbac: {
        rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
        clusterRules: [
          { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        ],
      },
    };
  }

  /** Why the chart's RBAC and CRD defaults are replaced. */
  protected valueReasons(): ValueReason[] {
    return [
      { path: ['rbac', 'rules'], reason: 'the chart\'s default rules also read every Secret and ConfigMap of the cluster; the config reads only pods, their logs and namespaces' },
      { path: ['crds', 'create'], reason: 'the config does not use PodLogs, so its CRD is not installed' },
    ];
  }

  /**
   * The metadata's allowances, plus what the pipelines the props keep need: with pod logs, Loki's
   * namespace on the port of its push URL; with node metrics, the kubelets and Mimir's namespace on
   * the port of its remote-write URL.
   */
  networkAllowances(ctx: Cluster): NetworkAllowances {
    const base = super.networkAllowances(ctx);
    const { podLogs, nodeMetrics } = this.options();
    const sinks = this.sinks(ctx);
    const egress = [
      ...(podLogs ? [allow.namespace(ctx.blueprint(Loki).metadata.namespace, [urlPort(sinks.lokiPushUrl)], 'pod logs to Loki\'s push API')] : []),
      ...(nodeMetrics
        ? [
            allow.nodes([KUBELET_PORT], `the kubelet's /metrics and /metrics/cadvisor on its HTTPS port ${KUBELET_PORT}, at the node's internal IP`),
            allow.namespace(ctx.blueprint(Mimir).metadata.namespace, [urlPort(sinks.mimirRemoteWriteUrl)], 'kubelet metrics to Mimir\'s remote-write endpoint'),
          ]
        : []),
    ];
    return { ingress: base.ingress, egress: [...(base.egress ?? []), ...egress] };
  }
}
