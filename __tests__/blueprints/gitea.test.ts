/**
 * The Gitea Blueprint: domain, credentials and Ingress from its props, the Ingress's issuer read from
 * the cert-manager Blueprint (renamed through props, Gitea follows), its network allowances, its
 * props from YAML, and its PostgreSQL image and port against the pinned chart.
 */
import { CertManager, Cnpg, Gitea, Keycloak } from '../../blueprints';
import { GITEA_HTTP_PORT } from '../../blueprints/platform/gitea';
import { ACME_HTTP01_SOLVER_PORT } from '../../blueprints/platform/cert-manager';
import { CHARTS } from '../../lib/versions';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

/** The NetworkPolicies a Gitea instance renders, by name. */
function policies(bp: Gitea): Map<string, Json> {
  return new Map(renderObjects(bp, ctx).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Gitea', () => {
  it('defaults the domain to gitea.<fqdn> and reads the admin password from an existing Secret', () => {
    const values = renderedValues(new Gitea());
    expect(values.gitea.config.server).toEqual({ DOMAIN: 'gitea.solo.example.org', SSH_DOMAIN: 'gitea.solo.example.org', ROOT_URL: 'https://gitea.solo.example.org/' });
    expect(values.gitea.admin).toEqual({ existingSecret: 'gitea-admin', email: 'platform@example.org' });
    expect(values.ingress).toEqual({ enabled: false });
    const custom = renderedValues(new Gitea({ domain: 'git.example.org', ingressClassName: 'cilium', adminSecret: 'root-creds' }));
    expect(custom.gitea.config.server.DOMAIN).toBe('git.example.org');
    expect(custom.gitea.admin.existingSecret).toBe('root-creds');
    expect(custom.ingress).toMatchObject({ enabled: true, className: 'cilium', hosts: [{ host: 'git.example.org', paths: [{ path: '/', pathType: 'Prefix' }] }] });
  });

  it('switches the Redis subcharts of chart 10.5.0 off and sets no Valkey value (Valkey arrived in chart 12.0.0)', () => {
    const values = renderedValues(new Gitea());
    expect(values.redis).toEqual({ enabled: false });
    expect(values['redis-cluster']).toEqual({ enabled: false });
    expect(Object.keys(values).filter((k) => k.startsWith('valkey'))).toEqual([]);
  });

  it('declares the admin Secret (user gitea_admin) for generation unless the props name one, and no database password (the operator writes it)', () => {
    expect(new Gitea().generatedSecrets(ctx)).toEqual([{ name: 'gitea-admin', namespaces: ['gitea'], fixed: { username: 'gitea_admin' }, randomKeys: ['password'] }]);
    expect(new Gitea({ adminSecret: 'mine' }).generatedSecrets(ctx)).toEqual([]);
  });

  it('connects to its CloudNativePG cluster: host, database, user and Secret equal the Cluster the operator runs, both PostgreSQL subcharts off', () => {
    const gitea = new Gitea({ database: { instances: 2 } });
    const cluster = testCluster({}, [gitea]);
    const values = renderedValues(gitea, cluster);
    const db = cluster.blueprint(Cnpg).database(cluster, gitea);
    expect(values.gitea.config.database).toEqual({ DB_TYPE: 'postgres', HOST: `${db.host}:${db.port}`, NAME: db.database, USER: db.user, SSL_MODE: 'require' });
    expect(values.gitea.additionalConfigFromEnvs).toEqual([{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: db.secret, key: 'password' } } }]);
    expect([values.postgresql, values['postgresql-ha']]).toEqual([{ enabled: false }, { enabled: false }]);
    const pg = find(renderObjects(gitea, cluster), 'Cluster', db.cluster);
    expect(pg.metadata.namespace).toBe('gitea');
    expect(pg.spec.instances).toBe(2);
    expect(`${pg.metadata.name}-rw.${pg.metadata.namespace}.svc.cluster.local`).toBe(db.host);
    expect(`${pg.metadata.name}-app`).toBe(db.secret);
  });

  it('takes an external database from its props instead: no CloudNativePG cluster, the password from the named Secret', () => {
    const gitea = new Gitea({ externalDatabase: { host: 'pg.corp.example', port: 6432, database: 'git', user: 'git', passwordSecret: 'git-db', sslMode: 'verify-full' } });
    const values = renderedValues(gitea);
    expect(values.gitea.config.database).toEqual({ DB_TYPE: 'postgres', HOST: 'pg.corp.example:6432', NAME: 'git', USER: 'git', SSL_MODE: 'verify-full' });
    expect(values.gitea.additionalConfigFromEnvs).toEqual([{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: 'git-db', key: 'password' } } }]);
    expect(renderObjects(gitea).filter((o) => o.kind === 'Cluster')).toEqual([]);
    expect(new Gitea({ database: { backups: true } }).s3Buckets(ctx).map((b) => b.bucket)).toEqual(['gitea-pg-backups']);
  });

  it('logs people in through Keycloak by default: its client in the realm, the secret from the copied client Secret', () => {
    const gitea = new Gitea();
    const cluster = testCluster({}, [gitea]);
    const client = cluster.blueprint(Keycloak).oidcClient(cluster, gitea);
    const values = renderedValues(gitea, cluster);
    expect(values.gitea.oauth).toEqual([
      { name: 'Keycloak', provider: 'openidConnect', key: 'gitea', secret: '${GITEA_OAUTH_CLIENT_SECRET}', autoDiscoverUrl: 'https://auth.solo.example.org/realms/example/.well-known/openid-configuration', groupClaimName: 'groups' },
    ]);
    expect(values.deployment.env).toEqual([{ name: 'GITEA_OAUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: client.secret.name, key: client.secretKey } } }]);
    expect(gitea.oidcClients(cluster)).toEqual([{ clientId: 'gitea', name: 'Gitea', redirectUris: ['https://gitea.solo.example.org/user/oauth2/Keycloak/callback'], rootUrl: 'https://gitea.solo.example.org' }]);
    const copy = find(renderObjects(gitea, cluster), 'ExternalSecret', client.secret.name);
    expect(copy.metadata.namespace).toBe('gitea');
    expect(cluster.references.get('gitea')).toEqual(expect.arrayContaining(['cnpg', 'keycloak']));
    const moved = testCluster({ fqdn: 'omantel.omani.works', organization: 'omantel' }, [new Gitea()]);
    expect(renderedValues(moved.blueprint(Gitea), moved).gitea.oauth[0].autoDiscoverUrl).toBe('https://auth.omantel.omani.works/realms/omantel/.well-known/openid-configuration');
  });

  it('turns the Keycloak login off, or uses another provider with its own Secret', () => {
    const off = new Gitea({ oidc: false });
    expect(renderedValues(off).gitea.oauth).toEqual([]);
    expect(renderedValues(off).deployment.env).toEqual([]);
    expect(off.oidcClients(ctx)).toEqual([]);
    const other = new Gitea({ oidcProvider: { name: 'corp', discoveryUrl: 'https://sso.corp.example/.well-known/openid-configuration', secretName: 'corp-oidc' } });
    expect(renderedValues(other).gitea.oauth).toEqual([{ name: 'corp', provider: 'openidConnect', existingSecret: 'corp-oidc', autoDiscoverUrl: 'https://sso.corp.example/.well-known/openid-configuration' }]);
    expect(other.oidcClients(ctx)).toEqual([]);
  });

  it('lets cert-manager\'s HTTP-01 solver answer only when the Blueprint renders its Ingress', () => {
    expect(policies(new Gitea()).has(`allow-ingress-anywhere-${ACME_HTTP01_SOLVER_PORT}`)).toBe(false);
    const withIngress = policies(new Gitea({ ingressClassName: 'cilium' }));
    expect(withIngress.get('allow-ingress-anywhere-8089')!.spec.ingress).toEqual([{ ports: [{ port: 8089, protocol: 'TCP' }] }]);
    expect(withIngress.has('allow-ingress-anywhere-3000')).toBe(true);
  });
});

describe('Gitea\'s Ingress issuer, a fact of the cert-manager Blueprint', () => {
  it('follows the issuer renamed through cert-manager\'s props, and records the reference', () => {
    const gitea = new Gitea({ ingressClassName: 'cilium' });
    const cluster = testCluster({}, [new CertManager({ issuerName: 'corp-acme' }), gitea]);
    const values = renderedValues(gitea, cluster);
    expect(values.ingress.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'corp-acme' });
    expect(cluster.references.get('gitea')).toEqual(['cert-manager', 'cnpg', 'external-secrets', 'keycloak']);
  });

  it('takes its own issuer when cert-manager creates none, and says so when neither names one', () => {
    const noIssuer = testCluster({}, [new CertManager({ clusterIssuer: false })]);
    expect(renderedValues(new Gitea({ ingressClassName: 'cilium', clusterIssuer: 'vault-pki' }), noIssuer).ingress.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'vault-pki' });
    expect(() => renderedValues(new Gitea({ ingressClassName: 'cilium' }), noIssuer)).toThrow(/Blueprint gitea, Gitea\): cert-manager creates no ClusterIssuer \(props.clusterIssuer is false\); name your own issuer/);
  });
});

