/**
 * The Blueprint contract as a platform team uses it: several Blueprints bound into one chart of
 * their own, typed references that follow a renamed fact, a built-in replaced by a subclass, a
 * Sovereign composed in TypeScript, props set from YAML, a toy product, and errors that name their
 * construct path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { builtinCatalog, CertManager, Cilium, ExternalSecrets, Gitea, Keycloak } from '../../blueprints';
import { HelmBlueprint } from '../../blueprints/helm';
import { ProductBlueprint } from '../../blueprints/product';
import { SovereignBuilder } from '../../app/builder';
import { Sovereign } from '../../app/sovereign';
import type { BlueprintMetadata } from '../../lib/blueprint';
import { Cluster } from '../../lib/cluster';
import { BlueprintError, CatalogError, SpecError } from '../../lib/errors';
import { podinfoMetadata } from '../support/blueprints';
import { SOLO_ATTRIBUTES, type Json } from '../support/render';
import { ROOT } from '../support/synth';

const soloText = readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8');
const solo = parse(soloText);

/** The objects of a chart, by `Kind/name`. */
function byKindName(chart: Chart): Map<string, Json> {
  return new Map((chart.toJson() as Json[]).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

/** Gitea props that need no peer but cert-manager and external-secrets: no Keycloak login, a database of its own. */
const STANDALONE_GITEA = { oidc: false, externalDatabase: { host: 'pg.example.org', database: 'gitea', user: 'gitea', passwordSecret: 'gitea-db' } } as const;

/** The Gitea Ingress annotations a Sovereign's GitOps tree holds. */
function giteaIssuer(sovereign: Sovereign): string {
  const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-gitea/helmrelease.yaml')!);
  return release.spec.values.ingress.annotations['cert-manager.io/cluster-issuer'];
}

describe('Blueprints bound into a chart of your own', () => {
  it('binds two built-in Blueprints into one chart, each under a construct of its own name, and exposes what they made', () => {
    const certManager = new CertManager();
    const gitea = new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' });
    const cluster = Cluster.fromAttributes({ fqdn: 'acme.example.org' }, [certManager, gitea, new ExternalSecrets()]);
    const chart = new Chart(new App(), 'platform');
    const boundCm = certManager.bind(chart, cluster);
    const boundGitea = gitea.bind(chart, cluster);
    expect([boundCm.node.path, boundGitea.node.path]).toEqual(['platform/cert-manager', 'platform/gitea']);
    expect(boundGitea.release!.kind).toBe('HelmRelease');
    expect(boundGitea.release!.name).toBe('bp-gitea');
    expect(boundGitea.namespace!.name).toBe('gitea');
    expect(boundGitea.source!.kind).toBe('HelmRepository');
    expect(boundCm.configObjects.map((o) => `${o.kind}/${o.name}`)).toEqual(['ClusterIssuer/letsencrypt-prod']);
    const objects = byKindName(chart);
    expect(objects.has('Namespace/cert-manager')).toBe(true);
    expect(objects.has('Namespace/gitea')).toBe(true);
    expect(objects.get('ClusterIssuer/letsencrypt-prod')!.spec.acme.email).toBe('admin@acme.example.org');
    expect(objects.get('HelmRelease/bp-gitea')!.spec.values.gitea.config.server.DOMAIN).toBe('gitea.acme.example.org');
  });

  it('records the peers a Blueprint read while it was bound', () => {
    const cluster = Cluster.fromAttributes({ fqdn: 'acme.example.org' }, [new CertManager(), new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' }), new ExternalSecrets()]);
    new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' }).bind(new Chart(new App(), 'c'), cluster);
    expect(cluster.references.get('gitea')).toEqual(['cert-manager', 'external-secrets']);
    expect(cluster.references.get('cert-manager')).toBeUndefined();
  });

  it('says which peer is missing, with the construct path and the Blueprint', () => {
    const gitea = new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' });
    const cluster = Cluster.fromAttributes({ fqdn: 'acme.example.org' }, [gitea]);
    expect(() => gitea.bind(new Chart(new App(), 'apps'), cluster)).toThrow(BlueprintError);
    expect(() => gitea.bind(new Chart(new App(), 'apps'), cluster)).toThrow(
      'apps/gitea (Blueprint gitea, Gitea): Blueprint gitea reads cert-manager, but cluster hz-fsn-rtz-prod has no Blueprint "cert-manager"; add "cert-manager" to gitea\'s dependsOn or install it in the cluster',
    );
  });

  it('rejects cluster attributes that are not what they claim, naming the attribute', () => {
    expect(() => Cluster.fromAttributes({ fqdn: 'localhost' })).toThrow('cluster attribute fqdn "localhost" is not a lowercase DNS name with at least two labels, e.g. acme.example.org');
    expect(() => Cluster.fromAttributes({ ...SOLO_ATTRIBUTES, podCidr: '10.42.0.0' })).toThrow('cluster attribute podCidr "10.42.0.0" is not an IPv4 CIDR such as 10.0.1.0/24');
    expect(() => Cluster.fromAttributes({ ...SOLO_ATTRIBUTES, nodeCount: 0 })).toThrow('cluster attribute nodeCount 0 must be a positive whole number');
  });
});

describe('typed references between Blueprints', () => {
  it('a renamed ClusterIssuer is followed by every consumer (Gitea\'s Ingress)', () => {
    const renamed = new SovereignBuilder('solo', solo.spec)
      .addRegion(solo.spec.regions[0])
      .install(...builtinCatalog().names())
      .addBlueprint(new CertManager({ issuerName: 'le' }), new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' }))
      .build();
    const issuer = parse(renamed.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-cert-manager-config/clusterissuer.yaml')!);
    expect(issuer.metadata.name).toBe('le');
    expect(giteaIssuer(renamed)).toBe('le');
  });

  it('a reader of an issuer that cert-manager does not create is told to name its own', () => {
    const cluster = Cluster.fromAttributes({ fqdn: 'acme.example.org' }, [new CertManager({ clusterIssuer: false }), new ExternalSecrets()]);
    expect(() => new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium' }).bind(new Chart(new App(), 'x'), cluster)).toThrow(/cert-manager creates no ClusterIssuer .*Gitea's clusterIssuer/);
    const own = new Gitea({ ...STANDALONE_GITEA, ingressClassName: 'cilium', clusterIssuer: 'corporate-ca' }).bind(new Chart(new App(), 'y'), cluster);
    expect((own.release!.toJson() as Json).spec.values.ingress.annotations['cert-manager.io/cluster-issuer']).toBe('corporate-ca');
  });
});

describe('references become Flux dependsOn edges where the graph does not order them', () => {
  class Portal extends HelmBlueprint {
    static readonly metadata: BlueprintMetadata = podinfoMetadata('portal', 'Links to Gitea.', { dependsOn: ['cert-manager'] });
    protected curatedValues(cluster: Cluster): Record<string, unknown> {
      return { ui: { message: cluster.blueprint(Gitea).domain(cluster) } };
    }
  }
  class Server extends HelmBlueprint {
    static readonly metadata: BlueprintMetadata = podinfoMetadata('server', 'Allows its client.', { dependsOn: ['cert-manager'] });
    protected curatedValues(cluster: Cluster): Record<string, unknown> {
      return { ui: { message: cluster.has(Client) ? cluster.blueprint(Client).metadata.namespace : 'none' } };
    }
  }
  class Client extends HelmBlueprint {
    static readonly metadata: BlueprintMetadata = podinfoMetadata('client', 'Calls the server.', { dependsOn: ['server'] });
    protected curatedValues(): Record<string, unknown> {
      return {};
    }
  }
  const dependsOn = (files: Map<string, string>, name: string) =>
    (parse(files.get(`clusters/hz-fsn-mgt-prod/flux-system/kustomization-bp-${name}.yaml`)!).spec.dependsOn as Json[]).map((d) => d.name);

  it('a read of a peer the Blueprint does not depend on orders it after that peer; a read of a dependent adds nothing', () => {
    const spec = stringify({ ...solo, spec: { ...solo.spec, blueprints: { install: ['portal', 'client', 'gitea'] } } });
    const files = Sovereign.fromYaml(spec, { catalog: builtinCatalog().with(Portal, Server, Client) }).gitopsTree().files;
    expect(dependsOn(files, 'portal')).toEqual(['bp-cert-manager', 'bp-gitea']);
    expect(dependsOn(files, 'server')).toEqual(['bp-cert-manager']);
    expect(dependsOn(files, 'client')).toEqual(['bp-server']);
    expect(parse(files.get('clusters/hz-fsn-mgt-prod/bp-server/helmrelease.yaml')!).spec.values.ui.message).toBe('client');
  });
});

describe('replacing a built-in with a subclass', () => {
  class CorporateCertManager extends CertManager {
    get issuerName(): string {
      return 'corporate-acme';
    }
  }

  it('catalog.override swaps the class under its name; dependents resolve it by name and read its attributes', () => {
    const catalog = builtinCatalog().override(CorporateCertManager);
    expect(catalog.get('cert-manager')).toBe(CorporateCertManager);
    expect(catalog.dependenciesOf('gitea')).toEqual(['cnpg', 'external-secrets', 'hcloud-csi', 'keycloak']);
    const spec = { ...solo, spec: { ...solo.spec, blueprints: { props: { gitea: { ingressClassName: 'cilium' } } } } };
    const sovereign = Sovereign.fromYaml(stringify(spec), { catalog });
    expect(sovereign.blueprints.find((p) => p.blueprint.metadata.name === 'cert-manager')!.blueprint).toBeInstanceOf(CorporateCertManager);
    expect(giteaIssuer(sovereign)).toBe('corporate-acme');
  });

  it('with() of a subclass under a taken name says to use override()', () => {
    expect(() => builtinCatalog().with(CorporateCertManager)).toThrow(new CatalogError('Blueprint name "cert-manager" is used by both CertManager and CorporateCertManager; to replace the built-in with your subclass, use catalog.override(CorporateCertManager)'));
  });

  it('override() refuses a class that is not a subclass of the one it replaces', () => {
    class Impostor extends Cilium {
      static readonly metadata: BlueprintMetadata = { ...Cilium.metadata, name: 'cert-manager' };
    }
    expect(() => builtinCatalog().override(Impostor)).toThrow(/cannot override "cert-manager" with Impostor: it is not a subclass of CertManager/);
  });

  it('removing a Blueprint others require says which', () => {
    expect(() => builtinCatalog().without('keycloak')).toThrow(new CatalogError('cannot remove "keycloak": "gitea" requires "keycloak"; "grafana" requires "keycloak"; "harbor" requires "keycloak"; "langfuse" requires "keycloak"; remove those Blueprints too, or keep it'));
    expect(builtinCatalog().without('gitea', 'grafana', 'harbor', 'langfuse', 'keycloak').names()).not.toContain('keycloak');
  });
});

describe('a Sovereign composed in TypeScript', () => {
  it('the builder and fromSpec give the same GitOps tree as the YAML spec', () => {
    const fromYaml = Sovereign.fromYaml(soloText).gitopsTree().files;
    const built = new SovereignBuilder('solo', solo.spec).addRegion(solo.spec.regions[0]).build().gitopsTree().files;
    const typed = Sovereign.fromSpec(solo).gitopsTree().files;
    expect([...built.keys()]).toEqual([...fromYaml.keys()]);
    for (const [path, text] of fromYaml) {
      const header = /^# Generated by catalyst-cdk from [^\n]*\n/;
      expect({ path, text: built.get(path)?.replace(header, '') }).toEqual({ path, text: text.replace(header, '') });
      expect(typed.get(path)).toBe(built.get(path));
    }
  });

  it('reports a bad typed spec with the same paths and messages as YAML, without line numbers', () => {
    const bad = { ...solo, spec: { ...solo.spec, regions: [{ ...solo.spec.regions[0], location: 'fra1' }] } };
    let error: SpecError | undefined;
    try {
      Sovereign.fromSpec(bad);
    } catch (err) {
      error = err as SpecError;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error!.problems).toEqual([expect.objectContaining({ path: 'spec.regions[0].location', value: 'fra1' })]);
    expect(error!.problems[0]!.message).toMatch(/^must be a Hetzner location: one of ash, fsn1, hel1, hil, nbg1, sin/);
    expect(error!.problems[0]!.line).toBeUndefined();
  });

  it('closed sets are literal types, so a typo does not compile', () => {
    const builder = new SovereignBuilder('solo', solo.spec);
    // @ts-expect-error 'fra1' is not a Hetzner location
    builder.addRegion({ location: 'fra1' });
    // @ts-expect-error 'cx99' is not a server type Hetzner sells
    builder.addRegion({ location: 'fsn1', controlPlane: { serverType: 'cx99' } });
    // @ts-expect-error 'qa' is not an environment type
    builder.addRegion({ location: 'fsn1', envType: 'qa' });
    expect(() => builder.build()).toThrow(SpecError);
  });
});

describe('typed props from YAML', () => {
  const withProps = (props: Record<string, unknown>) => stringify({ ...solo, spec: { ...solo.spec, blueprints: { props } } });

  it('sets a Blueprint\'s typed props (spec.blueprints.props.keycloak.replicas)', () => {
    const sovereign = Sovereign.fromYaml(withProps({ keycloak: { replicas: 2 } }));
    const keycloak = sovereign.blueprints.find((p) => p.blueprint.metadata.name === 'keycloak')!.blueprint as Keycloak;
    expect(keycloak.props).toEqual({ replicas: 2 });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-keycloak/helmrelease.yaml')!);
    expect(release.spec.values.replicaCount).toBe(2);
  });

  it('reports bad props with the path, the value and what is allowed', () => {
    let error: SpecError | undefined;
    try {
      Sovereign.fromYaml(withProps({ keycloak: { replicas: 'two', replica: 2 } }));
    } catch (err) {
      error = err as SpecError;
    }
    expect(error).toBeInstanceOf(SpecError);
    const problems = error!.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.keycloak.replicas', value: 'two', message: 'must be a number, not a string' });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.keycloak.replica', value: 2, message: expect.stringMatching(/^is not a known field \(did you mean "replicas"\?\); allowed here: .*replicas/) }));
    expect(error!.problems.every((p) => typeof p.line === 'number')).toBe(true);
  });

  it('rejects props for an unknown Blueprint with a suggestion', () => {
    expect(() => Sovereign.fromYaml(withProps({ keycloack: { replicas: 2 } }))).toThrow(/spec\.blueprints\.props\.keycloack.*did you mean "keycloak"/s);
  });
});

describe('products', () => {
  class Workspace extends ProductBlueprint {
    static readonly metadata: BlueprintMetadata = {
      kind: 'product',
      name: 'workspace',
      title: 'Workspace',
      category: 'products',
      tier: 'a-la-carte',
      summary: 'A toy product: Git with single sign-on.',
      namespace: 'workspace',
      podSecurity: { level: 'restricted', reason: 'holds no pods' },
      requires: [Gitea],
      optional: ['sealed-secrets'],
      dependsOn: [],
      installsCrds: false,
      placementModes: ['single-region'],
      resources: { cpuMillis: 0, memoryMiB: 0 },
      sources: ['__tests__/lib/contract.test.ts'],
    };
  }

  it('is accepted by the catalog, adds its required members and is ordered after its installed members', () => {
    const catalog = builtinCatalog().with(Workspace);
    const resolution = catalog.resolve(['workspace', 'sealed-secrets']);
    const order = resolution.ordered.map((c) => c.metadata.name);
    expect(order).toContain('gitea');
    expect(order.indexOf('workspace')).toBeGreaterThan(order.indexOf('gitea'));
    expect(order.indexOf('workspace')).toBeGreaterThan(order.indexOf('sealed-secrets'));
    expect(resolution.added.find((a) => a.name === 'gitea')!.requiredBy).toEqual(['workspace']);
    expect(catalog.resolve(['workspace']).ordered.map((c) => c.metadata.name)).not.toContain('sealed-secrets');
  });

  it('gets a Flux Kustomization that waits for its members and renders no chart', () => {
    const spec = stringify({ ...solo, spec: { ...solo.spec, blueprints: { install: ['workspace', 'sealed-secrets'] } } });
    const sovereign = Sovereign.fromYaml(spec, { catalog: builtinCatalog().with(Workspace) });
    const files = sovereign.gitopsTree().files;
    const kustomization = parse(files.get('clusters/hz-fsn-mgt-prod/flux-system/kustomization-bp-workspace.yaml')!);
    expect(kustomization.spec.dependsOn).toEqual([{ name: 'bp-gitea' }, { name: 'bp-sealed-secrets' }]);
    const folder = [...files.keys()].filter((p) => p.startsWith('clusters/hz-fsn-mgt-prod/bp-workspace/'));
    expect(folder.some((p) => p.includes('helmrelease'))).toBe(false);
    expect(folder).toContain('clusters/hz-fsn-mgt-prod/bp-workspace/namespace.yaml');
  });

  it('is refused with a chart of its own', () => {
    class Broken extends ProductBlueprint {
      static readonly metadata: BlueprintMetadata = { ...Workspace.metadata, name: 'broken', chart: Gitea.metadata.chart };
    }
    expect(() => builtinCatalog().with(Broken)).toThrow(/metadata\.kind "product" is set together with chart or manifests/);
  });
});

describe('tiers', () => {
  class Audit extends HelmBlueprint {
    static readonly metadata: BlueprintMetadata = podinfoMetadata('audit', 'A toy mandatory Blueprint.', { tier: 'mandatory' });
    protected curatedValues(): Record<string, unknown> {
      return {};
    }
  }

  it('installs a mandatory Blueprint whatever the selection, and reports it as added for mandatory', () => {
    const spec = stringify({ ...solo, spec: { ...solo.spec, blueprints: { install: ['sealed-secrets'] } } });
    const sovereign = Sovereign.fromYaml(spec, { catalog: builtinCatalog().with(Audit) });
    expect(sovereign.blueprints.map((p) => p.blueprint.metadata.name)).toContain('audit');
    expect(sovereign.added).toContainEqual({ name: 'audit', requiredBy: ['mandatory'] });
    const listed = Sovereign.fromYaml(stringify({ ...solo, spec: { ...solo.spec, blueprints: { install: ['sealed-secrets', 'audit'] } } }), { catalog: builtinCatalog().with(Audit) });
    expect(listed.added.map((a) => a.name)).not.toContain('audit');
  });
});
