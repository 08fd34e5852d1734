/**
 * The Hetzner integration (issue 9): the cloud controller manager, the CSI driver with the encrypted
 * default StorageClass that every stateful Blueprint requests, and the system-upgrade-controller with
 * its k3s upgrade Plans. Checked on rendered objects, against the upstream chart data, CRD and
 * manifests in `../shared/charts`, and on the synthesized examples.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse, stringify } from 'yaml';
import {
  Gitea,
  HcloudCloudControllerManager,
  HcloudCsi,
  Keycloak,
  NatsJetstream,
  OpenBao,
  Spire,
  SystemUpgradeController,
} from '../../blueprints';
import type { Blueprint, BlueprintClass } from '../../lib/blueprint';
import { metadataProblems } from '../../lib/catalog';
import type { Cluster } from '../../lib/cluster';
import { CHARTS, IMAGES, MANIFESTS } from '../../lib/versions';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import { CHARTS_DIR as SHARED_CHARTS } from '../support/charts';
import { testCluster, renderConfigObjects, renderObjects } from '../support/render';
import { kustomizeBuild } from '../support/kustomize';
import { resources, synthExample, userDataText, yamlDocs } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: Cluster = testCluster();

function render(bp: Blueprint, c: Cluster = ctx): Json[] {
  return renderObjects(bp, c);
}

function renderConfig(bp: Blueprint, c: Cluster = ctx): Json[] {
  const objects = renderConfigObjects(bp, c);
  expect(objects.length).toBeGreaterThan(0);
  return objects;
}

function values(bp: Blueprint, c: Cluster = ctx): Json {
  return render(bp, c).find((o) => o.kind === 'HelmRelease' && o.metadata.name === `bp-${bp.metadata.name}`)!.spec.values;
}

/** Dotted paths of every leaf (lists count as leaves). */
function leafPaths(value: unknown, path = ''): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Json).flatMap(([k, v]) => leafPaths(v, path ? `${path}.${k}` : k));
  }
  return [path];
}

/** Whether `path` exists in a chart's values.yaml; a key listed in `freeMaps` is accepted with anything below it (the template ranges over it or renders it whole). */
function inValuesYaml(chartValues: Json, path: string, freeMaps: readonly string[]): boolean {
  let node: unknown = chartValues;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (freeMaps.includes(parts.slice(0, i + 1).join('.'))) return true;
    if (node === null || typeof node !== 'object' || !(parts[i]! in (node as Json))) return false;
    node = (node as Json)[parts[i]!];
  }
  return true;
}

const chartValues = (folder: string) => parse(readFileSync(join(SHARED_CHARTS, folder, 'values.yaml'), 'utf8')) as Json;

