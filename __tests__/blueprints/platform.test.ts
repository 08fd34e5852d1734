/**
 * The built-in platform Blueprints (bootstrap kit slots 1-12): what each renders for a real cluster
 * context, the catalog's dependency edges, typed props and the raw-values escape hatch.
 */
import {
  Alloy,
  BOOTSTRAP_KIT,
  BUILTIN_BLUEPRINTS,
  builtinCatalog,
  CertManager,
  Cilium,
  Cnpg,
  Crossplane,
  ExternalDns,
  ExternalSecrets,
  Flux,
  Gitea,
  Grafana,
  HcloudCloudControllerManager,
  HcloudCsi,
  Keycloak,
  Loki,
  Mimir,
  Langfuse,
  NatsJetstream,
  OpenBao,
  OpenTelemetry,
  PowerDns,
  Reloader,
  SealedSecrets,
  SeaweedFs,
  Harbor,
  Spire,
  Tempo,
  Valkey,
  Velero,
  Falco,
  Kyverno,
  Sigstore,
  Trivy,
  Vpa,
} from '../../blueprints';
import type { BlueprintClass } from '../../lib/blueprint';
import { CHARTS, type ChartName } from '../../lib/versions';
import { loadModel, validateManifests } from '../../scripts/k8s-validate';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import { CHARTS_DIR } from '../support/charts';
import { KIT_EDGES } from '../support/kit';
import { find, renderObjects, type Json } from '../support/render';

/** Every leaf of a JSON value with its dotted path. */
function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, value]];
}

/** The Hetzner integration and upgrades (issue 9), registered after the platform services. */
const HETZNER_KIT = ['hcloud-cloud-controller-manager', 'hcloud-csi', 'system-upgrade-controller'];

/** The kit's Blueprints that render their own objects (no chart pin), with their reference kit slots. */
const RENDERED_KIT: ReadonlyArray<{ name: string; slot: number }> = [
  { name: 'syft-grype', slot: 33 },
  { name: 'coraza', slot: 35 },
];

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
  { cls: ExternalSecrets, name: 'external-secrets', slot: 15, release: 'external-secrets', namespace: 'external-secrets-system', pin: 'external-secrets', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Cnpg, name: 'cnpg', slot: 16, release: 'cnpg', namespace: 'cnpg-system', pin: 'cloudnative-pg', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Valkey, name: 'valkey', slot: 17, release: 'valkey', namespace: 'valkey', pin: 'valkey', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: SeaweedFs, name: 'seaweedfs', slot: 18, release: 'seaweedfs', namespace: 'seaweedfs', pin: 'seaweedfs', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: Loki, name: 'loki', slot: 22, release: 'loki', namespace: 'loki', pin: 'loki', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Mimir, name: 'mimir', slot: 23, release: 'mimir', namespace: 'mimir', pin: 'mimir-distributed', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Tempo, name: 'tempo', slot: 24, release: 'tempo', namespace: 'tempo', pin: 'tempo', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Langfuse, name: 'langfuse', slot: 26, release: 'langfuse', namespace: 'langfuse', pin: 'langfuse', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: OpenTelemetry, name: 'opentelemetry', slot: 20, release: 'opentelemetry', namespace: 'opentelemetry', pin: 'opentelemetry-collector', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Alloy, name: 'alloy', slot: 21, release: 'alloy', namespace: 'alloy', pin: 'alloy', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Grafana, name: 'grafana', slot: 25, release: 'grafana', namespace: 'grafana', pin: 'grafana', podSecurity: 'restricted', crds: false, timeout: '15m' },
  { cls: Velero, name: 'velero', slot: 34, release: 'velero', namespace: 'velero', pin: 'velero', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Kyverno, name: 'kyverno', slot: 27, release: 'kyverno', namespace: 'kyverno', pin: 'kyverno', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Vpa, name: 'vpa', slot: 29, release: 'vpa', namespace: 'vpa', pin: 'vertical-pod-autoscaler', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Trivy, name: 'trivy', slot: 30, release: 'trivy', namespace: 'trivy-system', pin: 'trivy-operator', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Falco, name: 'falco', slot: 31, release: 'falco', namespace: 'falco', pin: 'falco', podSecurity: 'privileged', crds: false, timeout: '10m' },
  { cls: Sigstore, name: 'sigstore', slot: 32, release: 'sigstore', namespace: 'sigstore-system', pin: 'policy-controller', podSecurity: 'restricted', crds: true, timeout: '10m' },
  { cls: Reloader, name: 'reloader', slot: 28, release: 'reloader', namespace: 'reloader', pin: 'reloader', podSecurity: 'restricted', crds: false, timeout: '10m' },
  { cls: Harbor, name: 'harbor', slot: 19, release: 'harbor', namespace: 'harbor', pin: 'harbor', podSecurity: 'restricted', crds: false, timeout: '10m' },
];

/** The mandatory Blueprints outside the kit (issue 11), registered last and installed whatever the selection. */
const MANDATORY = ['keda', 'cert-manager-dynadot-webhook'];