describe('Gitea against the pinned chart', () => {
  const chart = chartValues('gitea', 'gitea', CHARTS.gitea.version);
  const values = renderedValues(new Gitea());

  it('turns off the PostgreSQL subcharts the chart enables by default, so it sets no PostgreSQL image', () => {
    expect(chart['postgresql-ha'].enabled).toBe(true);
    expect(values.postgresql).toEqual({ enabled: false });
    expect(values['postgresql-ha']).toEqual({ enabled: false });
    expect(values.global).toBeUndefined();
  });

  it('sets only values the chart declares, or reads in a template (the app.ini sections), and gives deployment.env to the init script', () => {
    expect(chartValueProblems(new Gitea())).toEqual([]);
    expect(chartValueProblems(new Gitea({ ingressClassName: 'cilium', externalDatabase: { host: 'pg.corp.example', database: 'git', user: 'git', passwordSecret: 'git-db' } }))).toEqual([]);
    expect(chart.deployment.env).toEqual([]);
    expect(chart.gitea.oauth).toEqual([]);
  });

  it('opens the HTTP port the chart serves', () => {
    expect(chart.service.http.port).toBe(GITEA_HTTP_PORT);
    expect(Gitea.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['anywhere', [{ port: GITEA_HTTP_PORT }]]]);
  });
});