describe('the Hetzner cloud controller manager', () => {
  const v = values(new HcloudCloudControllerManager());

  it('reads the API token and the network name from the in-cluster Hetzner Secret, and gets the pod range as cluster CIDR', () => {
    const ref = (key: string) => ({ valueFrom: { secretKeyRef: { name: 'hcloud', key } } });
    expect(ctx.hcloudSecret).toMatchObject({ namespace: 'kube-system', name: 'hcloud', tokenKey: 'token', networkKey: 'network' });
    expect(v.env.HCLOUD_TOKEN).toEqual(ref('token'));
    expect(v.networking).toEqual({ enabled: true, clusterCIDR: '10.42.0.0/16', network: ref('network') });
    expect(v.networking.clusterCIDR).toBe(ctx.network.podCidr);
    expect(v.env.HCLOUD_NETWORK_ROUTES_ENABLED).toEqual({ value: 'false' });
    expect(v.env.HCLOUD_LOAD_BALANCERS_LOCATION).toEqual({ value: 'fsn1' });
    expect(v.env.HCLOUD_LOAD_BALANCERS_USE_PRIVATE_IP).toEqual({ value: 'true' });
    expect(v.resources.requests).toEqual({ cpu: '100m', memory: '64Mi' });
  });

  it('sets only keys of the pinned chart hcloud-cloud-controller-manager (env and resources are maps templates/deployment.yaml ranges over or renders whole)', () => {
    const upstream = chartValues(`hcloud-ccm/hcloud-cloud-controller-manager-${CHARTS['hcloud-cloud-controller-manager'].version}`);
    const unknown = leafPaths(v).filter((p) => !inValuesYaml(upstream, p, ['env', 'resources.requests', 'resources.limits']));
    expect(unknown).toEqual([]);
    expect(leafPaths(v).length).toBeGreaterThan(8);
  });

  it('lives in kube-system beside the token Secret, polices nothing there, and is pre-installed by cloud-init', () => {
    const m = HcloudCloudControllerManager.metadata;
    expect(m).toMatchObject({ namespace: ctx.hcloudSecret.namespace, ownsNamespace: false, preinstalled: true, podSecurity: { level: 'privileged' } });
    expect(render(new HcloudCloudControllerManager()).map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
  });
});

describe('bootstrap order on the first control plane server', () => {
  const ex = synthExample('solo');
  const cp = resources(ex.stacks['solo-hz-fsn-mgt-prod']!, 'hcloud_server').control_plane_1!;
  const files: Json[] = parse(userDataText(cp)).write_files;
  const file = (path: string) => files.find((f) => f.path === path)!.content as string;
  const script = file('/usr/local/sbin/catalyst-bootstrap.sh');

  it('pre-installs the CCM with exactly the values its HelmRelease adopts, after Cilium and before Flux', () => {
    const release = parse(ex.gitops.get('clusters/hz-fsn-mgt-prod/bp-hcloud-cloud-controller-manager/helmrelease.yaml')!);
    expect(parse(file('/var/lib/catalyst/preinstall/hcloud-cloud-controller-manager.yaml'))).toEqual(release.spec.values);
    const install = (release: string) => script.indexOf(`helm upgrade --install ${release} `);
    expect(install('cilium')).toBeGreaterThan(0);
    expect(install('cilium')).toBeLessThan(install('hcloud-cloud-controller-manager'));
    expect(install('hcloud-cloud-controller-manager')).toBeLessThan(install('flux'));
    expect(script).toContain(`helm upgrade --install hcloud-cloud-controller-manager hcloud-cloud-controller-manager --repo https://charts.hetzner.cloud --version ${CHARTS['hcloud-cloud-controller-manager'].version} --namespace kube-system`);
    const wait = 'k3s kubectl -n kube-system rollout status deployment/hcloud-cloud-controller-manager --timeout=10m';
    expect(script.indexOf(wait)).toBeGreaterThan(install('hcloud-cloud-controller-manager'));
    expect(script.indexOf(wait)).toBeLessThan(install('flux'));
  });

  it('generates the LUKS passphrase on the node, in kube-system, as 32 random characters', () => {
    const line = script.split('\n').find((l) => l.startsWith('ensure_secret kube-system hcloud-csi-encryption '))!;
    const variable = /--from-literal=encryption-passphrase="\$(\w+)"$/.exec(line)![1];
    expect(script).toContain(`${variable}=$(random_value)`);
    expect(script).toContain('random_value() { head -c 96 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32; }');
  });
});

describe('the Hetzner CSI driver', () => {
  const v = values(new HcloudCsi());

  it('renders the encrypted default StorageClass under the cluster context\'s name, keeping volumes when claims go', () => {
    expect(ctx.storageClass).toBe('hcloud-volumes-encrypted');
    expect(v.storageClasses).toEqual([
      {
        name: 'hcloud-volumes-encrypted',
        defaultStorageClass: true,
        reclaimPolicy: 'Retain',
        extraParameters: {
          'csi.storage.k8s.io/node-publish-secret-name': 'hcloud-csi-encryption',
          'csi.storage.k8s.io/node-publish-secret-namespace': 'kube-system',
        },
      },
    ]);
    expect(new HcloudCsi().generatedSecrets(ctx)).toEqual([{ name: 'hcloud-csi-encryption', namespaces: ['kube-system'], randomKeys: ['encryption-passphrase'] }]);
  });

  it('takes your own passphrase Secret (then generates none) and a Delete reclaim policy from the props', () => {
    const own = new HcloudCsi({ encryptionSecret: 'luks-from-openbao', reclaimPolicy: 'Delete' });
    const sc = values(own).storageClasses[0];
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.extraParameters['csi.storage.k8s.io/node-publish-secret-name']).toBe('luks-from-openbao');
    expect(own.generatedSecrets(ctx)).toEqual([]);
  });

  it('reads the token from the in-cluster Hetzner Secret and needs the metadata service only on its node plugin', () => {
    expect(v.controller.hcloudToken).toEqual({ existingSecret: { name: 'hcloud', key: 'token' } });
    // with a default location the controller never asks the metadata service (internal/app/app.go at the pinned release)
    expect(v.controller.hcloudVolumeDefaultLocation).toBe('fsn1');
    expect(v.node.podLabels).toEqual({ 'catalyst.openova.io/metadata-service': 'allowed' });
    expect(v.controller.podLabels).toBeUndefined();
    // one controller: a budget of one available pod would block every drain
    expect(v.controller).toMatchObject({ replicaCount: 1, podDisruptionBudget: { create: false } });
  });

  it('passes the chart\'s values.schema.json and sets only keys of the pinned chart hcloud-csi', () => {
    const dir = join(SHARED_CHARTS, `hcloud-csi/hcloud-csi-${CHARTS['hcloud-csi'].version}`);
    const schema = JSON.parse(readFileSync(join(dir, 'values.schema.json'), 'utf8'));
    const { $schema: _draft, ...body } = schema;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(body);
    expect(validate(v) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...v, controller: { ...v.controller, replicaCount: 'one' } })).toBe(false);
    // resources and podLabels are rendered whole with toYaml (templates/controller/deployment.yaml, templates/node/daemonset.yaml)
    const containers = ['controller.resources.csiAttacher', 'controller.resources.csiResizer', 'controller.resources.csiProvisioner', 'controller.resources.livenessProbe', 'controller.resources.hcloudCSIDriver', 'node.resources.csiNodeDriverRegistrar', 'node.resources.livenessProbe', 'node.resources.hcloudCSIDriver'];
    const free = ['node.podLabels', ...containers.flatMap((c) => [`${c}.requests`, `${c}.limits`])];
    const unknown = leafPaths(v).filter((p) => !inValuesYaml(chartValues(`hcloud-csi/hcloud-csi-${CHARTS['hcloud-csi'].version}`), p, free));
    expect(unknown).toEqual([]);
  });

  it('refuses a namespace other than kube-system, where the exemption counts and the token Secret lives', () => {
    class Elsewhere extends HcloudCsi {
      static override readonly metadata = { ...HcloudCsi.metadata, namespace: 'storage' };
    }
    expect(() => values(new Elsewhere())).toThrow('Blueprint hcloud-csi: namespace storage must be kube-system, where the node plugin\'s metadata service exemption counts and the Hetzner token Secret kube-system/hcloud lives');
  });
});

