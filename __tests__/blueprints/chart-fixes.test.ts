/**
 * What the chart check and a real `helm template` of the pinned charts found, fixed: values the
 * charts do read at their pinned versions, requests and security contexts where the charts allow
 * them, and Flux post-render patches where they do not (verified here with kubectl kustomize, the
 * engine of Flux's kustomize post-renderer).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { BUILTIN_BLUEPRINTS, CertManager, Cilium, Flux, PowerDns } from '../../blueprints';
import { leaves } from '../../lib/chart-check';
import { CILIUM_SECRETS_NAMESPACE } from '../../blueprints/platform/cilium';
import { POWERDNS_CREATE_ZONE_JOB } from '../../blueprints/platform/powerdns';
import { kustomizeBuild } from '../support/kustomize';
import { testCluster, renderedRelease, renderedValues, type Json } from '../support/render';

/**
 * Applies a HelmRelease's post-render patches to `manifests` the way Flux's kustomize post-renderer
 * does (a kustomization over the rendered chart with the patches and their targets) and returns the result.
 */
function postRender(release: Json, manifests: Json[]): Json[] {
  const dir = mkdtempSync(join(tmpdir(), 'post-render-'));
  writeFileSync(join(dir, 'chart.yaml'), manifests.map((m) => stringify(m)).join('---\n'));
  const patches = (release.spec.postRenderers as Json[]).flatMap((r) => r.kustomize.patches as Json[]);
  writeFileSync(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['chart.yaml'], patches }));
  const built = kustomizeBuild(dir);
  if (!built.ok) throw new Error(built.stderr);
  return parseAllDocuments(built.stdout).map((d) => d.toJS() as Json);
}

describe('template-consumed values', () => {
  it('are listed only for paths the Blueprint sets, each with a template file of the chart as evidence', () => {
    const listed = BUILTIN_BLUEPRINTS.filter((cls) => cls.metadata.templateValues);
    expect(listed.map((cls) => cls.metadata.name).sort()).toEqual(['cilium', 'crossplane', 'flux', 'gitea', 'hcloud-cloud-controller-manager', 'powerdns', 'sealed-secrets']);
    for (const cls of listed) {
      const paths = leaves(renderedValues(new cls())).map((l) => l.path.join('.'));
      for (const tv of cls.metadata.templateValues!) {
        expect(tv.template).toMatch(/^templates\/[\w./-]+\.(yaml|tpl)$/);
        expect(tv.why.length).toBeGreaterThan(40);
        expect(paths.some((p) => p === tv.path || p.startsWith(`${tv.path}.`))).toBe(true);
      }
    }
  });
});

describe('Cilium', () => {
  const values = renderedValues(new Cilium());

  it('requests CPU and memory for the agent, its init containers, envoy and the operator', () => {
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' } });
    expect(values.initResources).toEqual({ requests: { cpu: '10m', memory: '32Mi' } });
    expect(values.cgroup).toEqual({ autoMount: { resources: { requests: { cpu: '10m', memory: '32Mi' } } } });
    expect(values.envoy).toEqual({ enabled: true, resources: { requests: { cpu: '50m', memory: '64Mi' } } });
    expect(values.operator).toEqual({ replicas: 1, resources: { requests: { cpu: '50m', memory: '128Mi' } } });
  });

  it('adds restricted Pod Security labels to the cilium-secrets Namespace the chart renders, and nothing else', () => {
    const release = renderedRelease(new Cilium());
    const rendered = postRender(release, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: CILIUM_SECRETS_NAMESPACE } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
    ]);
    expect(rendered).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'cilium-secrets',
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
    ]);
  });

  it('keeps the values cloud-init pre-installs equal to the HelmRelease\'s', () => {
    expect(new Cilium().preinstall(testCluster()).values).toEqual(values);
  });
});

describe('hook Jobs', () => {
  it('cert-manager: the startupapicheck Job requests CPU and memory', () => {
    expect(renderedValues(new CertManager()).startupapicheck).toEqual({ resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } });
  });

  it('Flux: the flux-check Job requests CPU and memory, in the HelmRelease and the cloud-init install alike', () => {
    const cli = { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } };
    expect(renderedValues(new Flux()).cli).toEqual(cli);
    expect(new Flux().preinstall(testCluster()).values.cli).toEqual(cli);
  });

  it('PowerDNS: the zone-creation Job gets requests and a restricted security context by post-render patch', () => {
    const release = renderedRelease(new PowerDns());
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: POWERDNS_CREATE_ZONE_JOB },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: POWERDNS_CREATE_ZONE_JOB, image: 'docker.io/curlimages/curl:8.7.1', command: ['/bin/sh', '-c', 'true'] }] } } },
    };
    const [patched] = postRender(release, [job]);
    expect(patched!.spec.template.spec).toEqual({
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: POWERDNS_CREATE_ZONE_JOB,
          image: 'docker.io/curlimages/curl:8.7.1',
          command: ['/bin/sh', '-c', 'true'],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
        },
      ],
    });
    expect(new PowerDns().metadata.podSecurity.level).toBe('restricted');
  });
});
