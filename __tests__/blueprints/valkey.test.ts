/**
 * The Valkey Blueprint: ACL auth with a password generated in-cluster (or the props' own Secret),
 * a standalone primary or a primary with replicas on volumes, the typed connection consumers read,
 * its props from YAML, and its values against the pinned valkey-io chart.
 */
import { Valkey } from '../../blueprints';
import { VALKEY_PASSWORD_KEY, VALKEY_PORT, VALKEY_USER } from '../../blueprints/platform/valkey';
import { CHARTS } from '../../lib/versions';
import { renderedValues, testCluster } from '../support/render';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const cluster = testCluster();

describe('Valkey', () => {
  it('turns ACL auth on for the default user, reading its password from the users Secret', () => {
    const values = renderedValues(new Valkey());
    expect(values.auth).toEqual({ enabled: true, usersExistingSecret: 'valkey-users', aclUsers: { default: { permissions: '~* &* +@all', passwordKey: 'password' } } });
    expect(renderedValues(new Valkey({ passwordSecret: 'my-valkey' })).auth.usersExistingSecret).toBe('my-valkey');
  });

  it('declares the users Secret for in-cluster generation, unless the props name one', () => {
    expect(new Valkey().generatedSecrets(cluster)).toEqual([{ name: 'valkey-users', namespaces: ['valkey'], randomKeys: ['password'] }]);
    expect(new Valkey({ passwordSecret: 'my-valkey' }).generatedSecrets(cluster)).toEqual([]);
  });

  it('keeps a standalone primary on a volume that survives an uninstall, or a StatefulSet with replicas', () => {
    const solo = renderedValues(new Valkey());
    expect(solo.dataStorage).toEqual({ enabled: true, requestedSize: '8Gi', className: cluster.storageClass, keepPvc: true });
    expect(solo.replica).toEqual({ enabled: false });
    const ha = renderedValues(new Valkey({ replicas: 2, storageSize: '20Gi', storageClass: 'fast' }));
    expect(ha.dataStorage).toEqual({ enabled: false });
    expect(ha.replica).toEqual({ enabled: true, replicas: 2, replicationUser: 'default', persistence: { size: '20Gi', storageClass: 'fast' } });
  });

  it('hands consumers the primary\'s host and port, the user and the password Secret', () => {
    expect(new Valkey().connection).toEqual({
      host: 'valkey.valkey.svc.cluster.local',
      port: 6379,
      tls: false,
      username: 'default',
      password: { namespace: 'valkey', name: 'valkey-users', keys: ['password'] },
      passwordKey: 'password',
    });
    class Cache extends Valkey {
      static readonly metadata = { ...Valkey.metadata, releaseName: 'cache', namespace: 'caches' };
    }
    const renamed = new Cache({ passwordSecret: 'cache-auth' }).connection;
    expect(renamed.host).toBe('cache-valkey.caches.svc.cluster.local');
    expect(renamed.password).toEqual({ namespace: 'caches', name: 'cache-auth', keys: ['password'] });
  });

  it('lets any namespace reach the Valkey port, and nothing else in', () => {
    expect(Valkey.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['cluster', [{ port: VALKEY_PORT }]]]);
    expect(Valkey.metadata.network?.egress).toBeUndefined();
  });
});

describe('Valkey props from YAML', () => {
  it('accepts replicas, storage and a Secret of your own, and reaches the tree', () => {
    const { sovereign, blueprint } = fromYamlProps<Valkey>('valkey', { replicas: 1, storageSize: '16Gi', passwordSecret: 'vk' });
    expect(blueprint.props).toEqual({ replicas: 1, storageSize: '16Gi', passwordSecret: 'vk' });
    const values = treeValues(sovereign, 'valkey');
    expect(values.replica.replicas).toBe(1);
    expect(values.auth.usersExistingSecret).toBe('vk');
  });

  it('rejects replicas out of range, a bad size and an unknown field, naming each', () => {
    expect(blueprintPropsProblems('valkey', { replicas: 9 })).toEqual([{ path: 'spec.blueprints.props.valkey.replicas', value: 9, message: 'must be a whole number from 0 to 5' }]);
    expect(blueprintPropsProblems('valkey', { storageSize: '8GB' })[0]).toMatchObject({ path: 'spec.blueprints.props.valkey.storageSize', value: '8GB' });
    expect(blueprintPropsProblems('valkey', { password: 'x' })[0]?.path).toBe('spec.blueprints.props.valkey.password');
  });
});

describe('Valkey against the pinned chart', () => {
  const chart = chartValues('valkey', 'valkey', CHARTS.valkey.version);

  it('listens on the port the connection names, and already runs restricted', () => {
    expect(chart.service.port).toBe(VALKEY_PORT);
    expect(chart.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(chart.podSecurityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('has auth off by default, which the Blueprint turns on with the user the chart requires', () => {
    expect(chart.auth.enabled).toBe(false);
    expect(VALKEY_USER).toBe('default');
    expect(VALKEY_PASSWORD_KEY).toBe('password');
  });

  it('sets only values the chart declares', () => {
    expect(chartValueProblems(new Valkey())).toEqual([]);
    expect(chartValueProblems(new Valkey({ replicas: 2 }))).toEqual([]);
  });
});
