/**
 * The Kyverno Blueprint: its webhooks and baseline ClusterPolicies confined to the namespaces
 * catalyst-cdk does not manage (every Namespace of the synthesized kit carries the label the selector
 * excludes), the generated NetworkPolicies equal to a Blueprint namespace's baseline, the
 * PodDisruptionBudget and Pod Security rules, the policies against Kyverno's own CRDs, its values and
 * requests against the pinned chart, and its props from YAML.
 */
import { join } from 'node:path';
import { Kyverno, Vpa } from '../../blueprints';
import { CLUSTER_POLICY_API_VERSION, K3S_NAMESPACES, KYVERNO_POLICIES, KYVERNO_WEBHOOK_PORT, SKIP_PDB_ANNOTATION } from '../../blueprints/platform/kyverno';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import { LABELS } from '../../lib/naming';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderConfigObjects, renderObjects, renderedValues, type Json } from '../support/render';
import { yamlDocs } from '../support/synth';

const UNMANAGED = {
  matchExpressions: [
    { key: 'catalyst.openova.io/sovereign', operator: 'DoesNotExist' },
    { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease'] },
  ],
};

const policy = (objects: Json[], name: string): Json => {
  const found = objects.find((o) => o.kind === 'ClusterPolicy' && o.metadata.name === name);
  if (!found) throw new Error(`no ClusterPolicy ${name} in ${objects.map((o) => o.metadata.name).join(', ')}`);
  return found;
};

/** CPU millicores and MiB of a Kubernetes requests block as the values set it. */
function requestsOf(r: Json): { cpu: number; mem: number } {
  return { cpu: Number(String(r.requests.cpu).replace(/m$/, '')), mem: Number(String(r.requests.memory).replace(/Mi$/, '')) };
}

describe('Kyverno', () => {
  const values = renderedValues(new Kyverno());
  const config = renderConfigObjects(new Kyverno());

  it('limits its webhooks to namespaces without the catalyst-cdk label, leaving out k3s\'s own', () => {
    expect(values.config.webhooks.namespaceSelector).toEqual(UNMANAGED);
    expect(Kyverno.unmanagedNamespaces()).toEqual(UNMANAGED);
    expect(UNMANAGED.matchExpressions[0]!.key).toBe(LABELS.sovereign);
    expect(UNMANAGED.matchExpressions[1]!.values).toEqual([...K3S_NAMESPACES]);
  });

  it('never matches a Namespace catalyst-cdk renders: each carries the Sovereign label the selector excludes', () => {
    const { sovereign } = fromYamlProps<Kyverno>('kyverno', {});
    const namespaces = [...sovereign.gitopsTree().files.values()].flatMap((text) => yamlDocs(text)).filter((o) => o.kind === 'Namespace') as Json[];
    const owned = sovereign.blueprints.map((p) => p.blueprint.metadata).filter((m) => m.ownsNamespace !== false).map((m) => m.namespace);
    expect(namespaces.map((ns) => ns.metadata.name).sort()).toEqual([...new Set([...owned, 'flux-system'])].sort());
    for (const ns of namespaces) expect(ns.metadata.labels[LABELS.sovereign]).toBe('solo.example.org');
  });

  it('renders the three baseline ClusterPolicies in its -config folder, each failing closed', () => {
    expect(renderObjects(new Kyverno()).filter((o) => o.kind === 'ClusterPolicy')).toEqual([]);
    expect(config.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      `${CLUSTER_POLICY_API_VERSION} ClusterPolicy ${KYVERNO_POLICIES.networkPolicies}`,
      `${CLUSTER_POLICY_API_VERSION} ClusterPolicy ${KYVERNO_POLICIES.podDisruptionBudgets}`,
      `${CLUSTER_POLICY_API_VERSION} ClusterPolicy ${KYVERNO_POLICIES.podSecurity}`,
    ]);
    for (const p of config) {
      expect(p.spec.webhookConfiguration).toEqual({ failurePolicy: 'Fail' });
      expect(p.metadata.labels).toEqual({ 'catalyst.openova.io/sovereign': 'solo.example.org', 'catalyst.openova.io/blueprint': 'kyverno' });
      expect(p.metadata.annotations['policies.kyverno.io/description'].length).toBeGreaterThan(40);
    }
  });

  it('generates into new unmanaged namespaces exactly the baseline NetworkPolicies a Blueprint namespace gets', () => {
    const rules = policy(config, KYVERNO_POLICIES.networkPolicies).spec.rules as Json[];
    expect(rules.map((r) => r.name)).toEqual(['generate-default-deny', 'generate-allow-dns', 'generate-allow-same-namespace']);
    const blueprintNamespace = renderObjects(new Vpa()).filter((o) => o.kind === 'NetworkPolicy');
    for (const rule of rules) {
      expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Namespace'], selector: UNMANAGED } }] });
      const g = rule.generate;
      expect({ apiVersion: g.apiVersion, kind: g.kind, namespace: g.namespace, synchronize: g.synchronize, generateExisting: g.generateExisting }).toEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: '{{request.object.metadata.name}}',
        synchronize: true,
        generateExisting: false,
      });
      const twin = blueprintNamespace.find((o) => o.metadata.name === g.name)!;
      expect(g.data.spec).toEqual(twin.spec);
      expect(g.data.metadata.annotations).toEqual(twin.metadata.annotations);
      expect(g.data.metadata.labels).toEqual({ 'catalyst.openova.io/blueprint': 'kyverno' });
    }
  });

  it('generates a PodDisruptionBudget per replicated Deployment and StatefulSet with a matchLabels selector, unless skipped', () => {
    const rules = policy(config, KYVERNO_POLICIES.podDisruptionBudgets).spec.rules as Json[];
    expect(rules.map((r) => [r.name, r.match.any[0].resources.kinds, r.generate.name])).toEqual([
      ['generate-pdb-deployment', ['Deployment'], '{{request.object.metadata.name}}-deployment'],
      ['generate-pdb-statefulset', ['StatefulSet'], '{{request.object.metadata.name}}-statefulset'],
    ]);
    for (const r of rules) {
      expect(r.match.any[0].resources.namespaceSelector).toEqual(UNMANAGED);
      expect(r.exclude).toEqual({ any: [{ resources: { annotations: { [SKIP_PDB_ANNOTATION]: 'true' } } }] });
      expect(r.preconditions.all).toEqual([
        { key: '{{ request.object.spec.replicas || `1` }}', operator: 'GreaterThanOrEquals', value: 2 },
        { key: '{{ length(request.object.spec.selector.matchLabels || `{}`) }}', operator: 'GreaterThan', value: 0 },
      ]);
      expect(r.generate).toMatchObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: '{{request.object.metadata.namespace}}', synchronize: true, generateExisting: false });
      expect(r.generate.data.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: '{{request.object.spec.selector.matchLabels}}' } });
    }
    expect(values.backgroundController.rbac.clusterRole.extraResources).toEqual([{ apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['create', 'update', 'patch', 'delete'] }]);
  });

  it('enforces Pod Security restricted on pods of unmanaged namespaces, with background scans for reports', () => {
    const p = policy(config, KYVERNO_POLICIES.podSecurity);
    expect(p.spec.background).toBe(true);
    expect(p.spec.rules).toEqual([
      {
        name: 'pod-security-restricted',
        match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: UNMANAGED } }] },
        validate: { failureAction: 'Enforce', podSecurity: { level: 'restricted', version: 'latest' } },
      },
    ]);
  });

  it('takes failure policy, mode, level, replicas and the generators from typed props', () => {
    const bp = new Kyverno({ failurePolicy: 'Ignore', mode: 'Audit', podSecurityLevel: 'baseline', replicas: 3, networkPolicies: false, podDisruptionBudgets: false });
    const objects = renderConfigObjects(bp);
    expect(objects.map((o) => o.metadata.name)).toEqual([KYVERNO_POLICIES.podSecurity]);
    expect(objects[0]!.spec.webhookConfiguration).toEqual({ failurePolicy: 'Ignore' });
    expect(objects[0]!.spec.rules[0]).toMatchObject({ name: 'pod-security-baseline', validate: { failureAction: 'Audit', podSecurity: { level: 'baseline' } } });
    expect(renderedValues(bp).admissionController.replicas).toBe(3);
  });

  it('states requests equal to the sum its values set for the four controllers', () => {
    const parts = [values.admissionController.container.resources, values.backgroundController.resources, values.cleanupController.resources, values.reportsController.resources].map(requestsOf);
    expect({ cpuMillis: parts.reduce((a, p) => a + p.cpu, 0), memoryMiB: parts.reduce((a, p) => a + p.mem, 0) }).toEqual(Kyverno.metadata.resources);
  });

  it('lets the API server reach the webhooks and the controllers reach the API, nothing else', () => {
    expect(Kyverno.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', [{ port: KYVERNO_WEBHOOK_PORT }]]]);
    expect(Kyverno.metadata.network?.egress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', undefined]]);
    expect(Kyverno.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cilium']);
  });
});

describe('Kyverno against the pinned chart', () => {
  const chart = chartValues('kyverno', 'kyverno', CHARTS.kyverno.version);
  const crds = loadCrds(join(CHARTS_DIR, 'kyverno', `kyverno-${CHARTS.kyverno.version}`));

  it('validates every rendered ClusterPolicy against the chart version\'s CRD, with unknown fields rejected', () => {
    const objects = renderConfigObjects(new Kyverno({ mode: 'Audit', failurePolicy: 'Ignore' }));
    for (const p of [...renderConfigObjects(new Kyverno()), ...objects]) {
      expect(validateCustomResource(p, crds)).toEqual({ crdFiles: [`source-crds/config/crds/kyverno/kyverno.io_clusterpolicies.yaml`], problems: [] });
    }
    const bad = { ...objects[0]!, spec: { ...objects[0]!.spec, validationFailureAction: 'Block' } };
    expect(validateCustomResource(bad, crds).problems.map((p) => p.path)).toEqual(['spec.validationFailureAction']);
  });

  it('sets only values the chart declares, and opens the webhook ports the chart serves on', () => {
    expect(chartValueProblems(new Kyverno({ replicas: 3, failurePolicy: 'Ignore' }))).toEqual([]);
    expect(chart.admissionController.webhookServer.port).toBe(KYVERNO_WEBHOOK_PORT);
    expect(chart.cleanupController.server.port).toBe(KYVERNO_WEBHOOK_PORT);
    expect(chart.config.webhooks.namespaceSelector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }]);
  });
});

