/**
 * The Reloader Blueprint: opt-in reloads by annotation unless the props say otherwise, the annotations
 * strategy, leader election from two replicas, a restricted container, its props from YAML, and its
 * values and annotation against the pinned chart.
 */
import { Reloader } from '../../blueprints';
import { RELOADER_AUTO_ANNOTATION } from '../../blueprints/platform/reloader';
import { CHARTS } from '../../lib/versions';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps, treeValues } from '../support/props';
import { renderedValues, testCluster } from '../support/render';

describe('Reloader', () => {
  it('restarts only workloads that opt in, with the annotations strategy, and says why', () => {
    const values = renderedValues(new Reloader()).reloader;
    expect(values).toMatchObject({ autoReloadAll: false, reloadStrategy: 'annotations', watchGlobally: true, enableHA: false, readOnlyRootFileSystem: true });
    expect(new Reloader().valueNotes(testCluster()).map((n) => n.path.join('.'))).toEqual(['spec.values.reloader.autoReloadAll', 'spec.values.reloader.reloadStrategy']);
    const all = new Reloader({ autoReloadAll: true, reloadStrategy: 'env-vars' });
    expect(renderedValues(all).reloader).toMatchObject({ autoReloadAll: true, reloadStrategy: 'env-vars' });
    expect(all.valueNotes(testCluster())).toEqual([]);
  });

  it('elects a leader from two replicas and runs restricted with the requests its metadata sums', () => {
    expect(renderedValues(new Reloader({ replicas: 2 })).reloader).toMatchObject({ enableHA: true, deployment: { replicas: 2 } });
    const deployment = renderedValues(new Reloader()).reloader.deployment;
    expect(deployment.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(deployment.resources.requests).toEqual({ cpu: '10m', memory: '64Mi' });
    expect(Reloader.metadata.resources).toEqual({ cpuMillis: 10, memoryMiB: 64 });
    expect(Reloader.metadata.network?.egress?.map((r) => r.peer)).toEqual(['apiserver']);
    expect(Reloader.metadata.network?.ingress).toBeUndefined();
  });
});

describe('Reloader against the pinned chart', () => {
  it('sets only values the chart declares, keeps its non-root pod context, and names the annotation its docs use', () => {
    expect(chartValueProblems(new Reloader())).toEqual([]);
    const chart = chartValues('reloader', 'reloader', CHARTS.reloader.version);
    expect(chart.reloader.deployment.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(chart.reloader.autoReloadAll).toBe(false);
    expect(RELOADER_AUTO_ANNOTATION).toBe('reloader.stakater.com/auto');
  });
});

describe('Reloader props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const { sovereign, blueprint } = fromYamlProps<Reloader>('reloader', { replicas: 2, autoReloadAll: true, reloadStrategy: 'env-vars' });
    expect(blueprint.props).toEqual({ replicas: 2, autoReloadAll: true, reloadStrategy: 'env-vars' });
    expect(treeValues(sovereign, 'reloader').reloader).toMatchObject({ enableHA: true, autoReloadAll: true, reloadStrategy: 'env-vars' });
  });

  it('rejects bad props, naming the field and what is allowed', () => {
    expect(blueprintPropsProblems('reloader', { reloadStrategy: 'restart' })).toEqual([{ path: 'spec.blueprints.props.reloader.reloadStrategy', value: 'restart', message: 'must be annotations or env-vars' }]);
    expect(blueprintPropsProblems('reloader', { replicas: 4 })[0]?.message).toBe('must be at most 3');
  });
});
