/**
 * `npm run check:charts`: every example's HelmRelease values and custom resources against the real
 * upstream chart data, and a spec with planted mistakes that must each be rejected with the
 * Blueprint, the values path and the chart version.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Sovereign } from '../../app/sovereign';
import { checkTree } from '../../lib/chart-check';
import { CHARTS, MANIFESTS } from '../../lib/versions';
import { run, treeObjects, UNVALIDATED_KINDS } from '../../scripts/check-charts';
import { CHARTS_DIR } from '../support/charts';
import { runAsyncCli } from '../support/cli';
import { loadModel, validateManifest } from '../../scripts/k8s-validate';
import { ROOT } from '../support/synth';

/** Synthesizes `examples/solo.yaml` with raw Helm values merged into its spec, into a fresh GitOps folder. */
function synthWithValues(values: Record<string, unknown>): string {
  const spec = parse(readFileSync(join(ROOT, 'examples', 'solo.yaml'), 'utf8')) as { spec: Record<string, unknown> };
  spec.spec.blueprints = { values };
  const dir = mkdtempSync(join(tmpdir(), 'check-charts-'));
  writeFileSync(join(dir, 'spec.yaml'), stringify(spec));
  Sovereign.fromFile(join(dir, 'spec.yaml')).synthesize({ gitopsOut: join(dir, 'gitops') });
  return join(dir, 'gitops');
}

const RELEASE = 'clusters/hz-fsn-mgt-prod';

