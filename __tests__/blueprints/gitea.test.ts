/**
 * The Gitea Blueprint: domain, credentials and Ingress from its props, the Ingress's issuer read from
 * the cert-manager Blueprint (renamed through props, Gitea follows), its network allowances, its
 * props from YAML, and its PostgreSQL image and port against the pinned chart.
 */
import { CertManager, Gitea } from '../../blueprints';
import { GITEA_HTTP_PORT } from '../../blueprints/platform/gitea';
import { ACME_HTTP01_SOLVER_PORT } from '../../blueprints/platform/cert-manager';
import { CHARTS, IMAGES } from '../../lib/versions';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

/** The NetworkPolicies a Gitea instance renders, by name. */
function policies(bp: Gitea): Map<string, Json> {
  return new Map(renderObjects(bp, ctx).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Gitea', () => {
  it('defaults the domain to gitea.<fqdn> and reads admin and database passwords from existing Secrets', () => {
    const values = renderedValues(new Gitea());
    expect(values.gitea.config.server).toEqual({ DOMAIN: 'gitea.solo.example.org', SSH_DOMAIN: 'gitea.solo.example.org', ROOT_URL: 'https://gitea.solo.example.org/' });
    expect(values.gitea.admin).toEqual({ existingSecret: 'gitea-admin', email: 'platform@example.org' });
    expect(values.gitea.additionalConfigFromEnvs).toEqual([{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: 'gitea-postgresql', key: 'password' } } }]);
    expect(values.postgresql.global.postgresql.auth.existingSecret).toBe('gitea-postgresql');
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

  it('declares the admin Secret (user gitea_admin) and the database Secret for generation, and drops each that the props name', () => {
    expect(new Gitea().generatedSecrets(ctx)).toEqual([
      { name: 'gitea-admin', namespaces: ['gitea'], fixed: { username: 'gitea_admin' }, randomKeys: ['password'] },
      { name: 'gitea-postgresql', namespaces: ['gitea'], randomKeys: ['password', 'postgres-password'] },
    ]);
    expect(new Gitea({ databaseSecret: 'db' }).generatedSecrets(ctx).map((s) => s.name)).toEqual(['gitea-admin']);
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
    expect(cluster.references.get('gitea')).toEqual(['cert-manager', 'external-secrets']);
  });

  it('takes its own issuer when cert-manager creates none, and says so when neither names one', () => {
    const noIssuer = testCluster({}, [new CertManager({ clusterIssuer: false })]);
    expect(renderedValues(new Gitea({ ingressClassName: 'cilium', clusterIssuer: 'vault-pki' }), noIssuer).ingress.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'vault-pki' });
    expect(() => renderedValues(new Gitea({ ingressClassName: 'cilium' }), noIssuer)).toThrow(/Blueprint gitea, Gitea\): cert-manager creates no ClusterIssuer \(props.clusterIssuer is false\); name your own issuer/);
  });
});

describe('Gitea against the pinned chart', () => {
  const chart = chartValues('gitea', 'gitea', CHARTS.gitea.version);
  const postgresql = chartValues('gitea', 'gitea', CHARTS.gitea.version, 'postgresql');
  const values = renderedValues(new Gitea());

  it('pins the legacy copy of exactly the PostgreSQL image the bundled subchart defaults to', () => {
    expect(postgresql.image).toMatchObject({ registry: 'docker.io', repository: 'bitnami/postgresql', tag: IMAGES.giteaPostgresql.tag });
    expect(values.postgresql.image).toEqual({ repository: postgresql.image.repository.replace(/^bitnami\//, 'bitnamilegacy/'), tag: postgresql.image.tag });
  });

  it('sets no legacy-images switch, which the bundled subchart does not have, and turns off its NetworkPolicy', () => {
    expect(postgresql.global.security).toBeUndefined();
    expect(values.global).toBeUndefined();
    expect(postgresql.primary.networkPolicy.enabled).toBe(true);
    expect(values.postgresql.primary.networkPolicy.enabled).toBe(false);
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
      databaseSecret: 'git-db',
      storageSize: '50Gi',
      ingressClassName: 'cilium',
      clusterIssuer: 'corp-acme',
      oidc: { name: 'keycloak', discoveryUrl: 'https://auth.solo.example.org/realms/example/.well-known/openid-configuration', secretName: 'gitea-oidc' },
    };
    const { sovereign, blueprint } = fromYamlProps<Gitea>('gitea', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'gitea');
    expect(values.gitea.config.server.ROOT_URL).toBe('https://git.example.org/');
    expect(values.persistence.size).toBe('50Gi');
    expect(values.ingress.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'corp-acme' });
    expect(values.gitea.oauth).toEqual([{ name: 'keycloak', provider: 'openidConnect', existingSecret: 'gitea-oidc', autoDiscoverUrl: props.oidc.discoveryUrl }]);
  });

  it('rejects a single-label domain, a padded size, a plain-HTTP discovery URL and a missing OIDC field', () => {
    expect(blueprintPropsProblems('gitea', { domain: 'localhost', storageSize: '020Gi', oidc: { name: 'kc', discoveryUrl: 'http://auth.example.org/' } })).toEqual([
      { path: 'spec.blueprints.props.gitea.domain', value: 'localhost', message: 'must be a lowercase DNS name with at least two labels, e.g. git.example.org' },
      { path: 'spec.blueprints.props.gitea.storageSize', value: '020Gi', message: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' },
      { path: 'spec.blueprints.props.gitea.oidc.secretName', value: undefined, message: 'is required (a string)' },
      { path: 'spec.blueprints.props.gitea.oidc.discoveryUrl', value: 'http://auth.example.org/', message: 'must be an https:// URL, e.g. https://auth.example.org/realms/x/.well-known/openid-configuration' },
    ]);
  });
});
