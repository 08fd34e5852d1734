/**
 * The Sealed Secrets Blueprint: the controller kubeseal finds by default, the key renewal period
 * (from TypeScript and from a spec), a restricted container in unpoliced kube-system, and its values
 * against the pinned chart's data.
 */
import { parse } from 'yaml';
import { SealedSecrets } from '../../blueprints';
import { chartValueProblems, propsProblems, sovereignWithProps } from '../support/props';
import { renderedValues, renderObjects } from '../support/render';

describe('Sealed Secrets', () => {
  it('typed props reach the chart keys', () => {
    expect(renderedValues(new SealedSecrets()).fullnameOverride).toBe('sealed-secrets-controller');
    expect(renderedValues(new SealedSecrets({ keyRenewPeriod: '0' })).keyrenewperiod).toBe('0');
    expect(renderedValues(new SealedSecrets()).keyrenewperiod).toBe('720h');
  });

  it('names the controller as kubeseal addresses it, the same name the values give it', () => {
    const bp = new SealedSecrets();
    expect(bp.controller).toEqual({ name: 'sealed-secrets-controller', namespace: 'kube-system' });
    expect(renderedValues(bp).fullnameOverride).toBe(bp.controller.name);
  });

  it('runs the controller restricted, and leaves kube-system unpoliced and undeclared', () => {
    expect(renderedValues(new SealedSecrets()).containerSecurityContext).toEqual({
      enabled: true,
      runAsUser: 1001,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(new SealedSecrets().policesNetwork).toBe(false);
    expect(renderObjects(new SealedSecrets()).map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
  });
});

describe('Sealed Secrets props', () => {
  it('are read from spec.blueprints.props.sealed-secrets', () => {
    const sovereign = sovereignWithProps({ 'sealed-secrets': { keyRenewPeriod: '168h30m' } });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-sealed-secrets/helmrelease.yaml')!);
    expect(release.spec.values.keyrenewperiod).toBe('168h30m');
  });

  it.each(['30d', '720', '', '1h 30m'])('reject the key renewal period %j with the path, the value and what is allowed', (period) => {
    expect(propsProblems({ 'sealed-secrets': { keyRenewPeriod: period } })).toEqual([
      { path: 'spec.blueprints.props.sealed-secrets.keyRenewPeriod', value: period, message: "must be a Go duration such as 720h or 168h30m, or '0' to turn rotation off" },
    ]);
  });

  it('give values the pinned chart declares, with every prop set', () => {
    expect(chartValueProblems(new SealedSecrets())).toEqual([]);
    expect(chartValueProblems(new SealedSecrets({ keyRenewPeriod: '1.5h' }))).toEqual([]);
  });
});
