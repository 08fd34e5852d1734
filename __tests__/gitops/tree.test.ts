import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_BLUEPRINTS } from '../../blueprints';
import { CHARTS } from '../../lib/versions';
import { kustomizeBuild } from '../support/kustomize';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import { UNVALIDATED_KINDS } from '../../scripts/check-charts';
import { CHARTS_DIR } from '../support/charts';
import { isKustomizeFile, validateManifest } from '../../scripts/k8s-validate';
import { KIT_EDGES } from '../support/kit';
import { EXAMPLES, synthExample, yamlDocs } from '../support/synth';

const CLUSTERS: Record<(typeof EXAMPLES)[number], string[]> = {
  solo: ['clusters/hz-fsn-mgt-prod'],
  omantel: ['clusters/hz-fsn-mgt-prod'],
  'bank-dr': ['clusters/hz-fsn-rtz-prod', 'clusters/hz-hel-rtz-prod'],
};

/** Blueprints with a `-config` stage of custom resources. */
const CONFIG_STAGES = ['cert-manager', 'cilium', 'external-secrets', 'kyverno', 'sigstore', 'system-upgrade-controller', 'velero'];

/** Blueprints of the kit that install a Helm chart (not the system-upgrade-controller's Git manifests, nor the objects others render themselves). */
const HELM_BLUEPRINTS = Object.keys(KIT_EDGES).filter((bp) => BUILTIN_BLUEPRINTS.find((c) => c.metadata.name === bp)!.metadata.chart !== undefined);

/** Blueprints in `kube-system`, which no Blueprint polices. */
const KUBE_SYSTEM = ['cilium', 'sealed-secrets', 'hcloud-cloud-controller-manager', 'hcloud-csi'];

function fluxKustomizations(files: Map<string, string>, cluster: string): Map<string, any> {
  const out = new Map<string, any>();
  for (const [path, text] of files) {
    if (!path.startsWith(`${cluster}/flux-system/kustomization-`)) continue;
    const doc = parse(text);
    out.set(doc.metadata.name, doc);
  }
  return out;
}

