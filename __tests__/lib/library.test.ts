import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BlueprintMetadata, builtinCatalog, CatalogError, CertManager, ClusterContext, ExternalDns, HelmBlueprint, Sovereign, SpecError } from '../../index';
import { ROOT } from '../support/synth';

/** A platform team's own component, written against the public API only. */
class Podinfo extends HelmBlueprint<{ replicas?: number; values?: Record<string, unknown> }> {
  static readonly metadata: BlueprintMetadata = {
    name: 'podinfo',
    title: 'podinfo',
    category: 'apps',
    tier: 'a-la-carte',
    summary: 'Demo web service.',
    chart: { repository: 'oci://ghcr.io/stefanprodan/charts', chart: 'podinfo', version: '6.7.1', docs: 'https://github.com/stefanprodan/podinfo' },
    namespace: 'podinfo',
    podSecurity: { level: 'restricted', reason: 'runs as non-root' },
    releaseName: 'podinfo',
    dependsOn: [CertManager],
    installsCrds: false,
    placementModes: ['active-active'],
    resources: { cpuMillis: 10, memoryMiB: 32 },
    sources: ['https://github.com/stefanprodan/podinfo'],
  };

  protected curatedValues(ctx: ClusterContext): Record<string, unknown> {
    return { replicaCount: this.props.replicas ?? 1, ui: { message: ctx.cluster.name } };
  }
}

const soloText = readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8');

function withInstall(names: string[]): string {
  const spec = parse(soloText);
  spec.spec.blueprints = { install: names };
  return stringify(spec);
}

describe('library use', () => {
  it('renders a user-defined Blueprint from an OCI chart, with its dependencies, in every cluster', () => {
    const sovereign = Sovereign.fromYaml(withInstall(['podinfo']), { catalog: builtinCatalog().with(Podinfo), blueprints: [new Podinfo({ replicas: 2 })] });
    const files = sovereign.gitopsTree().files;
    const c = 'clusters/hz-fsn-mgt-prod';
    const oci = parse(files.get(`${c}/bp-podinfo/ocirepository.yaml`)!);
    expect(oci.spec).toMatchObject({ url: 'oci://ghcr.io/stefanprodan/charts/podinfo', ref: { tag: '6.7.1' } });
    const hr = parse(files.get(`${c}/bp-podinfo/helmrelease.yaml`)!);
    expect(hr.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'bp-podinfo', namespace: 'flux-system' });
    expect(hr.spec.chart).toBeUndefined();
    expect(hr.spec.values).toEqual({ replicaCount: 2, ui: { message: 'hz-fsn-mgt-prod' } });
    const ks = parse(files.get(`${c}/flux-system/kustomization-bp-podinfo.yaml`)!);
    expect(ks.spec.dependsOn).toEqual([{ name: 'bp-cert-manager' }]);
    expect(sovereign.added.map((a) => a.name)).toEqual(['cert-manager', 'cilium', 'flux']);
  });

  it('takes typed Blueprint instances over the ones the spec would create', () => {
    const sovereign = Sovereign.fromYaml(soloText, { blueprints: [new ExternalDns({ domainFilters: ['example.org'], txtOwnerId: 'owner-a' })] });
    const hr = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-external-dns/helmrelease.yaml')!);
    expect(hr.spec.values).toMatchObject({ domainFilters: ['example.org'], txtOwnerId: 'owner-a' });
  });

  it('rejects a spec naming a Blueprint the catalog does not have', () => {
    expect(() => Sovereign.fromYaml(withInstall(['podinfo']))).toThrow(SpecError);
    expect(() => Sovereign.fromYaml(withInstall(['podinfo']))).toThrow(/spec.blueprints.install\[0\]: "podinfo": is not a Blueprint this catalog knows/);
  });

  it('rejects an instance whose class is not the one registered under its name', () => {
    class FakeDns extends ExternalDns {}
    expect(() => Sovereign.fromYaml(soloText, { blueprints: [new FakeDns()] })).toThrow(CatalogError);
  });
});
