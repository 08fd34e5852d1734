/**
 * The Flux Blueprint: deterministic flux2 values for the cloud-init install its HelmRelease adopts,
 * the flux-check hook Job's requests, the policies of flux-system (the chart's own off, the webhook
 * receiver only when its Ingress is created), its typed props (from TypeScript and from a spec), and
 * its values against the pinned chart's data.
 */
import { parse } from 'yaml';
import { Flux } from '../../blueprints';
import { HelmBlueprint } from '../../blueprints/helm';
import { FLUX_WEBHOOK_RECEIVER_PORT } from '../../blueprints/platform/flux';
import type { Blueprint } from '../../lib/blueprint';
import { chartValueProblems, propsProblems, sovereignWithProps } from '../support/props';
import { renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

/** The NetworkPolicies a Blueprint renders, by name. */
function policies(bp: Blueprint): Map<string, Json> {
  return new Map(renderObjects(bp, ctx).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

describe('Flux', () => {
  it('deterministic upstream flux2 values for the cloud-init install it adopts', () => {
    const bp = new Flux();
    expect(bp.metadata.preinstalled).toBe(true);
    expect(bp).toBeInstanceOf(HelmBlueprint);
    const values = (bp as HelmBlueprint).helmValues(ctx);
    expect(values.installCRDs).toBe(true);
    expect(values.prometheus).toEqual({ podMonitor: { create: false } });
    expect(values.imageAutomationController).toEqual({ create: false });
    expect(values).toEqual(new Flux().helmValues(ctx));
    expect(new Flux({ imageAutomation: true }).helmValues(ctx).imageReflectionController).toEqual({ create: true });
    expect(renderedValues(bp)).toEqual(values);
    expect(bp.preinstall(ctx)).toMatchObject({ releaseName: 'flux', namespace: 'flux-system', values });
  });

  it('the flux-check Job requests CPU and memory, in the HelmRelease and the cloud-init install alike', () => {
    const cli = { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } };
    expect(renderedValues(new Flux()).cli).toEqual(cli);
    expect(new Flux().preinstall(testCluster()).values.cli).toEqual(cli);
  });

  it('keeps its CRDs on uninstall and requests CPU and memory for every controller', () => {
    const values = renderedValues(new Flux());
    expect(values.crds).toEqual({ annotations: { 'helm.sh/resource-policy': 'keep' } });
    for (const c of ['sourceController', 'kustomizeController', 'helmController']) expect(values[c]).toEqual({ resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } });
    expect(values.notificationController).toEqual({ resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '256Mi' } } });
  });

  it('polices flux-system, which it does not own: egress to the API server and public HTTPS and SSH sources', () => {
    expect(new Flux().policesNetwork).toBe(true);
    expect(renderObjects(new Flux()).filter((o) => o.kind === 'Namespace')).toEqual([]);
    const flux = policies(new Flux());
    expect([...flux.values()].every((p) => p.metadata.namespace === 'flux-system')).toBe(true);
    expect([...flux.keys()].sort()).toEqual(['allow-dns', 'allow-egress-apiserver-6443', 'allow-egress-internet-22', 'allow-egress-internet-443', 'allow-same-namespace', 'default-deny']);
  });

  it('opens the webhook receiver only when the values create its Ingress, and never the chart\'s own allow-all policies', () => {
    expect(new Flux().helmValues(ctx).policies).toEqual({ create: false });
    expect(policies(new Flux()).has('allow-ingress-anywhere-9292')).toBe(false);
    const receiver = new Flux({ values: { notificationController: { webhookReceiver: { ingress: { create: true } } } } });
    expect(policies(receiver).get(`allow-ingress-anywhere-${FLUX_WEBHOOK_RECEIVER_PORT}`)!.spec.ingress).toEqual([{ ports: [{ port: 9292, protocol: 'TCP' }] }]);
  });

  it('does not let Helm wait for the controllers that run the upgrade', () => {
    const release = renderObjects(new Flux()).find((o) => o.kind === 'HelmRelease')!;
    expect(release.spec.install.disableWait).toBe(true);
    expect(release.spec.upgrade.disableWait).toBe(true);
  });
});

describe('Flux props', () => {
  it('set the log level of every controller', () => {
    expect(renderedValues(new Flux()).logLevel).toBe('info');
    expect(renderedValues(new Flux({ logLevel: 'debug' })).logLevel).toBe('debug');
  });

  it('are read from spec.blueprints.props.flux', () => {
    const sovereign = sovereignWithProps({ flux: { imageAutomation: true, logLevel: 'error' } });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-flux/helmrelease.yaml')!);
    expect(release.spec.values).toMatchObject({ logLevel: 'error', imageAutomationController: { create: true }, imageReflectionController: { create: true } });
  });

  it('reject a bad spec with the path, the value and what is allowed', () => {
    const problems = propsProblems({ flux: { logLevel: 'warn', imageAutomation: 1 } });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.flux.imageAutomation', value: 1, message: 'must be a boolean, not a number' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.flux.logLevel', value: 'warn', message: 'must be one of debug, info, error' });
    expect(problems).toHaveLength(2);
  });

  it('give values the pinned chart declares, with every prop set', () => {
    expect(chartValueProblems(new Flux())).toEqual([]);
    expect(chartValueProblems(new Flux({ imageAutomation: true, logLevel: 'debug' }))).toEqual([]);
  });
});
