/**
 * The network policy model: `NamespaceNetworkPolicies` turns typed allowances into standard
 * NetworkPolicy objects (stable names, one per allowance, reasons as annotations) and refuses rules
 * that would be ambiguous or too broad; Blueprints render them next to their Namespace, with
 * allowances that follow their props and values.
 */
import { App, Chart } from 'cdk8s';
import { Keycloak } from '../../blueprints';
import { HelmBlueprint } from '../../blueprints/helm';
import { allowanceName, NamespaceNetworkPolicies, REASON_ANNOTATION } from '../../constructs/k8s/network-policy';
import type { Blueprint, BlueprintMetadata, NetworkAllowances, NetworkRule } from '../../lib/blueprint';
import type { Cluster } from '../../lib/cluster';
import { renderObjects, testCluster } from '../support/render';
import { validateManifests } from '../../scripts/k8s-validate';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ctx: Cluster = testCluster();

const NODES = '10.0.1.0/24';

/** Renders `NamespaceNetworkPolicies` for namespace `demo` and returns the objects. */
function render(allowances: NetworkAllowances): Json[] {
  const chart = new Chart(new App(), 'test');
  new NamespaceNetworkPolicies(chart, 'policies', { namespace: 'demo', nodeSubnet: NODES, apiServerPort: 6443, allowances, labels: { team: 'a' } });
  return chart.toJson() as Json[];
}

/** The NetworkPolicies a Blueprint renders, by name. */
function blueprintPolicies(bp: Blueprint): Map<string, Json> {
  return new Map(renderObjects(bp, ctx).filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
}

const rule = (r: Partial<NetworkRule>): NetworkRule => ({ peer: 'cluster', ports: [{ port: 80 }], reason: 'a reason long enough', ...r });

describe('NamespaceNetworkPolicies', () => {
  const objects = render({
    ingress: [
      { peer: 'apiserver', ports: [{ port: 9443 }], reason: 'webhook' },
      { peer: 'anywhere', ports: [{ port: 8080 }], reason: 'served through the ingress controller' },
      { peer: 'namespace', namespace: 'clients', ports: [{ port: 4222 }], reason: 'clients' },
    ],
    egress: [
      { peer: 'apiserver', reason: 'watches' },
      { peer: 'internet', ports: [{ port: 443 }, { port: 53, protocol: 'UDP' }], reason: 'public services' },
      { peer: 'nodes', ports: [{ port: 10250 }], reason: 'kubelets' },
    ],
  });
  const byName = new Map(objects.map((o) => [o.metadata.name, o]));

  it('renders the baseline, then one policy per allowance with a name from direction, peer and ports', () => {
    expect(objects.map((o) => o.metadata.name)).toEqual([
      'default-deny',
      'allow-dns',
      'allow-same-namespace',
      'allow-ingress-apiserver-9443',
      'allow-ingress-anywhere-8080',
      'allow-ingress-namespace-clients-4222',
      'allow-egress-apiserver-6443',
      'allow-egress-internet-53-443',
      'allow-egress-nodes-10250',
    ]);
    for (const o of objects) {
      expect(o).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'demo', labels: { team: 'a' } }, spec: { podSelector: {} } });
      expect(o.metadata.annotations[REASON_ANNOTATION]).toBeTruthy();
    }
    expect(byName.get('allow-ingress-anywhere-8080')!.metadata.annotations[REASON_ANNOTATION]).toBe('served through the ingress controller');
  });

  it('denies both directions by default and allows DNS to CoreDNS and the namespace\'s own traffic', () => {
    expect(byName.get('default-deny')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(byName.get('allow-dns')!.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      },
    ]);
    expect(byName.get('allow-same-namespace')!.spec).toMatchObject({ ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
  });

  it('renders each peer kind as a standard NetworkPolicy peer', () => {
    expect(byName.get('allow-ingress-apiserver-9443')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: NODES } }], ports: [{ port: 9443, protocol: 'TCP' }] }] });
    expect(byName.get('allow-ingress-anywhere-8080')!.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(byName.get('allow-ingress-namespace-clients-4222')!.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clients' } } }]);
    expect(byName.get('allow-egress-apiserver-6443')!.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: NODES } }], ports: [{ port: 6443, protocol: 'TCP' }] }] });
    expect(byName.get('allow-egress-internet-53-443')!.spec.egress).toEqual([
      {
        to: [
          { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
          { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } },
        ],
        ports: [{ port: 443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
      },
    ]);
    expect(byName.get('allow-egress-nodes-10250')!.spec.egress[0].to).toEqual([{ ipBlock: { cidr: NODES } }]);
  });

  it('renders objects that pass the Kubernetes schema', async () => {
    expect(await validateManifests(objects)).toEqual([]);
  });

  it('names by the sorted distinct port numbers', () => {
    expect(allowanceName('Egress', rule({ peer: 'internet' }), [{ port: 443 }, { port: 53, protocol: 'UDP' }, { port: 53 }])).toBe('allow-egress-internet-53-443');
  });

  it.each<[string, NetworkAllowances, RegExp]>([
    ['a rule without ports', { ingress: [rule({ peer: 'nodes', ports: undefined })] }, /must list its ports/],
    ['an empty port list', { egress: [rule({ ports: [] })] }, /must list its ports/],
    ['an apiserver ingress rule without ports', { ingress: [rule({ peer: 'apiserver', ports: undefined })] }, /must list its ports/],
    ['anywhere in egress', { egress: [rule({ peer: 'anywhere' })] }, /ingress only/],
    ['a namespace peer without a namespace', { ingress: [rule({ peer: 'namespace' })] }, /names a namespace exactly when/],
    ['a namespace on another peer', { ingress: [rule({ peer: 'cluster', namespace: 'x' })] }, /names a namespace exactly when/],
    ['port 0', { ingress: [rule({ ports: [{ port: 0 }] })] }, /integer in 1-65535/],
    ['port 70000', { ingress: [rule({ ports: [{ port: 70000 }] })] }, /integer in 1-65535/],
    ['a fractional port', { ingress: [rule({ ports: [{ port: 80.5 }] })] }, /integer in 1-65535/],
    ['an empty reason', { egress: [rule({ reason: ' ' })] }, /needs a reason/],
    ['two rules with one name', { ingress: [rule({}), rule({ ports: [{ port: 80, protocol: 'UDP' }] })] }, /would both be named allow-ingress-cluster-80/],
  ])('refuses %s', (_what, allowances, error) => {
    expect(() => render(allowances)).toThrow(error);
  });
});