describe('stateful Blueprints', () => {
  /** Where each stateful Blueprint names its StorageClass in its values. */
  const CLASS_PATHS: Array<[BlueprintClass, string[]]> = [
    [OpenBao, ['server.dataStorage.storageClass']],
    [Gitea, ['persistence.storageClass', 'postgresql.primary.persistence.storageClass']],
    [Keycloak, ['postgresql.primary.persistence.storageClass']],
    [NatsJetstream, ['config.jetstream.fileStore.pvc.storageClassName']],
    [Spire, ['global.spire.persistence.storageClass']],
  ];
  const at = (obj: Json, path: string) => path.split('.').reduce<any>((o, k) => o?.[k], obj);

  it.each(CLASS_PATHS)('%p requests the cluster\'s StorageClass and depends on the CSI driver', (cls, paths) => {
    const bp = new cls();
    for (const path of paths) expect({ path, cls: at(values(bp), path) }).toEqual({ path, cls: 'hcloud-volumes-encrypted' });
    expect(cls.metadata.dependsOn).toContain(HcloudCsi);
  });

  it('follows ctx.storageClass, the one name the CSI driver renders its class under', () => {
    const other = testCluster({ storageClass: 'fast-encrypted' });
    for (const [cls, paths] of CLASS_PATHS) for (const path of paths) expect(at(values(new cls(), other), path)).toBe('fast-encrypted');
    expect(values(new HcloudCsi(), other).storageClasses[0].name).toBe('fast-encrypted');
  });
});

