/**
 * `graph`: the Blueprint dependency graph of a spec in Mermaid and DOT. The DOT output is laid out by
 * real Graphviz (`@viz-js/viz`, its WebAssembly build), and its edges must be the catalog's.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_BLUEPRINTS, builtinCatalog } from '../../index';
import { jsonOf, runCli, soloSpecIn, tmpDir } from '../support/cli';
import { ROOT } from '../support/synth';

const SOLO = join(ROOT, 'examples/solo.yaml');

/** Every dependency edge of the built-in catalog among `names`, as `from -> to` (to dependsOn from), sorted. */
function catalogEdges(names: readonly string[]): string[] {
  const catalog = builtinCatalog();
  return names.flatMap((to) => catalog.dependenciesOf(to).map((from) => `${from} -> ${to}`)).sort();
}

/** A spec installing only `install` (plus what it needs), in a temporary folder. */
function specInstalling(install: string[]): string {
  return soloSpecIn(tmpDir('catalyst-graph-'), 'spec.yaml', (s) => (s.spec.blueprints = { install }));
}

interface GraphvizJson {
  readonly objects: ReadonlyArray<{ readonly name: string; readonly style?: string }>;
  readonly edges?: ReadonlyArray<{ readonly tail: number; readonly head: number }>;
}

/** Lays out DOT with Graphviz; fails on any Graphviz error. */
async function graphviz(dot: string): Promise<GraphvizJson> {
  const { instance } = await import('@viz-js/viz');
  const result = (await instance()).render(dot, { format: 'json' });
  expect({ status: result.status, errors: result.errors }).toEqual({ status: 'success', errors: [] });
  return JSON.parse(result.output!) as GraphvizJson;
}

