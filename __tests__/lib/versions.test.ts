/**
 * The version manifest (`lib/versions.ts`) is the only place a pinned version is written.
 *
 * What counts as a literal of a pin: the pin's version text, with or without a leading `v`
 * (`1.16.2` and `v1.16.2` are both literals of the cert-manager chart's `v1.16.2`), standing as a
 * token of its own: not preceded by a letter, digit or `.`, and not followed by a letter, a digit,
 * `.` plus a digit, or `+`. So `cilium-1.16.5`, `tree/v1.35.0/docs`, `image:v0.0.37`,
 * `helm-v3.16.4-linux` and `26.3.3-debian-12-r0` are literals, while `10.5.0` is not one of `0.5.0`,
 * `1.16.50` not one of `1.16.5`, and the k3s release `v1.35.0+k3s1` (build metadata makes it another
 * version) not one of the chart version `1.35.0`. The pins are every chart version, manifests tag,
 * image tag, node software version (k3s, Helm, the OS image name, the local-path image tags) and
 * Terraform provider version. A version that is no pin (an app version such as "Flux v2.4.0", a fact
 * such as "Valkey arrived in chart 12.0.0") is not checked.
 *
 * Scanned: every `*.ts` under lib/, constructs/, blueprints/, app/ and scripts/, index.ts, main.ts
 * and README.md, except `lib/versions.ts` itself and `lib/k3s-releases.ts` (the table of published
 * k3s releases, which holds the default k3s release as data). `__tests__/` is not scanned: its
 * fixtures hold versions as data on purpose (k3s release names, a foreign HelmRelease, the chart
 * cache's folder names), and tests that assert pinned output read the manifest instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_BLUEPRINTS } from '../../blueprints';
import { CHARTS, chartPin, IMAGES, MANIFESTS, NODE_SOFTWARE, TERRAFORM_PROVIDERS, type ChartName } from '../../lib/versions';
import { renderVersions } from '../../scripts/versions';
import { CHARTS_DIR } from '../support/charts';
import { ROOT, synthExample, yamlDocs } from '../support/synth';

/** One pinned version and where the manifest holds it. */
interface Pin {
  readonly where: string;
  readonly version: string;
}

