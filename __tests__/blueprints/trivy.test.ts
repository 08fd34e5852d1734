/**
 * The Trivy Operator Blueprint: the chart's own excludeNamespaces key (not the reference's no-op),
 * scanners and scan pacing from props, restricted operator and scan Jobs (the node-collector off),
 * requests, network, values against the pinned chart, props from YAML.
 */
import { Trivy } from '../../blueprints';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues } from '../support/render';

const chart = chartValues('trivy', 'trivy-operator', CHARTS['trivy-operator'].version);

describe('Trivy Operator', () => {
  const values = renderedValues(new Trivy());

  it('skips k3s\'s namespaces through the chart\'s top-level excludeNamespaces, a comma-separated list', () => {
    expect(values.excludeNamespaces).toBe('kube-system,kube-public,kube-node-lease');
    expect(chart.excludeNamespaces).toBe('');
    expect(chart.operator.excludeNamespaces).toBeUndefined();
    expect(renderedValues(new Trivy({ excludeNamespaces: ['kube-system', 'sandbox'] })).excludeNamespaces).toBe('kube-system,sandbox');
  });

  it('takes scan concurrency, report lifetime and scanners from props, with the node-collector off', () => {
    expect(values.operator).toMatchObject({ scanJobsConcurrentLimit: 3, scannerReportTTL: '24h', vulnerabilityScannerEnabled: true, sbomGenerationEnabled: true, exposedSecretScannerEnabled: true, infraAssessmentScannerEnabled: false });
    const custom = renderedValues(new Trivy({ concurrentScans: 1, rescanAfterHours: 72, vulnerabilityScans: false, exposedSecretScans: false })).operator;
    expect(custom).toMatchObject({ scanJobsConcurrentLimit: 1, scannerReportTTL: '72h', vulnerabilityScannerEnabled: false, sbomGenerationEnabled: false, exposedSecretScannerEnabled: false });
    expect(chart.operator.infraAssessmentScannerEnabled).toBe(true);
  });

  it('runs the operator and its scan Jobs restricted as non-root', () => {
    expect(Trivy.metadata.podSecurity.level).toBe('restricted');
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.trivyOperator.scanJobPodTemplatePodSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 10000, runAsGroup: 10000, fsGroup: 10000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.trivyOperator.scanJobPodTemplateContainerSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10000, privileged: false, readOnlyRootFilesystem: true });
    expect(values.trivy).toMatchObject({ mode: 'Standalone', command: 'image' });
  });

  it('states the operator plus three scan Jobs as its requests', () => {
    const n = values.operator.scanJobsConcurrentLimit as number;
    const cpu = Number(values.resources.requests.cpu.replace(/m$/, '')) + n * Number(values.trivy.resources.requests.cpu.replace(/m$/, ''));
    const mem = Number(values.resources.requests.memory.replace(/Mi$/, '')) + n * Number(values.trivy.resources.requests.memory.replace(/Mi$/, ''));
    expect({ cpuMillis: cpu, memoryMiB: mem }).toEqual(Trivy.metadata.resources);
  });

  it('reaches the API and the internet on 443, accepts nothing, after cert-manager (the reference edge)', () => {
    expect(Trivy.metadata.network?.ingress).toBeUndefined();
    expect(Trivy.metadata.network?.egress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', undefined], ['internet', [{ port: 443 }]]]);
    expect(Trivy.metadata.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cert-manager']);
  });

  it('sets only values the chart declares or its templates read (listed with evidence)', () => {
    expect(chartValueProblems(new Trivy())).toEqual([]);
    expect(chartValueProblems(new Trivy({ concurrentScans: 10, vulnerabilityScans: false }))).toEqual([]);
  });
});

describe('Trivy Operator props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign } = fromYamlProps<Trivy>('trivy', { excludeNamespaces: ['kube-system'], concurrentScans: 5, rescanAfterHours: 12 });
    const values = treeValues(sovereign, 'trivy');
    expect([values.excludeNamespaces, values.operator.scanJobsConcurrentLimit, values.operator.scannerReportTTL]).toEqual(['kube-system', 5, '12h']);
  });

  it('rejects a namespace name Kubernetes would refuse and too many concurrent scans', () => {
    expect(blueprintPropsProblems('trivy', { excludeNamespaces: ['Kube_System'], concurrentScans: 11 })).toEqual([
      { path: 'spec.blueprints.props.trivy.excludeNamespaces[0]', value: 'Kube_System', message: 'must be a namespace name: lowercase letters, digits and "-", e.g. kube-system' },
      { path: 'spec.blueprints.props.trivy.concurrentScans', value: 11, message: 'must be a whole number from 1 to 10' },
    ]);
  });
});
