/**
 * The CloudNativePG Blueprint: the operator's values against the pinned chart, its network
 * allowances to the consumers' namespaces, and the database API (`database`, `render`) as a consumer
 * uses it: the CNPG `Cluster` it renders validates against the operator's CRD, and the connection
 * facts consumers read name exactly the Cluster, Service and Secret the operator creates.
 */
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Cnpg, Flux, HcloudCsi, SeaweedFs } from '../../blueprints';
import { componentMetadata } from '../../blueprints/common';
import { renderNamespace } from '../../blueprints/namespace';
import { cnpgBackupBucket, postgresPropsField, type PostgresConsumer, type PostgresOptions } from '../../blueprints/postgres';
import { Blueprint, type BlueprintConstruct, type BlueprintMetadata, type BlueprintProps, type NetworkAllowances } from '../../lib/blueprint';
import { checkValues, findChartDir, loadChart, loadCrds, validateCustomResource } from '../../lib/chart-check';
import type { Cluster } from '../../lib/cluster';
import type { S3BucketClaim, S3Consumer } from '../../lib/services';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { blueprintPropsProblems, fromYamlProps } from '../support/props';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';

/** Props of the toy consumer. */
interface ToyProps extends BlueprintProps {
  readonly database?: PostgresOptions;
  readonly external?: boolean;
  readonly claimBucket?: boolean;
}

/** A consumer as the real ones are written: it declares its database and renders it through the API. */
class ToyApp extends Blueprint<ToyProps> implements PostgresConsumer, S3Consumer {
  static readonly metadata: BlueprintMetadata = componentMetadata({
    name: 'toy-app',
    category: 'test',
    tier: 'a-la-carte',
    summary: 'A consumer of a CloudNativePG database, for tests.',
    pin: CHARTS.powerdns,
    namespace: 'toys',
    podSecurity: 'test',
    placementModes: ['single-region'],
    resources: { cpuMillis: 0, memoryMiB: 0 },
  });

  usesCnpg(_cluster: Cluster): boolean {
    return this.props.external !== true;
  }

  s3Buckets(_cluster: Cluster): readonly S3BucketClaim[] {
    return this.props.database?.backups === true && this.props.claimBucket !== false ? [cnpgBackupBucket(this)] : [];
  }

  override networkAllowances(cluster: Cluster): NetworkAllowances {
    const base = super.networkAllowances(cluster);
    return this.usesCnpg(cluster) ? cluster.blueprint(Cnpg).withDatabaseNetwork(cluster, this, base, this.props.database) : base;
  }

  protected render(scope: BlueprintConstruct, cluster: Cluster): void {
    renderNamespace(scope, this, cluster);
    if (this.usesCnpg(cluster)) cluster.blueprint(Cnpg).render(scope, cluster, this, this.props.database);
  }
}

/** A consumer that renders a database without declaring it. */
class Undeclared extends ToyApp {
  static override readonly metadata: BlueprintMetadata = { ...ToyApp.metadata, name: 'undeclared' };
  override usesCnpg(): boolean {
    return false;
  }
  protected override render(scope: Construct, cluster: Cluster): void {
    cluster.blueprint(Cnpg).render(scope, cluster, this);
  }
}

/** A consumer that renders a database without allowing its traffic. */
class Unreachable extends ToyApp {
  static override readonly metadata: BlueprintMetadata = { ...ToyApp.metadata, name: 'unreachable' };
  override networkAllowances(cluster: Cluster): NetworkAllowances {
    return Blueprint.prototype.networkAllowances.call(this, cluster);
  }
}

const crds = loadCrds(join(CHARTS_DIR, 'cnpg'));

/** A toy consumer bound in a test cluster that holds it, and the cluster. */
function consumer(props: ToyProps = {}): { toy: ToyApp; cluster: Cluster; objects: Json[] } {
  const toy = new ToyApp(props);
  const cluster = testCluster({}, [toy]);
  const objects = renderObjects(toy, cluster);
  return { toy, cluster, objects };
}