describe('graph', () => {
  it('DOT: Graphviz reads it, with one node per installed Blueprint and exactly the catalog edges', async () => {
    const r = runCli(['graph', SOLO, '--format', 'dot']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const g = await graphviz(r.out);
    const names = g.objects.map((o) => o.name);
    expect([...names].sort()).toEqual(builtinCatalog().names());
    expect((g.edges ?? []).map((e) => `${names[e.tail]} -> ${names[e.head]}`).sort()).toEqual(catalogEdges(names));
  });

  it('DOT: Blueprints added as dependencies are dashed, selected ones are not', async () => {
    const r = runCli(['graph', specInstalling(['external-dns']), '--format', 'dot']);
    expect(r.code).toBe(0);
    const g = await graphviz(r.out);
    const dashed = g.objects.filter((o) => o.style === 'dashed').map((o) => o.name).sort();
    expect(dashed).toEqual(['cert-manager', 'cert-manager-dynadot-webhook', 'cilium', 'cnpg', 'external-secrets', 'flux', 'hcloud-cloud-controller-manager', 'hcloud-csi', 'keda', 'openbao', 'powerdns', 'spire']);
    expect(g.objects.map((o) => o.name).sort()).toEqual(['cert-manager', 'cert-manager-dynadot-webhook', 'cilium', 'cnpg', 'external-dns', 'external-secrets', 'flux', 'hcloud-cloud-controller-manager', 'hcloud-csi', 'keda', 'openbao', 'powerdns', 'spire']);
  });

  it('Mermaid (the default): a top-down flowchart, one node per Blueprint in install order, one arrow per edge', () => {
    const r = runCli(['graph', specInstalling(['external-dns'])]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'flowchart TD',
        '  %% Blueprints of Sovereign solo; an arrow a --> b means b dependsOn a',
        '  cilium["cilium"]',
        '  cert_manager["cert-manager"]',
        '  hcloud_cloud_controller_manager["hcloud-cloud-controller-manager"]',
        '  flux["flux"]',
        '  hcloud_csi["hcloud-csi"]',
        '  cnpg["cnpg"]',
        '  keda["keda"]',
        '  spire["spire"]',
        '  openbao["openbao"]',
        '  external_secrets["external-secrets"]',
        '  cert_manager_dynadot_webhook["cert-manager-dynadot-webhook"]',
        '  powerdns["powerdns"]',
        '  external_dns["external-dns"]',
        '  cilium --> cert_manager',
        '  cert_manager --> cert_manager_dynadot_webhook',
        '  external_secrets --> cert_manager_dynadot_webhook',
        '  flux --> cnpg',
        '  hcloud_csi --> cnpg',
        '  cert_manager --> external_dns',
        '  external_secrets --> external_dns',
        '  powerdns --> external_dns',
        '  cert_manager --> external_secrets',
        '  openbao --> external_secrets',
        '  cert_manager --> flux',
        '  hcloud_cloud_controller_manager --> flux',
        '  cilium --> hcloud_cloud_controller_manager',
        '  hcloud_cloud_controller_manager --> hcloud_csi',
        '  hcloud_csi --> openbao',
        '  spire --> openbao',
        '  cert_manager --> powerdns',
        '  cnpg --> powerdns',
        '  external_secrets --> powerdns',
        '  cert_manager --> spire',
        '  hcloud_csi --> spire',
        '  classDef added stroke-dasharray: 4 4',
        '  class cilium,cert_manager,hcloud_cloud_controller_manager,flux,hcloud_csi,cnpg,keda,spire,openbao,external_secrets,cert_manager_dynadot_webhook,powerdns added',
        '',
      ].join('\n'),
    );
  });

  it('Mermaid of the default spec: every edge of the catalog, every node defined before use', () => {
    const r = runCli(['graph']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    const defined = lines.map((l) => /^ {2}([a-z0-9_]+)\["([a-z0-9-]+)"\]$/.exec(l)).filter((m) => m !== null);
    for (const m of defined) expect(m[1]).toBe(m[2]!.replace(/-/g, '_'));
    const ids = new Map(defined.map((m) => [m[1]!, m[2]!]));
    const arrows = lines.map((l) => /^ {2}([a-z0-9_]+) --> ([a-z0-9_]+)$/.exec(l)).filter((m) => m !== null);
    expect(arrows.map((m) => `${ids.get(m[1]!)} -> ${ids.get(m[2]!)}`).sort()).toEqual(catalogEdges([...ids.values()]));
    // The kit is selected; only the mandatory Blueprints are added (dashed).
    const mandatory = BUILTIN_BLUEPRINTS.filter((c) => c.metadata.tier === 'mandatory').map((c) => c.metadata.name.replace(/-/g, '_'));
    const classes = lines.filter((l) => /^ {2}class(Def)? /.test(l));
    expect(classes).toEqual(['  classDef added stroke-dasharray: 4 4', `  class ${mandatory.join(',')} added`]);
    expect(lines.every((l, i) => i === 0 || l.startsWith('  %%') || classes.includes(l) || /^ {2}[a-z0-9_]+(\["[a-z0-9-]+"\]| --> [a-z0-9_]+)$/.test(l))).toBe(true);
  });

  it('--json: nodes in install order, edges, the rendered text', () => {
    const spec = specInstalling(['gitea']);
    const r = runCli(['graph', spec, '--format', 'dot', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = jsonOf(r);
    expect(doc).toEqual({
      ok: true,
      command: 'graph',
      spec,
      sovereign: 'solo',
      format: 'dot',
      nodes: [
        { name: 'cilium', tier: 'bootstrap-kit', added: { requiredBy: ['bootstrap'] } },
        { name: 'cert-manager', tier: 'bootstrap-kit', added: { requiredBy: ['cert-manager-dynadot-webhook', 'external-secrets', 'flux', 'keycloak', 'spire'] } },
        { name: 'hcloud-cloud-controller-manager', tier: 'bootstrap-kit', added: { requiredBy: ['bootstrap'] } },
        { name: 'flux', tier: 'bootstrap-kit', added: { requiredBy: ['bootstrap'] } },
        { name: 'hcloud-csi', tier: 'bootstrap-kit', added: { requiredBy: ['cnpg', 'gitea', 'keycloak', 'openbao', 'spire'] } },
        { name: 'cnpg', tier: 'bootstrap-kit', added: { requiredBy: ['gitea', 'keycloak'] } },
        { name: 'keda', tier: 'mandatory', added: { requiredBy: ['mandatory'] } },
        { name: 'spire', tier: 'bootstrap-kit', added: { requiredBy: ['openbao'] } },
        { name: 'openbao', tier: 'bootstrap-kit', added: { requiredBy: ['external-secrets'] } },
        { name: 'external-secrets', tier: 'bootstrap-kit', added: { requiredBy: ['cert-manager-dynadot-webhook', 'gitea', 'keycloak'] } },
        { name: 'cert-manager-dynadot-webhook', tier: 'mandatory', added: { requiredBy: ['mandatory'] } },
        { name: 'keycloak', tier: 'bootstrap-kit', added: { requiredBy: ['gitea'] } },
        { name: 'gitea', tier: 'bootstrap-kit' },
      ],
      edges: [
        { from: 'cilium', to: 'cert-manager' },
        { from: 'cert-manager', to: 'cert-manager-dynadot-webhook' },
        { from: 'external-secrets', to: 'cert-manager-dynadot-webhook' },
        { from: 'flux', to: 'cnpg' },
        { from: 'hcloud-csi', to: 'cnpg' },
        { from: 'cert-manager', to: 'external-secrets' },
        { from: 'openbao', to: 'external-secrets' },
        { from: 'cert-manager', to: 'flux' },
        { from: 'hcloud-cloud-controller-manager', to: 'flux' },
        { from: 'cnpg', to: 'gitea' },
        { from: 'external-secrets', to: 'gitea' },
        { from: 'hcloud-csi', to: 'gitea' },
        { from: 'keycloak', to: 'gitea' },
        { from: 'cilium', to: 'hcloud-cloud-controller-manager' },
        { from: 'hcloud-cloud-controller-manager', to: 'hcloud-csi' },
        { from: 'cert-manager', to: 'keycloak' },
        { from: 'cnpg', to: 'keycloak' },
        { from: 'external-secrets', to: 'keycloak' },
        { from: 'hcloud-csi', to: 'keycloak' },
        { from: 'hcloud-csi', to: 'openbao' },
        { from: 'spire', to: 'openbao' },
        { from: 'cert-manager', to: 'spire' },
        { from: 'hcloud-csi', to: 'spire' },
      ],
      text: runCli(['graph', spec, '--format', 'dot']).out,
    });
  });

  it('an invalid spec: exit 1 with the problems; a missing file: exit 2', () => {
    const bad = specInstalling(['kafka']);
    const r = runCli(['graph', bad]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('spec.blueprints.install[0]: "kafka": is not a Blueprint this catalog knows');
    expect(runCli(['graph', join(tmpdir(), 'no-such-spec.yaml')]).code).toBe(2);
  });
});
