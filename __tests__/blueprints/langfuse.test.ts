/**
 * The Langfuse Blueprint: each store from the Blueprint that provides it (CNPG database, SeaweedFS
 * bucket, Keycloak client), the bundled Valkey, secrets only as Secret references (generated or copied), the
 * bundled ClickHouse as one replica with its own NetworkPolicy off, the objects it renders, its
 * references and network allowances, its props from YAML, and its values against the chart data.
 */
import { App, Chart } from 'cdk8s';
import { Cnpg, Keycloak, Langfuse, SeaweedFs } from '../../blueprints';
import { LANGFUSE_HTTP_PORT } from '../../blueprints/platform/langfuse';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

/** The NetworkPolicies an instance renders, by name. */
function policies(bp: Langfuse, cluster = ctx): Map<string, Json> {
  return new Map(renderObjects(bp, cluster).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

/** The ExternalSecrets an instance renders (generated and copied Secrets), by name. */
function externalSecrets(bp: Langfuse): Map<string, Json> {
  return new Map(renderObjects(bp).filter((o) => o.kind === 'ExternalSecret').map((o) => [o.metadata.name, o]));
}

describe('Langfuse stores', () => {
  it('uses its CloudNativePG database instead of the bundled PostgreSQL', () => {
    const langfuse = new Langfuse({ database: { instances: 2 } });
    const db = ctx.blueprint(Cnpg).database(ctx, langfuse);
    expect(renderedValues(langfuse).postgresql).toEqual({
      deploy: false,
      host: db.host,
      port: db.port,
      auth: { username: db.user, database: db.database, existingSecret: db.secret, secretKeys: { userPasswordKey: 'password' } },
    });
    expect(find(renderObjects(langfuse), 'Cluster', db.cluster).spec.instances).toBe(2);
  });

  it('keeps raw events and media in its own SeaweedFS buckets, with its own credentials copied into its namespace', () => {
    const langfuse = new Langfuse();
    expect(langfuse.s3Buckets(ctx)).toEqual([
      { bucket: 'langfuse-events', purpose: 'Langfuse raw ingestion events (web writes, worker reads)' },
      { bucket: 'langfuse-media', purpose: 'Langfuse media attachments of traces (images, audio, files)' },
    ]);
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, langfuse, 'langfuse-events');
    const s3 = renderedValues(langfuse).s3;
    expect(s3).toEqual({
      deploy: false,
      bucket: 'langfuse-events',
      endpoint: bucket.endpoint,
      region: bucket.region,
      forcePathStyle: true,
      accessKeyId: { secretKeyRef: { name: 'langfuse-s3', key: bucket.accessKeyIdKey } },
      secretAccessKey: { secretKeyRef: { name: 'langfuse-s3', key: bucket.secretAccessKeyKey } },
      batchExport: { enabled: false },
      mediaUpload: { bucket: 'langfuse-media' },
    });
    expect(externalSecrets(langfuse).get('langfuse-s3')?.metadata.namespace).toBe('langfuse');
    expect(new Langfuse({ database: { backups: true } }).s3Buckets(ctx).map((b) => b.bucket)).toEqual(['langfuse-events', 'langfuse-media', 'langfuse-pg-backups']);
  });

  it('queues in the bundled Valkey: one standalone primary, generated password, its own allow-all NetworkPolicy off', () => {
    const redis = renderedValues(new Langfuse()).redis;
    expect(redis).toEqual({
      deploy: true,
      architecture: 'standalone',
      auth: { existingSecret: 'langfuse-valkey', existingSecretPasswordKey: 'password' },
      primary: { resourcesPreset: 'none', resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } }, persistence: { size: '2Gi' } },
      networkPolicy: { enabled: false },
    });
  });

  it('runs the bundled ClickHouse as one replica without ZooKeeper or its own allow-all NetworkPolicy', () => {
    const clickhouse = renderedValues(new Langfuse({ clickhouseStorageSize: '50Gi' })).clickhouse;
    const defaults = chartValues('langfuse', 'langfuse', CHARTS.langfuse.version).clickhouse;
    expect([defaults.replicaCount, defaults.clusterEnabled, defaults.resourcesPreset]).toEqual([3, true, '2xlarge']);
    expect(clickhouse).toEqual({
      deploy: true,
      replicaCount: 1,
      shards: 1,
      clusterEnabled: false,
      resourcesPreset: 'none',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '3Gi' } },
      persistence: { size: '50Gi' },
      zookeeper: { enabled: false },
      networkPolicy: { enabled: false },
      auth: { existingSecret: 'langfuse-clickhouse', existingSecretKey: 'password' },
    });
  });
});

