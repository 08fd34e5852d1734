/**
 * The Crossplane Blueprint: typed props reaching the chart keys (from TypeScript and from a spec),
 * restricted security contexts, its webhook allowance, and its values against the pinned chart's data.
 */
import { parse } from 'yaml';
import { Crossplane } from '../../blueprints';
import { chartValueProblems, propsProblems, sovereignWithProps } from '../support/props';
import { renderedValues, renderObjects } from '../support/render';

const HCLOUD_PROVIDER = 'xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0';

describe('Crossplane', () => {
  it('typed props reach the chart keys', () => {
    const xp = renderedValues(new Crossplane({ replicas: 2, providerPackages: [HCLOUD_PROVIDER] }));
    expect(xp.replicas).toBe(2);
    expect(xp.provider.packages).toEqual([HCLOUD_PROVIDER]);
    expect(renderedValues(new Crossplane()).provider.packages).toEqual([]);
  });

  it('runs core and RBAC manager restricted as the chart\'s UID 65532, with metrics off', () => {
    const values = renderedValues(new Crossplane());
    const restricted = { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values.securityContextCrossplane).toEqual(restricted);
    expect(values.securityContextRBACManager).toEqual(restricted);
    expect(values.metrics).toEqual({ enabled: false });
    expect(values.resourcesCrossplane).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1024Mi' } });
  });

  it('lets the API server call the webhooks on 9443 in a baseline namespace', () => {
    const objects = renderObjects(new Crossplane());
    const names = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort();
    expect(names).toEqual(['allow-dns', 'allow-egress-apiserver-6443', 'allow-egress-internet-443', 'allow-ingress-apiserver-9443', 'allow-same-namespace', 'default-deny']);
    expect(objects.find((o) => o.kind === 'Namespace')!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });
});

describe('Crossplane props', () => {
  it('are read from spec.blueprints.props.crossplane', () => {
    const sovereign = sovereignWithProps({ crossplane: { replicas: 2, providerPackages: [HCLOUD_PROVIDER, `xpkg.upbound.io/crossplane-contrib/provider-kubernetes@sha256:${'a'.repeat(64)}`] } });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-crossplane/helmrelease.yaml')!);
    expect(release.spec.values.replicas).toBe(2);
    expect(release.spec.values.provider.packages).toHaveLength(2);
  });

  it('reject a bad spec with the path, the value and what is allowed', () => {
    const untagged = 'xpkg.upbound.io/crossplane-contrib/provider-hcloud';
    expect(propsProblems({ crossplane: { replicas: 0, providerPackages: [HCLOUD_PROVIDER, untagged] } })).toEqual([
      { path: 'spec.blueprints.props.crossplane.replicas', value: 0, message: 'must be a whole number from 1 to 5' },
      { path: 'spec.blueprints.props.crossplane.providerPackages[1]', value: untagged, message: 'must be a package reference with a tag or digest, e.g. xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0' },
    ]);
    expect(propsProblems({ crossplane: { providerPackages: HCLOUD_PROVIDER } })).toEqual([{ path: 'spec.blueprints.props.crossplane.providerPackages', value: HCLOUD_PROVIDER, message: 'must be a list, not a string' }]);
  });

  it('give values the pinned chart declares, with every prop set', () => {
    expect(chartValueProblems(new Crossplane())).toEqual([]);
    expect(chartValueProblems(new Crossplane({ replicas: 3, providerPackages: [HCLOUD_PROVIDER] }))).toEqual([]);
  });
});
