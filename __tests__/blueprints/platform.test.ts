/**
 * The built-in platform Blueprints (bootstrap kit slots 1-12): what each renders for a real cluster
 * context, the catalog's dependency edges, typed props and the raw-values escape hatch.
 */
import {
  BOOTSTRAP_KIT,
  BUILTIN_BLUEPRINTS,
  builtinCatalog,
  CertManager,
  Cilium,
  Crossplane,
  ExternalDns,
  Flux,
  Gitea,
  HcloudCloudControllerManager,
  HcloudCsi,
  Keycloak,
  NatsJetstream,
  OpenBao,
  PowerDns,
  SealedSecrets,
  Spire,
} from '../../blueprints';
import type { BlueprintClass } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, type ChartName } from '../../lib/versions';
import { validateManifests } from '../support/k8s-validate';
import { KIT_EDGES } from '../support/kit';
import { testCluster, find, renderedValues, renderObjects, type Json } from '../support/render';

const ctx: Cluster = testCluster();

/** Every leaf of a JSON value with its dotted path. */
function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, value]];
}

/** The Blueprints after the reference kit's twelve slots: Hetzner integration and upgrades (issue 9). */
const HETZNER_KIT = ['hcloud-cloud-controller-manager', 'hcloud-csi', 'system-upgrade-controller'];

/** Facts from the bootstrap kit (slot, release, namespace) and the chart pin of every Blueprint. */
const KIT: ReadonlyArray<{
  cls: BlueprintClass;
  name: string;
  slot: number;
  release: string;
  namespace: string;
  pin: ChartName;
  podSecurity?: 'privileged' | 'baseline' | 'restricted';
  crds: boolean;
  timeout: string;
}> = [
  { cls: Cilium, name: 'cilium', slot: 1, release: 'cilium', namespace: 'kube-system', pin: 'cilium', crds: true, timeout: '10m' },
  { cls: CertManager, name: 'cert-manager', slot: 2, release: 'cert-manager', namespace: 'cert-manager', pin: 'cert-manager', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Flux, name: 'flux', slot: 3, release: 'flux', namespace: 'flux-system', pin: 'flux2', crds: true, timeout: '10m' },
  { cls: Crossplane, name: 'crossplane', slot: 4, release: 'crossplane', namespace: 'crossplane-system', pin: 'crossplane', podSecurity: 'baseline', crds: true, timeout: '15m' },
  { cls: SealedSecrets, name: 'sealed-secrets', slot: 5, release: 'sealed-secrets', namespace: 'kube-system', pin: 'sealed-secrets', crds: true, timeout: '10m' },
  { cls: Spire, name: 'spire', slot: 6, release: 'spire', namespace: 'spire-system', pin: 'spire', podSecurity: 'privileged', crds: true, timeout: '10m' },
  { cls: NatsJetstream, name: 'nats-jetstream', slot: 7, release: 'nats-jetstream', namespace: 'nats-system', pin: 'nats', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: OpenBao, name: 'openbao', slot: 8, release: 'openbao', namespace: 'openbao', pin: 'openbao', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: Keycloak, name: 'keycloak', slot: 9, release: 'keycloak', namespace: 'keycloak', pin: 'keycloak', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: Gitea, name: 'gitea', slot: 10, release: 'gitea', namespace: 'gitea', pin: 'gitea', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: PowerDns, name: 'powerdns', slot: 11, release: 'powerdns', namespace: 'powerdns', pin: 'powerdns', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: ExternalDns, name: 'external-dns', slot: 12, release: 'external-dns', namespace: 'external-dns', pin: 'external-dns', podSecurity: 'restricted', crds: false, timeout: '10m' },
];

