import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BlueprintMetadata, builtinCatalog, CatalogError, CertManager, Cluster, CosignVerification, ExternalDns, HelmBlueprint, HelmBlueprintProps, Sovereign, SpecError } from '../../index';
import { validateManifest } from '../../scripts/k8s-validate';
import { ROOT } from '../support/synth';
import { PODINFO_CHART, podinfoMetadata } from '../support/blueprints';

/** Props of Podinfo: the HelmBlueprint props (values, verify, network) and its own. */
interface PodinfoProps extends HelmBlueprintProps {
  readonly replicas?: number;
}

/** A platform team's own component, written against the public API only. */
class Podinfo extends HelmBlueprint<PodinfoProps> {
  static readonly metadata: BlueprintMetadata = podinfoMetadata('podinfo', 'Demo web service.', { dependsOn: [CertManager] });

  protected curatedValues(ctx: Cluster): Record<string, unknown> {
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
    // podinfo's dependencies, the pre-installed Blueprints, and the mandatory Blueprints (KEDA, the Dynadot webhook with its own) (its credentials come through external-secrets from OpenBao).
    expect(sovereign.added.map((a) => a.name)).toEqual(['cert-manager', 'cert-manager-dynadot-webhook', 'cilium', 'external-secrets', 'flux', 'hcloud-cloud-controller-manager', 'hcloud-csi', 'keda', 'openbao', 'spire']);
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

describe('chart signatures (cosign) of a user-defined OCI Blueprint', () => {
  const c = 'clusters/hz-fsn-mgt-prod';
  /** GitHub Actions keyless signing by the chart repository's release workflow. */
  const identity = { issuer: '^https://token\\.actions\\.githubusercontent\\.com$', subject: '^https://github\\.com/stefanprodan/podinfo/\\.github/workflows/release\\.yml@refs/tags/.+$' };
  const catalog = builtinCatalog().with(Podinfo);

  /** solo.yaml installing podinfo, with `verify` entries under spec.blueprints. */
  function withVerify(verify: Record<string, unknown>, install = ['podinfo']): string {
    const spec = parse(soloText);
    spec.spec.blueprints = { install, verify };
    return stringify(spec);
  }

  const ociRepository = (sovereign: Sovereign) => parse(sovereign.gitopsTree().files.get(`${c}/bp-podinfo/ocirepository.yaml`)!);

  it('verifies a keyless signature given in the instance props, in a schema-valid OCIRepository', async () => {
    const sovereign = Sovereign.fromYaml(withInstall(['podinfo']), { catalog, blueprints: [new Podinfo({ verify: { matchOIDCIdentity: [identity] } })] });
    const oci = ociRepository(sovereign);
    expect(oci.spec.verify).toEqual({ provider: 'cosign', matchOIDCIdentity: [identity] });
    expect(await validateManifest(oci)).toEqual([]);
  });

  it('verifies with a public key Secret named in the spec, and writes no Secret itself', async () => {
    const sovereign = Sovereign.fromYaml(withVerify({ podinfo: { publicKeySecret: 'podinfo-cosign' } }), { catalog });
    const oci = ociRepository(sovereign);
    expect(oci.spec.verify).toEqual({ provider: 'cosign', secretRef: { name: 'podinfo-cosign' } });
    expect(await validateManifest(oci)).toEqual([]);
    expect([...sovereign.gitopsTree().files.values()].some((t) => /kind: Secret/.test(t))).toBe(false);
  });

  it('leaves the OCIRepository unverified when nothing asks for it', () => {
    expect(ociRepository(Sovereign.fromYaml(withInstall(['podinfo']), { catalog })).spec.verify).toBeUndefined();
  });

  it('rejects spec verification of a Blueprint whose chart is not OCI, naming the repository and the fix', () => {
    const text = withVerify({ podinfo: { matchOIDCIdentity: [identity] }, 'cert-manager': { matchOIDCIdentity: [identity] } });
    expect(() => Sovereign.fromYaml(text, { catalog })).toThrow(SpecError);
    expect(() => Sovereign.fromYaml(text, { catalog })).toThrow(
      /spec\.blueprints\.verify\.cert-manager: "cert-manager": verifies a cosign signature, but the chart of cert-manager comes from the Helm repository https:\/\/charts\.jetstack\.io, not an oci:\/\/ registry, .*; remove spec\.blueprints\.verify\.cert-manager/,
    );
  });

  it('rejects spec verification of a Blueprint that installs Git manifests, which have no chart signature', () => {
    const text = withVerify({ 'system-upgrade-controller': { matchOIDCIdentity: [identity] } }, ['system-upgrade-controller']);
    expect(() => Sovereign.fromYaml(text, { catalog })).toThrow(SpecError);
    expect(() => Sovereign.fromYaml(text, { catalog })).toThrow(
      'spec.blueprints.verify.system-upgrade-controller: "system-upgrade-controller": names system-upgrade-controller, which installs manifests from Git rather than a chart, so there is no chart signature to verify; remove spec.blueprints.verify.system-upgrade-controller',
    );
  });

  it('rejects spec verification of a Blueprint that is not installed', () => {
    expect(() => Sovereign.fromYaml(withVerify({ podinfo: { publicKeySecret: 'podinfo-cosign' } }, ['cilium']), { catalog })).toThrow(
      /spec\.blueprints\.verify\.podinfo: "podinfo": verifies the chart of a Blueprint that is not installed .*; add podinfo to spec\.blueprints\.install or remove this entry/,
    );
  });

  it('rejects verification in both the spec and an instance, so neither silently wins', () => {
    const text = withVerify({ podinfo: { publicKeySecret: 'podinfo-cosign' } });
    expect(() => Sovereign.fromYaml(text, { catalog, blueprints: [new Podinfo({ verify: { matchOIDCIdentity: [identity] } })] })).toThrow(CatalogError);
    expect(() => Sovereign.fromYaml(text, { catalog, blueprints: [new Podinfo()] })).toThrow(/spec\.blueprints\.verify\.podinfo is set and a Blueprint instance for "podinfo" is given/);
  });

  it('rejects unusable verification props when the instance is created', () => {
    class PodinfoFromIndex extends Podinfo {
      static override readonly metadata: BlueprintMetadata = { ...Podinfo.metadata, name: 'podinfo-index', chart: { ...PODINFO_CHART, repository: 'https://stefanprodan.github.io/podinfo' } };
    }
    expect(() => new PodinfoFromIndex({ verify: { matchOIDCIdentity: [identity] } })).toThrow(/Blueprint podinfo-index: props\.verify is set, but its chart comes from the Helm repository https:\/\/stefanprodan\.github\.io\/podinfo, not an oci:\/\/ registry/);
    expect(() => new Podinfo({ verify: { matchOIDCIdentity: [] } })).toThrow(/props\.verify\.matchOIDCIdentity: must list at least one issuer\/subject pair/);
    expect(() => new Podinfo({ verify: { matchOIDCIdentity: [{ ...identity, subject: 'stefanprodan' }] } })).toThrow(/props\.verify\.matchOIDCIdentity\[0\]\.subject: must be anchored with \^ and \$/);
    // Plain JavaScript (or a cast) can set both; the check does not rely on the type.
    const both = { matchOIDCIdentity: [identity], publicKeySecret: 'podinfo-cosign' } as unknown as CosignVerification;
    expect(() => new Podinfo({ verify: both })).toThrow(/props\.verify: sets both matchOIDCIdentity and publicKeySecret/);
  });
});
