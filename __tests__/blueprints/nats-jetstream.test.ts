/**
 * The NATS JetStream Blueprint: a JetStream cluster sized by its props, restricted contexts and
 * requests the chart leaves unset, its props from YAML, and its client port against the pinned chart.
 */
import { NatsJetstream } from '../../blueprints';
import { NATS_CLIENT_PORT } from '../../blueprints/platform/nats-jetstream';
import { CHARTS } from '../../lib/versions';
import { renderedValues } from '../support/render';
import { blueprintPropsProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

describe('NATS JetStream', () => {
  it('is a three-server JetStream cluster by default; one replica turns clustering off', () => {
    const defaults = renderedValues(new NatsJetstream());
    expect(defaults.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(defaults.config.jetstream.enabled).toBe(true);
    expect(defaults.config.jetstream.fileStore.pvc).toMatchObject({ size: '10Gi', storageClassName: 'hcloud-volumes-encrypted' });
    const single = renderedValues(new NatsJetstream({ replicas: 1, fileStoreSize: '2Gi' }));
    expect(single.config.cluster).toEqual({ enabled: false, replicas: 1 });
    expect(single.config.jetstream.fileStore.pvc.size).toBe('2Gi');
  });

  it('requests CPU and memory for the config reloader', () => {
    expect(renderedValues(new NatsJetstream()).reloader.merge.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
  });

  it('runs the pod non-root with the RuntimeDefault seccomp profile and both containers without capabilities', () => {
    const values = renderedValues(new NatsJetstream());
    expect(values.podTemplate.merge.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [values.container, values.reloader]) expect(c.merge.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});

describe('the NATS client URL, a typed attribute', () => {
  it('is the chart\'s Service (named after the release, which contains the chart name) on the client port', () => {
    expect(new NatsJetstream().clientUrl).toBe('nats://nats-jetstream.nats-system.svc.cluster.local:4222');
    class Bus extends NatsJetstream {
      static readonly metadata = { ...NatsJetstream.metadata, releaseName: 'bus', namespace: 'messaging' };
    }
    expect(new Bus().clientUrl).toBe('nats://bus-nats.messaging.svc.cluster.local:4222');
  });
});

describe('NATS JetStream against the pinned chart', () => {
  const chart = chartValues('nats-jetstream', 'nats', CHARTS.nats.version);

  it('opens to the cluster the client port the chart listens on, and not the route port', () => {
    expect(chart.config.nats.port).toBe(NATS_CLIENT_PORT);
    expect(chart.config.cluster.port).toBe(6222);
    expect(NatsJetstream.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['cluster', [{ port: NATS_CLIENT_PORT }]]]);
    expect(renderedValues(new NatsJetstream()).config.nats).toBeUndefined();
  });
});

describe('NATS JetStream props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign, blueprint } = fromYamlProps<NatsJetstream>('nats-jetstream', { replicas: 5, fileStoreSize: '50Gi' });
    expect(blueprint.props).toEqual({ replicas: 5, fileStoreSize: '50Gi' });
    const values = treeValues(sovereign, 'nats-jetstream');
    expect(values.config.cluster).toEqual({ enabled: true, replicas: 5 });
    expect(values.config.jetstream.fileStore.pvc.size).toBe('50Gi');
  });

  it('rejects a replica count below one, a fraction and a size that is no Kubernetes quantity', () => {
    expect(blueprintPropsProblems('nats-jetstream', { replicas: 0, fileStoreSize: '10GB' })).toEqual([
      { path: 'spec.blueprints.props.nats-jetstream.replicas', value: 0, message: 'must be at least 1' },
      { path: 'spec.blueprints.props.nats-jetstream.fileStoreSize', value: '10GB', message: 'must be a Kubernetes quantity such as 10Gi (a whole number of Mi, Gi or Ti)' },
    ]);
    expect(blueprintPropsProblems('nats-jetstream', { replicas: 2.5 })).toEqual([{ path: 'spec.blueprints.props.nats-jetstream.replicas', value: 2.5, message: 'must be a whole number' }]);
  });
});
