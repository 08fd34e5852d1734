/**
 * The Cilium Blueprint: values for the pre-install cloud-init runs and the HelmRelease adopts, the
 * post-render patch of the chart's `cilium-secrets` Namespace, its typed props (from TypeScript and
 * from a spec), its ingress class as the typed reference cert-manager reads, and its values against
 * the pinned chart's data.
 */
import { parse } from 'yaml';
import { CertManager, Cilium } from '../../blueprints';
import { CILIUM_INGRESS_CLASS, CILIUM_SECRETS_NAMESPACE } from '../../blueprints/platform/cilium';
import { postRender } from '../support/post-render';
import { chartValueProblems, propsProblems, sovereignWithProps } from '../support/props';
import { bindObjects, renderConfigObjects, renderedRelease, renderedValues, renderObjects, testCluster } from '../support/render';

const ctx = testCluster();

describe('Cilium values', () => {
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
    expect(new Cilium().preinstall(testCluster()).waitFor).toBe('k3s kubectl -n kube-system rollout status daemonset/cilium --timeout=10m');
  });

  it('lets NetworkPolicy ipBlocks select nodes (policyCIDRMatchMode is a list)', () => {
    expect(new Cilium().helmValues(ctx).policyCIDRMatchMode).toEqual(['nodes']);
  });

  it('leaves kube-system unpoliced: no NetworkPolicy, no Namespace', () => {
    expect(new Cilium().policesNetwork).toBe(false);
    expect(renderObjects(new Cilium()).map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository']);
  });

  it('blocks the metadata service in its -config stage', () => {
    expect(renderConfigObjects(new Cilium()).map((o) => o.kind)).toEqual(['CiliumClusterwideNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);
  });

  it('serves the Ingress controller on the cluster\'s ingress node ports, with the PROXY protocol exactly when the load balancer sends it', () => {
    expect(values.ingressController).toEqual({ enabled: true, default: true, loadbalancerMode: 'shared', enableProxyProtocol: true, service: { type: 'NodePort', insecureNodePort: 31080, secureNodePort: 31443 } });
    const plain = renderedValues(new Cilium(), testCluster({ ingress: { http: 30080, https: 30443, proxyProtocol: false } }));
    expect(plain.ingressController).toMatchObject({ enableProxyProtocol: false, service: { insecureNodePort: 30080, secureNodePort: 30443 } });
  });
});

describe('Cilium props', () => {
  it('reach the chart keys; the operator gets two replicas with three control plane servers', () => {
    const custom = renderedValues(new Cilium({ wireguard: false, gatewayApi: true, ingressController: false, operatorReplicas: 3 }));
    expect(custom.encryption).toEqual({ enabled: false, type: 'wireguard' });
    expect(custom.gatewayAPI).toEqual({ enabled: true });
    expect(custom.ingressController.enabled).toBe(false);
    expect(custom.operator.replicas).toBe(3);
    expect(renderedValues(new Cilium(), testCluster({ controlPlaneCount: 3, nodeCount: 3 })).operator.replicas).toBe(2);
  });

  it('are read from spec.blueprints.props.cilium', () => {
    const sovereign = sovereignWithProps({ cilium: { wireguard: false, operatorReplicas: 2 } });
    expect(sovereign.blueprints.find((p) => p.blueprint.metadata.name === 'cilium')!.blueprint.props).toEqual({ wireguard: false, operatorReplicas: 2 });
    const release = parse(sovereign.gitopsTree().files.get('clusters/hz-fsn-mgt-prod/bp-cilium/helmrelease.yaml')!);
    expect(release.spec.values.encryption.enabled).toBe(false);
    expect(release.spec.values.operator.replicas).toBe(2);
  });

  it('reject a bad spec with the path, the value and what is allowed', () => {
    const problems = propsProblems({ cilium: { wireguard: 'yes', operatorReplicas: 0, ingressControler: true } });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.cilium.wireguard', value: 'yes', message: 'must be a boolean, not a string' });
    expect(problems).toContainEqual({ path: 'spec.blueprints.props.cilium.operatorReplicas', value: 0, message: 'must be a whole number from 1 to 5' });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'spec.blueprints.props.cilium.ingressControler', message: expect.stringMatching(/^is not a known field \(did you mean "ingressController"\?\)/) }));
    expect(propsProblems({ cilium: { operatorReplicas: 1.5 } })).toEqual([{ path: 'spec.blueprints.props.cilium.operatorReplicas', value: 1.5, message: 'must be a whole number' }]);
  });

  it('give values the pinned chart declares and its values.schema.json accepts, with every prop set', () => {
    expect(chartValueProblems(new Cilium())).toEqual([]);
    expect(chartValueProblems(new Cilium({ wireguard: false, gatewayApi: true, ingressController: false, operatorReplicas: 3 }))).toEqual([]);
    expect(chartValueProblems(new Cilium({ values: { operator: { replicas: 'two' } } }))).toEqual([
      { kind: 'type', path: 'operator.replicas', message: 'is a string, but the chart\'s default is a number (2)' },
      { kind: 'schema', path: 'operator.replicas', message: 'must be integer (cilium-1.16.5/values.schema.json)' },
    ]);
  });
});

describe('Cilium as a typed reference', () => {
  const issuerClass = (cilium: Cilium, certManager = new CertManager()) => bindObjects(certManager, testCluster({}, [cilium, certManager])).config[0]!.spec.acme.solvers[0].http01.ingress.ingressClassName;

  it('gives cert-manager\'s HTTP-01 solver its ingress class, recording the read', () => {
    expect(new Cilium().ingressClassName()).toBe(CILIUM_INGRESS_CLASS);
    expect(issuerClass(new Cilium())).toBe('cilium');
    const cluster = testCluster({}, [new Cilium(), new CertManager()]);
    bindObjects(cluster.blueprints.get('cert-manager')!, cluster);
    expect(cluster.references.get('cert-manager')).toEqual(['cilium']);
  });

  it('with its Ingress controller off, makes cert-manager ask for the class of another controller', () => {
    expect(() => issuerClass(new Cilium({ ingressController: false }))).toThrow(
      /cert-manager.*Cilium runs no Ingress controller \(props\.ingressController is false\); name the ingress class of your own controller in the reading Blueprint's props \(e\.g\. cert-manager's http01IngressClass\)/,
    );
    expect(issuerClass(new Cilium({ ingressController: false }), new CertManager({ http01IngressClass: 'nginx' }))).toBe('nginx');
  });
});
