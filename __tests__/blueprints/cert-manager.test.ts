/**
 * The cert-manager Blueprint: its ACME ClusterIssuer, its values (CRDs kept, requests on every pod
 * and hook Job, the webhook port its policy opens), its typed props (from TypeScript and from a
 * spec), the issuer name as the typed reference Gitea reads, and its values against the pinned chart.
 */
import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { CertManager, Cilium, Gitea } from '../../blueprints';
import { CERT_MANAGER_WEBHOOK_PORT } from '../../blueprints/platform/cert-manager';
import { Cluster } from '../../lib/cluster';
import { chartValueProblems, propsProblems, sovereignWithProps } from '../support/props';
import { renderConfigObjects, renderedValues, renderObjects, testCluster, type Json } from '../support/render';

const ctx = testCluster();

describe('cert-manager', () => {
  it('the ACME ClusterIssuer uses the Sovereign admin email unless told otherwise', () => {
    const [issuer, ...rest] = renderConfigObjects(new CertManager());
    expect(rest).toEqual([]);
    expect(issuer).toMatchObject({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-prod' } });
    expect(issuer!.spec.acme.email).toBe('platform@example.org');
    expect(issuer!.spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(issuer!.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'cilium' } } }]);
    const custom = renderConfigObjects(new CertManager({ acmeEmail: 'pki@example.org', issuerName: 'le', http01IngressClass: 'nginx' }))[0]!;
    expect(custom.metadata.name).toBe('le');
    expect(custom.spec.acme.email).toBe('pki@example.org');
    expect(custom.spec.acme.privateKeySecretRef).toEqual({ name: 'le-account-key' });
    expect(custom.spec.acme.solvers[0].http01.ingress.ingressClassName).toBe('nginx');
    expect(renderConfigObjects(new CertManager({ clusterIssuer: false }))).toEqual([]);
  });

  it('installs and keeps its CRDs and leaves metrics scraping off', () => {
    const values = renderedValues(new CertManager());
    expect(values.crds).toEqual({ enabled: true, keep: true });
    expect(values.prometheus).toEqual({ enabled: false, servicemonitor: { enabled: false } });
  });

  it('the startupapicheck Job requests CPU and memory', () => {
    expect(renderedValues(new CertManager()).startupapicheck).toEqual({ resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } });
  });

  it('requests CPU and memory with a memory limit on controller, webhook and cainjector', () => {
    const values = renderedValues(new CertManager());
    expect(values.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(values.webhook.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(values.cainjector.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });

  it('the webhook port in the values is the one its policy opens', () => {
    const policies = new Map(renderObjects(new CertManager(), ctx).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
    expect((new CertManager().helmValues(ctx).webhook as Json).securePort).toBe(CERT_MANAGER_WEBHOOK_PORT);
    expect(policies.get(`allow-ingress-apiserver-${CERT_MANAGER_WEBHOOK_PORT}`)!.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: ctx.network.nodeSubnet } }]);
    expect([...policies.keys()].sort()).toEqual(['allow-dns', 'allow-egress-apiserver-6443', 'allow-egress-internet-443', 'allow-egress-internet-53-80', 'allow-ingress-apiserver-10250', 'allow-same-namespace', 'default-deny']);
  });
});

describe('cert-manager props', () => {
  it('set the controller replicas', () => {
    expect(renderedValues(new CertManager()).replicaCount).toBe(1);
    expect(renderedValues(new CertManager({ replicas: 2 })).replicaCount).toBe(2);
  });

  it('are read from spec.blueprints.props.cert-manager', () => {
    const sovereign = sovereignWithProps({ 'cert-manager': { acmeServer: 'https://acme-staging-v02.api.letsencrypt.org/directory', replicas: 2 } });
    const issuer = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-cert-manager-config/clusterissuer.yaml')!);
    expect(issuer.spec.acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-cert-manager/helmrelease.yaml')!);
    expect(release.spec.values.replicaCount).toBe(2);
  });

  it('reject a bad spec with the path, the value and what is allowed', () => {
    const problems = propsProblems({ 'cert-manager': { acmeEmail: 'pki', acmeServer: 'http://acme.example.org/directory', issuerName: 'Lets_Encrypt', http01IngressClass: '', clusterIssuer: 'no', replicas: 11 } });
    const at = 'spec.blueprints.props.cert-manager';
    expect(problems).toEqual([
      { path: `${at}.acmeEmail`, value: 'pki', message: 'must be an e-mail address' },
      { path: `${at}.acmeServer`, value: 'http://acme.example.org/directory', message: 'must be an https:// ACME directory URL' },
      { path: `${at}.issuerName`, value: 'Lets_Encrypt', message: 'must be a Kubernetes object name (lowercase letters, digits, - and .)' },
      { path: `${at}.http01IngressClass`, value: '', message: 'must be a Kubernetes object name (lowercase letters, digits, - and .)' },
      { path: `${at}.clusterIssuer`, value: 'no', message: 'must be a boolean, not a string' },
      { path: `${at}.replicas`, value: 11, message: 'must be a whole number from 1 to 10' },
    ]);
  });

  it('give values the pinned chart declares and its values.schema.json accepts, with every prop set', () => {
    expect(chartValueProblems(new CertManager())).toEqual([]);
    expect(chartValueProblems(new CertManager({ replicas: 3, acmeEmail: 'pki@example.org', issuerName: 'le', http01IngressClass: 'nginx', clusterIssuer: false }))).toEqual([]);
  });
});

describe('cert-manager as a typed reference', () => {
  const giteaIssuer = (certManager: CertManager) => {
    const gitea = new Gitea({ ingressClassName: 'cilium' });
    return renderObjects(gitea, testCluster({}, [certManager, gitea])).find((o) => o.kind === 'HelmRelease')!.spec.values.ingress.annotations['cert-manager.io/cluster-issuer'];
  };

  it('a ClusterIssuer renamed through props is the one Gitea\'s Ingress asks for', () => {
    expect(giteaIssuer(new CertManager())).toBe('letsencrypt-prod');
    expect(giteaIssuer(new CertManager({ issuerName: 'le-staging' }))).toBe('le-staging');
    expect(renderConfigObjects(new CertManager({ issuerName: 'le-staging' }))[0]!.metadata.name).toBe('le-staging');
  });

  it('a renamed issuer from spec.blueprints.props is followed in the GitOps tree', () => {
    const sovereign = sovereignWithProps({ 'cert-manager': { issuerName: 'corporate-acme' }, gitea: { ingressClassName: 'cilium' } });
    const files = sovereign.gitopsTree().files;
    expect(parse(files.get('clusters/hz-fsn-mgt-prod/bp-cert-manager-config/clusterissuer.yaml')!).metadata.name).toBe('corporate-acme');
    expect(parse(files.get('clusters/hz-fsn-mgt-prod/bp-gitea/helmrelease.yaml')!).spec.values.ingress.annotations['cert-manager.io/cluster-issuer']).toBe('corporate-acme');
  });

  it('reads Cilium\'s ingress class when Cilium is in the cluster, and the same class when bound without it', () => {
    const bare = Cluster.fromAttributes({ fqdn: 'acme.example.org' }, [new CertManager()]);
    const chart = new Chart(new App(), 'c');
    const bound = new CertManager().bind(chart, bare);
    expect((bound.configObjects[0]!.toJson() as Json).spec.acme.solvers[0].http01.ingress.ingressClassName).toBe(new Cilium().ingressClassName());
    expect(bare.references.get('cert-manager')).toBeUndefined();
  });
});