describe('CloudNativePG operator', () => {
  it('installs the pinned chart in cnpg-system after Flux and the CSI driver, with its CRDs, every namespace watched and no PodMonitor', () => {
    expect(Cnpg.metadata).toMatchObject({ name: 'cnpg', namespace: 'cnpg-system', tier: 'bootstrap-kit', installsCrds: true, chart: CHARTS['cloudnative-pg'] });
    expect(Cnpg.metadata.dependsOn).toEqual([Flux, HcloudCsi]);
    const values = renderedValues(new Cnpg());
    expect(values).toEqual({
      replicaCount: 1,
      crds: { create: true },
      config: { clusterWide: true },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
    });
    expect(Cnpg.metadata.resources).toEqual({ cpuMillis: 100, memoryMiB: 256 });
  });

  it('sets only keys the pinned chart declares, with default and with every prop set', () => {
    const chart = loadChart(findChartDir(CHARTS_DIR, 'cloudnative-pg', CHARTS['cloudnative-pg'].version)!);
    for (const bp of [new Cnpg(), new Cnpg({ replicas: 3 })]) expect(checkValues(renderedValues(bp), chart).problems).toEqual([]);
  });

  it('reaches the status port and PostgreSQL in the namespaces of its consumers only', () => {
    const { cluster } = consumer();
    const policies = renderObjects(cluster.blueprint(Cnpg), cluster).filter((o) => o.kind === 'NetworkPolicy');
    const egress = policies.filter((p) => p.metadata.name.startsWith('allow-egress-')).map((p) => p.metadata.name);
    expect(egress).toEqual([
      'allow-egress-apiserver-6443',
      'allow-egress-namespace-gitea-5432-8000',
      'allow-egress-namespace-grafana-5432-8000',
      'allow-egress-namespace-harbor-5432-8000',
      'allow-egress-namespace-keycloak-5432-8000',
      'allow-egress-namespace-langfuse-5432-8000',
      'allow-egress-namespace-powerdns-5432-8000',
      'allow-egress-namespace-toys-5432-8000',
    ]);
    expect(find(policies, 'NetworkPolicy', 'allow-egress-namespace-toys-5432-8000').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'toys' } } }], ports: [{ port: 8000, protocol: 'TCP' }, { port: 5432, protocol: 'TCP' }] },
    ]);
    expect(find(policies, 'NetworkPolicy', 'allow-ingress-apiserver-9443').spec.ingress[0].ports).toEqual([{ port: 9443, protocol: 'TCP' }]);
    const external = testCluster({}, [new ToyApp({ external: true })]);
    const names = renderObjects(external.blueprint(Cnpg), external).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(names).not.toContain('allow-egress-namespace-toys-5432-8000');
  });

  it('takes its props from YAML and rejects bad ones with the path and the value', () => {
    const { blueprint } = fromYamlProps<Cnpg>('cnpg', { replicas: 2 });
    expect(blueprint.props.replicas).toBe(2);
    expect(blueprintPropsProblems('cnpg', { replicas: 4 })).toEqual([{ path: 'spec.blueprints.props.cnpg.replicas', value: 4, message: 'must be a whole number from 1 to 3' }]);
  });
});

