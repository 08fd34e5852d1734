/**
 * The Alloy Blueprint: the River config it supplies (pod logs to Loki's push API, kubelet metrics to
 * Mimir's remote-write URL, both from those Blueprints' getters), what its props switch, the
 * restricted pod, the narrowed RBAC, its references and network allowances, its props from YAML,
 * and its values against the pinned chart's data.
 */
import { App, Chart } from 'cdk8s';
import { Alloy, Loki, Mimir } from '../../blueprints';
import { alloyConfig, KUBELET_PORT } from '../../blueprints/platform/alloy';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();
const sinks = { lokiPushUrl: 'http://loki.loki.svc.cluster.local:3100/loki/api/v1/push', mimirRemoteWriteUrl: 'http://mimir-distributor.mimir.svc.cluster.local:8080/api/v1/push' };
const all = { podLogs: true, nodeMetrics: true, scrapeIntervalSeconds: 60 };

/** The NetworkPolicies an instance renders, by name. */
function policies(bp: Alloy, cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Alloy config', () => {
  it('is supplied (the chart ships none) and writes to the endpoints the Loki and Mimir Blueprints publish', () => {
    expect(chartValues('alloy', 'alloy', CHARTS.alloy.version).alloy.configMap.content).toBe('');
    const content: string = renderedValues(new Alloy()).alloy.configMap.content;
    expect(content).toBe(alloyConfig({ lokiPushUrl: ctx.blueprint(Loki).pushUrl, mimirRemoteWriteUrl: ctx.blueprint(Mimir).remoteWriteUrl }, 'hz-fsn-mgt-prod', all));
    expect(content).toContain(`loki.write "default" {\n  endpoint {\n    url = "${sinks.lokiPushUrl}"\n  }\n  external_labels = { cluster = "hz-fsn-mgt-prod" }\n}\n`);
    expect(content).toContain(`prometheus.remote_write "default" {\n  endpoint {\n    url = "${sinks.mimirRemoteWriteUrl}"\n  }\n`);
  });

  it('tails the pods of its own node through the API, labelled namespace, pod, container and node', () => {
    const content = alloyConfig(sinks, 'c', all);
    expect(content).toContain('discovery.kubernetes "pods" {\n  role = "pod"\n  selectors {\n    role  = "pod"\n    field = "spec.nodeName=" + sys.env("K8S_NODE_NAME")\n  }\n}\n');
    const targets = [...content.matchAll(/target_label {2}= "(\w+)"/g)].map((m) => m[1]);
    expect(targets).toEqual(['namespace', 'pod', 'container', 'node']);
    expect(content).toContain('loki.source.kubernetes "pods" {\n  targets    = discovery.relabel.pod_logs.output\n  forward_to = [loki.write.default.receiver]\n}\n');
  });

  it('scrapes its node\'s kubelet and cAdvisor over HTTPS, verified against the cluster CA', () => {
    const content = alloyConfig(sinks, 'c', { ...all, scrapeIntervalSeconds: 30 });
    for (const [name, path] of [['kubelet', '/metrics'], ['cadvisor', '/metrics/cadvisor']]) {
      expect(content).toContain(
        `prometheus.scrape "${name}" {\n  targets           = discovery.kubernetes.nodes.targets\n  scheme            = "https"\n  metrics_path      = "${path}"\n  scrape_interval   = "30s"\n  bearer_token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token"\n  tls_config {\n    ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"\n  }\n  forward_to = [prometheus.remote_write.default.receiver]\n}\n`,
      );
    }
    expect(content).toContain('field = "metadata.name=" + sys.env("K8S_NODE_NAME")');
  });

  it('leaves out the pipeline a prop turns off, and quotes the cluster name as a River string', () => {
    const logsOnly = alloyConfig(sinks, 'c', { ...all, nodeMetrics: false });
    expect(logsOnly).toContain('loki.write');
    expect(logsOnly).not.toMatch(/prometheus\.|discovery\.kubernetes "nodes"/);
    const metricsOnly = alloyConfig(sinks, 'c', { ...all, podLogs: false });
    expect(metricsOnly).not.toMatch(/loki\.|discovery\.kubernetes "pods"/);
    expect(alloyConfig(sinks, 'a"b', all)).toContain('external_labels = { cluster = "a\\"b" }');
    expect(renderedValues(new Alloy({ podLogs: false })).alloy.configMap.content).not.toContain('loki.');
  });
});

