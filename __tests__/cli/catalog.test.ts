/**
 * `catalog`: the table and the `--json` list of every built-in Blueprint, checked against the
 * Blueprint classes and against the upstream charts in `../shared/charts` (Chart.yaml at the pin).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_BLUEPRINTS, refName } from '../../index';
import { findChartDir } from '../../lib/chart-check';
import { jsonOf, runCli } from '../support/cli';
import { ROOT } from '../support/synth';

const SHARED = process.env.SHARED_DIR ?? join(ROOT, '..', 'shared');

describe('catalog', () => {
  const text = runCli(['catalog']);
  const json = runCli(['catalog', '--json']);
  const doc = jsonOf(json);

  it('exits 0 and prints only on stdout', () => {
    expect(text.code).toBe(0);
    expect(text.err).toBe('');
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
  });

  it('--json lists every built-in Blueprint once, sorted by name, with its metadata', () => {
    expect(doc.ok).toBe(true);
    expect(doc.command).toBe('catalog');
    expect(doc.blueprints.map((b: { name: string }) => b.name)).toEqual(BUILTIN_BLUEPRINTS.map((c) => c.metadata.name).sort());
    for (const cls of BUILTIN_BLUEPRINTS) {
      const m = cls.metadata;
      expect(doc.blueprints.find((b: { name: string }) => b.name === m.name)).toEqual({
        name: m.name,
        title: m.title,
        tier: m.tier,
        category: m.category,
        ...(m.chart ? { chart: { repository: m.chart.repository, name: m.chart.chart, version: m.chart.version } } : {}),
        ...(m.manifests ? { manifests: { repository: m.manifests.repository, path: m.manifests.path, tag: m.manifests.tag } } : {}),
        ...(m.images ? { images: m.images.map((i) => (i.tag === undefined ? i.repository : `${i.repository}:${i.tag}`)) } : {}),
        namespace: m.namespace,
        dependsOn: m.dependsOn.map(refName).sort(),
        preinstalled: m.preinstalled === true,
      });
    }
  });

  it('names dependencies as the Flux dependsOn edges', () => {
    const byName = new Map(doc.blueprints.map((b: { name: string; dependsOn: string[] }) => [b.name, b.dependsOn]));
    expect(byName.get('cilium')).toEqual([]);
    expect(byName.get('external-dns')).toEqual(['cert-manager', 'external-secrets', 'powerdns']);
    expect(byName.get('gitea')).toEqual(['cnpg', 'external-secrets', 'hcloud-csi', 'keycloak']);
  });

  it('every chart@version is an upstream chart at that version (its Chart.yaml)', () => {
    const charts = (doc.blueprints as Array<{ name: string; chart?: { name: string; version: string } }>).filter((b) => b.chart);
    expect(charts.length).toBeGreaterThanOrEqual(14);
    for (const { name, chart: c } of charts) {
      const dir = findChartDir(join(SHARED, 'charts'), c!.name, c!.version);
      const file = dir ? join(dir, 'Chart.yaml') : `${name}: no <component>/${c!.name}-${c!.version}/ in the chart data`;
      expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
      const chart = parse(readFileSync(file, 'utf8')) as { name: string; version: string };
      expect({ name: chart.name, version: chart.version }).toEqual({ name: c!.name, version: c!.version });
    }
  });

  it('prints one aligned table row per Blueprint: name, tier, category, chart@version, namespace, dependencies', () => {
    const lines = text.out.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['NAME', 'TIER', 'CATEGORY', 'CHART', 'NAMESPACE', 'DEPENDS ON']);
    expect(lines).toHaveLength(doc.blueprints.length + 1);
    const columns = ['TIER', 'CATEGORY', 'CHART', 'NAMESPACE', 'DEPENDS ON'].map((h) => lines[0]!.indexOf(h));
    type Entry = { name: string; tier: string; category: string; chart?: { name: string; version: string }; manifests?: { repository: string; path: string; tag: string }; images?: string[]; namespace: string; dependsOn: string[] };
    const source = (b: Entry) => (b.chart ? `${b.chart.name}@${b.chart.version}` : b.images ? 'rendered' : `${b.manifests!.repository.replace(/^https:\/\//, '')}/${b.manifests!.path}@${b.manifests!.tag}`);
    doc.blueprints.forEach((b: Entry, i: number) => {
      const line = lines[i + 1]!;
      const cells = [0, ...columns].map((start, c, all) => line.slice(start, all[c + 1] ?? line.length).trim());
      expect(cells).toEqual([b.name, b.tier, b.category, source(b), b.namespace, b.dependsOn.join(', ') || '-']);
    });
    expect(lines.find((l) => l.startsWith('cert-manager '))).toMatch(/^cert-manager\s+bootstrap-kit\s+security\s+cert-manager@v1\.16\.2\s+cert-manager\s+cilium$/);
    expect(lines.find((l) => l.startsWith('system-upgrade-controller '))).toMatch(/\s+github\.com\/rancher\/system-upgrade-controller\/manifests@v0\.20\.1\s+system-upgrade\s+flux$/);
  });
});
