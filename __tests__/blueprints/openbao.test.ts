/**
 * The OpenBao Blueprint: an HA Raft cluster whose servers join each other, sized by the cluster or
 * its props, the disruption budget only where it allows a drain, its props from YAML, and its ports
 * against the pinned chart.
 */
import { OpenBao } from '../../blueprints';
import { OPENBAO_API_PORT, OPENBAO_MIN_REPLICAS_FOR_PDB } from '../../blueprints/platform/openbao';
import { CHARTS } from '../../lib/versions';
import { renderedValues, testCluster } from '../support/render';
import { blueprintPropsProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

describe('OpenBao', () => {
  it('is an HA Raft cluster whose config lets every server join the others', () => {
    const values = renderedValues(new OpenBao());
    expect(values.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true, setNodeId: true } });
    const config: string = values.server.ha.raft.config;
    expect(config.match(/retry_join \{/g)).toHaveLength(3);
    expect(config).toContain('leader_api_addr = "http://openbao-2.openbao-internal:8200"');
    expect(config).toContain('storage "raft"');
    expect(values.injector).toEqual({ enabled: false });
    const five = renderedValues(new OpenBao({ replicas: 5 })).server.ha;
    expect(five.replicas).toBe(5);
    expect(five.raft.config.match(/retry_join \{/g)).toHaveLength(5);
  });

  it('turns the PodDisruptionBudget off while the chart would render maxUnavailable 0', () => {
    expect(OPENBAO_MIN_REPLICAS_FOR_PDB).toBe(3);
    const omantel = testCluster({ fqdn: 'omantel.omani.works', sovereign: 'omantel', organization: 'omantel', nodeCount: 1 });
    expect(renderedValues(new OpenBao(), omantel).server.ha).toMatchObject({ replicas: 1, disruptionBudget: { enabled: false } });
    expect(renderedValues(new OpenBao({ replicas: 2 })).server.ha.disruptionBudget).toEqual({ enabled: false });
    expect(renderedValues(new OpenBao()).server.ha).toMatchObject({ replicas: 3, disruptionBudget: { enabled: true } });
  });

  it('runs the servers non-root with the RuntimeDefault seccomp profile and no capabilities', () => {
    const sc = renderedValues(new OpenBao()).server.statefulSet.securityContext;
    expect(sc).toEqual({
      pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
  });
});

describe('OpenBao\'s API endpoint, a typed attribute', () => {
  it('is the chart\'s Service in the Blueprint\'s namespace on the API port, and the Raft peers follow a renamed release', () => {
    expect(new OpenBao().apiUrl).toBe('http://openbao.openbao.svc.cluster.local:8200');
    class VaultStore extends OpenBao {
      static readonly metadata = { ...OpenBao.metadata, releaseName: 'vault', namespace: 'secrets' };
    }
    const renamed = new VaultStore();
    expect(renamed.serviceName).toBe('vault-openbao');
    expect(renamed.apiUrl).toBe('http://vault-openbao.secrets.svc.cluster.local:8200');
    expect(renamed.raftConfig(2)).toContain('leader_api_addr = "http://vault-openbao-1.vault-openbao-internal:8200"');
  });
});

describe('OpenBao against the pinned chart', () => {
  const chart = chartValues('openbao', 'openbao', CHARTS.openbao.version);

  it('listens where the chart\'s service and its own Raft configs point: the API port and the next one for Raft', () => {
    expect(chart.server.service.port).toBe(OPENBAO_API_PORT);
    expect(chart.server.service.targetPort).toBe(OPENBAO_API_PORT);
    expect(chart.server.ha.raft.config).toContain(`address = "[::]:${OPENBAO_API_PORT}"`);
    expect(chart.server.ha.raft.config).toContain(`cluster_address = "[::]:${OPENBAO_API_PORT + 1}"`);
    const config: string = renderedValues(new OpenBao()).server.ha.raft.config;
    expect(config).toContain(`address = "[::]:${OPENBAO_API_PORT}"`);
    expect(config).toContain(`cluster_address = "[::]:${OPENBAO_API_PORT + 1}"`);
    expect(OpenBao.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['cluster', [{ port: OPENBAO_API_PORT }]]]);
  });
});

describe('OpenBao props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign, blueprint } = fromYamlProps<OpenBao>('openbao', { replicas: 5, dataStorageSize: '20Gi', ui: false });
    expect(blueprint.props).toEqual({ replicas: 5, dataStorageSize: '20Gi', ui: false });
    const values = treeValues(sovereign, 'openbao');
    expect(values.server.ha.replicas).toBe(5);
    expect(values.server.dataStorage.size).toBe('20Gi');
    expect(values.ui).toEqual({ enabled: false });
  });

  it('rejects a negative replica count, a switch given as text and an unknown field, naming each', () => {
    expect(blueprintPropsProblems('openbao', { replicas: -1, ui: 'on', dataStorage: '1Gi' })).toEqual([
      { path: 'spec.blueprints.props.openbao.replicas', value: -1, message: 'must be at least 1' },
      { path: 'spec.blueprints.props.openbao.ui', value: 'on', message: 'must be a boolean, not a string' },
      { path: 'spec.blueprints.props.openbao.dataStorage', value: '1Gi', message: 'is not a known field; allowed here: values, network, verify, replicas, dataStorageSize, ui' },
    ]);
  });
});
