/**
 * The chart check's rules on small charts written for the test (subcharts, aliases, globals,
 * conditions, free-form maps, schemas), and its CRD validation on a real CRD from the chart data.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkValues, findChartDir, loadChart, loadCrds, validateCustomResource, type ChartData } from '../../lib/chart-check';
import { MANIFESTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';

/** Writes a chart directory: Chart.yaml, values.yaml, optional schema and subcharts. */
function writeChart(dir: string, chart: { name: string; version?: string; values: unknown; schema?: unknown; dependencies?: unknown[] }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: chart.name, version: chart.version ?? '1.0.0', dependencies: chart.dependencies }));
  writeFileSync(join(dir, 'values.yaml'), stringify(chart.values));
  if (chart.schema) writeFileSync(join(dir, 'values.schema.json'), JSON.stringify(chart.schema));
}

let chart: ChartData;
let cache: string;

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'chart-check-'));
  const root = join(cache, 'demo', 'demo-1.2.3');
  writeChart(root, {
    name: 'demo',
    version: '1.2.3',
    values: {
      replicaCount: 1,
      image: { repository: 'demo', tag: '' },
      port: '',
      podAnnotations: {},
      nodeSelector: null,
      securityContext: { runAsUser: 1000 },
      args: [],
      cache: { enabled: false },
      global: { imageRegistry: '' },
    },
    schema: { $schema: 'http://json-schema.org/schema#', type: 'object', properties: { port: { type: ['string', 'integer'] }, replicaCount: { type: 'integer', minimum: 1 }, logLevel: { type: 'string', enum: ['info', 'debug'] } } },
    dependencies: [
      { name: 'redis', version: '1.0.0', condition: 'redis.enabled' },
      { name: 'redis', version: '1.0.0', alias: 'cache', condition: 'cache.enabled' },
    ],
  });
  writeChart(join(root, 'charts', 'redis'), {
    name: 'redis',
    values: { architecture: 'standalone', auth: { password: '' }, global: { redis: { password: '' } } },
    schema: { type: 'object', properties: { architecture: { type: 'string', enum: ['standalone', 'replication'] } } },
  });
  chart = loadChart(root);
});

describe('loadChart', () => {
  it('nests each subchart under its name and alias and merges every chart\'s globals', () => {
    expect(chart.name).toBe('demo');
    expect(chart.version).toBe('1.2.3');
    expect(chart.defaults.redis).toEqual({ architecture: 'standalone', auth: { password: '' }, global: { redis: { password: '' } } });
    expect(chart.defaults.cache).toEqual({ enabled: false, architecture: 'standalone', auth: { password: '' }, global: { redis: { password: '' } } });
    expect(chart.defaults.global).toEqual({ imageRegistry: '', redis: { password: '' } });
    expect(chart.conditions).toEqual(['redis.enabled', 'cache.enabled']);
    expect(chart.schemas.map((s) => s.at)).toEqual([[], ['redis'], ['cache']]);
  });

  it('finds a chart in a cache by name and version, and nothing for a version the cache lacks', () => {
    expect(findChartDir(cache, 'demo', '1.2.3')).toBe(join(cache, 'demo', 'demo-1.2.3'));
    expect(findChartDir(cache, 'demo', '1.2.4')).toBeUndefined();
  });
});