describe('Blueprint network policies', () => {
  it('renders a user Blueprint\'s baseline without allowances, and none where it does not own the namespace', () => {
    const metadata: BlueprintMetadata = {
      ...Keycloak.metadata,
      name: 'demo',
      namespace: 'demo',
      network: undefined,
    };
    class Demo extends HelmBlueprint {
      static readonly metadata = metadata;
      protected curatedValues(): Record<string, unknown> {
        return {};
      }
    }
    class Shared extends Demo {
      static readonly metadata: BlueprintMetadata = { ...metadata, name: 'shared', namespace: 'shared', ownsNamespace: false };
    }
    expect([...blueprintPolicies(new Demo()).keys()]).toEqual(['default-deny', 'allow-dns', 'allow-same-namespace']);
    expect(blueprintPolicies(new Shared()).size).toBe(0);
  });

  it('appends the allowances of props.network to the Blueprint\'s own', () => {
    const smtp = blueprintPolicies(new Keycloak({ network: { egress: [{ peer: 'internet', ports: [{ port: 587 }], reason: 'e-mails for password resets over SMTP submission' }] } }));
    expect(smtp.get('allow-egress-internet-587')!.metadata.annotations[REASON_ANNOTATION]).toMatch(/SMTP/);
    expect(smtp.has('allow-ingress-anywhere-8080')).toBe(true);
    expect(blueprintPolicies(new Keycloak()).has('allow-egress-internet-587')).toBe(false);
  });
});
