/**
 * The Harbor Blueprint: every cross-component fact from its provider (the S3 bucket from SeaweedFS,
 * the database from CloudNativePG, the OIDC client from Keycloak), hostname and exposure from its
 * props, Trivy and OIDC on and off, no secret in any rendered file, its props from YAML, and its
 * values against the pinned chart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cnpg, Harbor, Keycloak, SeaweedFs } from '../../blueprints';
import { HARBOR_HTTP_PORT, HARBOR_IMAGES_BUCKET } from '../../blueprints/platform/harbor';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

/** Harbor core's environment variable `name`, as rendered. */
function coreEnv(values: Json, name: string): Json | undefined {
  return (values.core.extraEnvVars as Json[]).find((e) => e.name === name);
}

describe('Harbor', () => {
  const harbor = new Harbor();
  const values = renderedValues(harbor, ctx);

  it('stores images in its own SeaweedFS bucket, with the endpoint and keys SeaweedFS hands it', () => {
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, harbor, HARBOR_IMAGES_BUCKET);
    expect(values.persistence.imageChartStorage).toEqual({
      type: 's3',
      disableredirect: true,
      s3: { region: bucket.region, bucket: 'harbor-registry', regionendpoint: bucket.endpoint, v4auth: true },
    });
    const keys = [
      { name: 'REGISTRY_STORAGE_S3_ACCESSKEY', valueFrom: { secretKeyRef: { name: bucket.credentials.name, key: bucket.accessKeyIdKey } } },
      { name: 'REGISTRY_STORAGE_S3_SECRETKEY', valueFrom: { secretKeyRef: { name: bucket.credentials.name, key: bucket.secretAccessKeyKey } } },
    ];
    expect(values.registry.registry.extraEnvVars).toEqual(keys);
    expect(values.registry.controller.extraEnvVars).toEqual(keys);
    expect(harbor.s3Buckets(ctx)).toEqual([{ bucket: 'harbor-registry', purpose: 'Harbor image layers and manifests' }]);
    expect(new Harbor({ database: { backups: true } }).s3Buckets(ctx).map((b) => b.bucket)).toEqual(['harbor-registry', 'harbor-pg-backups']);
  });

  it('connects to its CloudNativePG cluster: host, database, user and Secret equal the Cluster the operator runs', () => {
    const db = ctx.blueprint(Cnpg).database(ctx, harbor);
    expect(values.database).toEqual({
      type: 'external',
      external: { host: db.host, port: String(db.port), username: db.user, coreDatabase: db.database, existingSecret: db.secret, sslmode: 'require' },
    });
    const cnpgCluster = find(renderObjects(harbor, ctx), 'Cluster', db.cluster);
    expect(cnpgCluster.metadata.namespace).toBe('harbor');
    expect(`${cnpgCluster.metadata.name}-rw.${cnpgCluster.metadata.namespace}.svc.cluster.local`).toBe(db.host);
    expect(`${cnpgCluster.metadata.name}-app`).toBe(db.secret);
  });

  it('logs people in through Keycloak: the settings name the issuer and client, the secret comes from the copied client Secret', () => {
    const client = ctx.blueprint(Keycloak).oidcClient(ctx, harbor);
    expect(coreEnv(values, 'HARBOR_OIDC_CLIENT_SECRET')).toEqual({ name: 'HARBOR_OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: client.secret.name, key: client.secretKey } } });
    expect(JSON.parse(coreEnv(values, 'CONFIG_OVERWRITE_JSON')!.value)).toEqual({
      auth_mode: 'oidc_auth',
      oidc_name: 'Keycloak',
      oidc_endpoint: 'https://auth.solo.example.org/realms/example',
      oidc_client_id: 'harbor',
      oidc_client_secret: '$(HARBOR_OIDC_CLIENT_SECRET)',
      oidc_scope: 'openid,profile,email,offline_access',
      oidc_verify_cert: true,
      oidc_auto_onboard: true,
      oidc_user_claim: 'preferred_username',
      oidc_groups_claim: 'groups',
    });
    const names = (values.core.extraEnvVars as Json[]).map((e) => e.name);
    expect(names.indexOf('HARBOR_OIDC_CLIENT_SECRET')).toBeLessThan(names.indexOf('CONFIG_OVERWRITE_JSON'));
    const realm = JSON.parse(renderedValues(ctx.blueprint(Keycloak), ctx).keycloakConfigCli.configuration['example.json']);
    expect(realm.clients.find((c: Json) => c.clientId === 'harbor')).toMatchObject({ redirectUris: ['https://registry.solo.example.org/c/oidc/callback'], rootUrl: 'https://registry.solo.example.org' });
  });

  it('copies its S3 keys and its client secret into namespace harbor, and records Keycloak, SeaweedFS and CloudNativePG as references', () => {
    const cluster = testCluster({}, [new Harbor()]);
    const objects = renderObjects(cluster.blueprint(Harbor), cluster);
    const copies = objects.filter((o) => o.kind === 'ExternalSecret' && o.spec.secretStoreRef?.kind === 'SecretStore').map((o) => [o.metadata.namespace, o.metadata.name]);
    expect(copies).toEqual([
      ['harbor', cluster.blueprint(SeaweedFs).bucket(cluster, cluster.blueprint(Harbor), HARBOR_IMAGES_BUCKET).credentials.name],
      ['harbor', 'keycloak-client-harbor'],
    ]);
    expect(cluster.references.get('harbor')).toEqual(expect.arrayContaining(['cnpg', 'keycloak', 'seaweedfs']));
  });

  it('turns OIDC and Trivy off through its props', () => {
    const off = new Harbor({ oidc: false, trivy: false });
    const cluster = testCluster({}, [off]);
    const v = renderedValues(off, cluster);
    expect(v.core.extraEnvVars).toEqual([]);
    expect(v.trivy.enabled).toBe(false);
    expect(off.oidcClients(cluster)).toEqual([]);
    expect(renderObjects(off, cluster).filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).not.toContain('keycloak-client-harbor');
  });

  it('moves its hostname and issuer with the Sovereign, and exposes itself through an Ingress when given a class', () => {
    const moved = testCluster({ fqdn: 'omantel.omani.works', organization: 'omantel' }, [new Harbor({ ingressClassName: 'cilium' })]);
    const v = renderedValues(moved.blueprint(Harbor), moved);
    expect(v.externalURL).toBe('https://registry.omantel.omani.works');
    expect(JSON.parse(coreEnv(v, 'CONFIG_OVERWRITE_JSON')!.value).oidc_endpoint).toBe('https://auth.omantel.omani.works/realms/omantel');
    expect(v.expose).toEqual({
      type: 'ingress',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } },
      ingress: { hosts: { core: 'registry.omantel.omani.works' }, className: 'cilium', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' } },
    });
    expect(values.expose).toEqual({ type: 'clusterIP', tls: { enabled: false } });
    expect(values.externalURL).toBe('https://registry.solo.example.org');
  });

  it('keeps secrets out of Git: admin password and encryption key generated in the cluster, no secret value in any object', () => {
    expect(harbor.generatedSecrets(ctx)).toEqual([
      { name: 'harbor-admin', namespaces: ['harbor'], randomKeys: ['HARBOR_ADMIN_PASSWORD'] },
      { name: 'harbor-encryption-key', namespaces: ['harbor'], randomKeys: ['secretKey'] },
    ]);
    expect(new Harbor({ adminSecret: 'mine' }).generatedSecrets(ctx).map((s) => s.name)).toEqual(['harbor-encryption-key']);
    expect(values).toMatchObject({ existingSecretAdminPassword: 'harbor-admin', existingSecretSecretKey: 'harbor-encryption-key' });
    expect(values.secretKey).toBeUndefined();
    expect(values.harborAdminPassword).toBeUndefined();
  });

  it('allows S3 to SeaweedFS, the database traffic, and the Ingress port', () => {
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, harbor, HARBOR_IMAGES_BUCKET);
    const net = harbor.networkAllowances(ctx);
    expect(net.egress).toContainEqual(expect.objectContaining({ peer: 'namespace', namespace: bucket.credentials.namespace, ports: [{ port: bucket.port }] }));
    expect(net.ingress?.[0]).toMatchObject({ peer: 'anywhere', ports: [{ port: HARBOR_HTTP_PORT }] });
  });

  it('orders after the reference kit\'s cnpg, seaweedfs and cert-manager, after Keycloak (its OIDC issuer) and external-secrets (its Secrets)', () => {
    expect(Harbor.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name)).sort()).toEqual(['cert-manager', 'cnpg', 'external-secrets', 'keycloak', 'seaweedfs']);
    expect(Harbor.metadata).toMatchObject({ namespace: 'harbor', tier: 'bootstrap-kit' });
  });
});

