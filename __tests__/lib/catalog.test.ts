import { Blueprint, BlueprintClass, BlueprintMetadata, mergeValues } from '../../lib/blueprint';
import { Catalog } from '../../lib/catalog';
import { mergeBootstrapSecrets } from '../../app/sovereign';
import { CatalogError } from '../../lib/errors';
import { CHARTS } from '../../lib/versions';

function meta(name: string, dependsOn: BlueprintClass[] = []): BlueprintMetadata {
  return {
    name,
    title: name,
    category: 'test',
    tier: 'a-la-carte',
    summary: 'test Blueprint',
    chart: CHARTS.cilium,
    namespace: name,
    podSecurity: { level: 'restricted', reason: 'test' },
    releaseName: name,
    dependsOn,
    installsCrds: false,
    placementModes: ['single-region'],
    resources: { cpuMillis: 10, memoryMiB: 10 },
    sources: [],
  };
}

/** Defines a Blueprint class on the fly. */
function bp(name: string, dependsOn: BlueprintClass[] = []): BlueprintClass {
  return class extends Blueprint {
    static readonly metadata = meta(name, dependsOn);
    protected render(): void {}
  };
}

describe('Catalog', () => {
  const base = bp('base');
  const mid = bp('mid', [base]);
  const top = bp('top', [mid, base]);
  const other = bp('other', [base]);

  it('resolves a selection to its dependency closure, dependencies first, and says what it added', () => {
    const c = new Catalog([top, other, mid, base]);
    const r = c.resolve(['top']);
    expect(r.ordered.map((x) => x.metadata.name)).toEqual(['base', 'mid', 'top']);
    expect(r.added).toEqual([
      { name: 'base', requiredBy: ['mid', 'top'] },
      { name: 'mid', requiredBy: ['top'] },
    ]);
  });

  it('orders the same way whatever the registration and selection order', () => {
    const a = new Catalog([base, mid, top, other]).resolve(['other', 'top']);
    const b = new Catalog([other, top, mid, base]).resolve(['top', 'other']);
    expect(a.ordered.map((x) => x.metadata.name)).toEqual(['base', 'mid', 'other', 'top']);
    expect(b.ordered.map((x) => x.metadata.name)).toEqual(a.ordered.map((x) => x.metadata.name));
  });

  it('rejects an unknown name with the closest candidates', () => {
    const c = new Catalog([base, mid]);
    expect(() => c.resolve(['mdi'])).toThrow(new CatalogError('unknown Blueprint "mdi" (did you mean "mid"?); known: base, mid'));
  });

  it('rejects a dependency that is not registered', () => {
    expect(() => new Catalog([mid])).toThrow(/Blueprint "mid" depends on "base", which is not registered in this catalog; register it too/);
  });

  it('rejects a dependency cycle and names it', () => {
    const a = bp('aa');
    const b = bp('bb', [a]);
    (a.metadata.dependsOn as BlueprintClass[]).push(b);
    expect(() => new Catalog([a, b])).toThrow(/Blueprint dependency cycle: aa -> bb -> aa; remove one of these dependsOn edges/);
  });

  it('rejects invalid and duplicate names', () => {
    expect(() => new Catalog([bp('Bad_Name')])).toThrow(/Blueprint class \(anonymous\): name "Bad_Name" is invalid/);
    expect(() => new Catalog([bp('dup'), bp('dup')])).toThrow(/Blueprint name "dup" is used by both/);
  });

  it('rejects metadata the built-in Blueprints could not have, naming the field, the value and the fix', () => {
    const withMeta = (name: string, patch: Partial<BlueprintMetadata>): BlueprintClass =>
      class extends Blueprint {
        static readonly metadata = { ...meta(name), ...patch };
        protected render(): void {}
      };
    const cases: Array<[Partial<BlueprintMetadata>, RegExp]> = [
      [{ chart: { ...CHARTS.cilium, version: '^1.16.0' } }, /metadata\.chart\.version "\^1\.16\.0" must be one exact chart version such as 1\.2\.3 \(no range, no latest\)/],
      [{ chart: { ...CHARTS.cilium, version: 'latest' } }, /metadata\.chart\.version "latest" must be one exact chart version/],
      [{ chart: { ...CHARTS.cilium, repository: 'http://charts.example.org' } }, /metadata\.chart\.repository "http:\/\/charts\.example\.org" must be an https:\/\/ Helm repository or an oci:\/\/ registry path/],
      [{ namespace: 'My_Namespace' }, /metadata\.namespace "My_Namespace" is not a namespace name/],
      [{ releaseName: 'r'.repeat(54) }, /metadata\.releaseName "r{54}" is not a Helm release name; use at most 53 characters/],
      [{ podSecurity: { level: 'privileged', reason: ' ' } }, /metadata\.podSecurity\.reason " " must say why the namespace needs privileged instead of restricted/],
      [{ resources: { cpuMillis: 0, memoryMiB: 64 } }, /metadata\.resources \{"cpuMillis":0,"memoryMiB":64\} must give positive cpuMillis and memoryMiB/],
    ];
    for (const [patch, message] of cases) {
      expect(() => new Catalog([withMeta('mine', patch)])).toThrow(CatalogError);
      expect(() => new Catalog([withMeta('mine', patch)])).toThrow(message);
    }
    expect(() => new Catalog([withMeta('mine', { chart: { ...CHARTS.cilium, version: '1.0' }, namespace: 'A' })])).toThrow(/^Blueprint "mine" \(.*\): metadata\.namespace "A" .*; metadata\.chart\.version "1\.0" /);
    expect(new Catalog([withMeta('mine', { chart: { ...CHARTS.cilium, version: 'v2.0.0-rc.1+build.5' } })]).names()).toEqual(['mine']);
  });

  it('extends with more classes and checks them the same way', () => {
    const c = new Catalog([base]).with(mid);
    expect(c.names()).toEqual(['base', 'mid']);
    expect(c.dependenciesOf('mid')).toEqual(['base']);
    expect(() => new Catalog([base]).with(top)).toThrow(/depends on "mid"/);
  });
});

describe('mergeValues', () => {
  it('merges objects deeply and replaces lists and scalars', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: 'y' })).toEqual({ a: { b: 1, c: [3], e: true }, d: 'y' });
  });
});

describe('mergeBootstrapSecrets', () => {
  it('merges one Secret declared in several namespaces and sorts by name', () => {
    expect(
      mergeBootstrapSecrets([
        { name: 'b', namespaces: ['y'], randomKeys: ['k'] },
        { name: 'a', namespaces: ['x'], randomKeys: ['k'] },
        { name: 'b', namespaces: ['x'], randomKeys: ['k'] },
      ]),
    ).toEqual([
      { name: 'a', namespaces: ['x'], randomKeys: ['k'] },
      { name: 'b', namespaces: ['x', 'y'], randomKeys: ['k'] },
    ]);
  });

  it('rejects two declarations of one Secret with different keys', () => {
    expect(() => mergeBootstrapSecrets([{ name: 'a', namespaces: ['x'], randomKeys: ['k'] }, { name: 'a', namespaces: ['y'], randomKeys: ['other'] }])).toThrow(
      /bootstrap Secret "a" with different keys/,
    );
  });
});
