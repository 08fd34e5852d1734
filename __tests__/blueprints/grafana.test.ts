/**
 * The Grafana Blueprint: datasources from the Loki, Mimir and Tempo Blueprints' query URLs, Keycloak
 * login from the OIDC client Keycloak hands out (secret copied, passed by env), the database from
 * CloudNativePG (rendered in its folder, password by env), the generated admin Secret, the objects
 * it renders, its references and network allowances, its props from YAML, and its values against
 * the pinned chart's data.
 */
import { App, Chart } from 'cdk8s';
import { CertManager, Cnpg, Grafana, Keycloak, Loki, Mimir, Tempo } from '../../blueprints';
import { grafanaDatasources, GRAFANA_OIDC_SECRET } from '../../blueprints/platform/grafana';
import { telemetryBackends } from '../../blueprints/telemetry-endpoints';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

/** The NetworkPolicies an instance renders, by name. */
function policies(bp: Grafana, cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Grafana datasources', () => {
  it('provisions Mimir (default), Loki and Tempo at the query URLs their Blueprints publish, linked by UID', () => {
    const file = renderedValues(new Grafana()).datasources['datasources.yaml'];
    expect(file).toEqual(grafanaDatasources(telemetryBackends(ctx)));
    const byName = new Map<string, Json>(file.datasources.map((d: Json) => [d.name, d]));
    expect(byName.get('Mimir')).toMatchObject({ type: 'prometheus', uid: 'mimir', url: ctx.blueprint(Mimir).queryUrl, isDefault: true });
    expect(byName.get('Loki')).toMatchObject({ type: 'loki', uid: 'loki', url: ctx.blueprint(Loki).queryUrl });
    expect(byName.get('Tempo')).toMatchObject({ type: 'tempo', uid: 'tempo', url: ctx.blueprint(Tempo).queryUrl });
    expect(byName.get('Tempo')!.jsonData).toMatchObject({ tracesToLogsV2: { datasourceUid: 'loki' }, serviceMap: { datasourceUid: 'mimir' } });
    expect(byName.get('Loki')!.jsonData.derivedFields[0]).toMatchObject({ datasourceUid: 'tempo', url: '$${__value.raw}' });
    expect(file.datasources.every((d: Json) => d.editable === false && d.access === 'proxy')).toBe(true);
  });

  it('follows a backend whose release moves (a subclass of the Tempo Blueprint)', () => {
    class OtherTempo extends Tempo {
      static override readonly metadata = { ...Tempo.metadata, namespace: 'traces' };
    }
    const cluster = testCluster({}, [new OtherTempo()]);
    const tempo = renderedValues(cluster.blueprint(Grafana), cluster).datasources['datasources.yaml'].datasources.find((d: Json) => d.uid === 'tempo');
    expect(tempo.url).toBe('http://tempo.traces.svc.cluster.local:3200');
    expect(policies(cluster.blueprint(Grafana), cluster).has('allow-egress-namespace-traces-3200')).toBe(true);
  });
});