describe('Harbor against the pinned chart', () => {
  const chart = chartValues('harbor', 'harbor', CHARTS.harbor.version);

  it('sets only values the chart declares, or reads in a template (the commented S3 keys)', () => {
    expect(chartValueProblems(new Harbor())).toEqual([]);
    expect(chartValueProblems(new Harbor({ ingressClassName: 'cilium', trivy: false }))).toEqual([]);
    const text = readFileSync(join(CHARTS_DIR, 'harbor', `harbor-${CHARTS.harbor.version}`, 'values.yaml'), 'utf8');
    expect(text).toMatch(/^ {6}#regionendpoint: /m);
    expect(text).toMatch(/^ {6}#v4auth: /m);
    expect(chart.persistence.imageChartStorage.s3.regionendpoint).toBeUndefined();
  });

  it('replaces the chart\'s literal defaults for the encryption key and admin password with Secrets', () => {
    expect(chart.secretKey).toBe('not-a-secure-key');
    expect(chart.harborAdminPassword).toBe('Harbor12345');
    expect(chart.existingSecretSecretKey).toBe('');
    expect(chart.existingSecretAdminPasswordKey).toBe('HARBOR_ADMIN_PASSWORD');
  });

  it('opens the port the chart\'s core and portal listen on, and stores job logs in the database (no jobservice volume)', () => {
    expect(chart.jobservice.jobLoggers).toEqual(['file']);
    expect(renderedValues(new Harbor()).jobservice.jobLoggers).toEqual(['database']);
    expect(HARBOR_HTTP_PORT).toBe(8080);
  });
});

describe('Harbor props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { hostname: 'cr.example.org', ingressClassName: 'cilium', clusterIssuer: 'corp-acme', replicas: 2, trivy: false, oidc: true, database: { instances: 2, storageSize: '20Gi' }, adminSecret: 'harbor-root' };
    const { sovereign, blueprint } = fromYamlProps<Harbor>('harbor', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'harbor');
    expect(values.externalURL).toBe('https://cr.example.org');
    expect(values.core.replicas).toBe(2);
    expect(values.trivy.enabled).toBe(false);
    expect(values.existingSecretAdminPassword).toBe('harbor-root');
  });

  it('rejects a single-label hostname, zero replicas and a non-boolean switch', () => {
    expect(blueprintPropsProblems('harbor', { hostname: 'registry', replicas: 0, trivy: 'yes' })).toEqual([
      { path: 'spec.blueprints.props.harbor.hostname', value: 'registry', message: 'must be a lowercase DNS name with at least two labels, e.g. git.example.org' },
      { path: 'spec.blueprints.props.harbor.replicas', value: 0, message: 'must be at least 1' },
      { path: 'spec.blueprints.props.harbor.trivy', value: 'yes', message: expect.any(String) },
    ]);
  });
});