describe('Alloy values', () => {
  it('runs the DaemonSet restricted: non-root, read-only root with an emptyDir for its WAL, no reporting', () => {
    const values = renderedValues(new Alloy());
    expect(values.controller).toEqual({ type: 'daemonset', volumes: { extra: [{ name: 'storage', emptyDir: {} }] } });
    expect(values.alloy.mounts).toEqual({ extra: [{ name: 'storage', mountPath: values.alloy.storagePath }] });
    expect(values.alloy.storagePath).toBe(chartValues('alloy', 'alloy', CHARTS.alloy.version).alloy.storagePath);
    expect(values.global.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 473, seccompProfile: { type: 'RuntimeDefault' } });
    for (const sc of [values.alloy.securityContext, values.configReloader.securityContext]) expect(sc).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 473 });
    expect(values.alloy.enableReporting).toBe(false);
    expect(Alloy.metadata.podSecurity.level).toBe('restricted');
  });

  it('requests what its metadata sums (Alloy plus the config reloader, per node)', () => {
    const values = renderedValues(new Alloy());
    expect([values.alloy.resources.requests, values.configReloader.resources.requests]).toEqual([{ cpu: '100m', memory: '256Mi' }, { cpu: '10m', memory: '50Mi' }]);
    expect(Alloy.metadata.resources).toEqual({ cpuMillis: 110, memoryMiB: 306 });
  });

  it('reads no Secrets or ConfigMaps: RBAC narrowed to pods, logs, namespaces, nodes and node metrics; no PodLogs CRD', () => {
    const values = renderedValues(new Alloy());
    const defaults = chartValues('alloy', 'alloy', CHARTS.alloy.version);
    expect(JSON.stringify(defaults.rbac.rules)).toContain('secrets');
    const resources = [...values.rbac.rules, ...values.rbac.clusterRules].flatMap((r: Json) => r.resources);
    expect(resources).toEqual(['pods', 'pods/log', 'namespaces', 'nodes', 'nodes/metrics']);
    expect(values.crds).toEqual({ create: false });
    expect(Alloy.metadata.installsCrds).toBe(false);
  });

  it('sets only values the pinned chart declares, with every prop set', () => {
    for (const bp of [new Alloy(), new Alloy({ podLogs: false, nodeMetrics: true, scrapeIntervalSeconds: 15 })]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Alloy wiring and network', () => {
  it('records its reads of Loki and Mimir, and keeps the reference edge to the collector', () => {
    const cluster = testCluster();
    cluster.blueprint(Alloy).bind(new Chart(new App(), 'alloy'), cluster);
    expect(cluster.references.get('alloy')).toEqual(['loki', 'mimir']);
    expect(Alloy.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['opentelemetry', 'loki', 'mimir']);
  });

  it('reaches the API server, the kubelets and the write ports of Loki and Mimir, and accepts nothing', () => {
    const all = policies(new Alloy());
    expect([...all.keys()].filter((n) => n.startsWith('allow-ingress-'))).toEqual([]);
    expect([...all.keys()].filter((n) => n.startsWith('allow-egress-'))).toEqual(['allow-egress-apiserver-6443', 'allow-egress-namespace-loki-3100', `allow-egress-nodes-${KUBELET_PORT}`, 'allow-egress-namespace-mimir-8080']);
    expect(all.get('allow-egress-nodes-10250')!.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: ctx.network.nodeSubnet } }], ports: [{ port: 10250, protocol: 'TCP' }] }]);
  });

  it('opens only what the pipelines the props keep need', () => {
    expect([...policies(new Alloy({ nodeMetrics: false })).keys()].filter((n) => n.startsWith('allow-egress-'))).toEqual(['allow-egress-apiserver-6443', 'allow-egress-namespace-loki-3100']);
    expect([...policies(new Alloy({ podLogs: false })).keys()].filter((n) => n.startsWith('allow-egress-'))).toEqual(['allow-egress-apiserver-6443', 'allow-egress-nodes-10250', 'allow-egress-namespace-mimir-8080']);
  });
});

describe('Alloy props from YAML (spec.blueprints.props.alloy)', () => {
  it('accepts the documented shapes and renders them', () => {
    const { sovereign } = fromYamlProps<Alloy>('alloy', { podLogs: true, nodeMetrics: false, scrapeIntervalSeconds: 30 });
    const content: string = treeValues(sovereign, 'alloy').alloy.configMap.content;
    expect(content).toContain('loki.source.kubernetes');
    expect(content).not.toContain('prometheus.scrape');
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    expect(blueprintPropsProblems('alloy', { scrapeIntervalSeconds: 5 })).toEqual([{ path: 'spec.blueprints.props.alloy.scrapeIntervalSeconds', value: 5, message: 'must be a whole number of seconds from 10 to 300' }]);
    expect(blueprintPropsProblems('alloy', { podLogs: 'yes' })).toEqual([{ path: 'spec.blueprints.props.alloy.podLogs', value: 'yes', message: 'must be a boolean, not a string' }]);
  });
});
