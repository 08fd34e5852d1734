/**
 * The Velero Blueprint: an S3 consumer of SeaweedFS (its bucket, its own keys copied into its
 * namespace, the endpoint from SeaweedFS), the BackupStorageLocation and Schedules in its -config
 * folder, snapshots and the node agent off, its props from YAML, and its values against the chart.
 */
import { SeaweedFs, Velero } from '../../blueprints';
import { VELERO_BUCKET, VELERO_S3_SECRET } from '../../blueprints/platform/velero';
import { SEAWEEDFS_S3_PORT } from '../../blueprints/platform/seaweedfs';
import { CHARTS, IMAGES } from '../../lib/versions';
import { bindObjects, find, renderedValues, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps } from '../support/props';

describe('Velero', () => {
  const velero = new Velero();
  const cluster = testCluster({}, [velero]);
  const { objects, config } = bindObjects(velero, cluster);

  it('claims its bucket, which SeaweedFS creates with an identity of its own', () => {
    expect(velero.s3Buckets(cluster).map((b) => b.bucket)).toEqual([VELERO_BUCKET]);
    const seaweed = cluster.blueprint(SeaweedFs);
    expect(seaweed.identities(cluster).find((i) => i.consumer === 'velero')?.buckets).toEqual(['velero-backups']);
  });

  it('stores backups in the default BackupStorageLocation on the SeaweedFS endpoint, path-style', () => {
    const bsl = find(config, 'BackupStorageLocation', 'default');
    expect(bsl.metadata.namespace).toBe('velero');
    expect(bsl.spec).toEqual({
      provider: 'velero.io/aws',
      default: true,
      accessMode: 'ReadWrite',
      objectStorage: { bucket: 'velero-backups' },
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: `http://seaweedfs-s3.seaweedfs.svc.cluster.local:${SEAWEEDFS_S3_PORT}` },
    });
  });

  it('backs up every namespace daily for 30 days by default, without volume snapshots', () => {
    const daily = find(config, 'Schedule', 'daily');
    expect(daily.spec).toEqual({ schedule: '0 3 * * *', useOwnerReferencesInBackup: false, template: { includedNamespaces: ['*'], ttl: '720h', storageLocation: 'default', snapshotVolumes: false } });
    const custom = bindObjects(new Velero({ ttl: '168h', schedules: [{ name: 'hourly', cron: '0 * * * *', ttl: '24h', includedNamespaces: ['gitea'] }, { name: 'weekly', cron: '0 4 * * 0', excludedNamespaces: ['kube-system'] }] })).config;
    expect(custom.filter((o) => o.kind === 'Schedule').map((o) => [o.metadata.name, o.spec.schedule, o.spec.template])).toEqual([
      ['hourly', '0 * * * *', { includedNamespaces: ['gitea'], ttl: '24h', storageLocation: 'default', snapshotVolumes: false }],
      ['weekly', '0 4 * * 0', { includedNamespaces: ['*'], excludedNamespaces: ['kube-system'], ttl: '168h', storageLocation: 'default', snapshotVolumes: false }],
    ]);
  });

  it('copies its own S3 keys from the SeaweedFS namespace and loads them into the server environment', () => {
    const copy = find(objects, 'ExternalSecret', VELERO_S3_SECRET);
    expect(copy.metadata.namespace).toBe('velero');
    expect(copy.spec.data).toEqual([
      { secretKey: 'AWS_ACCESS_KEY_ID', remoteRef: { key: 'seaweedfs-s3-velero', property: 'AWS_ACCESS_KEY_ID' } },
      { secretKey: 'AWS_SECRET_ACCESS_KEY', remoteRef: { key: 'seaweedfs-s3-velero', property: 'AWS_SECRET_ACCESS_KEY' } },
    ]);
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'seaweedfs');
    expect(role?.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['seaweedfs-s3-velero'], verbs: ['get'] }]);
    expect(renderedValues(velero, cluster).credentials).toEqual({ useSecret: false, extraSecretRef: VELERO_S3_SECRET });
    expect(cluster.references.get('velero')).toEqual(expect.arrayContaining(['external-secrets', 'seaweedfs']));
  });

  it('runs the AWS plugin as an init container, with snapshots, node agent and the CRD upgrade Job off', () => {
    const values = renderedValues(velero, cluster);
    expect(values.initContainers).toEqual([expect.objectContaining({ name: 'velero-plugin-for-aws', image: `${IMAGES.veleroPluginForAws.repository}:${IMAGES.veleroPluginForAws.tag}`, volumeMounts: [{ mountPath: '/target', name: 'plugins' }] })]);
    expect(values).toMatchObject({ snapshotsEnabled: false, deployNodeAgent: false, upgradeCRDs: false, configuration: { backupStorageLocation: [], volumeSnapshotLocation: [] }, schedules: {} });
  });

  it('may reach the API server and the S3 port of the SeaweedFS namespace, nothing else', () => {
    const rules = velero.networkAllowances(cluster);
    expect(rules.ingress).toEqual([]);
    expect(rules.egress?.map((r) => [r.peer, r.namespace, r.ports])).toEqual([
      ['apiserver', undefined, undefined],
      ['namespace', 'seaweedfs', [{ port: SEAWEEDFS_S3_PORT }]],
    ]);
  });

  it('follows a renamed SeaweedFS: no endpoint of its own', () => {
    class Storage extends SeaweedFs {
      static readonly metadata = { ...SeaweedFs.metadata, releaseName: 'objects', namespace: 'storage' };
    }
    const moved = new Velero();
    const renamed = testCluster({}, [new Storage(), moved]);
    const { objects: own, config: cfg } = bindObjects(moved, renamed);
    expect(find(cfg, 'BackupStorageLocation', 'default').spec.config.s3Url).toBe('http://objects-seaweedfs-s3.storage.svc.cluster.local:8333');
    expect(find(own, 'SecretStore', 'secret-copy-storage-objects-seaweedfs-s3-velero').spec.provider.kubernetes.remoteNamespace).toBe('storage');
  });
});

