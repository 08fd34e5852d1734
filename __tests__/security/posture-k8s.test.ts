/**
 * The Kubernetes security posture of what every example deploys, read from the synthesized GitOps
 * tree (and, for image tags, the Terraform JSON): Pod Security labels on every Namespace, a default
 * deny plus exactly the documented allowances in every policed namespace, no allow-all egress, no
 * chart that brings an allow-all policy of its own, pinned images and charts. (Remediation and the
 * CRD policy of every HelmRelease are asserted in `__tests__/gitops/tree.test.ts`.)
 */
import { builtinCatalog } from '../../blueprints';
import type { ClusterPlan } from '../../app/sovereign';
import { isKustomizeFile } from '../../scripts/k8s-validate';
import { EXAMPLES, synthExample, yamlDocs, type SynthesizedExample } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const catalog = builtinCatalog();

/** Every Kubernetes object of one cluster's folder, with the file it came from. */
function clusterObjects(ex: SynthesizedExample, cluster: ClusterPlan): Array<{ path: string; obj: Json }> {
  const root = `${cluster.ctx.gitops.clusterPath}/`;
  const out: Array<{ path: string; obj: Json }> = [];
  for (const [path, text] of ex.gitops) {
    if (!path.startsWith(root)) continue;
    for (const obj of yamlDocs(text)) if (!isKustomizeFile(obj)) out.push({ path, obj: obj as Json });
  }
  return out;
}

/**
 * A NetworkPolicy rule's peers as a short word, judged against the cluster's node subnet:
 * `node-subnet`, `internet`, `cluster`, `namespace:<name>`, `anywhere` (no peers), else the JSON.
 */
function peerWord(peers: Json[] | undefined, nodeSubnet: string): string {
  if (peers === undefined) return 'anywhere';
  const json = JSON.stringify(peers);
  if (json === JSON.stringify([{ ipBlock: { cidr: nodeSubnet } }])) return 'node-subnet';
  if (json === JSON.stringify([{ namespaceSelector: {} }])) return 'cluster';
  const internet = [
    { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
    { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } },
  ];
  if (json === JSON.stringify(internet)) return 'internet';
  const ns = peers[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  if (json === JSON.stringify([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }])) return `namespace:${ns}`;
  return json;
}

/** An allowance policy (one rule, one direction) as `<peer>:<port>/<protocol>,...`. */
function allowance(policy: Json, nodeSubnet: string): { direction: 'ingress' | 'egress'; text: string } {
  const direction = policy.spec.policyTypes[0] === 'Ingress' ? 'ingress' : 'egress';
  const rules: Json[] = policy.spec[direction];
  expect(policy.spec.policyTypes).toHaveLength(1);
  expect(rules).toHaveLength(1);
  const rule = rules[0]!;
  const ports = (rule.ports as Json[]).map((p) => `${p.port}/${p.protocol}`).join(',');
  return { direction, text: `${peerWord(direction === 'ingress' ? rule.from : rule.to, nodeSubnet)}:${ports}` };
}

/**
 * The allowances each built-in Blueprint's namespace has beyond the baseline, written out from the
 * charts' facts (ports, webhooks, host-network pods) rather than read back from the code. The API
 * server and host-network peers both render as the node subnet.
 */
