/**
 * What the chart check and a real `helm template` of the pinned charts found, fixed: values the
 * charts do read at their pinned versions, requests and security contexts where the charts allow
 * them, and Flux post-render patches where they do not (verified here with kubectl kustomize, the
 * engine of Flux's kustomize post-renderer).
 */
import { BUILTIN_BLUEPRINTS, PowerDns } from '../../blueprints';
import type { Blueprint } from '../../lib/blueprint';
import { leaves } from '../../lib/chart-check';
import { POWERDNS_CREATE_ZONE_JOB } from '../../blueprints/platform/powerdns';
import { postRender } from '../support/post-render';
import { renderedRelease, renderedValues } from '../support/render';

describe('template-consumed values', () => {
  it('are listed only for paths the Blueprint sets, each with a template file of the chart as evidence', () => {
    const listed = BUILTIN_BLUEPRINTS.filter((cls) => cls.metadata.templateValues);
    expect(listed.map((cls) => cls.metadata.name).sort()).toEqual(['cilium', 'crossplane', 'flux', 'gitea', 'grafana', 'harbor', 'hcloud-cloud-controller-manager', 'langfuse', 'loki', 'mimir', 'powerdns', 'sealed-secrets', 'seaweedfs', 'sigstore', 'tempo', 'trivy']);
    for (const cls of listed) {
      // Blueprints whose Ingress is opt-in set its values only with an Ingress class
      const shape = (cls.propsSchema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      const props = 'ingressClassName' in shape ? { ingressClassName: 'cilium' } : {};
      const paths = leaves(renderedValues(new (cls as unknown as new (p: object) => Blueprint)(props))).map((l) => l.path.join('.'));
      for (const tv of cls.metadata.templateValues!) {
        expect(tv.template).toMatch(/^(charts\/[\w-]+\/)?templates\/[\w./-]+\.(yaml|tpl)$/);
        expect(tv.why.length).toBeGreaterThan(40);
        expect(paths.some((p) => p === tv.path || p.startsWith(`${tv.path}.`))).toBe(true);
      }
    }
  });
});

describe('hook Jobs', () => {
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
