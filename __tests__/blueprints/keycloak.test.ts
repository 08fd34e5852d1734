/**
 * The Keycloak Blueprint: replicas and Secrets from its props, the hostname from the cluster's auth
 * facts (shared with the Terraform side), Secrets generated only where the props name none, its props
 * from YAML, and its images and port against the pinned Bitnami chart.
 */
import { Keycloak } from '../../blueprints';
import { HelmBlueprint, type HelmBlueprintProps } from '../../blueprints/helm';
import { KEYCLOAK_HTTP_PORT } from '../../blueprints/platform/keycloak';
import type { Cluster } from '../../lib/cluster';
import type { OidcClientClaim, OidcConsumer } from '../../lib/services';
import { CHARTS, IMAGES } from '../../lib/versions';
import { podinfoMetadata } from '../support/blueprints';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

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
    const custom = renderedValues(new Keycloak({ replicas: 3, adminSecret: 'kc-root', databaseSecret: 'kc-db' }));
    expect(custom.replicaCount).toBe(3);
    expect(custom.auth.existingSecret).toBe('kc-root');
    expect(custom.postgresql.auth.existingSecret).toBe('kc-db');
  });

  it('runs production mode behind the proxy with its hostname auth.<fqdn> from the cluster context', () => {
    const omantel = testCluster({ fqdn: 'omantel.omani.works', sovereign: 'omantel', organization: 'omantel', nodeCount: 1 });
    const values = renderedValues(new Keycloak(), omantel);
    expect(values).toMatchObject({ production: true, proxyHeaders: 'xforwarded' });
    expect(values.extraEnvVars).toEqual([{ name: 'KC_HOSTNAME', value: `https://${omantel.auth.hostname}` }]);
    expect(omantel.auth.hostname).toBe('auth.omantel.omani.works');
    expect(omantel.auth.issuerUrl.startsWith(`https://${omantel.auth.hostname}/`)).toBe(true);
  });

  it('declares the admin and database Secrets for generation, and drops each that the props name', () => {
    expect(new Keycloak().generatedSecrets(ctx)).toEqual([
      { name: 'keycloak-admin', namespaces: ['keycloak'], randomKeys: ['admin-password'] },
      { name: 'keycloak-postgresql', namespaces: ['keycloak'], randomKeys: ['password', 'postgres-password'] },
    ]);
    expect(new Keycloak({ adminSecret: 'mine' }).generatedSecrets(ctx).map((s) => s.name)).toEqual(['keycloak-postgresql']);
    expect(new Keycloak({ adminSecret: 'a', databaseSecret: 'b' }).generatedSecrets(ctx)).toEqual([]);
  });

  it('explains the Bitnami preset values with a note each', () => {
    expect(new Keycloak().valueNotes(ctx).map((n) => n.path.slice(2).join('.'))).toEqual([
      'global.security.allowInsecureImages',
      'image.repository',
      'postgresql.image.repository',
      'keycloakConfigCli.image.repository',
      'networkPolicy.enabled',
      'postgresql.primary.networkPolicy.enabled',
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
      ['kubernetes', true, ['http://localhost:8000', 'http://localhost:18000'], undefined],
      ['tracker', false, ['https://tracker.solo.example.org/login/*'], 'https://tracker.solo.example.org'],
      ['wiki', false, ['https://wiki.solo.example.org/oauth2/callback'], 'https://wiki.solo.example.org'],
    ]);
    for (const c of file.clients) {
      expect(c).toMatchObject({ enabled: true, protocol: 'openid-connect', standardFlowEnabled: true, directAccessGrantsEnabled: false });
      expect(c.protocolMappers).toEqual([
        { name: 'groups', protocol: 'openid-connect', protocolMapper: 'oidc-group-membership-mapper', config: { 'claim.name': 'groups', 'full.path': 'false', 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' } },
      ]);
    }
    expect(file.clients[0].secret).toBeUndefined();
    expect(file.clients.slice(1).map((c: Json) => [c.clientAuthenticatorType, c.secret])).toEqual([
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_TRACKER)'],
      ['client-secret', '$(env:KEYCLOAK_CLIENT_SECRET_WIKI)'],
    ]);
    expect(env).toEqual([
      { name: 'IMPORT_VARSUBSTITUTION_ENABLED', value: 'true' },
      { name: 'KEYCLOAK_CLIENT_SECRET_TRACKER', valueFrom: { secretKeyRef: { name: 'keycloak-client-tracker', key: 'client-secret' } } },
      { name: 'KEYCLOAK_CLIENT_SECRET_WIKI', valueFrom: { secretKeyRef: { name: 'keycloak-client-wiki', key: 'client-secret' } } },
    ]);
  });

  it('declares only the Kubernetes client when no Blueprint claims one, with the API server\'s client id from the cluster facts', () => {
    const values = renderedValues(new Keycloak(), testCluster({}, []));
    const { file, env } = realmOf(values, 'example');
    expect(file.clients.map((c: Json) => c.clientId)).toEqual([ctx.auth.kubernetesClientId]);
    expect(env).toEqual([{ name: 'IMPORT_VARSUBSTITUTION_ENABLED', value: 'true' }]);
  });

  it('generates each confidential client\'s secret in the cluster, never the public Kubernetes client\'s', () => {
    expect(new Keycloak({ adminSecret: 'a', databaseSecret: 'b' }).generatedSecrets(withConsumers)).toEqual([
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

  it('records the consumer\'s read of Keycloak as its reference (the Flux edge), and Keycloak\'s reverse read as none', () => {
    renderObjects(wiki, withConsumers);
    renderObjects(withConsumers.blueprint(Keycloak), withConsumers);
    expect(withConsumers.references.get('wiki')).toEqual(['keycloak']);
    expect(withConsumers.references.get('keycloak')).toBeUndefined();
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
    expect(text.match(/\$\(env:[A-Z_]+\)/g)).toEqual(['$(env:KEYCLOAK_CLIENT_SECRET_TRACKER)', '$(env:KEYCLOAK_CLIENT_SECRET_WIKI)']);
    expect(text).not.toMatch(/"secret":"(?!\$\(env:)/);
  });
});

describe('Keycloak against the pinned chart', () => {
  const chart = chartValues('keycloak', 'keycloak', CHARTS.keycloak.version);
  const postgresql = chartValues('keycloak', 'keycloak', CHARTS.keycloak.version, 'postgresql');
  const values = renderedValues(new Keycloak());

  it('pins the legacy copies of exactly the images the chart and its PostgreSQL default to', () => {
    expect(chart.image).toMatchObject({ registry: 'docker.io', repository: 'bitnami/keycloak', tag: IMAGES.keycloak.tag });
    expect(postgresql.image).toMatchObject({ registry: 'docker.io', repository: 'bitnami/postgresql', tag: IMAGES.keycloakPostgresql.tag });
    expect(values.image).toEqual({ repository: chart.image.repository.replace(/^bitnami\//, 'bitnamilegacy/'), tag: chart.image.tag });
    expect(values.postgresql.image).toEqual({ repository: postgresql.image.repository.replace(/^bitnami\//, 'bitnamilegacy/'), tag: postgresql.image.tag });
  });

  it('turns on the legacy-images switch and off the NetworkPolicies the charts enable by default', () => {
    expect(chart.global.security.allowInsecureImages).toBe(false);
    expect(chart.networkPolicy.enabled).toBe(true);
    expect(postgresql.primary.networkPolicy.enabled).toBe(true);
    expect(values.global.security.allowInsecureImages).toBe(true);
    expect(values.networkPolicy.enabled).toBe(false);
    expect(values.postgresql.primary.networkPolicy.enabled).toBe(false);
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
    const props = { replicas: 2, adminUser: 'root', adminSecret: 'kc-admin', databaseSecret: 'kc-db' };
    const { sovereign, blueprint } = fromYamlProps<Keycloak>('keycloak', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'keycloak');
    expect(values.replicaCount).toBe(2);
    expect(values.auth).toMatchObject({ adminUser: 'root', existingSecret: 'kc-admin' });
    expect(values.postgresql.auth.existingSecret).toBe('kc-db');
  });

  it('rejects a user name with spaces and a Secret name Kubernetes would refuse', () => {
    expect(blueprintPropsProblems('keycloak', { adminUser: 'the admin', adminSecret: 'Keycloak_Admin' })).toEqual([
      { path: 'spec.blueprints.props.keycloak.adminUser', value: 'the admin', message: 'must be a user name without spaces, e.g. admin' },
      { path: 'spec.blueprints.props.keycloak.adminSecret', value: 'Keycloak_Admin', message: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", e.g. my-secret' },
    ]);
  });
});