/** Every pinned version of the manifest. */
function pins(): Pin[] {
  const out: Pin[] = [];
  for (const [name, p] of Object.entries(CHARTS)) out.push({ where: `CHARTS['${name}'].version`, version: p.version });
  for (const [name, p] of Object.entries(MANIFESTS)) out.push({ where: `MANIFESTS['${name}'].tag`, version: p.tag });
  for (const [name, p] of Object.entries(IMAGES)) if (p.tag !== undefined) out.push({ where: `IMAGES.${name}.tag`, version: p.tag });
  for (const [name, v] of Object.entries(NODE_SOFTWARE)) out.push({ where: `NODE_SOFTWARE.${name}`, version: v.includes(':') ? v.slice(v.lastIndexOf(':') + 1) : v });
  for (const [name, p] of Object.entries(TERRAFORM_PROVIDERS)) out.push({ where: `TERRAFORM_PROVIDERS.${name}`, version: p.constraint.replace(/^~>\s*/, '') });
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pattern of a literal of `version` (see the file's docstring). */
function literalPattern(version: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z.])v?${escape(version.replace(/^v(?=\d)/, ''))}(?![0-9A-Za-z+]|\\.[0-9])`);
}

/** Literals of `pinList` in `text`, as `line N: <pin place> <version>`. */
function literalsIn(text: string, pinList: readonly Pin[]): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const p of pinList) if (literalPattern(p.version).test(line)) found.push(`line ${i + 1}: ${p.where} ${p.version}`);
  });
  return found;
}

/** Files the scan covers, relative to the repository root. */
function scannedFiles(): string[] {
  const files: string[] = ['index.ts', 'main.ts', 'README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const path = join(dir, entry);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of ['lib', 'constructs', 'blueprints', 'app', 'scripts']) walk(dir);
  return files.filter((f) => f !== join('lib', 'versions.ts') && f !== join('lib', 'k3s-releases.ts'));
}


describe('version literals', () => {
  it('recognizes a pin as a token of its own, with or without v, and nothing inside another version', () => {
    const list: Pin[] = [
      { where: 'a', version: 'v1.16.2' },
      { where: 'b', version: '0.5.0' },
      { where: 'c', version: '1.35.0' },
      { where: 'd', version: '26.3.3-debian-12-r0' },
      { where: 'e', version: 'v0.0.37' },
    ];
    expect(literalsIn('chart cert-manager 1.16.2 from', list)).toEqual(['line 1: a v1.16.2']);
    expect(literalsIn('x\ntree/v1.16.2/docs', list)).toEqual(['line 2: a v1.16.2']);
    expect(literalsIn("tag: '26.3.3-debian-12-r0'", list)).toEqual(['line 1: d 26.3.3-debian-12-r0']);
    expect(literalsIn('rancher/local-path-provisioner:v0.0.37', list)).toEqual(['line 1: e v0.0.37']);
    expect(literalsIn('spire-crds-0.5.0.tgz', list)).toEqual(['line 1: b 0.5.0']);
    expect(literalsIn('gitea 10.5.0, 1.16.20, v1.16.2.1, 0.5.0a, k3s v1.35.0+k3s1, 26.3.3-debian-12-r01', list)).toEqual([]);
  });

  it('appear nowhere but in lib/versions.ts and lib/k3s-releases.ts: not in sources, docstrings or the README', () => {
    const list = pins();
    expect(list.length).toBeGreaterThanOrEqual(Object.keys(CHARTS).length + Object.keys(MANIFESTS).length + Object.keys(NODE_SOFTWARE).length);
    const files = scannedFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'index.ts', 'main.ts', 'blueprints/platform/cilium.ts', 'constructs/hetzner/cloud-init.ts', 'scripts/versions.ts']));
    const found: Record<string, string[]> = {};
    for (const file of files) {
      const hits = literalsIn(readFileSync(join(ROOT, file), 'utf8'), list);
      if (hits.length > 0) found[file] = hits;
    }
    expect(found).toEqual({});
  });
});

describe('the version manifest', () => {
  const blueprints = BUILTIN_BLUEPRINTS.map((cls) => cls.metadata);

  it('keys every chart by its own name', () => {
    for (const [key, pin] of Object.entries(CHARTS)) expect({ key, chart: pin.chart }).toEqual({ key, chart: key });
  });

  it("gives every built-in Blueprint's chart, manifests or images as the very entries of CHARTS, MANIFESTS or IMAGES", () => {
    for (const m of blueprints) {
      if (m.chart !== undefined) expect({ name: m.name, pin: m.chart }).toEqual({ name: m.name, pin: CHARTS[m.chart.chart as ChartName] });
      if (m.chart !== undefined) expect(CHARTS[m.chart.chart as ChartName]).toBe(m.chart);
      if (m.manifests !== undefined) expect(Object.values(MANIFESTS)).toContain(m.manifests);
      for (const image of m.images ?? []) expect(Object.values(IMAGES)).toContain(image);
      expect([m.chart, m.manifests, m.images].filter((part) => part !== undefined)).toHaveLength(1);
    }
  });

  describe('used by the built-in Blueprints (all of them in examples/solo.yaml: the kit and the mandatory ones)', () => {
    const ex = synthExample('solo');
    const objects = [...ex.gitops].filter(([path]) => path.endsWith('.yaml')).flatMap(([, text]) => yamlDocs(text)) as Record<string, any>[];

    it('every chart: a metadata.chart or a chart a Blueprint also installs (spire-crds), at its pinned version', () => {
      const releases = objects.filter((o) => o.kind === 'HelmRelease').map((o) => `${o.spec.chart.spec.chart} ${o.spec.chart.spec.version}`);
      for (const m of blueprints) expect({ name: m.name, inTree: [...ex.gitops.keys()].some((p) => p.includes(`/bp-${m.name}/`)) }).toEqual({ name: m.name, inTree: true });
      const used = new Set([...blueprints.flatMap((m) => (m.chart ? [`${m.chart.chart} ${m.chart.version}`] : [])), ...releases]);
      expect([...used].sort()).toEqual(Object.values(CHARTS).map((p) => `${p.chart} ${p.version}`).sort());
      expect(releases).toContain(`spire-crds ${CHARTS['spire-crds'].version}`);
    });

    it('every manifests pin: a metadata.manifests', () => {
      expect(blueprints.flatMap((m) => (m.manifests ? [m.manifests] : []))).toEqual(Object.values(MANIFESTS));
    });

    it('every image: set in a HelmRelease, a Kustomization or a Plan of the tree', () => {
      const refs = new Set<string>();
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v !== null && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (typeof o.repository === 'string' && typeof o.tag === 'string') refs.add(`${o.repository}:${o.tag}`);
          if (typeof o.name === 'string' && typeof o.newTag === 'string') refs.add(`${o.name}:${o.newTag}`);
          if (typeof o.image === 'string') refs.add(o.image);
          if (typeof o.imageName === 'string') refs.add(o.imageName); // a CloudNativePG Cluster's spec.imageName
          Object.values(o).forEach(walk);
        }
      };
      walk(objects);
      for (const [name, image] of Object.entries(IMAGES)) {
        // An image pinned without a tag gets it from a cluster fact: the repository alone (the k3s upgrade Plans) or with that tag (kubectl at the cluster's Kubernetes version).
        const found = 'tag' in image ? refs.has(`${image.repository}:${image.tag}`) : refs.has(image.repository) || [...refs].some((r) => r.startsWith(`${image.repository}:`));
        expect({ name, found }).toEqual({ name, found: true });
      }
    });
  });

  it.each([
    ['keycloak', `keycloak/keycloak-${CHARTS.keycloak.version}/values.yaml`],
  ] as const)('pins %s at the tag its chart defaults to, only the repository moved to bitnamilegacy (%s)', (name, file) => {
    const upstream = (parse(readFileSync(join(CHARTS_DIR, file), 'utf8')) as { image: { repository: string; tag: string } }).image;
    expect(IMAGES[name]).toEqual({ repository: upstream.repository.replace(/^bitnami\//, 'bitnamilegacy/'), tag: upstream.tag });
  });

  it('pins the system-upgrade-controller image at the release of its manifests', () => {
    expect(IMAGES.systemUpgradeController.tag).toBe(MANIFESTS['system-upgrade-controller'].tag);
  });

  it('fails with the name and the pinned charts when a Blueprint asks for a chart it has no pin for', () => {
    expect(() => chartPin('nats-jetstream' as ChartName)).toThrow(
      `no chart "nats-jetstream" in CHARTS (lib/versions.ts): pin it there under the chart's own name (repository, chart, version, docs), or use one of ${Object.keys(CHARTS).join(', ')}`,
    );
    expect(chartPin('nats')).toBe(CHARTS.nats);
  });

  it('prints every chart, manifests pin, image and node software version (npm run versions)', () => {
    const text = renderVersions();
    for (const p of pins()) expect({ pin: p.where, printed: text.includes(p.version) }).toEqual({ pin: p.where, printed: true });
    for (const [name, image] of Object.entries(IMAGES)) expect(text).toMatch(new RegExp(`^${name} +${escape(image.repository)} `, 'm'));
  });
});