describe('a consumer database (Cnpg.database and Cnpg.render)', () => {
  it('renders a Cluster in the consumer namespace that validates against the operator CRD', () => {
    const { objects, cluster } = consumer({ database: { instances: 3, storageSize: '20Gi' } });
    const pg = find(objects, 'Cluster', 'toy-app-pg');
    expect(pg.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(pg.metadata.namespace).toBe('toys');
    expect(pg.metadata.labels).toMatchObject({ 'catalyst.openova.io/blueprint': 'toy-app' });
    expect(pg.spec).toEqual({
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie',
      enablePDB: true,
      bootstrap: { initdb: { database: 'toy_app', owner: 'toy_app' } },
      storage: { size: '20Gi', storageClass: cluster.storageClass },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      monitoring: { enablePodMonitor: false },
    });
    const report = validateCustomResource(pg, crds);
    expect(report.crdFiles).toEqual(['cloudnative-pg-0.28.0/source-crds/config/crd/bases/postgresql.cnpg.io_clusters.yaml']);
    expect(report.problems).toEqual([]);
    const misspelt = validateCustomResource({ ...pg, spec: { ...pg.spec, storage: { sise: '1Gi' } } }, crds);
    expect(misspelt.problems.length).toBeGreaterThan(0);
  });

  it('defaults to one instance of 10Gi without a PodDisruptionBudget, so node drains are not blocked', () => {
    const pg = find(consumer().objects, 'Cluster', 'toy-app-pg');
    expect(pg.spec).toMatchObject({ instances: 1, enablePDB: false, storage: { size: '10Gi', storageClass: 'hcloud-volumes-encrypted' } });
  });

  it('hands the consumer the names of the Cluster, its read-write Service and the Secret the operator writes', () => {
    const { toy, cluster, objects } = consumer();
    const db = cluster.blueprint(Cnpg).database(cluster, toy);
    const pg = find(objects, 'Cluster', db.cluster);
    expect(db).toEqual({ namespace: pg.metadata.namespace, cluster: pg.metadata.name, host: `${pg.metadata.name}-rw.${pg.metadata.namespace}.svc.cluster.local`, port: 5432, database: pg.spec.bootstrap.initdb.database, user: pg.spec.bootstrap.initdb.owner, secret: `${pg.metadata.name}-app` });
  });

  it('records the consumer\'s reference to the operator, the Flux dependsOn edge', () => {
    const toy = new ToyApp();
    const cluster = testCluster({}, [toy]);
    toy.bind(new Chart(new App(), 'toy'), cluster);
    expect(cluster.references.get('toy-app')).toEqual(['cnpg']);
  });

  it('lets the operator reach the consumer namespace, and its pods reach the API server, through the consumer\'s allowances', () => {
    const { objects } = consumer();
    const operator = find(objects, 'NetworkPolicy', 'allow-ingress-namespace-cnpg-system-5432-8000');
    expect(operator.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } }], ports: [{ port: 8000, protocol: 'TCP' }, { port: 5432, protocol: 'TCP' }] }],
    });
    const api = find(objects, 'NetworkPolicy', 'allow-egress-apiserver-6443');
    expect(api.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.1.0/24' } }], ports: [{ port: 6443, protocol: 'TCP' }] }] });
    expect(api.metadata.annotations['catalyst.openova.io/reason']).toMatch(/^the instance manager in every database pod/);
  });

  it('adds only the rules a consumer\'s allowances do not cover yet, so no two get one policy name', () => {
    const { toy, cluster } = consumer();
    const cnpg = cluster.blueprint(Cnpg);
    const own = { egress: [{ peer: 'apiserver' as const, reason: 'the app watches ConfigMaps' }] };
    const merged = cnpg.withDatabaseNetwork(cluster, toy, own);
    expect(merged.egress).toEqual(own.egress);
    expect(merged.ingress).toEqual(cnpg.databaseNetwork(cluster, toy).ingress);
    expect(cnpg.withDatabaseNetwork(cluster, toy, merged)).toEqual(merged);
  });

  it('refuses a consumer that does not declare its database or its traffic', () => {
    const undeclared = new Undeclared();
    expect(() => renderObjects(undeclared, testCluster({}, [undeclared]))).toThrow(
      'Blueprint undeclared renders a CloudNativePG database but does not declare it: implement PostgresConsumer (blueprints/postgres.ts) with usesCnpg(cluster) returning true whenever it calls Cnpg.render, so the operator may reach its instances',
    );
    const unreachable = new Unreachable();
    expect(() => renderObjects(unreachable, testCluster({}, [unreachable]))).toThrow(
      /Blueprint unreachable renders a CloudNativePG database, but its network allowances lack the CloudNativePG operator \(namespace cnpg-system\) polls .*; the instance manager .*: return cluster\.blueprint\(Cnpg\)\.withDatabaseNetwork\(cluster, this, allowances, this\.props\.database\) from its networkAllowances$/,
    );
  });
});

