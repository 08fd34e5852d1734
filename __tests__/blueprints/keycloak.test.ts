/**
 * The Keycloak Blueprint: replicas and Secrets from its props, the hostname from the cluster's auth
 * facts (shared with the Terraform side), Secrets generated only where the props name none, its props
 * from YAML, and its images and port against the pinned Bitnami chart.
 */
import { Keycloak } from '../../blueprints';
import { KEYCLOAK_HTTP_PORT } from '../../blueprints/platform/keycloak';
import { CHARTS, IMAGES } from '../../lib/versions';
import { renderedValues, testCluster } from '../support/render';
import { blueprintPropsProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

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
      'networkPolicy.enabled',
      'postgresql.primary.networkPolicy.enabled',
    ]);
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
