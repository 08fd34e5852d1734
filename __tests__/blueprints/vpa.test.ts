/**
 * The Vertical Pod Autoscaler Blueprint: the chart keys that exist at the pin in place of the
 * reference's silent no-ops, the admission controller's replicas and the updater from props, its
 * requests and webhook port against the chart, restricted pods, and its props from YAML.
 */
import { Vpa } from '../../blueprints';
import { VPA_WEBHOOK_PORT } from '../../blueprints/platform/vpa';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderObjects, renderedValues, type Json } from '../support/render';

const chart = chartValues('vpa', 'vertical-pod-autoscaler', CHARTS['vertical-pod-autoscaler'].version);

describe('Vertical Pod Autoscaler', () => {
  const values = renderedValues(new Vpa());

  it('installs the CRDs with the chart key that exists, and leaves the webhook certificate to the chart', () => {
    expect(values.crds).toEqual({ enabled: true });
    expect(chart.crds.enabled).toBe(true);
    expect(chart.crds.install).toBeUndefined();
    expect(chart.admissionController.generateCertificate).toBeUndefined();
    expect(chart.admissionController.tls).toEqual({ caCert: '', cert: '', key: '', existingSecret: '' });
    expect(values.admissionController.tls).toBeUndefined();
  });

  it('takes the admission controller replicas and the updater from props; recommender and updater stay single', () => {
    expect([values.admissionController.replicaCount, values.recommender.replicaCount, values.updater.replicaCount, values.updater.enabled]).toEqual([1, 1, 1, true]);
    const custom = renderedValues(new Vpa({ admissionControllerReplicas: 3, updater: false }));
    expect([custom.admissionController.replicaCount, custom.recommender.replicaCount, custom.updater.enabled]).toEqual([3, 1, false]);
  });

  it('states requests equal to the sum of the three components its values size', () => {
    const parts = [values.admissionController, values.recommender, values.updater].map((c: Json) => c.resources.requests);
    const cpu = parts.reduce((a, r) => a + Number(r.cpu.replace(/m$/, '')), 0);
    const mem = parts.reduce((a, r) => a + Number(r.memory.replace(/Mi$/, '')), 0);
    expect({ cpuMillis: cpu, memoryMiB: mem }).toEqual(Vpa.metadata.resources);
  });

  it('enforces restricted in its namespace, which the chart\'s pods already meet', () => {
    expect(Vpa.metadata.podSecurity.level).toBe('restricted');
    for (const c of [chart.admissionController, chart.recommender, chart.updater, chart.crds]) {
      expect(c.podSecurityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 65534 });
    }
    const ns = renderObjects(new Vpa()).find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('lets the API server call the webhook on the port the chart serves it, and reaches the API', () => {
    expect(chart.admissionController.containerPorts.https).toBe(VPA_WEBHOOK_PORT);
    expect(Vpa.metadata.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', [{ port: VPA_WEBHOOK_PORT }]]]);
    expect(Vpa.metadata.network?.egress?.map((r) => r.peer)).toEqual(['apiserver']);
    expect(Vpa.metadata.dependsOn).toEqual([]);
  });

  it('sets only values the chart declares', () => {
    expect(chartValueProblems(new Vpa())).toEqual([]);
    expect(chartValueProblems(new Vpa({ admissionControllerReplicas: 2, updater: false }))).toEqual([]);
  });
});

describe('Vertical Pod Autoscaler props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign, blueprint } = fromYamlProps<Vpa>('vpa', { admissionControllerReplicas: 2, updater: false });
    expect(blueprint.props).toEqual({ admissionControllerReplicas: 2, updater: false });
    const values = treeValues(sovereign, 'vpa');
    expect([values.admissionController.replicaCount, values.updater.enabled]).toEqual([2, false]);
  });

  it('rejects four replicas and an update switch that is not a boolean', () => {
    expect(blueprintPropsProblems('vpa', { admissionControllerReplicas: 4, updater: 'off' })).toEqual([
      { path: 'spec.blueprints.props.vpa.admissionControllerReplicas', value: 4, message: 'must be a whole number from 1 to 3' },
      { path: 'spec.blueprints.props.vpa.updater', value: 'off', message: expect.stringContaining('boolean') },
    ]);
  });
});