describe('checkValues', () => {
  it('accepts declared paths, paths below free-form maps, conditions, globals and subchart values', () => {
    const report = checkValues(
      {
        replicaCount: 2,
        image: { tag: '1.0' },
        podAnnotations: { 'example.org/a': 'b' },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        args: ['--verbose'],
        redis: { enabled: false },
        cache: { enabled: true, architecture: 'replication', global: { redis: { password: 'x' } } },
        global: { redis: { password: 'y' } },
        logLevel: 'debug',
      },
      chart,
    );
    expect(report.problems).toEqual([]);
    expect(report).toEqual({ checked: 11, freeForm: 2, templateConsumed: 0, problems: [] });
  });

  it('rejects a misspelt key, naming the closest keys its parent declares', () => {
    const report = checkValues({ image: { tga: '1.0' } }, chart);
    expect(report.problems).toEqual([
      { kind: 'undeclared', path: 'image.tga', message: 'the chart declares no such value (not in values.yaml, the schema or a dependency condition) and no template is listed as reading it; image declares tag' },
    ]);
  });

  it('rejects a value whose type contradicts the default, unless the schema allows it', () => {
    expect(checkValues({ cache: { enabled: 'yes' } }, chart).problems).toEqual([
      { kind: 'type', path: 'cache.enabled', message: 'is a string, but the chart\'s default is a boolean (false)' },
    ]);
    expect(checkValues({ image: 'demo:1.0' }, chart).problems).toEqual([
      { kind: 'type', path: 'image', message: 'is a string, but the chart\'s default is a map ({"repository":"demo","tag":""})' },
    ]);
    expect(checkValues({ port: 8080 }, chart).problems).toEqual([]);
    expect(checkValues({ image: { tag: null } }, chart).problems).toEqual([]);
  });

  it('rejects a map below a scalar default once', () => {
    expect(checkValues({ cache: { enabled: { a: 1, b: 2 } } }, chart).problems).toEqual([
      { kind: 'type', path: 'cache.enabled', message: 'is a map, but the chart\'s default is a boolean (false)' },
    ]);
  });

  it('reports values.schema.json violations of the parent and of a subchart under its key', () => {
    const report = checkValues({ replicaCount: 0, logLevel: 'trace', cache: { architecture: 'cluster' } }, chart);
    expect(report.problems).toEqual([
      { kind: 'schema', path: 'replicaCount', message: 'must be >= 1 (demo-1.2.3/values.schema.json)' },
      { kind: 'schema', path: 'logLevel', message: 'must be one of "info", "debug" (demo-1.2.3/values.schema.json)' },
      { kind: 'schema', path: 'cache.architecture', message: 'must be one of "standalone", "replication" (redis/values.schema.json)' },
    ]);
  });

  it('accepts an undeclared path a listed template reads, below it too, and rejects evidence for a declared path', () => {
    const templateValues = [
      { path: 'securityContext.capabilities', template: 'templates/deployment.yaml', why: 'toYaml of the whole map' },
      { path: 'image.tag', template: 'templates/deployment.yaml', why: 'declared anyway' },
    ];
    const report = checkValues({ securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'] }, runAsNonRoot: true } }, chart, templateValues);
    expect(report.templateConsumed).toBe(1);
    expect(report.problems).toEqual([
      { kind: 'undeclared', path: 'securityContext.runAsNonRoot', message: 'the chart declares no such value (not in values.yaml, the schema or a dependency condition) and no template is listed as reading it' },
      { kind: 'needless-evidence', path: 'image.tag', message: 'is listed as read by templates/deployment.yaml, but the chart declares it: remove it from templateValues' },
    ]);
  });
});

describe('validateCustomResource', () => {
  const crds = () => loadCrds(CHARTS_DIR);
  const plan = {
    apiVersion: 'upgrade.cattle.io/v1',
    kind: 'Plan',
    metadata: { name: 'server', namespace: 'system-upgrade' },
    spec: { concurrency: 1, serviceAccountName: 'system-upgrade', version: 'v1.31.4+k3s1', nodeSelector: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }, upgrade: { image: 'rancher/k3s-upgrade' } },
  };

  it('validates a custom resource against the plain CRD from the chart data', () => {
    const report = validateCustomResource(plan, crds());
    expect(report.crdFiles).toEqual([`system-upgrade-controller/system-upgrade-controller-${MANIFESTS['system-upgrade-controller'].tag}/crds/upgrade.cattle.io_plans.yaml`]);
    expect(report.problems).toEqual([]);
  });

  it('rejects a misspelt field, a wrong type and a missing namespace of a namespaced kind', () => {
    const bad = { ...plan, metadata: { name: 'server' }, spec: { ...plan.spec, concurrency: 'one', upgrde: { image: 'x' } } };
    expect(validateCustomResource(bad, crds()).problems).toEqual([
      { path: 'spec.upgrde', message: 'unknown field' },
      { path: 'spec.concurrency', message: 'must be integer' },
      { path: 'metadata.namespace', message: 'Plan is namespaced: set a namespace' },
    ]);
  });

  it('finds no CRD for a kind the chart data does not hold', () => {
    expect(validateCustomResource({ apiVersion: 'example.org/v1', kind: 'Nothing', metadata: { name: 'x' } }, crds())).toEqual({ crdFiles: [], problems: [] });
  });
});