describe.each(EXAMPLES)('%s GitOps tree', (name) => {
  const ex = synthExample(name);

  it('has one folder per cluster with flux-system and one folder per Blueprint', () => {
    const folders = [...new Set([...ex.gitops.keys()].map((p) => p.split('/').slice(0, 3).join('/')))].sort();
    const expected = CLUSTERS[name]
      .flatMap((c) => [`${c}/flux-system`, ...Object.keys(KIT_EDGES).map((bp) => `${c}/bp-${bp}`), ...CONFIG_STAGES.map((bp) => `${c}/bp-${bp}-config`), `${c}/kustomization.yaml`, `${c}/README.md`, `${c}/catalyst-cdk.json`])
      .sort();
    expect(folders).toEqual(expected);
  });

  it('has a Flux Kustomization per Blueprint whose dependsOn are exactly the Blueprint graph edges', () => {
    for (const cluster of CLUSTERS[name]) {
      const ks = fluxKustomizations(ex.gitops, cluster);
      for (const [bp, deps] of Object.entries(KIT_EDGES)) {
        const k = ks.get(`bp-${bp}`);
        expect(k).toBeDefined();
        expect(k.spec).toMatchObject({ path: `./${cluster}/bp-${bp}`, prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
        expect((k.spec.dependsOn ?? []).map((d: { name: string }) => d.name)).toEqual(deps.map((d) => `bp-${d}`).sort());
      }
      // Custom resources that need a Blueprint's CRDs wait for the controller's Kustomization.
      for (const bp of CONFIG_STAGES) {
        expect(ks.get(`bp-${bp}-config`).spec).toMatchObject({ path: `./${cluster}/bp-${bp}-config`, dependsOn: [{ name: `bp-${bp}` }] });
      }
      expect(ks.get('bp-crossplane').spec.timeout).toBe('15m');
      expect(ks.get('bp-cilium').spec.timeout).toBe('10m');
    }
  });

  it('syncs itself from the spec repository and folder', () => {
    for (const cluster of CLUSTERS[name]) {
      const repo = parse(ex.gitops.get(`${cluster}/flux-system/gitrepository.yaml`)!);
      expect(repo.spec.url).toBe(ex.sovereign.spec.spec.gitops.url);
      expect(repo.spec.ref).toEqual({ branch: 'main' });
      const root = fluxKustomizations(ex.gitops, cluster).get('flux-system');
      expect(root.spec.path).toBe(`./${cluster}/flux-system`);
    }
  });

  it('pins every HelmRelease to the exact chart version of the manifest, with remediation and a CRD policy', () => {
    for (const cluster of CLUSTERS[name]) {
      for (const bp of HELM_BLUEPRINTS) {
        const release = parse(ex.gitops.get(`${cluster}/bp-${bp}/helmrelease.yaml`) ?? ex.gitops.get(`${cluster}/bp-${bp}/helmrelease-bp-${bp}.yaml`)!);
        const pin = BUILTIN_BLUEPRINTS.find((c) => c.metadata.name === bp)!.metadata.chart!;
        expect(release.spec.chart.spec).toMatchObject({ chart: pin.chart, version: pin.version });
      }
      const releases = [...ex.gitops].filter(([path]) => path.startsWith(`${cluster}/`)).flatMap(([, text]) => yamlDocs(text)).filter((d) => d.kind === 'HelmRelease') as any[];
      expect(releases.length).toBe(HELM_BLUEPRINTS.length + 1); // bp-spire-crds besides one per chart Blueprint
      for (const release of releases) {
        const pin = Object.values(CHARTS).find((p) => p.chart === release.spec.chart.spec.chart)!;
        expect({ release: release.metadata.name, version: release.spec.chart.spec.version }).toEqual({ release: release.metadata.name, version: pin.version });
        expect(release.spec.install.remediation.retries).toBeGreaterThan(0);
        expect(release.spec.upgrade.remediation).toMatchObject({ retries: expect.any(Number), remediateLastFailure: true });
        expect(release.spec.upgrade.remediation.retries).toBeGreaterThan(0);
        expect(['CreateReplace', 'Skip']).toContain(release.spec.install.crds);
        expect(release.spec.upgrade.crds).toBe(release.spec.install.crds);
      }
    }
  });

  it('validates every object against the published Kubernetes and Flux schemas, or its CRD', async () => {
    const crds = loadCrds(CHARTS_DIR);
    let checked = 0;
    const kinds = new Set<string>();
    const yamlFiles = [...ex.gitops].filter(([path]) => path.endsWith('.yaml'));
    expect(yamlFiles.length).toBe(ex.gitops.size - 2 * CLUSTERS[name].length); // all but each cluster's README.md and catalyst-cdk.json
    for (const [path, text] of yamlFiles) {
      for (const doc of yamlDocs(text)) {
        if (isKustomizeFile(doc)) continue;
        const kind = `${doc.apiVersion} ${doc.kind}`;
        // Custom resources without a published model: against their real CRD, or listed with the reason they cannot be.
        const byCrd = validateCustomResource(doc, crds);
        const errors = byCrd.crdFiles.length > 0 ? byCrd.problems.map((p) => `${p.path}: ${p.message}`) : UNVALIDATED_KINDS[kind] ? [] : await validateManifest(doc);
        expect({ path, errors }).toEqual({ path, errors: [] });
        kinds.add(`${doc.apiVersion} ${doc.kind}`);
        checked++;
      }
    }
    expect(checked).toBe(ex.report.clusters.reduce((n, c) => n + c.objects, 0));
    expect([...kinds]).toEqual(expect.arrayContaining(['v1 Namespace', 'networking.k8s.io/v1 NetworkPolicy']));
  });

  it('builds every cluster folder with kubectl kustomize', () => {
    for (const cluster of CLUSTERS[name]) {
      const built = kustomizeBuild(join(ex.dir, 'gitops', cluster));
      expect(built.stderr).toBe('');
      expect(built.ok).toBe(true);
      const kinds = yamlDocs(built.stdout).map((d) => `${d.kind}/${(d.metadata as { name: string }).name}`);
      expect(kinds).toContain('GitRepository/flux-system');
      expect(kinds).toContain('Kustomization/bp-external-dns');
      expect(kinds).toContain('Namespace/flux-system');
      for (const bp of Object.keys(KIT_EDGES)) {
        const folder = kustomizeBuild(join(ex.dir, 'gitops', cluster, `bp-${bp}`));
        expect(folder.ok).toBe(true);
        const policies = yamlDocs(folder.stdout).filter((d) => d.kind === 'NetworkPolicy').map((d) => (d.metadata as { name: string }).name);
        // every Blueprint folder but those in kube-system carries its namespace's policies
        if (KUBE_SYSTEM.includes(bp)) expect(policies).toEqual([]);
        else expect(policies).toEqual(expect.arrayContaining(['default-deny', 'allow-dns', 'allow-same-namespace']));
      }
    }
  });
});

describe('GitOps details', () => {
  it('adopts the pre-installed Cilium and Flux releases in their own namespaces without declaring those namespaces', () => {
    const ex = synthExample('solo');
    const c = 'clusters/hz-fsn-mgt-prod';
    for (const [bp, ns, release] of [['cilium', 'kube-system', 'cilium'], ['flux', 'flux-system', 'flux']] as const) {
      const hr = parse(ex.gitops.get(`${c}/bp-${bp}/helmrelease.yaml`)!);
      expect(hr.spec).toMatchObject({ releaseName: release, targetNamespace: ns, storageNamespace: ns });
      expect(ex.gitops.has(`${c}/bp-${bp}/namespace.yaml`)).toBe(false);
    }
  });

  it('sizes the OpenBao Raft cluster by the nodes the cluster has (the chart keeps servers on separate nodes)', () => {
    const replicas = (name: 'solo' | 'omantel') =>
      parse(synthExample(name).gitops.get('clusters/hz-fsn-mgt-prod/bp-openbao/helmrelease.yaml')!).spec.values.server.ha.replicas;
    expect(replicas('solo')).toBe(3);
    expect(replicas('omantel')).toBe(1);
  });

  it('declares flux-system in the folder the root Kustomization applies: restricted, never pruned', () => {
    const ex = synthExample('solo');
    const c = 'clusters/hz-fsn-mgt-prod/flux-system';
    const ns = parse(ex.gitops.get(`${c}/namespace.yaml`)!);
    expect(ns.metadata).toMatchObject({
      name: 'flux-system',
      annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'catalyst.openova.io/cluster': 'hz-fsn-mgt-prod' },
    });
    expect(parse(ex.gitops.get(`${c}/kustomization.yaml`)!).resources).toContain('namespace.yaml');
    expect([...ex.gitops.keys()].filter((p) => p.endsWith('namespace.yaml') && ex.gitops.get(p)!.includes('name: kube-system'))).toEqual([]);
  });

  it('declares Pod Security labels on every namespace it creates', () => {
    const ex = synthExample('solo');
    const namespaces = [...ex.gitops].filter(([p]) => p.endsWith('/namespace.yaml')).map(([, t]) => parse(t));
    expect(namespaces.length).toBeGreaterThanOrEqual(9);
    for (const ns of namespaces) {
      expect(['restricted', 'baseline', 'privileged']).toContain(ns.metadata.labels['pod-security.kubernetes.io/enforce']);
      expect(ns.metadata.labels['catalyst.openova.io/sovereign']).toBe('solo.example.org');
    }
  });

  it('reads a private repository with the bootstrap-created Secret', () => {
    const ex = synthExample('bank-dr');
    const repo = parse(ex.gitops.get('clusters/hz-hel-rtz-prod/flux-system/gitrepository.yaml')!);
    expect(repo.spec.secretRef).toEqual({ name: 'flux-system-git' });
    expect([...ex.gitops.values()].some((t) => /^kind: Secret$/m.test(t))).toBe(false);
  });

  it('orders the cluster kustomization to apply only flux-system', () => {
    const ex = synthExample('solo');
    expect(parse(ex.gitops.get('clusters/hz-fsn-mgt-prod/kustomization.yaml')!)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['flux-system'],
    });
  });
});
