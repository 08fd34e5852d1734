/**
 * The system-upgrade-controller Blueprint: the upstream manifests from Git at the pinned tag and
 * commit, adjusted the way Flux will (checked with kubectl kustomize on the pinned manifests), the
 * k3s upgrade Plans against the pinned Plan CRD and in the synthesized examples, the manifests pin
 * checks, and its props from YAML.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { HcloudCsi, SystemUpgradeController } from '../../blueprints';
import { Sovereign } from '../../app/sovereign';
import type { Blueprint, BlueprintClass } from '../../lib/blueprint';
import { metadataProblems } from '../../lib/catalog';
import type { Cluster } from '../../lib/cluster';
import { loadCrds, validateCustomResource } from '../../lib/chart-check';
import type { SpecError } from '../../lib/errors';
import { IMAGES, MANIFESTS } from '../../lib/versions';
import { CHARTS_DIR as SHARED_CHARTS } from '../support/charts';
import { kustomizeBuild } from '../support/kustomize';
import { renderConfigObjects, renderObjects, testCluster, type Json } from '../support/render';
import { ROOT, synthExample, yamlDocs } from '../support/synth';

const ctx: Cluster = testCluster();

function render(bp: Blueprint, c: Cluster = ctx): Json[] {
  return renderObjects(bp, c);
}

function renderConfig(bp: Blueprint, c: Cluster = ctx): Json[] {
  const objects = renderConfigObjects(bp, c);
  expect(objects.length).toBeGreaterThan(0);
  return objects;
}

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

describe('props from YAML (spec.blueprints.props.system-upgrade-controller)', () => {
  const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  const load = (props: unknown) => Sovereign.fromYaml(stringify({ ...solo, spec: { ...solo.spec, blueprints: { props: { 'system-upgrade-controller': props } } } }));

  it('sets the drain timeout of the agent Plan', () => {
    const files = load({ drainPodTimeoutSeconds: 300 }).gitopsTree().files;
    const agent = parse(files.get('clusters/hz-fsn-mgt-prod/bp-system-upgrade-controller-config/plan-k3s-agent.yaml')!);
    expect(agent.spec.drain.skipWaitForDeleteTimeout).toBe(300);
  });

  it.each([
    [0, 'Too small: expected number to be >=1'],
    [1.5, 'must be a whole number'],
    [7200, 'Too big: expected number to be <=3600'],
    ['60s', 'must be a number, not a string'],
  ])('rejects a drain timeout of %p with the path, the value and what is allowed', (value, message) => {
    let error: SpecError | undefined;
    try {
      load({ drainPodTimeoutSeconds: value });
    } catch (err) {
      error = err as SpecError;
    }
    expect(error!.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }))).toEqual([{ path: 'spec.blueprints.props.system-upgrade-controller.drainPodTimeoutSeconds', value, message }]);
  });
});