describe('Gitea props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = {
      domain: 'git.example.org',
      adminSecret: 'git-admin',
      database: { instances: 2, storageSize: '20Gi' },
      storageSize: '50Gi',
      ingressClassName: 'cilium',
      clusterIssuer: 'corp-acme',
      oidcProvider: { name: 'corp', discoveryUrl: 'https://sso.corp.example/.well-known/openid-configuration', secretName: 'gitea-oidc' },
    };
    const { sovereign, blueprint } = fromYamlProps<Gitea>('gitea', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'gitea');
    expect(values.gitea.config.server.ROOT_URL).toBe('https://git.example.org/');
    expect(values.persistence.size).toBe('50Gi');
    expect(values.ingress.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'corp-acme' });
    expect(values.gitea.oauth).toEqual([{ name: 'corp', provider: 'openidConnect', existingSecret: 'gitea-oidc', autoDiscoverUrl: props.oidcProvider.discoveryUrl }]);
  });

  it('rejects a single-label domain, a padded size, a plain-HTTP discovery URL and a missing OIDC field', () => {
    expect(blueprintPropsProblems('gitea', { domain: 'localhost', storageSize: '020Gi', oidcProvider: { name: 'kc', discoveryUrl: 'http://auth.example.org/' } })).toEqual([
      { path: 'spec.blueprints.props.gitea.domain', value: 'localhost', message: 'must be a lowercase DNS name with at least two labels, e.g. git.example.org' },
      { path: 'spec.blueprints.props.gitea.storageSize', value: '020Gi', message: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' },
      { path: 'spec.blueprints.props.gitea.oidcProvider.secretName', value: undefined, message: 'is required (a string)' },
      { path: 'spec.blueprints.props.gitea.oidcProvider.discoveryUrl', value: 'http://auth.example.org/', message: 'must be an https:// URL, e.g. https://auth.example.org/realms/x/.well-known/openid-configuration' },
    ]);
  });
});
