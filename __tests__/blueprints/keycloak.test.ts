/**
 * The Keycloak Blueprint: replicas and Secrets from its props, the hostname from the cluster's auth
 * facts (shared with the Terraform side), Secrets generated only where the props name none, its props
 * from YAML, and its images and port against the pinned Bitnami chart.
 */
import { BUILTIN_BLUEPRINTS, Cnpg, Keycloak } from '../../blueprints';
import { HelmBlueprint, type HelmBlueprintProps } from '../../blueprints/helm';
import { KEYCLOAK_HTTP_PORT } from '../../blueprints/platform/keycloak';
import { Cluster } from '../../lib/cluster';
import { isOidcConsumer, type OidcClientClaim, type OidcConsumer } from '../../lib/services';
import { CHARTS, IMAGES } from '../../lib/versions';
import { podinfoMetadata } from '../support/blueprints';
import { find, renderedValues, renderObjects, SOLO_ATTRIBUTES, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

/** The solo cluster with every built-in Blueprint but those that claim OIDC clients. */
const noConsumers = Cluster.fromAttributes(SOLO_ATTRIBUTES, BUILTIN_BLUEPRINTS.map((cls) => new cls()).filter((bp) => !isOidcConsumer(bp)));

/** A consumer as a platform team would write one: a wiki that logs people in through Keycloak with the client ids it is given. */
class Wiki extends HelmBlueprint<HelmBlueprintProps & { clientIds?: string[] }> implements OidcConsumer {
  static readonly metadata = podinfoMetadata('wiki', 'A wiki logging people in through Keycloak', { dependsOn: [Keycloak] });
  oidcClients(cluster: Cluster): OidcClientClaim[] {
    const root = `https://wiki.${cluster.sovereign.fqdn}`;
    return (this.props.clientIds ?? ['wiki']).map((clientId) => ({ clientId, name: 'Wiki', redirectUris: [`${root}/oauth2/callback`], rootUrl: root }));
  }
  protected curatedValues(cluster: Cluster): Record<string, unknown> {
    const client = cluster.blueprint(Keycloak).oidcClient(cluster, this);
    return { oidc: { clientId: client.clientId, issuer: client.issuerUrl, tokenUrl: client.tokenUrl, secret: client.secret } };
  }
}

/** A second consumer, to show one realm holds every consumer's client. */
class Tracker extends Wiki {
  static readonly metadata = podinfoMetadata('tracker', 'An issue tracker logging people in through Keycloak', { dependsOn: [Keycloak] });
  oidcClients(cluster: Cluster): OidcClientClaim[] {
    const root = `https://tracker.${cluster.sovereign.fqdn}`;
    return [{ clientId: 'tracker', name: 'Tracker', redirectUris: [`${root}/login/*`], rootUrl: root }];
  }
  protected curatedValues(cluster: Cluster): Record<string, unknown> {
    return { issuer: cluster.blueprint(Keycloak).oidcClient(cluster, this, 'tracker').issuerUrl };
  }
}

/** The realm file the keycloak-config-cli Job imports, parsed, and the Job's extra environment. */
function realmOf(values: Json, realm: string): { file: Json; env: Json[] } {
  const cli = values.keycloakConfigCli;
  expect(Object.keys(cli.configuration)).toEqual([`${realm}.json`]);
  return { file: JSON.parse(cli.configuration[`${realm}.json`]), env: cli.extraEnvVars };
}

describe('Keycloak', () => {
  it('takes replicas and Secret names from typed props', () => {
    const defaults = renderedValues(new Keycloak());
    expect(defaults.replicaCount).toBe(1);
    expect(defaults.auth).toEqual({ adminUser: 'admin', existingSecret: 'keycloak-admin', passwordSecretKey: 'admin-password' });
    const custom = renderedValues(new Keycloak({ replicas: 3, adminSecret: 'kc-root' }));
    expect(custom.replicaCount).toBe(3);
    expect(custom.auth.existingSecret).toBe('kc-root');
  });

  it('connects to its CloudNativePG cluster: host, database, user and Secret equal the Cluster the operator runs, the embedded PostgreSQL off', () => {
    const keycloak = new Keycloak({ database: { instances: 2, storageSize: '20Gi' } });
    const cluster = testCluster({}, [keycloak]);
    const values = renderedValues(keycloak, cluster);
    const db = cluster.blueprint(Cnpg).database(cluster, keycloak);
    expect(values.postgresql).toEqual({ enabled: false });
    expect(values.externalDatabase).toEqual({ host: db.host, port: db.port, user: db.user, database: db.database, existingSecret: db.secret, existingSecretPasswordKey: 'password' });
    const pg = find(renderObjects(keycloak, cluster), 'Cluster', db.cluster);
    expect(pg.metadata.namespace).toBe('keycloak');
    expect(pg.spec).toMatchObject({ instances: 2, storage: { size: '20Gi' } });
    expect(`${pg.metadata.name}-rw.${pg.metadata.namespace}.svc.cluster.local`).toBe(db.host);
    expect(`${pg.metadata.name}-app`).toBe(db.secret);
    expect(cluster.references.get('keycloak')).toContain('cnpg');
  });

  it('takes an external database from its props instead: no CloudNativePG cluster, the password from the named Secret', () => {
    const keycloak = new Keycloak({ externalDatabase: { host: 'pg.corp.example', database: 'kc', user: 'kc', passwordSecret: 'kc-db' } });
    const values = renderedValues(keycloak);
    expect(values.externalDatabase).toEqual({ host: 'pg.corp.example', port: 5432, user: 'kc', database: 'kc', existingSecret: 'kc-db', existingSecretPasswordKey: 'password', extraParams: 'sslmode=require' });
    expect(renderObjects(keycloak).filter((o) => o.kind === 'Cluster')).toEqual([]);
    expect(keycloak.usesCnpg(ctx)).toBe(false);
    expect(new Keycloak({ database: { backups: true } }).s3Buckets(ctx)).toEqual([{ bucket: 'keycloak-pg-backups', purpose: 'PostgreSQL base backups and WAL archive (CloudNativePG)' }]);
    expect(new Keycloak().s3Buckets(ctx)).toEqual([]);
  });

  it('runs production mode behind the proxy with its hostname auth.<fqdn> from the cluster context', () => {
    const omantel = testCluster({ fqdn: 'omantel.omani.works', sovereign: 'omantel', organization: 'omantel', nodeCount: 1 });
    const values = renderedValues(new Keycloak(), omantel);
    expect(values).toMatchObject({ production: true, proxyHeaders: 'xforwarded' });
    expect(values.extraEnvVars).toEqual([{ name: 'KC_HOSTNAME', value: `https://${omantel.auth.hostname}` }]);
    expect(omantel.auth.hostname).toBe('auth.omantel.omani.works');
    expect(omantel.auth.issuerUrl.startsWith(`https://${omantel.auth.hostname}/`)).toBe(true);
  });

  it('declares the admin Secret for generation unless the props name one, and the database password for none (the operator writes it)', () => {
    expect(new Keycloak().generatedSecrets(noConsumers)).toEqual([{ name: 'keycloak-admin', namespaces: ['keycloak'], randomKeys: ['admin-password'] }]);
    expect(new Keycloak({ adminSecret: 'mine' }).generatedSecrets(noConsumers)).toEqual([]);
  });

  it('explains the Bitnami preset values with a note each', () => {
    expect(new Keycloak().valueNotes(ctx).map((n) => n.path.slice(2).join('.'))).toEqual([
      'global.security.allowInsecureImages',
      'image.repository',
      'keycloakConfigCli.image.repository',
      'networkPolicy.enabled',
    ]);
  });
});

describe('Keycloak as the OIDC issuer', () => {
  const wiki = new Wiki();
  const tracker = new Tracker();
  const withConsumers = testCluster({}, [wiki, tracker]);

  it('declares the realm with the Kubernetes client and every claimed client, with their redirect URIs, for the config Job', () => {
    const values = renderedValues(new Keycloak(), withConsumers);
    expect(values.keycloakConfigCli).toMatchObject({ enabled: true, image: { repository: IMAGES.keycloakConfigCli.repository, tag: IMAGES.keycloakConfigCli.tag } });
    const { file, env } = realmOf(values, 'example');
    expect(withConsumers.auth.realm).toBe('example');
    expect(file).toMatchObject({ realm: 'example', enabled: true });
    expect(file.clients.map((c: Json) => [c.clientId, c.publicClient, c.redirectUris, c.rootUrl])).toEqual([
      ['gitea', false, ['https://gitea.solo.example.org/user/oauth2/Keycloak/callback'], 'https://gitea.solo.example.org'],
      ['grafana', false, ['https://grafana.solo.example.org/login/generic_oauth'], 'https://grafana.solo.example.org/'],
      ['harbor', false, ['https://registry.solo.example.org/c/oidc/callback'], 'https://registry.solo.example.org'],
      ['kubernetes', true, ['http://localhost:8000', 'http://localhost:18000'], undefined],
      ['langfuse', false, ['https://langfuse.solo.example.org/api/auth/callback/keycloak'], 'https://langfuse.solo.example.org/'],
      ['tracker', false, ['https://tracker.solo.example.org/login/*'], 'https://tracker.solo.example.org'],
      ['wiki', false, ['https://wiki.solo.example.org/oauth2/callback'], 'https://wiki.solo.example.org'],
    ]);
    for (const c of file.clients) {
      expect(c).toMatchObject({ enabled: true, protocol: 'openid-connect', standardFlowEnabled: true, directAccessGrantsEnabled: false });
      expect(c.protocolMappers).toEqual([
        { name: 'groups', protocol: 'openid-connect', protocolMapper: 'oidc-group-membership-mapper', config: { 'claim.name': 'groups', 'full.path': 'false', 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' } },
      ]);
    }
    expect(file.clients.find((c: Json) => c.clientId === 'kubernetes').secret).toBeUndefined();
    expect(file.clients.filter((c: Json) => !c.publicClient).map((c: Json) => [c.clientAuthenticatorType, c.secret])).toEqual([
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_GITEA)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_GRAFANA)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_HARBOR)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_LANGFUSE)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_TRACKER)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_WIKI)'],
    ]);
    expect(env).toEqual([
      { name: 'IMPORT_VARSUBSTITUTION_ENABLED', value: 'true' },
      { name: 'KEYCLOAK_CLIENT_SECRET_GITEA', valueFrom: { secretKeyRef: { name: 'keycloak-client-gitea', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_GRAFANA', valueFrom: { secretKeyRef: { name: 'keycloak-client-grafana', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_HARBOR', valueFrom: { secretKeyRef: { name: 'keycloak-client-harbor', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_LANGFUSE', valueFrom: { secretKeyRef: { name: 'keycloak-client-langfuse', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_TRACKER', valueFrom: { secretKeyRef: { name: 'keycloak-client-tracker', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_WIKI', valueFrom: { secretKeyRef: { name: 'keycloak-client-wiki', key: 'client-secret' } } },
    ]);
  });

  it('declares only the Kubernetes client when no Blueprint claims one, with the API server\'s client id from the cluster facts', () => {
    const values = renderedValues(noConsumers.blueprint(Keycloak), noConsumers);
    const { file, env } = realmOf(values, 'example');
    expect(file.clients.map((c: Json) => c.clientId)).toEqual([ctx.auth.kubernetesClientId]);
    expect(env).toEqual([{ name: 'IMPORT_VARSUBSTITUTION_ENABLED', value: 'true' }]);
  });

  it('generates each confidential client\'s secret in the cluster, never the public Kubernetes client\'s', () => {
    const consumers = Cluster.fromAttributes(SOLO_ATTRIBUTES, [wiki, tracker]);
    expect(new Keycloak({ adminSecret: 'a' }).generatedSecrets(consumers)).toEqual([
      { name: 'keycloak-client-tracker', namespaces: ['keycloak'], randomKeys: ['client-secret'] },
      { name: 'keycloak-client-wiki', namespaces: ['keycloak'], randomKeys: ['client-secret'] },
    ]);
  });

  it('hands a consumer its client: issuer and endpoints from the cluster facts, the Secret in namespace keycloak', () => {
    const keycloak = withConsumers.blueprint(Keycloak);
    expect(keycloak.oidcClient(withConsumers, wiki)).toEqual({
      clientId: 'wiki',
      issuerUrl: 'https://auth.solo.example.org/realms/example',
      authorizeUrl: 'https://auth.solo.example.org/realms/example/protocol/openid-connect/auth',
      tokenUrl: 'https://auth.solo.example.org/realms/example/protocol/openid-connect/token',
      userInfoUrl: 'https://auth.solo.example.org/realms/example/protocol/openid-connect/userinfo',
      secret: { namespace: 'keycloak', name: 'keycloak-client-wiki', keys: ['client-secret'] },
      secretKey: 'client-secret',
    });
    expect(keycloak.oidcClient(withConsumers, wiki).issuerUrl).toBe(withConsumers.auth.issuerUrl);
  });

  it('moves every consumer\'s issuer and the realm with the organization and the FQDN', () => {
    const moved = testCluster({ fqdn: 'omantel.omani.works', organization: 'omantel' }, [wiki, tracker]);
    expect(renderedValues(wiki, moved).oidc).toMatchObject({ issuer: 'https://auth.omantel.omani.works/realms/omantel', tokenUrl: 'https://auth.omantel.omani.works/realms/omantel/protocol/openid-connect/token' });
    expect(renderedValues(tracker, moved).issuer).toBe('https://auth.omantel.omani.works/realms/omantel');
    const { file } = realmOf(renderedValues(new Keycloak(), moved), 'omantel');
    expect(file.realm).toBe('omantel');
    expect(file.clients.find((c: Json) => c.clientId === 'wiki').redirectUris).toEqual(['https://wiki.omantel.omani.works/oauth2/callback']);
  });

  it('records the consumer\'s read of Keycloak as its reference (the Flux edge), and Keycloak\'s reverse read of its consumers as none', () => {
    renderObjects(wiki, withConsumers);
    renderObjects(withConsumers.blueprint(Keycloak), withConsumers);
    expect(withConsumers.references.get('wiki')).toEqual(['keycloak']);
    expect(withConsumers.references.get('keycloak')).toEqual(['cnpg', 'external-secrets']);
  });

  it('refuses a client the consumer did not claim, naming the consumer and the client', () => {
    const keycloak = withConsumers.blueprint(Keycloak);
    expect(() => keycloak.oidcClient(withConsumers, wiki, 'tracker')).toThrow('Blueprint wiki reads the OIDC client "tracker" from Keycloak, but it claims "wiki"; return it from Wiki.oidcClients(cluster)');
    expect(() => keycloak.oidcClient(withConsumers, new Keycloak())).toThrow('Blueprint keycloak reads the OIDC client "keycloak" from Keycloak, but it claims none; return it from Keycloak.oidcClients(cluster)');
    expect(() => renderObjects(new Wiki({ clientIds: ['docs'] }))).toThrow('Blueprint wiki reads the OIDC client "wiki" from Keycloak, but it claims "docs"; return it from Wiki.oidcClients(cluster)');
  });

  it('refuses two claims of one client id, and a client id that cannot name a Secret, before anything is written', () => {
    const twice = testCluster({}, [new Wiki({ clientIds: ['tracker'] }), tracker]);
    expect(() => renderObjects(twice.blueprint(Keycloak), twice)).toThrow('Blueprints tracker and wiki both claim the OIDC client "tracker" in realm example; give one of them another client id');
    const kube = testCluster({}, [new Wiki({ clientIds: ['kubernetes'] })]);
    expect(() => kube.blueprint(Keycloak).generatedSecrets(kube)).toThrow('Blueprints kubernetes and wiki both claim the OIDC client "kubernetes" in realm example; give one of them another client id');
    const bad = testCluster({}, [new Wiki({ clientIds: ['Wiki_App'] })]);
    expect(() => bad.blueprint(Keycloak).realmClients(bad)).toThrow('Blueprint wiki claims the OIDC client id "Wiki_App", which is not lowercase letters, digits and "-" starting with a letter (at most 63 characters); use e.g. "wiki"');
  });

  it('keeps every client secret out of the rendered objects: only placeholders and Secret references', () => {
    const text = JSON.stringify(renderObjects(new Keycloak(), withConsumers));
    expect(text.match(/\$\(env:[A-Z_]+\)/g)).toEqual(['GITEA', 'GRAFANA', 'HARBOR', 'LANGFUSE', 'TRACKER', 'WIKI'].map((id) => `$(env:KEYCLOAK_CLIENT_SECRET_${id})`));
    expect(text).not.toMatch(/"secret":"(?!\$\(env:)/);
  });
});

describe('Keycloak against the pinned chart', () => {
  const chart = chartValues('keycloak', 'keycloak', CHARTS.keycloak.version);
  const values = renderedValues(new Keycloak());

  it('pins the legacy copy of exactly the image the chart defaults to, and no PostgreSQL image (the subchart is off)', () => {
    expect(chart.image).toMatchObject({ registry: 'docker.io', repository: 'bitnami/keycloak', tag: IMAGES.keycloak.tag });
    expect(values.image).toEqual({ repository: chart.image.repository.replace(/^bitnami\//, 'bitnamilegacy/'), tag: chart.image.tag });
    expect(chart.postgresql.enabled).toBe(true);
    expect(values.postgresql).toEqual({ enabled: false });
  });

  it('turns on the legacy-images switch and off the NetworkPolicy the chart enables by default', () => {
    expect(chart.global.security.allowInsecureImages).toBe(false);
    expect(chart.networkPolicy.enabled).toBe(true);
    expect(values.global.security.allowInsecureImages).toBe(true);
    expect(values.networkPolicy.enabled).toBe(false);
  });

  it('pins the legacy copy of the keycloak-config-cli image the chart defaults to, and sets only values the chart declares', () => {
    expect(chart.keycloakConfigCli.image).toMatchObject({ registry: 'docker.io', repository: 'bitnami/keycloak-config-cli', tag: IMAGES.keycloakConfigCli.tag });
    expect(values.keycloakConfigCli.image).toEqual({ repository: 'bitnamilegacy/keycloak-config-cli', tag: chart.keycloakConfigCli.image.tag });
    expect(chart.keycloakConfigCli).toMatchObject({ enabled: false, configuration: {}, extraEnvVars: [], existingConfigmap: '' });
    expect(chartValueProblems(new Keycloak())).toEqual([]);
  });

  it('opens the HTTP port the chart listens on', () => {
    expect(chart.containerPorts.http).toBe(KEYCLOAK_HTTP_PORT);
    expect(Keycloak.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['anywhere', [{ port: KEYCLOAK_HTTP_PORT }]]]);
  });
});

describe('Keycloak props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { replicas: 2, adminUser: 'root', adminSecret: 'kc-admin', externalDatabase: { host: 'pg.corp.example', port: 6432, database: 'kc', user: 'kc', passwordSecret: 'kc-db', sslMode: 'verify-full' } };
    const { sovereign, blueprint } = fromYamlProps<Keycloak>('keycloak', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'keycloak');
    expect(values.replicaCount).toBe(2);
    expect(values.auth).toMatchObject({ adminUser: 'root', existingSecret: 'kc-admin' });
    expect(values.externalDatabase).toMatchObject({ host: 'pg.corp.example', port: 6432, existingSecret: 'kc-db', extraParams: 'sslmode=verify-full' });
    const cnpg = fromYamlProps<Keycloak>('keycloak', { database: { instances: 3, storageSize: '50Gi', backups: true } });
    expect(cnpg.blueprint.props.database).toEqual({ instances: 3, storageSize: '50Gi', backups: true });
  });

  it('rejects a user name with spaces, a Secret name Kubernetes would refuse, and an external database without its password Secret', () => {
    expect(blueprintPropsProblems('keycloak', { adminUser: 'the admin', adminSecret: 'Keycloak_Admin', externalDatabase: { host: 'pg.corp.example', database: 'kc', user: 'kc', port: 70000 } })).toEqual([
      { path: 'spec.blueprints.props.keycloak.adminUser', value: 'the admin', message: 'must be a user name without spaces, e.g. admin' },
      { path: 'spec.blueprints.props.keycloak.adminSecret', value: 'Keycloak_Admin', message: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", e.g. my-secret' },
      { path: 'spec.blueprints.props.keycloak.externalDatabase.passwordSecret', value: undefined, message: 'is required (a string)' },
      { path: 'spec.blueprints.props.keycloak.externalDatabase.port', value: 70000, message: 'must be a TCP port, 1-65535' },
    ]);
  });
});