describe('check:charts', () => {
  it('passes every example against the pinned charts, and reports what it checked per Blueprint', async () => {
    const r = await runAsyncCli(() => run(['--charts', CHARTS_DIR]));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const example of ['bank-dr', 'omantel', 'solo']) expect(r.out).toContain(`examples/${example}.yaml: OK\n`);
    expect(r.out).toMatch(/^gitea +gitea 10\.5\.0 +\d+ +\d+ +9$/m);
    expect(r.out).toMatch(/^cilium +cilium 1\.16\.5 +\d+ +\d+ +1$/m);
    expect(r.out).toContain('objects: 86 validated by a CRD, 427 by a published model, 3 allowed unvalidated');
  });

  it('rejects a misspelt key, a wrong type and a schema violation, each with the Blueprint, path and chart version', async () => {
    const gitops = synthWithValues({
      'nats-jetstream': { config: { jetstrem: { enabled: true } } },
      gitea: { persistence: { size: 20 } },
      openbao: { server: { ha: { replicas: 2.5 } } },
    });
    const r = await runAsyncCli(() => run(['--charts', CHARTS_DIR, '--gitops', gitops]));
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toEqual([
      `${gitops}: ${RELEASE}/bp-gitea/helmrelease.yaml: HelmRelease flux-system/bp-gitea (Blueprint gitea): chart gitea ${CHARTS.gitea.version}: persistence.size: is a number, but the chart's default is a string ("10Gi")`,
      `${gitops}: ${RELEASE}/bp-nats-jetstream/helmrelease.yaml: HelmRelease flux-system/bp-nats-jetstream (Blueprint nats-jetstream): chart nats ${CHARTS.nats.version}: config.jetstrem.enabled: the chart declares no such value (not in values.yaml, the schema or a dependency condition) and no template is listed as reading it; config declares jetstream`,
      `${gitops}: ${RELEASE}/bp-openbao/helmrelease.yaml: HelmRelease flux-system/bp-openbao (Blueprint openbao): chart openbao ${CHARTS.openbao.version}: server.ha.replicas: must be integer (openbao-${CHARTS.openbao.version}/values.schema.json)`,
    ]);
    expect(r.out).toContain(`${gitops}: 3 problem(s)\n`);
  });

  it('fails, not skips, a Blueprint whose chart data is absent from the cache', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-charts-'));
    mkdirSync(join(empty, 'cilium'));
    const r = await runAsyncCli(() => run(['--charts', empty, '--gitops', synthWithValues({})]));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${RELEASE}/bp-cilium/helmrelease.yaml: HelmRelease flux-system/bp-cilium (Blueprint cilium): chart cilium ${CHARTS.cilium.version}: no chart data in ${empty} (expected <component>/cilium-${CHARTS.cilium.version}/ with Chart.yaml and values.yaml; helm pull --untar the pin there)\n`);
    expect(r.err.match(/no chart data/g)).toHaveLength(35);
  });

  it('rejects bad arguments with exit code 2', async () => {
    expect((await runAsyncCli(() => run([]))).code).toBe(2);
    expect((await runAsyncCli(() => run(['--charts', join(tmpdir(), 'does-not-exist')]))).err).toContain('--charts must name a chart cache directory');
    expect((await runAsyncCli(() => run(['--chart', CHARTS_DIR]))).code).toBe(2);
  });
});

describe('checkTree', () => {
  const validateModel = async (obj: Record<string, unknown>) => ((await loadModel(String(obj.apiVersion), String(obj.kind))) ? validateManifest(obj) : undefined);
  const options = { templateValuesOf: () => [], validateModel, unvalidatedKinds: UNVALIDATED_KINDS };

  it('validates a custom resource by its CRD and reports one of a kind nothing can validate', async () => {
    const files = new Map([
      ['x/plan.yaml', stringify({ apiVersion: 'upgrade.cattle.io/v1', kind: 'Plan', metadata: { name: 'agent', namespace: 'system-upgrade' }, spec: { concurrency: '1', upgrade: { image: 'rancher/k3s-upgrade' } } })],
      ['x/thing.yaml', stringify({ apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 'a' } })],
    ]);
    const report = await checkTree(treeObjects(files), CHARTS_DIR, options);
    expect(report.errors).toEqual([
      `x/plan.yaml: Plan system-upgrade/agent (Blueprint (none)): upgrade.cattle.io/v1 Plan (CRD system-upgrade-controller/system-upgrade-controller-${MANIFESTS['system-upgrade-controller'].tag}/crds/upgrade.cattle.io_plans.yaml): spec.concurrency: must be integer`,
      `x/thing.yaml: Thing a (Blueprint (none)): example.org/v1 Thing is unvalidated: no published model covers it and ${CHARTS_DIR} holds no plain CRD for it; add the CRD to the chart cache`,
    ]);
    expect(report.objects).toEqual({ byCrd: 1, byModel: 0, allowed: 0 });
  });

  it('finds the chart of a HelmRelease that installs from an OCIRepository by its URL and tag', async () => {
    const release = (values: Record<string, unknown>) => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'bp-vault', namespace: 'flux-system', labels: { 'catalyst.openova.io/blueprint': 'vault' } },
      spec: { interval: '30m', chartRef: { kind: 'OCIRepository', name: 'bp-vault', namespace: 'flux-system' }, values },
    });
    const oci = { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository', metadata: { name: 'bp-vault', namespace: 'flux-system' }, spec: { interval: '1h', url: 'oci://ghcr.io/openbao/charts/openbao', ref: { tag: CHARTS.openbao.version } } };
    const files = new Map([
      ['x/helmrelease.yaml', stringify(release({ server: { ha: { replica: 3 } } }))],
      ['x/ocirepository.yaml', stringify(oci)],
    ]);
    const report = await checkTree(treeObjects(files), CHARTS_DIR, options);
    expect(report.errors).toEqual([
      `x/helmrelease.yaml: HelmRelease flux-system/bp-vault (Blueprint vault): chart openbao ${CHARTS.openbao.version}: server.ha.replica: the chart declares no such value (not in values.yaml, the schema or a dependency condition) and no template is listed as reading it; server.ha declares replicas`,
    ]);
    expect(report.blueprints).toEqual([{ blueprint: 'vault', charts: [`openbao ${CHARTS.openbao.version}`], checked: 1, freeForm: 0, templateConsumed: 0 }]);
  });

  it('counts an allowed kind without reporting it', async () => {
    const files = new Map([['x/thing.yaml', stringify({ apiVersion: 'example.org/v1', kind: 'Thing', metadata: { name: 'a' } })]]);
    const report = await checkTree(treeObjects(files), CHARTS_DIR, { ...options, unvalidatedKinds: { 'example.org/v1 Thing': 'no CRD published' } });
    expect(report).toEqual({ errors: [], blueprints: [], objects: { byCrd: 0, byModel: 0, allowed: 1 } });
  });
});
