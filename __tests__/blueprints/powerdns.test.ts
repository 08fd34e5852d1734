/**
 * The PowerDNS Blueprint: its values for a real cluster, its typed attributes (API URL, port, key
 * Secret, namespace), the API allowance that exists only for an installed ExternalDNS, its props
 * from YAML, and its values against the pinned chart's data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CertManager, Cnpg, ExternalDns, ExternalSecrets, PowerDns } from '../../blueprints';
import { Sovereign } from '../../app/sovereign';
import { checkValues, findChartDir, loadChart, loadCrds, validateCustomResource } from '../../lib/chart-check';
import { Cluster } from '../../lib/cluster';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems } from '../support/props';
import { find, renderedValues, renderObjects, SOLO_ATTRIBUTES, testCluster, type Json } from '../support/render';
import { ROOT } from '../support/synth';

const ctx = testCluster();
const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));

/** The NetworkPolicies a PowerDNS instance renders in `cluster`, by name. */
function policies(bp: PowerDns, cluster: Cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('PowerDNS values', () => {
  it('the Sovereign zone, credentials only as Secret references, no reference-only namespaces', () => {
    const values = renderedValues(new PowerDns());
    expect(values.replicaCount).toBe(3);
    expect(values.powerdns.zoneName).toBe('solo.example.org.');
    expect(values.powerdns.api.key).toEqual({ name: 'powerdns-api-credentials', key: 'api-key' });
    expect(values.powerdns.webserver.bindPort).toBe(8081);
    expect(values.powerdns.db.driver).toBe('gpgsql');
    expect(values.powerdns.db.password).toEqual({ name: 'powerdns-pg-app', key: 'password' });
    expect(values.powerdns.additionalConfig).toContain('gpgsql-dnssec=yes');
    const custom = renderedValues(new PowerDns({ zone: 'dns.example.org.', dnssec: false, luaRecords: false, databaseSecret: 'pdns-db' }));
    expect(custom.powerdns.zoneName).toBe('dns.example.org.');
    expect(custom.powerdns.additionalConfig).toBe('');
    expect(custom.powerdns.db.host).toEqual({ name: 'pdns-db', key: 'host' });
  });

  it('generates the API key Secret in its namespace unless the props name one of your own', () => {
    expect(new PowerDns().generatedSecrets(ctx)).toEqual([{ name: 'powerdns-api-credentials', namespaces: ['powerdns'], randomKeys: ['api-key'] }]);
    expect(new PowerDns({ apiKeySecret: { name: 'pdns-key', key: 'token' } }).generatedSecrets(ctx)).toEqual([]);
  });

  it('sets only keys the pinned chart declares or its templates read, with default and with every prop set', () => {
    const chart = loadChart(findChartDir(CHARTS_DIR, PowerDns.metadata.chart!.chart, PowerDns.metadata.chart!.version)!);
    const all = new PowerDns({ replicas: 2, zone: 'dns.example.org', apiKeySecret: { name: 'k', key: 'v' }, databaseSecret: 'db', dnssec: false, luaRecords: false });
    for (const bp of [new PowerDns(), all]) expect(checkValues(renderedValues(bp), chart, PowerDns.metadata.templateValues).problems).toEqual([]);
    expect(checkValues({ powerdns: { webserver: { bindPort: 'http' } } }, chart).problems.map((p) => p.path)).toEqual(['powerdns.webserver.bindPort']);
  });
});

describe('PowerDNS database (CloudNativePG)', () => {
  const crds = loadCrds(join(CHARTS_DIR, 'cnpg'));

  it('renders its own CNPG Cluster and reads exactly the Secret the operator writes for it', () => {
    const pdns = ctx.blueprint(PowerDns);
    const objects = renderObjects(pdns, ctx);
    const db = ctx.blueprint(Cnpg).database(ctx, pdns);
    const pg = find(objects, 'Cluster', 'powerdns-pg');
    expect(pg.metadata.namespace).toBe(pdns.namespace);
    expect(validateCustomResource(pg, crds).problems).toEqual([]);
    expect(db.secret).toBe(`${pg.metadata.name}-app`);
    const refs = renderedValues(pdns).powerdns.db;
    expect(refs).toMatchObject({ host: { name: db.secret, key: 'host' }, port: { name: db.secret, key: 'port' }, name: { name: db.secret, key: 'dbname' }, username: { name: db.secret, key: 'username' }, password: { name: db.secret, key: 'password' } });
    expect(pg.spec.bootstrap.initdb).toEqual({ database: db.database, owner: db.user });
  });

  it('depends on CloudNativePG (and external-secrets, for its API key), and sizes its database from props.database', () => {
    expect(PowerDns.metadata.dependsOn).toEqual([CertManager, Cnpg, ExternalSecrets]);
    const pg = find(renderObjects(new PowerDns({ database: { instances: 2, storageSize: '5Gi' } })), 'Cluster', 'powerdns-pg');
    expect(pg.spec).toMatchObject({ instances: 2, enablePDB: true, storage: { size: '5Gi' } });
  });

  it('renders no database for an external one, and lets the operator in only when it has its own', () => {
    const objects = renderObjects(new PowerDns({ databaseSecret: 'pdns-db' }));
    expect(objects.filter((o) => o.kind === 'Cluster')).toEqual([]);
    expect(policies(new PowerDns({ databaseSecret: 'pdns-db' })).has('allow-ingress-namespace-cnpg-system-5432-8000')).toBe(false);
    expect(policies(new PowerDns()).has('allow-ingress-namespace-cnpg-system-5432-8000')).toBe(true);
    expect(policies(new PowerDns()).has('allow-egress-apiserver-6443')).toBe(true);
  });
});

describe('PowerDNS typed attributes', () => {
  it('derive the API URL from the release, the chart\'s Service naming and the namespace', () => {
    const pdns = ctx.blueprint(PowerDns);
    expect({ namespace: pdns.namespace, serviceName: pdns.serviceName, apiPort: pdns.apiPort, apiKeySecret: pdns.apiKeySecret }).toEqual({
      namespace: 'powerdns',
      serviceName: 'powerdns',
      apiPort: 8081,
      apiKeySecret: { name: 'powerdns-api-credentials', key: 'api-key' },
    });
    expect(pdns.apiUrl).toBe('http://powerdns.powerdns.svc.cluster.local:8081');
    class Moved extends PowerDns {
      static override readonly metadata = { ...PowerDns.metadata, namespace: 'dns', releaseName: 'auth' };
    }
    expect(new Moved().apiUrl).toBe('http://auth-powerdns.dns.svc.cluster.local:8081');
    expect(new PowerDns({ apiKeySecret: { name: 'pdns-key', key: 'token' } }).apiKeySecret).toEqual({ name: 'pdns-key', key: 'token' });
  });
});

describe('PowerDNS network', () => {
  it('checks LUA record targets on the internet only while LUA records are on', () => {
    expect(policies(new PowerDns()).has('allow-egress-internet-80-443')).toBe(true);
    expect(policies(new PowerDns({ luaRecords: false })).has('allow-egress-internet-80-443')).toBe(false);
  });

  it('opens the API to the namespace of the cluster\'s ExternalDNS, and only when the cluster has one', () => {
    const api = policies(new PowerDns()).get('allow-ingress-namespace-external-dns-8081')!;
    expect(api.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-dns' } } }], ports: [{ port: 8081, protocol: 'TCP' }] }]);
    const without = Cluster.fromAttributes(SOLO_ATTRIBUTES, [new CertManager(), new Cnpg(), new ExternalSecrets(), new PowerDns()]);
    const names = [...policies(without.blueprint(PowerDns), without).keys()];
    expect(names.filter((n) => n.startsWith('allow-ingress-'))).toEqual(['allow-ingress-cluster-5353', 'allow-ingress-namespace-cnpg-system-5432-8000']);
  });

  it('follows ExternalDNS into another namespace (a subclass overriding the built-in)', () => {
    class ElsewhereDns extends ExternalDns {
      static override readonly metadata = { ...ExternalDns.metadata, namespace: 'dns-sync' };
    }
    const cluster = testCluster({}, [new ElsewhereDns()]);
    const names = [...policies(cluster.blueprint(PowerDns), cluster).keys()];
    expect(names).toContain('allow-ingress-namespace-dns-sync-8081');
    expect(names).not.toContain('allow-ingress-namespace-external-dns-8081');
  });
});

describe('PowerDNS props from YAML (spec.blueprints.props.powerdns)', () => {
  it('accepts the documented shapes and renders them', () => {
    const props = { replicas: 2, zone: 'dns.example.org.', apiKeySecret: { name: 'pdns-key', key: 'token' }, databaseSecret: 'pdns-db', dnssec: false, luaRecords: false };
    expect(blueprintPropsProblems('powerdns', props)).toEqual([]);
    const spec = stringify({ ...solo, spec: { ...solo.spec, blueprints: { props: { powerdns: props } } } });
    const release = parse(Sovereign.fromYaml(spec).gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-powerdns/helmrelease.yaml')!);
    expect(release.spec.values.replicaCount).toBe(2);
    expect(release.spec.values.powerdns.api.key).toEqual({ name: 'pdns-key', key: 'token' });
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    const problems = blueprintPropsProblems('powerdns', { replicas: 0, zone: 'Not A Zone', apiKeySecret: { name: 'Bad_Name', key: 'ok' }, dnssec: 'yes' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.powerdns.replicas', value: 0, message: 'Too small: expected number to be >=1' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.powerdns.zone', value: 'Not A Zone', message: 'must be a lowercase DNS name of at least two labels, such as example.org' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.powerdns.apiKeySecret.name', value: 'Bad_Name', message: expect.stringMatching(/^must be a Kubernetes object name/) });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.powerdns.dnssec', value: 'yes', message: 'must be a boolean, not a string' });
    expect(blueprintPropsProblems('powerdns', { apiKeySecret: { name: 'k' } })).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.powerdns.apiKeySecret.key' }));
  });
});