describe('the system-upgrade-controller', () => {
  const bp = new SystemUpgradeController();
  const objects = render(bp);
  const plans = renderConfig(bp);
  const plan = (name: string) => plans.find((p) => p.metadata.name === name)!;

  it('takes the upstream manifests from Git at the release tag, pinned to its commit, fetching only the manifests folder', () => {
    const repo = objects.find((o) => o.kind === 'GitRepository')!;
    expect(repo.metadata).toMatchObject({ name: 'bp-system-upgrade-controller', namespace: 'flux-system' });
    expect(repo.spec).toEqual({
      interval: '1h',
      url: 'https://github.com/rancher/system-upgrade-controller',
      ref: { tag: MANIFESTS['system-upgrade-controller'].tag, commit: MANIFESTS['system-upgrade-controller'].commit },
      ignore: '/*\n!/manifests/\n',
    });
    const ks = objects.find((o) => o.kind === 'Kustomization')!;
    expect(ks.metadata.name).toBe('bp-system-upgrade-controller-manifests');
    expect(ks.spec).toMatchObject({ path: './manifests', targetNamespace: 'system-upgrade', prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'bp-system-upgrade-controller' } });
    expect(ks.spec.images).toEqual([{ name: IMAGES.systemUpgradeController.repository, newTag: IMAGES.systemUpgradeController.tag }]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'GitRepository/bp-system-upgrade-controller',
      'Kustomization/bp-system-upgrade-controller-manifests',
      'Namespace/system-upgrade',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/allow-egress-apiserver-6443',
      'NetworkPolicy/allow-same-namespace',
      'NetworkPolicy/default-deny',
    ]);
    expect(objects.find((o) => o.kind === 'Namespace')!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('adjusts the upstream manifests the way Flux will: target namespace, release image, requests, no upstream Namespace (kubectl kustomize on the pinned manifests)', () => {
    const ks = objects.find((o) => o.kind === 'Kustomization')!;
    const dir = mkdtempSync(join(tmpdir(), 'suc-'));
    const upstream = join(SHARED_CHARTS, `system-upgrade-controller/system-upgrade-controller-${MANIFESTS['system-upgrade-controller'].tag}/manifests`);
    cpSync(upstream, dir, { recursive: true });
    // What kustomize-controller generates for a path without kustomization.yaml, with the Kustomization's options.
    const files = ['clusterrole.yaml', 'clusterrolebinding.yaml', 'system-upgrade-controller.yaml'];
    writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources: files, namespace: ks.spec.targetNamespace, images: ks.spec.images, patches: ks.spec.patches }));
    const built = kustomizeBuild(dir);
    expect(built.stderr).toBe('');
    const docs = yamlDocs(built.stdout) as Json[];
    expect(docs.filter((d) => d.kind === 'Namespace')).toEqual([]);
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    expect(deployment.metadata.namespace).toBe('system-upgrade');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(`${IMAGES.systemUpgradeController.repository}:${IMAGES.systemUpgradeController.tag}`);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    for (const binding of docs.filter((d) => /RoleBinding$/.test(d.kind))) {
      for (const subject of binding.subjects) expect(subject).toEqual({ kind: 'ServiceAccount', name: 'system-upgrade', namespace: 'system-upgrade' });
    }
    for (const d of docs.filter((d) => !/^Cluster/.test(d.kind))) expect(d.metadata.namespace).toBe('system-upgrade');
    // Without the image override the upstream folder would run an old controller.
    expect(readFileSync(join(upstream, 'system-upgrade-controller.yaml'), 'utf8')).toContain('image: rancher/system-upgrade-controller:v0.14.0');
  });

  it('upgrades servers first, then agents once the server Plan is complete, one node at a time, to exactly the cluster\'s k3s version', () => {
    expect(plans.map((p) => p.metadata.name)).toEqual(['k3s-server', 'k3s-agent']);
    const server = plan('k3s-server').spec;
    const agent = plan('k3s-agent').spec;
    for (const spec of [server, agent]) {
      expect(spec).toMatchObject({ concurrency: 1, version: ctx.kubernetes.version, serviceAccountName: 'system-upgrade', upgrade: { image: 'rancher/k3s-upgrade' }, tolerations: [{ operator: 'Exists' }] });
    }
    expect(server.nodeSelector).toEqual({ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'In', values: ['true'] }] });
    expect(server.cordon).toBe(true);
    expect(server.prepare).toBeUndefined();
    expect(agent.nodeSelector).toEqual({ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] });
    expect(agent.prepare).toEqual({ image: 'rancher/k3s-upgrade', args: ['prepare', 'k3s-server'] });
    expect(agent.drain).toEqual({ force: true, deleteEmptydirData: true, ignoreDaemonSets: true, skipWaitForDeleteTimeout: 60 });
    for (const p of plans) expect(p.metadata.namespace).toBe('system-upgrade');
  });

  it('yields Plans for a bumped k3s version', () => {
    const bumped = testCluster({ kubernetesVersion: 'v1.33.5+k3s1' });
    expect(renderConfig(bp, bumped).map((p) => p.spec.version)).toEqual(['v1.33.5+k3s1', 'v1.33.5+k3s1']);
  });

  it('writes Plans that satisfy the Plan CRD of the pinned release, which rejects a malformed one', () => {
    const crds = loadCrds(SHARED_CHARTS);
    for (const p of plans) expect(validateCustomResource(p, crds)).toEqual({ crdFiles: [`system-upgrade-controller/system-upgrade-controller-${MANIFESTS['system-upgrade-controller'].tag}/crds/upgrade.cattle.io_plans.yaml`], problems: [] });
    const bad = { ...plan('k3s-agent'), spec: { ...plan('k3s-agent').spec, concurrency: 'one', drain: { skipWaitForDeleteTimeout: '60s' } } };
    expect(validateCustomResource(bad, crds).problems).toEqual([
      { path: 'spec.concurrency', message: 'must be integer' },
      { path: 'spec.drain.skipWaitForDeleteTimeout', message: 'must be integer' },
    ]);
  });

  it('applies the Plans after the controller in every synthesized cluster, with the spec\'s k3s version', () => {
    const ex = synthExample('bank-dr');
    for (const { ctx: c } of ex.sovereign.clusters) {
      const folder = `${c.gitops.clusterPath}/bp-system-upgrade-controller-config`;
      const server = parse(ex.gitops.get(`${folder}/plan-k3s-server.yaml`)!);
      expect(server.spec.version).toBe(ex.sovereign.spec.spec.kubernetes.k3sVersion);
      const ks = parse(ex.gitops.get(`${c.gitops.clusterPath}/flux-system/kustomization-bp-system-upgrade-controller-config.yaml`)!);
      expect(ks.spec.dependsOn).toEqual([{ name: 'bp-system-upgrade-controller' }]);
    }
  });
});

