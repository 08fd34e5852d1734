/**
 * The Falco Blueprint: the modern eBPF driver (its canonical name, not the reference's alias), the
 * rules priority and output from props, falcoctl without its follower, privileged Pod Security with
 * its reason, internet egress for falcoctl only, values against the pinned chart, props from YAML.
 */
import { Falco } from '../../blueprints';
import { FALCO_PRIORITIES } from '../../blueprints/platform/falco';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderObjects, renderedValues } from '../support/render';

const chart = chartValues('falco', 'falco', CHARTS.falco.version);

describe('Falco', () => {
  const values = renderedValues(new Falco());

  it('uses the modern eBPF probe compiled into Falco, privileged unless asked otherwise', () => {
    expect(values.driver).toEqual({ enabled: true, kind: 'modern_ebpf', modernEbpf: { leastPrivileged: false } });
    expect(chart.driver.kind).toBe('auto');
    expect(renderedValues(new Falco({ leastPrivileged: true })).driver.modernEbpf.leastPrivileged).toBe(true);
  });

  it('reports from priority notice as JSON by default, and what the props say otherwise', () => {
    expect(values.falco).toEqual({ json_output: true, priority: 'notice' });
    expect(renderedValues(new Falco({ minimumPriority: 'warning', jsonOutput: false })).falco).toEqual({ json_output: false, priority: 'warning' });
    expect(FALCO_PRIORITIES).toContain(chart.falco.priority);
  });

  it('installs rules at start but never follows newer ones, and runs no sidekick or metadata collector', () => {
    expect(chart.falcoctl.artifact.follow.enabled).toBe(true);
    expect(values.falcoctl).toEqual({ artifact: { install: { enabled: true }, follow: { enabled: false } } });
    expect([values.falcosidekick.enabled, values.collectors.kubernetes.enabled, values.metrics.enabled, values.serviceMonitor.create]).toEqual([false, false, false, false]);
  });

  it('runs in a privileged namespace after Cilium, and reaches only the internet on 443', () => {
    const m = Falco.metadata;
    expect(m.podSecurity.level).toBe('privileged');
    expect(m.podSecurity.reason).toMatch(/host paths/);
    expect(m.dependsOn.map((d) => (typeof d === 'string' ? d : d.metadata.name))).toEqual(['cilium']);
    expect(m.network?.ingress).toBeUndefined();
    expect(m.network?.egress?.map((r) => [r.peer, r.ports])).toEqual([['internet', [{ port: 443 }]]]);
    const ns = renderObjects(new Falco()).find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata).toMatchObject({ name: 'falco', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } });
  });

  it('states the per-node requests its values set, and sets only values the chart declares', () => {
    expect(values.resources.requests).toEqual({ cpu: `${Falco.metadata.resources.cpuMillis}m`, memory: `${Falco.metadata.resources.memoryMiB}Mi` });
    expect(chart.resources.requests).toEqual({ cpu: '100m', memory: '512Mi' });
    expect(chartValueProblems(new Falco({ leastPrivileged: true, minimumPriority: 'error' }))).toEqual([]);
  });
});

describe('Falco props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign } = fromYamlProps<Falco>('falco', { leastPrivileged: true, minimumPriority: 'critical', jsonOutput: true });
    const values = treeValues(sovereign, 'falco');
    expect([values.driver.modernEbpf.leastPrivileged, values.falco.priority]).toEqual([true, 'critical']);
  });

  it('rejects a priority Falco does not know', () => {
    expect(blueprintPropsProblems('falco', { minimumPriority: 'info' })).toEqual([
      { path: 'spec.blueprints.props.falco.minimumPriority', value: 'info', message: `must be one of ${FALCO_PRIORITIES.join(', ')}` },
    ]);
  });
});
