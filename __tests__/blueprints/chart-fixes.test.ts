/**
 * What the chart check and a real `helm template` of the pinned charts found, fixed: values the
 * charts do read at their pinned versions, requests and security contexts where the charts allow
 * them, and Flux post-render patches where they do not (verified here with kubectl kustomize, the
 * engine of Flux's kustomize post-renderer).
 */
import { BUILTIN_BLUEPRINTS, Gitea, Keycloak, NatsJetstream, OpenBao, PowerDns, Spire } from '../../blueprints';
import { leaves } from '../../lib/chart-check';
import { OPENBAO_MIN_REPLICAS_FOR_PDB } from '../../blueprints/platform/openbao';
import { POWERDNS_CREATE_ZONE_JOB } from '../../blueprints/platform/powerdns';
import { postRender } from '../support/post-render';
import { testCluster, renderedRelease, renderedValues } from '../support/render';

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

describe('Gitea', () => {
  it('switches the Redis subcharts of chart 10.5.0 off and sets no Valkey value (Valkey arrived in chart 12.0.0)', () => {
    const values = renderedValues(new Gitea());
    expect(values.redis).toEqual({ enabled: false });
    expect(values['redis-cluster']).toEqual({ enabled: false });
    expect(Object.keys(values).filter((k) => k.startsWith('valkey'))).toEqual([]);
  });
});

describe('OpenBao', () => {
  it('turns the PodDisruptionBudget off while the chart would render maxUnavailable 0', () => {
    expect(OPENBAO_MIN_REPLICAS_FOR_PDB).toBe(3);
    const omantel = testCluster({ fqdn: 'omantel.omani.works', sovereign: 'omantel', organization: 'omantel', nodeCount: 1 });
    expect(renderedValues(new OpenBao(), omantel).server.ha).toMatchObject({ replicas: 1, disruptionBudget: { enabled: false } });
    expect(renderedValues(new OpenBao({ replicas: 2 })).server.ha.disruptionBudget).toEqual({ enabled: false });
    expect(renderedValues(new OpenBao()).server.ha).toMatchObject({ replicas: 3, disruptionBudget: { enabled: true } });
  });
});

describe('Keycloak', () => {
  it('runs production mode behind the proxy with its hostname auth.<fqdn> from the cluster context', () => {
    const ctx = testCluster({ fqdn: 'omantel.omani.works', sovereign: 'omantel', organization: 'omantel', nodeCount: 1 });
    const values = renderedValues(new Keycloak(), ctx);
    expect(values).toMatchObject({ production: true, proxyHeaders: 'xforwarded' });
    expect(values.extraEnvVars).toEqual([{ name: 'KC_HOSTNAME', value: `https://${ctx.auth.hostname}` }]);
    expect(ctx.auth.hostname).toBe('auth.omantel.omani.works');
    expect(ctx.auth.issuerUrl.startsWith(`https://${ctx.auth.hostname}/`)).toBe(true);
  });
});

describe('hook Jobs', () => {
  it('SPIRE: the server, its controller manager, the OIDC provider and the hooks rendering their contexts run restricted', () => {
    const values = renderedValues(new Spire());
    const pod = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } };
    const container = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values['spire-server']).toMatchObject({ podSecurityContext: pod, securityContext: container, controllerManager: { securityContext: container, resources: { requests: { cpu: '50m', memory: '64Mi' } } } });
    expect(values['spiffe-oidc-discovery-provider']).toEqual({ podSecurityContext: pod, securityContext: container });
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

  it('NATS: the config reloader requests CPU and memory', () => {
    expect(renderedValues(new NatsJetstream()).reloader.merge.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
  });
});