describe('Blueprints installed from Git manifests', () => {
  it('are checked like chart pins: exact tag, the tag\'s commit, a relative folder, never with a chart', () => {
    const m = SystemUpgradeController.metadata;
    expect(metadataProblems(SystemUpgradeController)).toEqual([]);
    const withPin = (manifests: object, extra: object = {}) => ({ metadata: { ...m, manifests: { ...m.manifests, ...manifests }, ...extra } }) as unknown as BlueprintClass;
    expect(metadataProblems(withPin({ tag: 'master', commit: 'abc', path: '../x' }))).toEqual([
      'metadata.manifests.tag "master" must be one exact release tag such as v1.2.3 (no branch, no latest)',
      'metadata.manifests.commit "abc" must be the 40-hex-digit commit the tag points to, so a moved tag changes nothing',
      'metadata.manifests.path "../x" must be a relative folder inside the repository such as manifests (no leading ./ or /, no ..)',
    ]);
    expect(metadataProblems(withPin({}, { chart: HcloudCsi.metadata.chart, releaseName: 'x' }))).toEqual([
      'metadata.manifests "https://github.com/rancher/system-upgrade-controller" is set together with chart; a Blueprint installs either a chart or manifests from Git, so remove one',
    ]);
    expect(existsSync(join(SHARED_CHARTS, `system-upgrade-controller/system-upgrade-controller-${MANIFESTS['system-upgrade-controller'].tag}/manifests`))).toBe(true);
  });
});