describe('the built-in registry', () => {
  it('registers the twelve reference kit Blueprints in slot order, then the Hetzner integration and upgrades, and the kit lists the same names', () => {
    const names = [...KIT.map((k) => k.name), ...HETZNER_KIT];
    expect(BUILTIN_BLUEPRINTS.map((c) => c.metadata.name)).toEqual(names);
    expect([...BOOTSTRAP_KIT]).toEqual(names);
    expect(builtinCatalog().names()).toEqual([...names].sort());
  });

  it('has the kit facts in every metadata: tier, release, namespace, chart pin, sources', () => {
    for (const k of KIT) {
      const m = k.cls.metadata;
      expect({ name: m.name, tier: m.tier, releaseName: m.releaseName, namespace: m.namespace, chart: m.chart }).toEqual({
        name: k.name,
        tier: 'bootstrap-kit',
        releaseName: k.release,
        namespace: k.namespace,
        chart: CHARTS[k.pin],
      });
      expect(m.sources).toEqual(expect.arrayContaining([`catalog/components.json#${k.name}`, `catalog/bootstrap-kit.json slot ${k.slot}`]));
      expect(m.sources[0]).toMatch(/^https:\/\//);
      expect(m.summary.length).toBeGreaterThan(20);
      expect(m.podSecurity.reason.length).toBeGreaterThan(20);
      expect(m.placementModes.length).toBeGreaterThan(0);
      expect(m.resources.cpuMillis).toBeGreaterThan(0);
      expect(m.resources.memoryMiB).toBeGreaterThan(0);
      expect(m.installsCrds).toBe(k.crds);
      expect(m.timeout ?? '10m').toBe(k.timeout);
    }
  });

  it('marks exactly Cilium, Flux and the Hetzner CCM as preinstalled by cloud-init', () => {
    expect(BUILTIN_BLUEPRINTS.filter((c) => c.metadata.preinstalled).map((c) => c.metadata.name)).toEqual(['cilium', 'flux', 'hcloud-cloud-controller-manager']);
  });

  it('declares the namespaces that exist before Flux (kube-system, flux-system) as not owned', () => {
    const notOwned = BUILTIN_BLUEPRINTS.filter((c) => c.metadata.ownsNamespace === false).map((c) => c.metadata.name);
    expect(notOwned).toEqual(['cilium', 'flux', 'sealed-secrets', 'hcloud-cloud-controller-manager', 'hcloud-csi']);
  });
});

describe('catalog edges', () => {
  const catalog = builtinCatalog();
  it.each(Object.entries(KIT_EDGES))('%s depends on exactly %j', (name, deps) => {
    expect(catalog.dependenciesOf(name)).toEqual(deps);
  });

  it('declares dependencies as class references, not strings', () => {
    expect(Gitea.metadata.dependsOn).toEqual([Keycloak, HcloudCsi]);
    expect(Spire.metadata.dependsOn).toEqual([CertManager, HcloudCsi]);
    expect(Flux.metadata.dependsOn).toEqual([CertManager, HcloudCloudControllerManager]);
  });

  it('resolves gitea by adding keycloak, cert-manager, the CSI driver, the CCM and cilium, saying who needs each', () => {
    const r = catalog.resolve(['gitea']);
    expect(r.ordered.map((c) => c.metadata.name)).toEqual(['cilium', 'cert-manager', 'hcloud-cloud-controller-manager', 'hcloud-csi', 'keycloak', 'gitea']);
    expect(r.added).toEqual([
      { name: 'cert-manager', requiredBy: ['keycloak'] },
      { name: 'cilium', requiredBy: ['cert-manager', 'hcloud-cloud-controller-manager'] },
      { name: 'hcloud-cloud-controller-manager', requiredBy: ['hcloud-csi'] },
      { name: 'hcloud-csi', requiredBy: ['gitea', 'keycloak'] },
      { name: 'keycloak', requiredBy: ['gitea'] },
    ]);
  });

  it('orders the whole kit so every Blueprint comes after its dependencies', () => {
    const order = catalog.resolve(BOOTSTRAP_KIT).ordered.map((c) => c.metadata.name);
    expect(order).toHaveLength(15);
    for (const [name, deps] of Object.entries(KIT_EDGES)) {
      for (const dep of deps) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(name));
    }
    expect(catalog.resolve(BOOTSTRAP_KIT).added).toEqual([]);
  });
});