describe('Velero props from YAML', () => {
  it('accepts schedules and a TTL', () => {
    const { blueprint } = fromYamlProps<Velero>('velero', { ttl: '336h', schedules: [{ name: 'nightly', cron: '30 1 * * *' }] });
    expect(blueprint.schedules()).toEqual([{ name: 'nightly', cron: '30 1 * * *', ttl: '336h', includedNamespaces: ['*'], excludedNamespaces: [] }]);
  });

  it('rejects a bad cron, a bad TTL and two schedules of one name', () => {
    expect(blueprintPropsProblems('velero', { schedules: [{ name: 'x', cron: 'daily' }] })[0]).toMatchObject({ path: 'spec.blueprints.props.velero.schedules[0].cron', message: 'must be a cron expression of five fields, e.g. 0 3 * * *' });
    expect(blueprintPropsProblems('velero', { ttl: '30d' })[0]).toMatchObject({ path: 'spec.blueprints.props.velero.ttl', message: 'must be a Go duration of hours, minutes and seconds, e.g. 720h' });
    expect(blueprintPropsProblems('velero', { schedules: [{ name: 'a', cron: '0 3 * * *' }, { name: 'a', cron: '0 4 * * *' }] })[0]).toMatchObject({ message: 'must not name two schedules alike' });
  });
});

describe('Velero against the pinned chart', () => {
  const chart: Json = chartValues('velero', 'velero', CHARTS.velero.version);

  it('turns off what the chart turns on: snapshots, the CRD upgrade Job', () => {
    expect(chart.snapshotsEnabled).toBe(true);
    expect(chart.upgradeCRDs).toBe(true);
    expect(chart.deployNodeAgent).toBe(false);
  });

  it('sets only values the chart declares', () => {
    expect(chartValueProblems(new Velero())).toEqual([]);
  });
});
