/**
 * The Hetzner cloud controller manager Blueprint: its values for a real cluster (token and network
 * from the in-cluster Hetzner Secret), its place in kube-system, the cloud-init pre-install its
 * HelmRelease adopts, its values against the pinned chart's data, and its props from YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { HcloudCloudControllerManager } from '../../blueprints';
import { Sovereign } from '../../app/sovereign';
import { checkValues, findChartDir, loadChart } from '../../lib/chart-check';
import { SpecError } from '../../lib/errors';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { resources, ROOT, synthExample, userDataText } from '../support/synth';

const ctx = testCluster();
const pin = CHARTS['hcloud-cloud-controller-manager'];

describe('the Hetzner cloud controller manager', () => {
  const v = renderedValues(new HcloudCloudControllerManager());

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

  it('sets only keys of the pinned chart, or keys its templates read with the template named (env and resources.limits)', () => {
    const chart = loadChart(findChartDir(CHARTS_DIR, pin.chart, pin.version)!);
    const report = checkValues(v, chart, HcloudCloudControllerManager.metadata.templateValues);
    expect(report.problems).toEqual([]);
    expect(report.checked).toBeGreaterThan(8);
    expect(report.templateConsumed).toBe(4);
    expect(checkValues({ ...v, networking: { ...v.networking, clustrCIDR: 'x' } }, chart).problems.map((p) => p.path)).toContain('networking.clustrCIDR');
  });

  it('lives in kube-system beside the token Secret, polices nothing there, and is pre-installed by cloud-init', () => {
    const m = HcloudCloudControllerManager.metadata;
    expect(m).toMatchObject({ namespace: ctx.hcloudSecret.namespace, ownsNamespace: false, preinstalled: true, podSecurity: { level: 'privileged' } });
    expect(renderObjects(new HcloudCloudControllerManager()).map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
    expect(m.sources).toEqual([pin.docs, `https://github.com/hetznercloud/hcloud-cloud-controller-manager/blob/v${pin.version}/docs/guides/private-network-setup.md`]);
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
    expect(script).toContain(`helm upgrade --install hcloud-cloud-controller-manager hcloud-cloud-controller-manager --repo https://charts.hetzner.cloud --version ${pin.version} --namespace kube-system`);
    const wait = 'k3s kubectl -n kube-system rollout status deployment/hcloud-cloud-controller-manager --timeout=10m';
    expect(script.indexOf(wait)).toBeGreaterThan(install('hcloud-cloud-controller-manager'));
    expect(script.indexOf(wait)).toBeLessThan(install('flux'));
  });
});

describe('props from YAML (spec.blueprints.props.hcloud-cloud-controller-manager)', () => {
  const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  const load = (props: unknown) => Sovereign.fromYaml(stringify({ ...solo, spec: { ...solo.spec, blueprints: { props: { 'hcloud-cloud-controller-manager': props } } } }));

  it('takes raw values, which reach the HelmRelease and the pre-install alike', () => {
    const sovereign = load({ values: { replicaCount: 2 } });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-hcloud-cloud-controller-manager/helmrelease.yaml')!);
    expect(release.spec.values.replicaCount).toBe(2);
    const ccm = sovereign.blueprints.find((p) => p.blueprint.metadata.name === 'hcloud-cloud-controller-manager')!.blueprint as HcloudCloudControllerManager;
    expect(ccm.preinstall(sovereign.clusters[0]!.cluster).values).toEqual(release.spec.values);
  });

  it('rejects a field it does not have, naming the path and what is allowed', () => {
    let error: SpecError | undefined;
    try {
      load({ replicas: 2 });
    } catch (err) {
      error = err as SpecError;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error!.problems).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.hcloud-cloud-controller-manager.replicas', value: 2, message: expect.stringMatching(/^is not a known field.*allowed here: .*values/) }));
  });
});