const ALLOWANCES: Record<string, { ingress: string[]; egress: string[] }> = {
  'cert-manager': {
    ingress: ['node-subnet:10250/TCP'],
    egress: ['node-subnet:6443/TCP', 'internet:443/TCP', 'internet:80/TCP,53/UDP,53/TCP'],
  },
  flux: { ingress: [], egress: ['node-subnet:6443/TCP', 'internet:443/TCP', 'internet:22/TCP'] },
  crossplane: { ingress: ['node-subnet:9443/TCP'], egress: ['node-subnet:6443/TCP', 'internet:443/TCP'] },
  spire: { ingress: ['node-subnet:8081/TCP', 'node-subnet:9443/TCP', 'cluster:8443/TCP'], egress: ['node-subnet:6443/TCP'] },
  'nats-jetstream': { ingress: ['cluster:4222/TCP'], egress: [] },
  openbao: { ingress: ['cluster:8200/TCP'], egress: ['node-subnet:6443/TCP'] },
  keycloak: { ingress: ['anywhere:8080/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'], egress: ['node-subnet:6443/TCP'] },
  gitea: { ingress: ['anywhere:3000/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'], egress: ['internet:443/TCP', 'node-subnet:6443/TCP'] },
  harbor: { ingress: ['anywhere:8080/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'], egress: ['internet:443/TCP', 'node-subnet:6443/TCP', 'namespace:seaweedfs:8333/TCP'] },
  powerdns: { ingress: ['namespace:external-dns:8081/TCP', 'cluster:5353/UDP,5353/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'], egress: ['internet:80/TCP,443/TCP', 'node-subnet:6443/TCP'] },
  'external-dns': { ingress: [], egress: ['node-subnet:6443/TCP', 'namespace:powerdns:8081/TCP'] },
  cnpg: { ingress: ['node-subnet:9443/TCP'], egress: ['node-subnet:6443/TCP', ...['gitea', 'grafana', 'harbor', 'keycloak', 'langfuse', 'powerdns'].map((ns) => `namespace:${ns}:8000/TCP,5432/TCP`)] },
  valkey: { ingress: ['cluster:6379/TCP'], egress: [] },
  seaweedfs: { ingress: ['harbor', 'langfuse', 'loki', 'mimir', 'tempo', 'velero'].map((ns) => `namespace:${ns}:8333/TCP`), egress: [] },
  velero: { ingress: [], egress: ['node-subnet:6443/TCP', 'namespace:seaweedfs:8333/TCP'] },
  loki: { ingress: ['namespace:alloy:3100/TCP', 'namespace:grafana:3100/TCP', 'namespace:opentelemetry:3100/TCP'], egress: ['namespace:seaweedfs:8333/TCP'] },
  mimir: { ingress: ['namespace:alloy:8080/TCP', 'namespace:grafana:8080/TCP', 'namespace:opentelemetry:8080/TCP'], egress: ['namespace:seaweedfs:8333/TCP'] },
  tempo: { ingress: ['namespace:alloy:4317/TCP,4318/TCP', 'namespace:grafana:3200/TCP', 'namespace:opentelemetry:4317/TCP,4318/TCP'], egress: ['namespace:seaweedfs:8333/TCP'] },
  'system-upgrade-controller': { ingress: [], egress: ['node-subnet:6443/TCP'] },
  'external-secrets': { ingress: ['node-subnet:10250/TCP'], egress: ['node-subnet:6443/TCP', 'namespace:openbao:8200/TCP'] },
  opentelemetry: { ingress: ['cluster:4317/TCP,4318/TCP'], egress: ['node-subnet:6443/TCP', 'namespace:tempo:4317/TCP', 'namespace:mimir:8080/TCP', 'namespace:loki:3100/TCP'] },
  alloy: { ingress: [], egress: ['node-subnet:6443/TCP', 'namespace:loki:3100/TCP', 'node-subnet:10250/TCP', 'namespace:mimir:8080/TCP'] },
  grafana: {
    ingress: ['anywhere:3000/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'],
    egress: ['namespace:mimir:8080/TCP', 'namespace:loki:3100/TCP', 'namespace:tempo:3200/TCP', 'internet:443/TCP', 'node-subnet:6443/TCP'],
  },
  langfuse: { ingress: ['anywhere:3000/TCP', 'namespace:cnpg-system:8000/TCP,5432/TCP'], egress: ['namespace:seaweedfs:8333/TCP', 'internet:443/TCP', 'node-subnet:6443/TCP'] },
  kyverno: { ingress: ['node-subnet:9443/TCP'], egress: ['node-subnet:6443/TCP'] },
  vpa: { ingress: ['node-subnet:8000/TCP'], egress: ['node-subnet:6443/TCP'] },
  trivy: { ingress: [], egress: ['node-subnet:6443/TCP', 'internet:443/TCP'] },
  falco: { ingress: [], egress: ['internet:443/TCP'] },
  sigstore: { ingress: ['node-subnet:8443/TCP'], egress: ['node-subnet:6443/TCP', 'internet:443/TCP'] },
  keda: { ingress: ['node-subnet:6443/TCP,9443/TCP'], egress: ['node-subnet:6443/TCP'] },
  reloader: { ingress: [], egress: ['node-subnet:6443/TCP'] },
  'syft-grype': { ingress: [], egress: ['node-subnet:6443/TCP', 'internet:443/TCP'] },
  coraza: { ingress: ['anywhere:8080/TCP'], egress: [] },
  'cert-manager-dynadot-webhook': { ingress: ['node-subnet:4443/TCP'], egress: ['node-subnet:6443/TCP', 'internet:443/TCP'] },
};