describe('database backups to SeaweedFS', () => {
  it('archive WAL and take daily base backups into the consumer\'s own bucket, with its own keys copied into its namespace', () => {
    const { toy, cluster, objects } = consumer({ database: { backups: true } });
    const bucket = cluster.blueprint(SeaweedFs).bucket(cluster, toy, 'toy-app-pg-backups');
    expect(toy.s3Buckets(cluster)).toEqual([cnpgBackupBucket(toy)]);
    const pg = find(objects, 'Cluster', 'toy-app-pg');
    expect(pg.spec.backup).toEqual({
      barmanObjectStore: {
        destinationPath: 's3://toy-app-pg-backups/',
        endpointURL: bucket.endpoint,
        s3Credentials: { accessKeyId: { name: 'toy-app-pg-s3', key: bucket.accessKeyIdKey }, secretAccessKey: { name: 'toy-app-pg-s3', key: bucket.secretAccessKeyKey } },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
      retentionPolicy: '30d',
    });
    const scheduled = find(objects, 'ScheduledBackup', 'toy-app-pg-daily');
    expect(scheduled.metadata.namespace).toBe('toys');
    expect(scheduled.spec).toEqual({ schedule: '0 0 3 * * *', cluster: { name: 'toy-app-pg' }, method: 'barmanObjectStore', backupOwnerReference: 'self', immediate: true });
    for (const o of [pg, scheduled]) expect(validateCustomResource(o, crds)).toEqual({ crdFiles: [expect.stringMatching(/postgresql\.cnpg\.io_/)], problems: [] });
    const copy = find(objects, 'ExternalSecret', 'toy-app-pg-s3');
    expect(copy.metadata.namespace).toBe('toys');
    expect(JSON.stringify(copy.spec)).toContain(bucket.credentials.name);
  });

  it('let the database pods reach the S3 gateway, and record the consumer\'s edge to SeaweedFS', () => {
    const toy = new ToyApp({ database: { backups: true } });
    const cluster = testCluster({}, [toy]);
    const objects = renderObjects(toy, cluster);
    expect(find(objects, 'NetworkPolicy', 'allow-egress-namespace-seaweedfs-8333').spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'seaweedfs' } } }], ports: [{ port: 8333, protocol: 'TCP' }] }]);
    expect(cluster.references.get('toy-app')).toEqual(expect.arrayContaining(['cnpg', 'seaweedfs']));
    expect(renderObjects(new ToyApp(), testCluster()).filter((o) => o.kind === 'ScheduledBackup' || o.metadata.name === 'allow-egress-namespace-seaweedfs-8333')).toEqual([]);
  });

  it('fail, naming the bucket, for a consumer that turns backups on without claiming its bucket', () => {
    expect(() => consumer({ database: { backups: true }, claimBucket: false })).toThrow(
      'Blueprint toy-app asks SeaweedFS for the S3 bucket "toy-app-pg-backups", but it claims none; add { bucket: \'toy-app-pg-backups\', purpose: \'...\' } to toy-app\'s s3Buckets',
    );
  });
});

describe('postgresPropsField and cnpgBackupBucket', () => {
  it('accepts the documented shape and rejects bad values with what is allowed', () => {
    const field = postgresPropsField();
    expect(field.parse({ instances: 3, storageSize: '50Gi', backups: false })).toEqual({ instances: 3, storageSize: '50Gi', backups: false });
    expect(field.parse(undefined)).toBeUndefined();
    const bad = field.safeParse({ instances: 0, storageSize: '10GB', backups: 'yes', extra: 1 });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(expect.arrayContaining([
      ['instances', 'must be a whole number from 1 to 5'],
      ['storageSize', 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)'],
      ['backups', 'Invalid input: expected boolean, received string'],
    ]));
    expect(issues.some(([path, message]) => path === '' && /extra/.test(message))).toBe(true);
  });

  it('names the backup bucket after the consumer', () => {
    expect(cnpgBackupBucket(new ToyApp())).toEqual({ bucket: 'toy-app-pg-backups', purpose: 'PostgreSQL base backups and WAL archive (CloudNativePG)' });
  });
});