describe('Langfuse login and secrets', () => {
  it('logs in through the Keycloak client it claims, sign-up off, the client secret from the copied Secret', () => {
    const langfuse = new Langfuse();
    expect(langfuse.oidcClients(ctx)).toEqual([{ clientId: 'langfuse', name: 'Langfuse', redirectUris: ['https://langfuse.solo.example.org/api/auth/callback/keycloak'], rootUrl: 'https://langfuse.solo.example.org/' }]);
    const client = ctx.blueprint(Keycloak).oidcClient(ctx, langfuse);
    const values = renderedValues(langfuse).langfuse;
    expect(values.additionalEnv).toEqual([
      { name: 'AUTH_KEYCLOAK_CLIENT_ID', value: 'langfuse' },
      { name: 'AUTH_KEYCLOAK_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'langfuse-oidc', key: client.secretKey } } },
      { name: 'AUTH_KEYCLOAK_ISSUER', value: client.issuerUrl },
      { name: 'AUTH_DISABLE_USERNAME_PASSWORD', value: 'true' },
    ]);
    expect(values.features).toEqual({ telemetryEnabled: false, signUpDisabled: true });
    expect(values.nextauth.url).toBe('https://langfuse.solo.example.org');
    const off = new Langfuse({ oidc: false });
    expect(off.oidcClients(ctx)).toEqual([]);
    expect(renderedValues(off).langfuse.additionalEnv).toEqual([]);
    expect(externalSecrets(off).has('langfuse-oidc')).toBe(false);
  });

  it('generates NextAuth\'s secret, the salt and ClickHouse\'s and Valkey\'s passwords in the cluster, and reads them only by reference', () => {
    const langfuse = new Langfuse();
    expect(langfuse.generatedSecrets(ctx)).toEqual([
      { name: 'langfuse-app', namespaces: ['langfuse'], randomKeys: ['nextauth-secret', 'salt'] },
      { name: 'langfuse-clickhouse', namespaces: ['langfuse'], randomKeys: ['password'] },
      { name: 'langfuse-valkey', namespaces: ['langfuse'], randomKeys: ['password'] },
    ]);
    const values = renderedValues(langfuse).langfuse;
    expect(values.nextauth.secret).toEqual({ secretKeyRef: { name: 'langfuse-app', key: 'nextauth-secret' } });
    expect(values.salt).toEqual({ secretKeyRef: { name: 'langfuse-app', key: 'salt' } });
    expect(values.encryptionKey).toBeUndefined();
    expect(renderedValues(new Langfuse({ encryptionKeySecret: 'lf-key' })).langfuse.encryptionKey).toEqual({ secretKeyRef: { name: 'lf-key', key: 'encryption-key' } });
    expect([...externalSecrets(langfuse).keys()]).toEqual(expect.arrayContaining(['langfuse-app', 'langfuse-clickhouse', 'langfuse-valkey']));
  });

  it('runs web and worker as non-root UID 1001 with requests, and sets only values the chart declares', () => {
    const values = renderedValues(new Langfuse({ webReplicas: 2, workerReplicas: 3 })).langfuse;
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } });
    expect([values.web.replicas, values.worker.replicas]).toEqual([2, 3]);
    expect(Langfuse.metadata.resources).toEqual({ cpuMillis: 1050, memoryMiB: 2176 });
    const every = new Langfuse({ hostname: 'llm.example.org', webReplicas: 2, workerReplicas: 2, oidc: true, clickhouseStorageSize: '40Gi', encryptionKeySecret: 'k', ingressClassName: 'cilium', database: { instances: 2 } });
    for (const bp of [new Langfuse(), every, new Langfuse({ oidc: false })]) expect(chartValueProblems(bp)).toEqual([]);
  });
});

describe('Langfuse wiring and network', () => {
  it('records its reads of every provider it uses', () => {
    const cluster = testCluster();
    cluster.blueprint(Langfuse).bind(new Chart(new App(), 'langfuse'), cluster);
    expect(cluster.references.get('langfuse')).toEqual(expect.arrayContaining(['cnpg', 'external-secrets', 'keycloak', 'seaweedfs']));
    expect(Langfuse.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cnpg', 'keycloak', 'cert-manager', 'seaweedfs', 'external-secrets']);
  });

  it('accepts people through the Ingress controller; reaches S3 and public HTTPS', () => {
    const all = policies(new Langfuse());
    const bucket = ctx.blueprint(SeaweedFs).bucket(ctx, new Langfuse(), 'langfuse-events');
    expect([...all.keys()].filter((n) => n.startsWith('allow-ingress-'))).toEqual([`allow-ingress-anywhere-${LANGFUSE_HTTP_PORT}`, 'allow-ingress-namespace-cnpg-system-5432-8000']);
    expect([...all.keys()].filter((n) => n.startsWith('allow-egress-'))).toEqual([
      `allow-egress-namespace-seaweedfs-${bucket.port}`,
      'allow-egress-internet-443',
      'allow-egress-apiserver-6443',
    ]);
  });
});

describe('Langfuse props from YAML (spec.blueprints.props.langfuse)', () => {
  it('accepts the documented shapes and renders them', () => {
    const { sovereign } = fromYamlProps<Langfuse>('langfuse', { hostname: 'llm.example.org', webReplicas: 2, clickhouseStorageSize: '40Gi' });
    const values = treeValues(sovereign, 'langfuse');
    expect(values.langfuse.nextauth.url).toBe('https://llm.example.org');
    expect(values.clickhouse.persistence.size).toBe('40Gi');
  });

  it('rejects bad props with the path, the value and what is allowed', () => {
    const problems = blueprintPropsProblems('langfuse', { webReplicas: 0, clickhouseStorageSize: '1TB', encryptionKeySecret: 'Bad_Name' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.langfuse.webReplicas', value: 0, message: 'must be a whole number from 1 to 10' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.langfuse.clickhouseStorageSize', value: '1TB', message: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.langfuse.encryptionKeySecret', value: 'Bad_Name' }));
  });
});