describe.each(KIT)('$name renders', (k) => {
  const objects = renderObjects(new k.cls());
  const release = find(objects, 'HelmRelease', `bp-${k.name}`);
  const pin = CHARTS[k.pin];

  it('a HelmRelease installing the pinned chart as the kit release into the kit namespace', () => {
    expect(release.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(release.metadata.namespace).toBe('flux-system');
    expect(release.spec.releaseName).toBe(k.release);
    expect(release.spec.targetNamespace).toBe(k.namespace);
    expect(release.spec.storageNamespace).toBe(k.namespace);
    expect(release.spec.chart.spec).toEqual({
      chart: pin.chart,
      version: pin.version,
      interval: '1h',
      sourceRef: { kind: 'HelmRepository', name: `bp-${k.name}`, namespace: 'flux-system' },
    });
    expect(release.spec.timeout).toBe(k.timeout);
    expect(release.metadata.labels).toEqual({ 'catalyst.openova.io/sovereign': 'solo.example.org', 'catalyst.openova.io/blueprint': k.name });
  });

  it('an explicit CRD policy and remediation with retries', () => {
    const crds = k.crds ? 'CreateReplace' : 'Skip';
    // Flux skips Helm's wait (its helm-controller upgrades the release it runs in), OpenBao too (sealed servers are never Ready).
    const wait = k.name === 'flux' || k.name === 'openbao' ? { disableWait: true } : {};
    expect(release.spec.install).toEqual({ crds, ...wait, remediation: { retries: 3 } });
    expect(release.spec.upgrade).toEqual({ crds, ...wait, cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true } });
  });

  it('a HelmRepository for the pinned repository URL', () => {
    const repo = find(objects, 'HelmRepository', `bp-${k.name}`);
    expect(repo.metadata.namespace).toBe('flux-system');
    expect(repo.spec.url).toBe(pin.repository);
    expect(objects.filter((o) => o.kind === 'HelmRepository' || o.kind === 'OCIRepository')).toHaveLength(1);
  });

  it(k.podSecurity ? `its Namespace enforcing Pod Security level ${k.podSecurity}` : 'no Namespace object (the namespace exists before Flux)', () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    if (!k.podSecurity) {
      expect(namespaces).toEqual([]);
      return;
    }
    expect(namespaces).toHaveLength(1);
    expect(namespaces[0]!.metadata.name).toBe(k.namespace);
    expect(namespaces[0]!.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': k.podSecurity,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'catalyst.openova.io/blueprint': k.name,
    });
    expect(k.cls.metadata.podSecurity.level).toBe(k.podSecurity);
  });

  it(k.namespace === 'kube-system' ? 'no NetworkPolicy (kube-system is k3s\'s)' : 'the NetworkPolicies of its namespace: default deny, DNS, its own traffic', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    if (k.namespace === 'kube-system') {
      expect(policies).toEqual([]);
      return;
    }
    expect(policies.map((p) => p.metadata.name)).toEqual(expect.arrayContaining(['default-deny', 'allow-dns', 'allow-same-namespace']));
    for (const p of policies) expect(p.metadata).toMatchObject({ namespace: k.namespace, labels: { 'catalyst.openova.io/blueprint': k.name } });
  });

  it('objects that pass the Kubernetes and Flux schemas', async () => {
    expect(await validateManifests(objects)).toEqual([]);
  });

  it('values with no secret literal and none of the reference placeholders', () => {
    const values = release.spec.values ?? {};
    // a field holding a secret (`password`, `adminPassword`, `apiKey`, ...) must not appear at all;
    // Secret references end in `existingSecret`, `...Key`, `.name` or `.key` instead
    const secretFields = leaves(values).filter(([path]) => /(password|passwd|token|apikey)$/i.test(path.split('.').pop() ?? ''));
    expect(secretFields).toEqual([]);
    const text = JSON.stringify(values);
    for (const bad of ['openova-system', 'traefik', 'catalyst.local', 'ops@openova.io', 'r8sA8CPHD9']) expect(text).not.toContain(bad);
  });

  it('the same objects on every render', () => {
    expect(renderObjects(new k.cls())).toEqual(objects);
  });
});

describe('SPIRE', () => {
  const objects = renderObjects(new Spire());
  const releases = objects.filter((o) => o.kind === 'HelmRelease');

  it('installs spire-crds and spire as two HelmReleases from one HelmRepository, spire after the CRDs', () => {
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(['bp-spire', 'bp-spire-crds']);
    const crds = find(objects, 'HelmRelease', 'bp-spire-crds');
    const spire = find(objects, 'HelmRelease', 'bp-spire');
    expect(crds.spec.releaseName).toBe('spire-crds');
    expect(crds.spec.targetNamespace).toBe('spire-system');
    expect(crds.spec.chart.spec).toMatchObject({ chart: 'spire-crds', version: CHARTS['spire-crds'].version, sourceRef: { kind: 'HelmRepository', name: 'bp-spire' } });
    expect(crds.spec.install.crds).toBe('CreateReplace');
    expect(crds.spec.dependsOn).toBeUndefined();
    expect(spire.spec.dependsOn).toEqual([{ name: 'bp-spire-crds' }]);
    expect(spire.spec.chart.spec.version).toBe(CHARTS.spire.version);
    expect(objects.filter((o) => o.kind === 'HelmRepository')).toHaveLength(1);
  });

  it('uses the Sovereign FQDN as trust domain and the cluster name, unless props say otherwise', () => {
    expect(renderedValues(new Spire()).global.spire).toMatchObject({ trustDomain: 'solo.example.org', clusterName: ctx.cluster.name });
    expect(ctx.cluster.name).toBe('hz-fsn-mgt-prod');
    const custom = renderedValues(new Spire({ trustDomain: 'id.example.org', clusterName: 'edge' })).global.spire;
    expect(custom).toMatchObject({ trustDomain: 'id.example.org', clusterName: 'edge' });
    expect(renderedValues(new Spire()).global.spire.persistence.storageClass).toBe('hcloud-volumes-encrypted');
  });

  it('keeps the default ClusterSPIFFEID off unless asked for', () => {
    const path = (v: Json) => v['spire-server'].controllerManager.identities.clusterSPIFFEIDs.default.enabled;
    expect(path(renderedValues(new Spire()))).toBe(false);
    expect(path(renderedValues(new Spire({ defaultWorkloadIdentity: true })))).toBe(true);
  });
});

