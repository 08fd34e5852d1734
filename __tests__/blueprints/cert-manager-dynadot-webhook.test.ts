/**
 * The cert-manager Dynadot webhook Blueprint: the webhook Deployment, Service and APIService, the
 * serving certificate chain, the RBAC of an aggregated API server and for cert-manager's controller,
 * the DNS-01 ClusterIssuer built from cert-manager's typed facts, every object against the published
 * models (cert-manager's included) and the chart check on a tree that installs it, and its props from YAML.
 */
import { parse } from 'yaml';
import { CertManager, CertManagerDynadotWebhook, ExternalSecrets } from '../../blueprints';
import { DYNADOT_GROUP_NAME, DYNADOT_WEBHOOK_PORT } from '../../blueprints/platform/cert-manager-dynadot-webhook';
import { IMAGES } from '../../lib/versions';
import { validateManifest } from '../../scripts/k8s-validate';
import { blueprintPropsProblems } from '../support/props';
import { find, renderObjects, testCluster, type Json } from '../support/render';
import { checkChartsOf, kustomizeFolder, soloTreeWith } from '../support/tree-check';

const ctx = testCluster();
const NAME = 'cert-manager-dynadot-webhook';

describe('the cert-manager Dynadot webhook', () => {
  const objects = renderObjects(new CertManagerDynadotWebhook(), ctx);
  const container = () => find(objects, 'Deployment', NAME).spec.template.spec.containers[0];

  it('renders the webhook, its API registration, certificate chain, RBAC and the DNS-01 ClusterIssuer', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'APIService/v1alpha1.acme.dynadot.openova.io',
      'Certificate/cert-manager-dynadot-webhook-ca',
      'Certificate/cert-manager-dynadot-webhook-tls',
      'ClusterIssuer/letsencrypt-dns01-prod',
      'ClusterRole/cert-manager-dynadot-webhook:domain-solver',
      'ClusterRole/cert-manager-dynadot-webhook:flowcontrol',
      'ClusterRoleBinding/cert-manager-dynadot-webhook:auth-delegator',
      'ClusterRoleBinding/cert-manager-dynadot-webhook:domain-solver',
      'ClusterRoleBinding/cert-manager-dynadot-webhook:flowcontrol',
      'Deployment/cert-manager-dynadot-webhook',
      'ExternalSecret/dynadot-api-credentials',
      'Issuer/cert-manager-dynadot-webhook-ca',
      'Issuer/cert-manager-dynadot-webhook-selfsign',
      'Namespace/cert-manager-dynadot-webhook',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/allow-egress-apiserver-6443',
      'NetworkPolicy/allow-egress-internet-443',
      'NetworkPolicy/allow-ingress-apiserver-4443',
      'NetworkPolicy/allow-same-namespace',
      'NetworkPolicy/default-deny',
      'RoleBinding/cert-manager-dynadot-webhook:auth-reader',
      'Service/cert-manager-dynadot-webhook',
      'ServiceAccount/cert-manager-dynadot-webhook',
    ]);
  });

  it('validates every object against the published models (Kubernetes, cert-manager; the ExternalSecret by its CRD in the chart check below)', async () => {
    for (const o of objects.filter((x) => x.kind !== 'ExternalSecret')) expect({ object: `${o.kind}/${o.metadata.name}`, errors: await validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, errors: [] });
    const broken = { ...find(objects, 'Certificate', `${NAME}-tls`), spec: { secretName: 'x', dnsNames: 'one', issuerRef: {} } };
    expect((await validateManifest(broken)).length).toBeGreaterThan(0);
  });

  it('copies the Dynadot credentials from OpenBao (openBaoSecret) into the Secret the webhook reads, or reads the Secret the props name', () => {
    const copy = find(objects, 'ExternalSecret', 'dynadot-api-credentials');
    expect(copy.metadata.namespace).toBe(NAME);
    expect(copy.spec).toMatchObject({
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'openbao' },
      target: { name: 'dynadot-api-credentials' },
      data: [
        { secretKey: 'api-key', remoteRef: { key: 'dynadot/api', property: 'api-key' } },
        { secretKey: 'api-secret', remoteRef: { key: 'dynadot/api', property: 'api-secret' } },
      ],
    });
    const moved = new CertManagerDynadotWebhook({ openBaoPath: 'registrars/dynadot' });
    const cluster = testCluster({}, [moved]);
    expect(find(renderObjects(moved, cluster), 'ExternalSecret', 'dynadot-api-credentials').spec.data.map((d: Json) => d.remoteRef.key)).toEqual(['registrars/dynadot', 'registrars/dynadot']);
    expect(cluster.references.get(NAME)).toEqual(['cert-manager', 'external-secrets']);
    const own = renderObjects(new CertManagerDynadotWebhook({ credentialsSecret: 'mine' }), ctx);
    expect(own.filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
    expect(find(own, 'Deployment', NAME).spec.template.spec.containers[0].env.filter((e: Json) => e.valueFrom).map((e: Json) => e.valueFrom.secretKeyRef.name)).toEqual(['mine', 'mine']);
  });

  it('runs the pinned image as the aggregated API server on 4443 with the serving certificate, credentials from the Secret only', () => {
    const c = container();
    expect(c.image).toBe('ghcr.io/openova-io/openova/cert-manager-dynadot-webhook:5502d9a');
    expect(IMAGES.certManagerDynadotWebhook.tag).not.toBe('latest');
    expect(c.args).toEqual(['--secure-port=4443', '--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key']);
    expect(c.env).toEqual([
      { name: 'GROUP_NAME', value: 'acme.dynadot.openova.io' },
      { name: 'DYNADOT_MANAGED_DOMAINS', value: 'example.org' },
      { name: 'DYNADOT_API_KEY', valueFrom: { secretKeyRef: { name: 'dynadot-api-credentials', key: 'api-key' } } },
      { name: 'DYNADOT_API_SECRET', valueFrom: { secretKeyRef: { name: 'dynadot-api-credentials', key: 'api-secret' } } },
    ]);
    const pod = find(objects, 'Deployment', NAME).spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: `${NAME}-tls` } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(find(objects, 'Service', NAME).spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    expect(c.ports).toEqual([{ name: 'https', containerPort: DYNADOT_WEBHOOK_PORT, protocol: 'TCP' }]);
  });

  it('registers the aggregated API at the Service, trusting the serving certificate\'s CA that cert-manager injects', () => {
    const api = find(objects, 'APIService', 'v1alpha1.acme.dynadot.openova.io');
    expect(api.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': `${NAME}/${NAME}-tls` });
    expect(api.spec).toEqual({ group: DYNADOT_GROUP_NAME, version: 'v1alpha1', groupPriorityMinimum: 1000, versionPriority: 15, service: { name: NAME, namespace: NAME, port: 443 } });
    const serving = find(objects, 'Certificate', `${NAME}-tls`);
    expect(serving.spec).toMatchObject({ secretName: `${NAME}-tls`, dnsNames: [NAME, `${NAME}.${NAME}`, `${NAME}.${NAME}.svc`], issuerRef: { name: `${NAME}-ca`, kind: 'Issuer' } });
    expect(find(objects, 'Issuer', `${NAME}-ca`).spec).toEqual({ ca: { secretName: `${NAME}-ca` } });
    expect(find(objects, 'Certificate', `${NAME}-ca`).spec).toMatchObject({ isCA: true, secretName: `${NAME}-ca`, issuerRef: { name: `${NAME}-selfsign`, kind: 'Issuer' } });
    expect(find(objects, 'Issuer', `${NAME}-selfsign`).spec).toEqual({ selfSigned: {} });
  });

  it('lets cert-manager\'s controller ServiceAccount (read from the cert-manager Blueprint) create challenge requests, and the webhook delegate auth', () => {
    expect(find(objects, 'ClusterRole', `${NAME}:domain-solver`).rules).toEqual([{ apiGroups: ['acme.dynadot.openova.io'], resources: ['*'], verbs: ['create'] }]);
    expect(find(objects, 'ClusterRoleBinding', `${NAME}:domain-solver`).subjects).toEqual([{ kind: 'ServiceAccount', name: 'cert-manager', namespace: 'cert-manager' }]);
    expect(new CertManager().controllerServiceAccount).toEqual({ name: 'cert-manager', namespace: 'cert-manager' });
    expect(find(objects, 'ClusterRoleBinding', `${NAME}:auth-delegator`).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    const reader = find(objects, 'RoleBinding', `${NAME}:auth-reader`);
    expect([reader.metadata.namespace, reader.roleRef.name]).toEqual(['kube-system', 'extension-apiserver-authentication-reader']);
    for (const b of objects.filter((o) => /RoleBinding$/.test(o.kind) && o.metadata.name !== `${NAME}:domain-solver`)) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: NAME, namespace: NAME }]);
    }
    expect(objects.filter((o) => o.kind === 'Role')).toEqual([]);
  });

  it('builds the DNS-01 ClusterIssuer from cert-manager\'s ACME facts, follows them when cert-manager\'s props change, and records the reference', () => {
    expect(find(objects, 'ClusterIssuer', 'letsencrypt-dns01-prod').spec).toEqual({
      acme: {
        email: 'platform@example.org',
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        privateKeySecretRef: { name: 'letsencrypt-dns01-prod-account-key' },
        solvers: [{ selector: { dnsZones: ['example.org'] }, dns01: { webhook: { groupName: 'acme.dynadot.openova.io', solverName: 'dynadot' } } }],
      },
    });
    const staging = 'https://acme-staging-v02.api.letsencrypt.org/directory';
    const webhook = new CertManagerDynadotWebhook({ zones: ['omani.works', 'omanyx.works'], issuerName: 'dns01' });
    const cluster = testCluster({}, [new CertManager({ acmeServer: staging, acmeEmail: 'pki@example.org' }), webhook]);
    const issuer = find(renderObjects(webhook, cluster), 'ClusterIssuer', 'dns01');
    expect(issuer.spec.acme).toMatchObject({ server: staging, email: 'pki@example.org', solvers: [{ selector: { dnsZones: ['omani.works', 'omanyx.works'] } }] });
    expect(cluster.references.get(NAME)).toEqual(['cert-manager', 'external-secrets']);
    expect(webhook.clusterIssuerName).toBe('dns01');
  });

  it('allows the API server in on 4443 and the webhook out to the API and Dynadot (HTTPS), nothing else', () => {
    const policy = (name: string) => find(objects, 'NetworkPolicy', name).spec;
    expect(policy('allow-ingress-apiserver-4443').ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.1.0/24' } }], ports: [{ port: 4443, protocol: 'TCP' }] }]);
    expect(policy('allow-egress-internet-443').egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
  });

  it('is mandatory, outside the kit, in its own restricted namespace, after cert-manager and external-secrets', () => {
    const m = CertManagerDynadotWebhook.metadata;
    expect(m).toMatchObject({ tier: 'mandatory', namespace: NAME, podSecurity: { level: 'restricted' }, images: [IMAGES.certManagerDynadotWebhook], resources: { cpuMillis: 50, memoryMiB: 64 } });
    expect(m.dependsOn).toEqual([CertManager, ExternalSecrets]);
    expect(find(objects, 'Namespace', NAME).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('a Sovereign that installs the Dynadot webhook', () => {
  const files = soloTreeWith(['cert-manager-dynadot-webhook'], { 'cert-manager-dynadot-webhook': { zones: ['example.org'], credentialsSecret: 'dynadot' } });
  const cluster = 'clusters/hz-fsn-mgt-prod';

  it('applies its folder after cert-manager and external-secrets, and the folder builds with kubectl kustomize', () => {
    const ks = parse(files.get(`${cluster}/flux-system/kustomization-bp-cert-manager-dynadot-webhook.yaml`)!);
    expect(ks.spec.dependsOn).toEqual([{ name: 'bp-cert-manager' }, { name: 'bp-external-secrets' }]);
    const built = kustomizeFolder(files, `${cluster}/bp-cert-manager-dynadot-webhook`);
    expect(built.stderr).toBe('');
    expect(built.ok).toBe(true);
    expect(built.stdout).toContain('kind: APIService');
  });

  it('passes the chart check (every object validated by a CRD or a published model)', async () => {
    const r = await checkChartsOf(files);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('reads the credentials Secret the props name', () => {
    const deployment = parse(files.get(`${cluster}/bp-cert-manager-dynadot-webhook/deployment.yaml`)!);
    const env: Json[] = deployment.spec.template.spec.containers[0].env;
    expect(env.filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef.name)).toEqual(['dynadot', 'dynadot']);
  });
});

describe('props from YAML (spec.blueprints.props.cert-manager-dynadot-webhook)', () => {
  it.each([
    [{ zones: [] }, 'zones', 'Too small: expected array to have >=1 items'],
    [{ zones: ['Example.org'] }, 'zones[0]', 'must be a lowercase DNS name of at least two labels, such as example.org'],
    [{ openBaoPath: '/dynadot' }, 'openBaoPath', "must be a path in OpenBao's KV mount: lowercase segments of letters, digits, '-' and '_' joined by '/', e.g. dynadot/api"],
    [{ credentialsSecret: 'My Secret' }, 'credentialsSecret', 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", e.g. my-secret'],
    [{ replicas: 9 }, 'replicas', 'must be a whole number from 1 to 5'],
  ])('rejects %p with the path and what is allowed', (props, field, message) => {
    // The solo example does not install this mandatory Blueprint: that is reported at the props' root, besides the field.
    const problems = blueprintPropsProblems('cert-manager-dynadot-webhook', props).filter((p) => p.path !== 'spec.blueprints.props.cert-manager-dynadot-webhook');
    expect(problems.map((p) => ({ path: p.path, message: p.message }))).toEqual([{ path: `spec.blueprints.props.cert-manager-dynadot-webhook.${field}`, message }]);
  });
});