describe('Grafana login, database and admin', () => {
  it('logs in through the Keycloak client it claims, with the secret only as an env var from the copied Secret', () => {
    const grafana = new Grafana();
    expect(grafana.oidcClients(ctx)).toEqual([{ clientId: 'grafana', name: 'Grafana', redirectUris: ['https://grafana.solo.example.org/login/generic_oauth'], rootUrl: 'https://grafana.solo.example.org/' }]);
    const client = ctx.blueprint(Keycloak).oidcClient(ctx, grafana);
    const values = renderedValues(grafana);
    expect(values['grafana.ini']['auth.generic_oauth']).toEqual({
      enabled: true,
      name: 'Keycloak',
      client_id: 'grafana',
      scopes: 'openid email profile',
      auth_url: client.authorizeUrl,
      token_url: client.tokenUrl,
      api_url: client.userInfoUrl,
      use_pkce: true,
      allow_sign_up: true,
      login_attribute_path: 'preferred_username',
    });
    expect(client.authorizeUrl.startsWith(`https://${ctx.auth.hostname}/`)).toBe(true);
    expect(values.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET).toEqual({ secretKeyRef: { name: GRAFANA_OIDC_SECRET, key: client.secretKey } });
    expect(JSON.stringify(values['grafana.ini'])).not.toMatch(/client_secret|password/);
    const copy = renderObjects(grafana).find((o) => o.kind === 'ExternalSecret' && o.metadata.name === GRAFANA_OIDC_SECRET);
    expect(copy?.metadata.namespace).toBe('grafana');
  });

  it('keeps its state in its CloudNativePG database, the password only from the operator\'s Secret', () => {
    const grafana = new Grafana({ database: { instances: 2, storageSize: '5Gi' } });
    const db = ctx.blueprint(Cnpg).database(ctx, grafana);
    const values = renderedValues(grafana);
    expect(values['grafana.ini'].database).toEqual({ type: 'postgres', host: `${db.host}:${db.port}`, name: db.database, user: db.user, ssl_mode: 'require' });
    expect(values.envValueFrom.GF_DATABASE_PASSWORD).toEqual({ secretKeyRef: { name: db.secret, key: 'password' } });
    expect(values.persistence).toEqual({ enabled: false });
    const cluster = find(renderObjects(grafana), 'Cluster', db.cluster);
    expect(cluster.metadata.namespace).toBe('grafana');
    expect(cluster.spec).toMatchObject({ instances: 2, storage: { size: '5Gi', storageClass: ctx.storageClass } });
  });

  it('drops Keycloak (client, env, copy) when oidc is off', () => {
    const grafana = new Grafana({ oidc: false });
    expect(grafana.oidcClients(ctx)).toEqual([]);
    const values = renderedValues(grafana);
    expect(values['grafana.ini']['auth.generic_oauth']).toBeUndefined();
    expect(Object.keys(values.envValueFrom)).toEqual(['GF_DATABASE_PASSWORD']);
    expect(renderObjects(grafana).some((o) => o.kind === 'ExternalSecret' && o.metadata.name === GRAFANA_OIDC_SECRET)).toBe(false);
    expect(policies(grafana).has('allow-egress-internet-443')).toBe(false);
  });

  it('generates the admin Secret in the cluster unless the props name one', () => {
    expect(new Grafana().generatedSecrets(ctx)).toEqual([{ name: 'grafana-admin', namespaces: ['grafana'], randomKeys: ['admin-password'], fixed: { 'admin-user': 'admin' } }]);
    expect(new Grafana({ adminSecret: 'break-glass' }).generatedSecrets(ctx)).toEqual([]);
    expect(renderedValues(new Grafana({ adminSecret: 'break-glass' })).admin).toEqual({ existingSecret: 'break-glass', userKey: 'admin-user', passwordKey: 'admin-password' });
  });

  it('uses its hostname everywhere, and an Ingress with the cert-manager issuer only when asked', () => {
    const values = renderedValues(new Grafana({ hostname: 'dash.example.org', ingressClassName: 'cilium' }));
    expect(values['grafana.ini'].server).toEqual({ domain: 'dash.example.org', root_url: 'https://dash.example.org/', enforce_domain: false });
    expect(values.ingress).toEqual({
      enabled: true,
      ingressClassName: 'cilium',
      annotations: { 'cert-manager.io/cluster-issuer': ctx.blueprint(CertManager).clusterIssuerName() },
      hosts: ['dash.example.org'],
      tls: [{ hosts: ['dash.example.org'], secretName: 'grafana-tls' }],
    });
    expect(renderedValues(new Grafana()).ingress).toEqual({ enabled: false });
    expect(new Grafana({ hostname: 'dash.example.org' }).oidcClients(ctx)[0]!.redirectUris).toEqual(['https://dash.example.org/login/generic_oauth']);
  });

  it('calls no one home and runs no root or test pod', () => {
    const values = renderedValues(new Grafana());
    expect(values['grafana.ini'].analytics).toEqual({ check_for_updates: false, reporting_enabled: false });
    expect(values.initChownData).toEqual({ enabled: false });
    expect(values.testFramework).toEqual({ enabled: false });
    const chartDefaults = chartValues('grafana', 'grafana', CHARTS.grafana.version);
    expect(chartDefaults.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 472 });
  });

  it('sets only values the pinned chart declares or its templates read, with every prop set', () => {
    const every = new Grafana({ hostname: 'dash.example.org', replicas: 2, oidc: true, adminSecret: 'a', ingressClassName: 'cilium', clusterIssuer: 'corp', database: { instances: 3 } });
    for (const bp of [new Grafana(), every, new Grafana({ oidc: false })]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Grafana wiring and network', () => {
  it('records its reads of every provider it uses (the reference edges, plus cert-manager)', () => {
    const cluster = testCluster({}, [new Grafana({ ingressClassName: 'cilium' })]);
    cluster.blueprint(Grafana).bind(new Chart(new App(), 'grafana'), cluster);
    expect(cluster.references.get('grafana')).toEqual(expect.arrayContaining(['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'loki', 'mimir', 'tempo']));
    expect(Grafana.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cnpg', 'loki', 'mimir', 'tempo', 'keycloak', 'cert-manager', 'external-secrets']);
  });

  it('accepts people through the Ingress controller and the operator on its database; reaches the backends\' query ports and Keycloak', () => {
    const all = policies(new Grafana());
    expect([...all.keys()].filter((n) => n.startsWith('allow-ingress-'))).toEqual(['allow-ingress-anywhere-3000', 'allow-ingress-namespace-cnpg-system-5432-8000']);
    expect([...all.keys()].filter((n) => n.startsWith('allow-egress-'))).toEqual([
      'allow-egress-namespace-mimir-8080',
      'allow-egress-namespace-loki-3100',
      'allow-egress-namespace-tempo-3200',
      'allow-egress-internet-443',
      'allow-egress-apiserver-6443',
    ]);
    expect(policies(new Grafana({ ingressClassName: 'cilium' })).has('allow-ingress-anywhere-8089')).toBe(true);
  });
});

describe('Grafana props from YAML (spec.blueprints.props.grafana)', () => {
  it('accepts the documented shapes and renders them', () => {
    const { sovereign } = fromYamlProps<Grafana>('grafana', { hostname: 'dash.example.org', replicas: 2, oidc: true, ingressClassName: 'cilium', database: { instances: 2 } });
    const values = treeValues(sovereign, 'grafana');
    expect(values.replicas).toBe(2);
    expect(values['grafana.ini'].server.root_url).toBe('https://dash.example.org/');
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    const problems = blueprintPropsProblems('grafana', { hostname: 'Dash', replicas: 9, oidc: 'on', database: { instances: 0 } });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.grafana.hostname', value: 'Dash', message: 'must be a lowercase DNS name with at least two labels, e.g. git.example.org' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.grafana.replicas', value: 9, message: 'must be a whole number from 1 to 5' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.grafana.oidc', value: 'on', message: 'must be a boolean, not a string' });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.grafana.database.instances', value: 0 }));
  });
});