describe('Kyverno props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { replicas: 3, failurePolicy: 'Ignore', mode: 'Audit', podSecurityLevel: 'baseline', networkPolicies: true, podDisruptionBudgets: false };
    const { sovereign, blueprint } = fromYamlProps<Kyverno>('kyverno', props);
    expect(blueprint.props).toEqual(props);
    expect(treeValues(sovereign, 'kyverno').admissionController.replicas).toBe(3);
    const files = sovereign.gitopsTree().files;
    const configFiles = [...files.keys()].filter((f) => f.startsWith('clusters/hz-fsn-mgt-prod/bp-kyverno-config/')).sort();
    expect(configFiles).toEqual([
      'clusters/hz-fsn-mgt-prod/bp-kyverno-config/clusterpolicy-catalyst-namespace-network-policies.yaml',
      'clusters/hz-fsn-mgt-prod/bp-kyverno-config/clusterpolicy-catalyst-pod-security.yaml',
      'clusters/hz-fsn-mgt-prod/bp-kyverno-config/kustomization.yaml',
    ]);
  });

  it('rejects a replica count out of range, an unknown failure policy and a level Pod Security does not have', () => {
    expect(blueprintPropsProblems('kyverno', { replicas: 9, failurePolicy: 'fail', podSecurityLevel: 'privileged' })).toEqual([
      { path: 'spec.blueprints.props.kyverno.replicas', value: 9, message: 'must be a whole number from 1 to 5' },
      { path: 'spec.blueprints.props.kyverno.failurePolicy', value: 'fail', message: 'must be written "Fail": names are case-sensitive' },
      { path: 'spec.blueprints.props.kyverno.podSecurityLevel', value: 'privileged', message: 'must be baseline or restricted' },
    ]);
  });
});