describe('typed props and the raw values escape hatch', () => {
  it('Gitea: domain defaults to gitea.<fqdn>; admin and database passwords come from existing Secrets', () => {
    const values = renderedValues(new Gitea());
    expect(values.gitea.config.server).toEqual({ DOMAIN: 'gitea.solo.example.org', SSH_DOMAIN: 'gitea.solo.example.org', ROOT_URL: 'https://gitea.solo.example.org/' });
    expect(values.gitea.admin).toEqual({ existingSecret: 'gitea-admin', email: 'platform@example.org' });
    expect(values.gitea.additionalConfigFromEnvs).toEqual([{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: 'gitea-postgresql', key: 'password' } } }]);
    expect(values.postgresql.global.postgresql.auth.existingSecret).toBe('gitea-postgresql');
    expect(values.ingress).toEqual({ enabled: false });
    const custom = renderedValues(new Gitea({ domain: 'git.example.org', ingressClassName: 'cilium', adminSecret: 'root-creds' }));
    expect(custom.gitea.config.server.DOMAIN).toBe('git.example.org');
    expect(custom.gitea.admin.existingSecret).toBe('root-creds');
    expect(custom.ingress).toMatchObject({ enabled: true, className: 'cilium', hosts: [{ host: 'git.example.org', paths: [{ path: '/', pathType: 'Prefix' }] }] });
  });

  it('Keycloak: replicas and Secret names are typed props', () => {
    const defaults = renderedValues(new Keycloak());
    expect(defaults.replicaCount).toBe(1);
    expect(defaults.auth).toEqual({ adminUser: 'admin', existingSecret: 'keycloak-admin', passwordSecretKey: 'admin-password' });
    const custom = renderedValues(new Keycloak({ replicas: 3, adminSecret: 'kc-root', databaseSecret: 'kc-db' }));
    expect(custom.replicaCount).toBe(3);
    expect(custom.auth.existingSecret).toBe('kc-root');
    expect(custom.postgresql.auth.existingSecret).toBe('kc-db');
  });

  it('NATS: a three-server JetStream cluster by default; one replica turns clustering off', () => {
    const defaults = renderedValues(new NatsJetstream());
    expect(defaults.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(defaults.config.jetstream.enabled).toBe(true);
    expect(defaults.config.jetstream.fileStore.pvc).toMatchObject({ size: '10Gi', storageClassName: 'hcloud-volumes-encrypted' });
    const single = renderedValues(new NatsJetstream({ replicas: 1, fileStoreSize: '2Gi' }));
    expect(single.config.cluster).toEqual({ enabled: false, replicas: 1 });
    expect(single.config.jetstream.fileStore.pvc.size).toBe('2Gi');
  });

  it('OpenBao: an HA Raft cluster whose config lets every server join the others', () => {
    const values = renderedValues(new OpenBao());
    expect(values.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true, setNodeId: true } });
    const config: string = values.server.ha.raft.config;
    expect(config.match(/retry_join \{/g)).toHaveLength(3);
    expect(config).toContain('leader_api_addr = "http://openbao-2.openbao-internal:8200"');
    expect(config).toContain('storage "raft"');
    expect(values.injector).toEqual({ enabled: false });
    const five = renderedValues(new OpenBao({ replicas: 5 })).server.ha;
    expect(five.replicas).toBe(5);
    expect(five.raft.config.match(/retry_join \{/g)).toHaveLength(5);
  });

});

describe('generated Secrets', () => {
  it('are declared for the default Secret names and dropped when the props name your own', () => {
    expect(new Keycloak().generatedSecrets(ctx).map((s) => s.name)).toEqual(['keycloak-admin', 'keycloak-postgresql']);
    expect(new Keycloak({ adminSecret: 'mine' }).generatedSecrets(ctx).map((s) => s.name)).toEqual(['keycloak-postgresql']);
    expect(new Gitea().generatedSecrets(ctx)[0]).toEqual({ name: 'gitea-admin', namespaces: ['gitea'], fixed: { username: 'gitea_admin' }, randomKeys: ['password'] });
  });
});
