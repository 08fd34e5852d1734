/**
 * The ExternalDNS Blueprint: its values for a real cluster, the PowerDNS facts it reads through the
 * cluster (API URL, key Secret, namespace) and follows when they change, its props from YAML, and its
 * values against the pinned chart's data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { builtinCatalog, CertManager, ExternalDns, ExternalSecrets, PowerDns } from '../../blueprints';
import { Sovereign } from '../../app/sovereign';
import { checkValues, findChartDir, loadChart } from '../../lib/chart-check';
import { Cluster } from '../../lib/cluster';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems } from '../support/props';
import { find, renderedValues, renderObjects, SOLO_ATTRIBUTES, testCluster, type Json } from '../support/render';
import { ROOT } from '../support/synth';

const ctx = testCluster();
const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
const withProps = (props: Record<string, unknown>) => stringify({ ...solo, spec: { ...solo.spec, blueprints: { props } } });

/** The NetworkPolicies a Blueprint instance renders in `cluster`, by name. */
function policies(bp: ExternalDns | PowerDns, cluster: Cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('ExternalDNS values', () => {
  it('domain filters and TXT owner default to the Sovereign FQDN and the cluster, and props override them', () => {
    const defaults = renderedValues(new ExternalDns());
    expect(defaults.domainFilters).toEqual(['solo.example.org']);
    expect(defaults.txtOwnerId).toBe('hz-fsn-mgt-prod');
    expect(defaults.provider).toEqual({ name: 'pdns' });
    const custom = renderedValues(new ExternalDns({ domainFilters: ['a.example.org', 'b.example.org'], txtOwnerId: 'region-b', policy: 'upsert-only' }));
    expect(custom.domainFilters).toEqual(['a.example.org', 'b.example.org']);
    expect(custom.txtOwnerId).toBe('region-b');
    expect(custom.policy).toBe('upsert-only');
  });

  it('talks to the PowerDNS API in the namespace PowerDNS really runs in, key from a Secret', () => {
    expect(ctx.blueprint(PowerDns).apiUrl).toBe('http://powerdns.powerdns.svc.cluster.local:8081');
    const values = renderedValues(new ExternalDns());
    expect(values.extraArgs).toEqual(['--pdns-server=http://powerdns.powerdns.svc.cluster.local:8081']);
    expect(values.env).toEqual([{ name: 'EXTERNAL_DNS_PDNS_API_KEY', valueFrom: { secretKeyRef: { name: 'powerdns-api-credentials', key: 'api-key' } } }]);
    expect(JSON.stringify(values)).not.toContain('pdns-api-version');
  });

  it('merges raw values last: maps merge key by key, lists replace, typed props lose to raw values', () => {
    const values = renderedValues(new ExternalDns({ domainFilters: ['typed.example.org'], values: { domainFilters: ['raw.example.org'], logLevel: 'debug', provider: { webhook: { args: ['x'] } } } }));
    expect(values.domainFilters).toEqual(['raw.example.org']);
    expect(values.logLevel).toBe('debug');
    expect(values.provider).toEqual({ name: 'pdns', webhook: { args: ['x'] } });
    expect(values.txtOwnerId).toBe('hz-fsn-mgt-prod');
  });

  it('sets only keys the pinned chart declares, with default and with every prop set', () => {
    const chart = loadChart(findChartDir(CHARTS_DIR, ExternalDns.metadata.chart!.chart, ExternalDns.metadata.chart!.version)!);
    const all = new ExternalDns({ domainFilters: ['a.example.org'], txtOwnerId: 'o', sources: ['service'], policy: 'create-only', pdnsServer: 'https://dns.example.org', apiKeySecret: { name: 'k', key: 'v' } });
    for (const bp of [new ExternalDns(), all]) expect(checkValues(renderedValues(bp), chart).problems).toEqual([]);
  });
});

describe('PowerDNS facts read through the cluster', () => {
  it('depends on PowerDNS by name (its module imports this one), and the catalog resolves the name', () => {
    expect(ExternalDns.metadata.dependsOn).toEqual([CertManager, 'powerdns', ExternalSecrets]);
    expect(builtinCatalog().dependenciesOf('external-dns')).toEqual(['cert-manager', 'external-secrets', 'powerdns']);
  });

  it('agrees with PowerDNS on each other\'s namespace and the API port', () => {
    const egress = policies(new ExternalDns()).get('allow-egress-namespace-powerdns-8081')!;
    expect(egress.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PowerDns.metadata.namespace } } }]);
    expect(policies(ctx.blueprint(PowerDns)).has(`allow-ingress-namespace-${ExternalDns.metadata.namespace}-8081`)).toBe(true);
  });

  it('a renamed API key Secret on PowerDNS is followed: same name and key, and no second generated Secret', () => {
    const pdns = new PowerDns({ apiKeySecret: { name: 'pdns-key', key: 'token' } });
    const cluster = testCluster({}, [pdns]);
    expect(renderedValues(new ExternalDns(), cluster).env[0].valueFrom.secretKeyRef).toEqual({ name: 'pdns-key', key: 'token' });
    expect(renderObjects(new ExternalDns(), cluster).filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
  });

  it('copies PowerDNS\'s generated API key Secret into its namespace instead of generating a second value', () => {
    expect(new ExternalDns().generatedSecrets(ctx)).toEqual([]);
    const copy = find(renderObjects(new ExternalDns()), 'ExternalSecret', 'powerdns-api-credentials');
    expect(copy.metadata.namespace).toBe('external-dns');
    expect(copy.spec.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: 'powerdns-api-credentials', property: 'api-key' } }]);
    const store = find(renderObjects(new ExternalDns()), 'SecretStore', copy.spec.secretStoreRef.name);
    expect(store.spec.provider.kubernetes.remoteNamespace).toBe('powerdns');
    expect(renderObjects(new ExternalDns({ apiKeySecret: { name: 'x', key: 'y' } })).filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
  });

  it('a PowerDNS moved to another namespace and release (a catalog override) is followed by the URL and the egress rule', () => {
    class CorporateDns extends PowerDns {
      static override readonly metadata = { ...PowerDns.metadata, namespace: 'dns', releaseName: 'auth' };
    }
    const cluster = testCluster({}, [new CorporateDns()]);
    expect(renderedValues(new ExternalDns(), cluster).extraArgs).toEqual(['--pdns-server=http://auth-powerdns.dns.svc.cluster.local:8081']);
    const names = [...policies(new ExternalDns(), cluster).keys()];
    expect(names).toContain('allow-egress-namespace-dns-8081');
    expect(names).not.toContain('allow-egress-namespace-powerdns-8081');
  });

  it('in a Sovereign, PowerDNS props rename the key Secret for both, and it is generated in neither namespace', () => {
    const sovereign = Sovereign.fromYaml(withProps({ powerdns: { apiKeySecret: { name: 'pdns-key', key: 'token' } } }));
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-external-dns/helmrelease.yaml')!);
    expect(release.spec.values.env[0].valueFrom.secretKeyRef).toEqual({ name: 'pdns-key', key: 'token' });
    const cluster = sovereign.clusters[0]!.cluster;
    expect(sovereign.blueprints.flatMap((p) => p.blueprint.generatedSecrets(cluster)).map((s) => s.name)).not.toContain('powerdns-api-credentials');
  });

  it('records its reads of PowerDNS, and a cluster without PowerDNS says what is missing', () => {
    const cluster = testCluster();
    renderObjects(cluster.blueprint(ExternalDns), cluster);
    expect(cluster.references.get('external-dns')).toEqual(['external-secrets', 'powerdns']);
    const bare = Cluster.fromAttributes(SOLO_ATTRIBUTES, [new CertManager(), new ExternalDns()]);
    expect(() => bare.blueprint(ExternalDns).bind(new Chart(new App(), 'apps'), bare)).toThrow(
      'apps/external-dns (Blueprint external-dns, ExternalDns): Blueprint external-dns reads powerdns, but cluster hz-fsn-mgt-prod has no Blueprint "powerdns"; add "powerdns" to external-dns\'s dependsOn or install it in the cluster',
    );
  });
});