describe('the built-in registry', () => {
  it('registers the reference kit Blueprints in slot order, then the Hetzner integration and upgrades, then the mandatory ones; the kit lists all but the mandatory', () => {
    const slotted = [...KIT, ...RENDERED_KIT].sort((x, y) => x.slot - y.slot).map((k) => k.name);
    const names = [...slotted, ...HETZNER_KIT];
    expect(BUILTIN_BLUEPRINTS.map((c) => c.metadata.name)).toEqual([...names, ...MANDATORY]);
    expect([...BOOTSTRAP_KIT]).toEqual(names);
    expect(builtinCatalog().names()).toEqual([...names, ...MANDATORY].sort());
    for (const name of MANDATORY) expect(builtinCatalog().get(name).metadata.tier).toBe('mandatory');
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
    expect(Gitea.metadata.dependsOn).toEqual([Keycloak, HcloudCsi, Cnpg, ExternalSecrets]);
    expect(Spire.metadata.dependsOn).toEqual([CertManager, HcloudCsi]);
    expect(Flux.metadata.dependsOn).toEqual([CertManager, HcloudCloudControllerManager]);
  });

  it('resolves gitea by adding keycloak, CloudNativePG (their databases) with Flux, external-secrets (their generated Secrets) with OpenBao and SPIRE, cert-manager, the CSI driver, the CCM and cilium, saying who needs each', () => {
    const r = catalog.resolve(['gitea']);
    expect(r.ordered.map((c) => c.metadata.name)).toEqual(['cilium', 'cert-manager', 'hcloud-cloud-controller-manager', 'flux', 'hcloud-csi', 'cnpg', 'spire', 'openbao', 'external-secrets', 'keycloak', 'gitea']);
    expect(r.added).toEqual([
      { name: 'cert-manager', requiredBy: ['external-secrets', 'flux', 'keycloak', 'spire'] },
      { name: 'cilium', requiredBy: ['cert-manager', 'hcloud-cloud-controller-manager'] },
      { name: 'cnpg', requiredBy: ['gitea', 'keycloak'] },
      { name: 'external-secrets', requiredBy: ['gitea', 'keycloak'] },
      { name: 'flux', requiredBy: ['cnpg'] },
      { name: 'hcloud-cloud-controller-manager', requiredBy: ['flux', 'hcloud-csi'] },
      { name: 'hcloud-csi', requiredBy: ['cnpg', 'gitea', 'keycloak', 'openbao', 'spire'] },
      { name: 'keycloak', requiredBy: ['gitea'] },
      { name: 'openbao', requiredBy: ['external-secrets'] },
      { name: 'spire', requiredBy: ['openbao'] },
    ]);
  });

  it('orders the whole kit so every Blueprint comes after its dependencies', () => {
    const order = catalog.resolve([...BOOTSTRAP_KIT, ...MANDATORY]).ordered.map((c) => c.metadata.name);
    expect(order).toEqual(expect.arrayContaining([...BOOTSTRAP_KIT, ...MANDATORY]));
    expect(order).toHaveLength(BOOTSTRAP_KIT.length + MANDATORY.length);
    for (const [name, deps] of Object.entries(KIT_EDGES)) {
      for (const dep of deps) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(name));
    }
    expect(catalog.resolve(BOOTSTRAP_KIT).added).toEqual([]);
  });
});

/** The CRDs in the chart data, for the custom resources a Blueprint renders in its own folder (the generated Secrets' external-secrets objects). */
const crds = loadCrds(CHARTS_DIR);

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

  it('objects that pass the Kubernetes and Flux schemas, and custom resources their CRDs', async () => {
    const modelled: Json[] = [];
    for (const o of objects) {
      if (await loadModel(o.apiVersion, o.kind)) modelled.push(o);
      else {
        const { crdFiles, problems } = validateCustomResource(o, crds);
        expect({ object: `${o.kind}/${o.metadata.name}`, hasCrd: crdFiles.length > 0, problems }).toEqual({ object: `${o.kind}/${o.metadata.name}`, hasCrd: true, problems: [] });
      }
    }
    expect(await validateManifests(modelled)).toEqual([]);
  });

  it('values with no secret literal and none of the reference placeholders', () => {
    const values = release.spec.values ?? {};
    // a field holding a secret (`password`, `adminPassword`, `apiKey`, ...) must not appear at all;
    // Secret references end in `existingSecret`, `...Key`, `.name` or `.key` instead
    const secretFields = leaves(values).filter(([path]) => {
      const key = path.split('.').pop() ?? '';
      // Harbor names its Secret references `existingSecret<Field>` (existingSecretAdminPassword): a Secret name, not a value
      return /(password|passwd|token|apikey)$/i.test(key) && !key.startsWith('existingSecret');
    });
    expect(secretFields).toEqual([]);
    const text = JSON.stringify(values);
    for (const bad of ['openova-system', 'traefik', 'catalyst.local', 'ops@openova.io', 'r8sA8CPHD9']) expect(text).not.toContain(bad);
  });

  it('the same objects on every render', () => {
    expect(renderObjects(new k.cls())).toEqual(objects);
  });
});

