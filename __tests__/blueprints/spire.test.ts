/**
 * The SPIRE Blueprint: its two HelmReleases, trust domain and cluster name from the cluster or the
 * props, restricted contexts where the chart allows them, its props from YAML, and its values
 * against the pinned chart's own defaults.
 */
import { Spire } from '../../blueprints';
import { CHARTS } from '../../lib/versions';
import { find, renderedValues, renderObjects, testCluster, type Json } from '../support/render';
import { blueprintPropsProblems, chartValues, fromYamlProps, treeValues } from '../support/props';

const ctx = testCluster();

describe('SPIRE', () => {
  const objects = renderObjects(new Spire());
  const releases = objects.filter((o) => o.kind === 'HelmRelease');

  it('installs spire-crds and spire as two HelmReleases from one HelmRepository, spire after the CRDs', () => {
    expect(releases.map((r) => r.metadata.name).sort()).toEqual(['bp-spire', 'bp-spire-crds']);
    const crds = find(objects, 'HelmRelease', 'bp-spire-crds');
    const spire = find(objects, 'HelmRelease', 'bp-spire');
    expect(crds.spec.releaseName).toBe('spire-crds');
    expect(crds.spec.targetNamespace).toBe('spire-system');
    expect(crds.spec.chart.spec).toMatchObject({ chart: 'spire-crds', version: CHARTS['spire-crds'].version, sourceRef: { kind: 'HelmRepository', name: 'bp-spire' } });
    expect(crds.spec.install.crds).toBe('CreateReplace');
    expect(crds.spec.dependsOn).toBeUndefined();
    expect(spire.spec.dependsOn).toEqual([{ name: 'bp-spire-crds' }]);
    expect(spire.spec.chart.spec.version).toBe(CHARTS.spire.version);
    expect(objects.filter((o) => o.kind === 'HelmRepository')).toHaveLength(1);
  });

  it('uses the Sovereign FQDN as trust domain and the cluster name, unless props say otherwise', () => {
    expect(renderedValues(new Spire()).global.spire).toMatchObject({ trustDomain: 'solo.example.org', clusterName: ctx.cluster.name });
    expect(ctx.cluster.name).toBe('hz-fsn-mgt-prod');
    const custom = renderedValues(new Spire({ trustDomain: 'id.example.org', clusterName: 'edge' })).global.spire;
    expect(custom).toMatchObject({ trustDomain: 'id.example.org', clusterName: 'edge' });
    expect(renderedValues(new Spire()).global.spire.persistence.storageClass).toBe('hcloud-volumes-encrypted');
  });

  it('keeps the default ClusterSPIFFEID off unless asked for', () => {
    const path = (v: Json) => v['spire-server'].controllerManager.identities.clusterSPIFFEIDs.default.enabled;
    expect(path(renderedValues(new Spire()))).toBe(false);
    expect(path(renderedValues(new Spire({ defaultWorkloadIdentity: true })))).toBe(true);
  });

  it('runs the server, its controller manager, the OIDC provider and the hooks rendering their contexts restricted', () => {
    const values = renderedValues(new Spire());
    const pod = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } };
    const container = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values['spire-server']).toMatchObject({ podSecurityContext: pod, securityContext: container, controllerManager: { securityContext: container, resources: { requests: { cpu: '50m', memory: '64Mi' } } } });
    expect(values['spiffe-oidc-discovery-provider']).toEqual({ podSecurityContext: pod, securityContext: container });
  });
});

describe('SPIRE against the pinned chart', () => {
  const umbrella = chartValues('spire', 'spire', CHARTS.spire.version);
  const server = chartValues('spire', 'spire', CHARTS.spire.version, 'spire-server');

  it('replaces the chart\'s placeholder trust domain and cluster name, which strict mode would reject', () => {
    expect(umbrella.global.spire).toMatchObject({ trustDomain: 'example.org', clusterName: 'example-cluster' });
    const values = renderedValues(new Spire());
    expect(values.global.spire.trustDomain).not.toBe(umbrella.global.spire.trustDomain);
    expect(values.global.spire.clusterName).not.toBe(umbrella.global.spire.clusterName);
  });

  it('turns off the default ClusterSPIFFEID the chart enables, and sets the security contexts the chart leaves empty', () => {
    expect(server.controllerManager.identities.clusterSPIFFEIDs.default.enabled).toBe(true);
    expect(server.podSecurityContext).toEqual({});
    expect(server.securityContext).toEqual({});
  });
});

describe('SPIRE props from YAML', () => {
  it('accepts the documented props and renders them into the GitOps tree', () => {
    const props = { trustDomain: 'id.example.org', clusterName: 'edge-1', defaultWorkloadIdentity: true };
    const { sovereign, blueprint } = fromYamlProps<Spire>('spire', props);
    expect(blueprint.props).toEqual(props);
    const values = treeValues(sovereign, 'spire');
    expect(values.global.spire).toMatchObject({ trustDomain: 'id.example.org', clusterName: 'edge-1' });
    expect(values['spire-server'].controllerManager.identities.clusterSPIFFEIDs.default.enabled).toBe(true);
  });

  it('rejects a trust domain, a cluster name and a switch of the wrong shape, naming each', () => {
    expect(blueprintPropsProblems('spire', { trustDomain: 'Example.ORG', clusterName: 'Edge_1', defaultWorkloadIdentity: 'yes' })).toEqual([
      { path: 'spec.blueprints.props.spire.trustDomain', value: 'Example.ORG', message: 'must be a SPIFFE trust domain: lowercase letters, digits, ".", "-" and "_", e.g. example.org' },
      { path: 'spec.blueprints.props.spire.clusterName', value: 'Edge_1', message: 'must be a DNS label such as hz-fsn-mgt-prod' },
      { path: 'spec.blueprints.props.spire.defaultWorkloadIdentity', value: 'yes', message: 'must be a boolean, not a string' },
    ]);
  });
});