/** Namespace → Blueprint whose policies it carries, for the Blueprints of a Sovereign. */
function policedNamespaces(ex: SynthesizedExample): Map<string, string> {
  const out = new Map<string, string>();
  for (const { blueprint } of ex.sovereign.blueprints) if (blueprint.policesNetwork) out.set(blueprint.metadata.namespace, blueprint.metadata.name);
  return out;
}

/** Every string leaf of a JSON value with its dotted path. */
function stringLeaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (value !== null && typeof value === 'object') return Object.entries(value as Json).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
  return [];
}

/** An exact semantic version (`1.2.3`, `v1.16.2`, `1.0.0-rc.1`): no range, wildcard or `latest`. */
const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** An image reference with the `latest` tag anywhere in a string, e.g. `ghcr.io/x/y:latest`. */
const LATEST_IMAGE = /[a-z0-9][\w.-]*(?::\d+)?\/[\w./-]+:latest\b/;

describe.each(EXAMPLES)('%s: Kubernetes posture', (name) => {
  const ex = synthExample(name);

  describe.each(ex.sovereign.clusters.map((c) => [c.ctx.cluster.name, c] as const))('cluster %s', (_cluster, plan) => {
    const objects = clusterObjects(ex, plan);
    const policies = objects.filter(({ obj }) => obj.kind === 'NetworkPolicy').map(({ obj }) => obj);
    const namespaces = objects.filter(({ obj }) => obj.kind === 'Namespace').map(({ obj }) => obj);
    const policed = policedNamespaces(ex);
    const nodeSubnet = plan.ctx.network.nodeSubnet;

    it('labels every Namespace with the Pod Security level its Blueprint declares, and declares flux-system but never kube-system', () => {
      const names = namespaces.map((ns) => ns.metadata.name).sort();
      const owned = ex.sovereign.blueprints.filter(({ blueprint }) => blueprint.metadata.ownsNamespace !== false).map(({ blueprint }) => blueprint.metadata.namespace);
      expect(names).toEqual([...owned, 'flux-system'].sort());
      for (const ns of namespaces) {
        const labels = ns.metadata.labels;
        const owner = ns.metadata.name === 'flux-system' ? 'flux' : labels['catalyst.openova.io/blueprint'];
        expect({ ns: ns.metadata.name, enforce: labels['pod-security.kubernetes.io/enforce'] }).toEqual({
          ns: ns.metadata.name,
          enforce: catalog.get(owner).metadata.podSecurity.level,
        });
        expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
        expect(labels['pod-security.kubernetes.io/audit']).toBe('restricted');
      }
      const flux = namespaces.find((ns) => ns.metadata.name === 'flux-system')!;
      expect(flux.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
      expect(flux.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('polices exactly the owned namespaces and flux-system, never kube-system', () => {
      expect([...new Set(policies.map((p) => p.metadata.namespace))].sort()).toEqual([...policed.keys()].sort());
      expect([...policed.keys()]).toContain('flux-system');
      expect([...policed.keys()]).not.toContain('kube-system');
    });

    it('gives every policed namespace one default deny, the DNS allowance and its own traffic', () => {
      for (const ns of policed.keys()) {
        const mine = policies.filter((p) => p.metadata.namespace === ns);
        const denies = mine.filter((p) => p.spec.ingress === undefined && p.spec.egress === undefined);
        expect(denies.map((p) => ({ name: p.metadata.name, spec: p.spec }))).toEqual([
          { name: 'default-deny', spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
        ]);
        const dns = mine.filter((p) => JSON.stringify(p.spec.egress?.[0]?.to ?? []).includes('kube-dns'));
        expect(dns.map((p) => p.spec)).toEqual([
          {
            podSelector: {},
            policyTypes: ['Egress'],
            egress: [
              {
                to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
                ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
              },
            ],
          },
        ]);
        const own = mine.find((p) => p.metadata.name === 'allow-same-namespace')!;
        expect(own.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
        for (const p of mine) {
          expect(p.spec.podSelector).toEqual({});
          expect(p.metadata.annotations['catalyst.openova.io/reason'].length).toBeGreaterThan(20);
        }
      }
    });

    it('allows each Blueprint exactly its documented traffic, with the right peers and ports', () => {
      for (const [ns, bp] of policed) {
        const baseline = ['default-deny', 'allow-dns', 'allow-same-namespace'];
        const found = policies
          .filter((p) => p.metadata.namespace === ns && !baseline.includes(p.metadata.name))
          .map((p) => allowance(p, nodeSubnet));
        const got = {
          ingress: found.filter((a) => a.direction === 'ingress').map((a) => a.text).sort(),
          egress: found.filter((a) => a.direction === 'egress').map((a) => a.text).sort(),
        };
        expect({ bp, ...got }).toEqual({ bp, ingress: [...ALLOWANCES[bp]!.ingress].sort(), egress: [...ALLOWANCES[bp]!.egress].sort() });
      }
    });

    it('lets the API server reach the cert-manager webhook from the node subnet on 10250, and reaches the API at the node subnet on 6443', () => {
      const webhook = policies.find((p) => p.metadata.namespace === 'cert-manager' && p.metadata.name === 'allow-ingress-apiserver-10250')!;
      expect(webhook.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: nodeSubnet } }], ports: [{ port: 10250, protocol: 'TCP' }] }]);
      const api = policies.filter((p) => p.metadata.name === 'allow-egress-apiserver-6443');
      expect(api.map((p) => p.metadata.namespace).sort()).toEqual(['alloy', 'cert-manager', 'cert-manager-dynadot-webhook', 'cnpg-system', 'crossplane-system', 'external-dns', 'external-secrets-system', 'flux-system', 'gitea', 'grafana', 'harbor', 'keda', 'keycloak', 'kyverno', 'langfuse', 'openbao', 'opentelemetry', 'powerdns', 'reloader', 'sigstore-system', 'spire-system', 'syft-grype', 'system-upgrade', 'trivy-system', 'velero', 'vpa']);
      for (const p of api) expect(p.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: nodeSubnet } }], ports: [{ port: 6443, protocol: 'TCP' }] }]);
      expect(nodeSubnet).toBe(plan.region.network.nodeSubnet);
    });

    it('has no rule that allows all egress, all ports to a peer outside the namespace, or anything from anywhere without ports', () => {
      for (const p of policies) {
        const policy = `${p.metadata.namespace}/${p.metadata.name}`;
        for (const rule of (p.spec.egress ?? []) as Json[]) {
          // no `to` allows every destination (with no ports too: all egress)
          expect({ policy, destinations: rule.to }).toEqual({ policy, destinations: expect.any(Array) });
          const ownPods = JSON.stringify(rule.to) === JSON.stringify([{ podSelector: {} }]);
          if (!ownPods) expect(rule.ports?.length).toBeGreaterThan(0);
        }
        for (const rule of (p.spec.ingress ?? []) as Json[]) {
          const ownPods = JSON.stringify(rule.from) === JSON.stringify([{ podSelector: {} }]);
          if (!ownPods) expect(rule.ports?.length).toBeGreaterThan(0);
        }
      }
    });

    it('lets no pod reach the metadata service (169.254.169.254 serves user_data with the join token)', () => {
      const covers = (cidr: string) => cidr === '0.0.0.0/0' || cidr.startsWith('169.254.');
      let checked = 0;
      for (const p of policies) {
        for (const rule of (p.spec.egress ?? []) as Json[]) {
          for (const peer of (rule.to ?? []) as Json[]) {
            if (!peer.ipBlock || !covers(peer.ipBlock.cidr)) continue;
            checked++;
            expect({ policy: p.metadata.name, except: peer.ipBlock.except }).toEqual({ policy: p.metadata.name, except: expect.arrayContaining(['169.254.0.0/16']) });
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it('turns off the NetworkPolicies charts would add on their own (they allow all egress)', () => {
      const values = (bp: string) => objects.find(({ obj }) => obj.kind === 'HelmRelease' && obj.metadata.name === `bp-${bp}`)!.obj.spec.values;
      expect(values('flux').policies).toEqual({ create: false });
      expect(values('keycloak').networkPolicy).toEqual({ enabled: false });
      expect(values('keycloak').postgresql).toEqual({ enabled: false });
      expect(values('gitea').postgresql).toEqual({ enabled: false });
    });

    it('runs Cilium with node IPs selectable by ipBlock, which the API server and host-network peers rely on', () => {
      const cilium = objects.find(({ obj }) => obj.kind === 'HelmRelease' && obj.metadata.name === 'bp-cilium')!.obj;
      expect(cilium.spec.values.policyCIDRMatchMode).toEqual(['nodes']);
    });

    it('pins every chart to an exact version: no range, wildcard or floating tag', () => {
      const releases = objects.filter(({ obj }) => obj.kind === 'HelmRelease').map(({ obj }) => obj);
      // one per chart Blueprint, plus bp-spire-crds
      expect(releases.length).toBe(ex.sovereign.blueprints.filter(({ blueprint }) => blueprint.metadata.chart !== undefined).length + 1);
      for (const hr of releases) {
        if (!hr.spec.chart) {
          expect(hr.spec.chartRef.kind).toBe('OCIRepository');
          continue;
        }
        const version = hr.spec.chart.spec.version;
        expect({ release: hr.metadata.name, version, exact: EXACT_SEMVER.test(version) }).toEqual({ release: hr.metadata.name, version, exact: true });
      }
      for (const { obj } of objects.filter(({ obj }) => obj.kind === 'OCIRepository')) expect(obj.spec.ref.tag).toMatch(EXACT_SEMVER);
    });

    it('pins every Git source of upstream manifests to a release tag and its commit; only the cluster\'s own repository follows a branch', () => {
      const sources = objects.filter(({ obj }) => obj.kind === 'GitRepository').map(({ obj }) => obj);
      expect(sources.map((g) => g.metadata.name).sort()).toEqual(['bp-system-upgrade-controller', 'flux-system']);
      for (const g of sources.filter((g) => g.metadata.name !== 'flux-system')) {
        expect(g.spec.ref).toEqual({ tag: expect.stringMatching(EXACT_SEMVER), commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
        expect(g.spec.url).toMatch(/^https:\/\//);
      }
    });

    it('blocks Hetzner\'s metadata service for every pod but the CSI node plugin, without putting any pod into default deny', () => {
      const ccnps = objects.filter(({ obj }) => obj.kind === 'CiliumClusterwideNetworkPolicy').map(({ obj }) => obj);
      expect(ccnps.map((p) => p.metadata.name).sort()).toEqual(['deny-metadata-service', 'deny-metadata-service-kube-system']);
      const ns = 'k8s:io.kubernetes.pod.namespace';
      const spec = (name: string) => ccnps.find((p) => p.metadata.name === name)!.spec;
      for (const p of ccnps) {
        expect(p.apiVersion).toBe('cilium.io/v2');
        expect(p.metadata.namespace).toBeUndefined();
        expect(p.spec.egressDeny).toEqual([{ toCIDR: ['169.254.169.254/32'] }]);
        expect(p.spec.enableDefaultDeny).toEqual({ egress: false, ingress: false });
        expect(Object.keys(p.spec).sort()).toEqual(['description', 'egressDeny', 'enableDefaultDeny', 'endpointSelector']);
      }
      // every pod outside kube-system ...
      expect(spec('deny-metadata-service').endpointSelector).toEqual({ matchExpressions: [{ key: ns, operator: 'Exists' }, { key: ns, operator: 'NotIn', values: ['kube-system'] }] });
      // ... and every pod in kube-system without the exemption label
      expect(spec('deny-metadata-service-kube-system').endpointSelector).toEqual({
        matchExpressions: [{ key: ns, operator: 'In', values: ['kube-system'] }, { key: 'k8s:catalyst.openova.io/metadata-service', operator: 'NotIn', values: ['allowed'] }],
      });
      // only the CSI node plugin's pods carry the label; the CSI controller and the CCM do not
      const releases = objects.filter(({ obj }) => obj.kind === 'HelmRelease').map(({ obj }) => obj);
      const labelled = releases.flatMap((hr) => stringLeaves(hr.spec.values ?? {}, hr.metadata.name)).filter(([path]) => path.endsWith('catalyst.openova.io/metadata-service'));
      expect(labelled).toEqual([['bp-hcloud-csi.node.podLabels.catalyst.openova.io/metadata-service', 'allowed']]);
    });
  });

  it('uses no container image tagged latest, in the GitOps tree or the Terraform JSON', () => {
    const leaves: Array<[string, string]> = [];
    for (const [path, text] of ex.gitops) for (const doc of yamlDocs(text)) leaves.push(...stringLeaves(doc, path));
    for (const [stack, tf] of Object.entries(ex.stacks)) leaves.push(...stringLeaves(tf, stack));
    expect(leaves.length).toBeGreaterThan(500);
    const bad = leaves.filter(([path, value]) => (/(^|\.)(tag|image)$/i.test(path) && /(^|:)latest$/.test(value)) || LATEST_IMAGE.test(value));
    expect(bad).toEqual([]);
  });
});