describe('ExternalDNS props from YAML (spec.blueprints.props.external-dns)', () => {
  it('accepts the documented shapes', () => {
    expect(blueprintPropsProblems('external-dns', { domainFilters: ['a.example.org'], txtOwnerId: 'region-b', sources: ['service', 'gateway-httproute'], policy: 'upsert-only', pdnsServer: 'http://pdns.example.org:8081', apiKeySecret: { name: 'k', key: 'api-key' } })).toEqual([]);
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    const problems = blueprintPropsProblems('external-dns', { domainFilters: [], policy: 'all', pdnsServer: 'ftp://x', txtOwnerId: 'a,b', sources: ['Service'] });
    const at = (field: string) => `spec.blueprints.props.external-dns.${field}`;
    expect(problems).toContainEqual({ path: at('domainFilters'), value: [], message: 'Too small: expected array to have >=1 items' });
    expect(problems).toContainEqual({ path: at('policy'), value: 'all', message: 'must be sync, upsert-only or create-only' });
    expect(problems).toContainEqual({ path: at('pdnsServer'), value: 'ftp://x', message: 'must be an http:// or https:// URL such as http://powerdns.powerdns.svc.cluster.local:8081' });
    expect(problems).toContainEqual({ path: at('txtOwnerId'), value: 'a,b', message: "must be an owner ID of at most 63 letters, digits, '-', '_' and '.'" });
    expect(problems).toContainEqual({ path: at('sources[0]'), value: 'Service', message: 'must be an ExternalDNS source name such as service, ingress or gateway-httproute' });
  });
});
