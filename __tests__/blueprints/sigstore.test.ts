/**
 * The Sigstore policy-controller Blueprint: its ClusterImagePolicy in the -config folder (fields as
 * the ClusterImagePolicy CRD of the pinned chart defines them: that CRD is a Helm template, so the chart
 * check lists the kind as unvalidated), the opt-in namespace label, restricted pods through the
 * chart's oddly named security-context values, and its props from YAML.
 */
import { Sigstore } from '../../blueprints';
import { CLUSTER_IMAGE_POLICY, CLUSTER_IMAGE_POLICY_API_VERSION, PUBLIC_FULCIO_URL, SIGSTORE_INCLUDE_LABEL, SIGSTORE_WEBHOOK_PORT } from '../../blueprints/platform/sigstore';
import { CHARTS } from '../../lib/versions';
import { UNVALIDATED_KINDS } from '../../scripts/check-charts';
import { blueprintPropsProblems, chartValueProblems, chartValues, fromYamlProps } from '../support/props';
import { renderConfigObjects, renderObjects, renderedValues, type Json } from '../support/render';

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexampleexampleexampleexampleexampleexampleexampleexampleexampleexample==\n-----END PUBLIC KEY-----\n';
const GITHUB = { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github.com/acme/.*$' };

function policy(bp: Sigstore): Json {
  const objects = renderConfigObjects(bp);
  expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([`${CLUSTER_IMAGE_POLICY_API_VERSION} ClusterImagePolicy ${CLUSTER_IMAGE_POLICY}`]);
  return objects[0]!;
}

describe('Sigstore policy-controller', () => {
  it('by default renders a ClusterImagePolicy over every image that only warns on images no Fulcio identity signed', () => {
    const p = policy(new Sigstore());
    expect(p.metadata).toEqual({ name: CLUSTER_IMAGE_POLICY, labels: { 'catalyst.openova.io/sovereign': 'solo.example.org', 'catalyst.openova.io/blueprint': 'sigstore' } });
    expect(p.spec).toEqual({
      images: [{ glob: '**' }],
      authorities: [{ name: 'any-fulcio-identity', keyless: { url: PUBLIC_FULCIO_URL, identities: [{ issuerRegExp: '.*', subjectRegExp: '.*' }] } }],
      mode: 'warn',
    });
  });

  it('enforces the named keyless identities and public keys over the named images', () => {
    const p = policy(new Sigstore({ images: ['ghcr.io/acme/**', 'harbor.acme.example/apps/**'], keyless: [GITHUB], publicKeys: [KEY] }));
    expect(p.spec).toEqual({
      images: [{ glob: 'ghcr.io/acme/**' }, { glob: 'harbor.acme.example/apps/**' }],
      authorities: [
        { name: 'keyless', keyless: { url: PUBLIC_FULCIO_URL, identities: [GITHUB] } },
        { name: 'key-1', key: { data: KEY } },
      ],
      mode: 'enforce',
    });
    expect(policy(new Sigstore({ publicKeys: [KEY], mode: 'warn' })).spec.mode).toBe('warn');
  });

  it('keeps the ClusterImagePolicy out of the main folder and the kind in the unvalidated list with its reason', () => {
    expect(renderObjects(new Sigstore()).filter((o) => o.kind === 'ClusterImagePolicy')).toEqual([]);
    expect(UNVALIDATED_KINDS[`${CLUSTER_IMAGE_POLICY_API_VERSION} ClusterImagePolicy`]).toContain('Helm template');
  });

  it('runs the webhook and the leases-cleanup hook restricted, with replicas and failure policy from props', () => {
    const values = renderedValues(new Sigstore({ replicas: 2, failurePolicy: 'Ignore' }));
    expect(values.webhook).toMatchObject({ replicaCount: 2, failurePolicy: 'Ignore' });
    expect(values.webhook.securityContext).toEqual({ enabled: true, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const container = { enabled: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values.webhook.podSecurityContext).toEqual(container);
    expect(values.leasescleanup.podSecurityContext).toEqual(container);
    expect(renderedValues(new Sigstore()).webhook).toMatchObject({ replicaCount: 1, failurePolicy: 'Fail' });
  });

  it('accepts webhook calls from the API server and reaches the API and the internet on 443 only', () => {
    const m = Sigstore.metadata;
    expect(m.namespace).toBe('sigstore-system');
    expect(m.network?.ingress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', [{ port: SIGSTORE_WEBHOOK_PORT }]]]);
    expect(m.network?.egress?.map((r) => [r.peer, r.ports])).toEqual([['apiserver', undefined], ['internet', [{ port: 443 }]]]);
    const policies = renderObjects(new Sigstore()).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies).toEqual(['default-deny', 'allow-dns', 'allow-same-namespace', `allow-ingress-apiserver-${SIGSTORE_WEBHOOK_PORT}`, 'allow-egress-apiserver-6443', 'allow-egress-internet-443']);
  });
});

describe('Sigstore against the pinned chart', () => {
  const chart = chartValues('sigstore', 'policy-controller', CHARTS['policy-controller'].version);

  it('acts only on namespaces that opt in with the include label, as the chart selects them', () => {
    expect(chart.webhook.namespaceSelector).toEqual({ matchExpressions: [{ key: SIGSTORE_INCLUDE_LABEL, operator: 'In', values: ['true'] }] });
    expect(renderedValues(new Sigstore()).webhook.namespaceSelector).toBeUndefined();
  });

  it('sets only values the chart declares or its templates read (listed with evidence), the requests it states', () => {
    expect(chartValueProblems(new Sigstore({ replicas: 3, failurePolicy: 'Ignore' }))).toEqual([]);
    expect(chart.webhook.podSecurityContext.enabled).toBe(true);
    expect(chart.webhook.securityContext.enabled).toBe(false);
    expect(renderedValues(new Sigstore()).webhook.resources.requests).toEqual({ cpu: `${Sigstore.metadata.resources.cpuMillis}m`, memory: `${Sigstore.metadata.resources.memoryMiB}Mi` });
  });
});

describe('Sigstore props from YAML', () => {
  it('accepts signers, images, mode and webhook settings and renders them into the -config folder', () => {
    const props = { images: ['ghcr.io/acme/**'], keyless: [GITHUB], publicKeys: [KEY], mode: 'enforce', failurePolicy: 'Fail', replicas: 2 };
    const { sovereign, blueprint } = fromYamlProps<Sigstore>('sigstore', props);
    expect(blueprint.props).toEqual(props);
    const file = sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-sigstore-config/clusterimagepolicy.yaml');
    expect(file).toContain('subjectRegExp: ^https://github.com/acme/.*$');
  });

  it('rejects an identity with two issuers or none, a key that is not PEM and an http issuer', () => {
    expect(blueprintPropsProblems('sigstore', { keyless: [{ issuer: 'https://a.example', issuerRegExp: '.*', subject: 'x' }, { subjectRegExp: '.*' }] })).toEqual([
      { path: 'spec.blueprints.props.sigstore.keyless[0]', value: { issuer: 'https://a.example', issuerRegExp: '.*', subject: 'x' }, message: 'set exactly one of issuer and issuerRegExp' },
      { path: 'spec.blueprints.props.sigstore.keyless[1]', value: { subjectRegExp: '.*' }, message: 'set exactly one of issuer and issuerRegExp' },
    ]);
    expect(blueprintPropsProblems('sigstore', { publicKeys: ['ssh-ed25519 AAAA'], keyless: [{ issuer: 'http://a.example', subject: 'x' }] })).toEqual([
      { path: 'spec.blueprints.props.sigstore.publicKeys[0]', value: 'ssh-ed25519 AAAA', message: 'must be a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)' },
      { path: 'spec.blueprints.props.sigstore.keyless[0].issuer', value: 'http://a.example', message: 'must be an https:// OIDC issuer URL' },
    ]);
  });
});
