/**
 * The example specs in `examples/` load, and every default and derived value (cluster names, network
 * plans, Blueprint list) resolves to what the docs promise.
 */
import { join } from 'node:path';
import { loadSpec, parseSpec } from '../../lib/spec/load';
import { NODE_SOFTWARE } from '../../lib/versions';
import { DEFAULT_BLUEPRINTS, KEYS, OPTIONS, yamlOf } from './fixtures';

const example = (name: string) => join(__dirname, '..', '..', 'examples', `${name}.yaml`);
const SORTED_DEFAULTS = ['cert-manager', 'cilium', 'flux', 'sealed-secrets'];

describe('examples/solo.yaml', () => {
  const file = example('solo');
  const spec = loadSpec(file, OPTIONS);
  const region = spec.spec.regions[0]!;

  it('has one region in Falkenstein named hz-fsn-mgt-prod', () => {
    expect(spec.metadata.name).toBe('solo');
    expect(spec.source).toBe(file);
    expect(spec.spec.regions).toHaveLength(1);
    expect(region.index).toBe(0);
    expect(region.location).toBe('fsn1');
    expect(region.cluster).toBe('hz-fsn-mgt-prod');
  });

  it('gets the default network plan', () => {
    expect(region.network).toEqual({ cidr: '10.0.0.0/16', nodeSubnet: '10.0.1.0/24', podCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' });
  });

  it('gets the schema defaults', () => {
    expect(spec.spec.kubernetes).toEqual({ k3sVersion: NODE_SOFTWARE.k3s, apiAllowedCidrs: [], allowApiFromInternet: false });
    expect(spec.spec.loadBalancer).toEqual({ type: 'lb11', proxyProtocol: true });
    expect(spec.spec.gitops).toEqual({ url: 'https://git.example.org/platform/solo-gitops.git', branch: 'main', path: 'clusters', auth: 'none' });
    expect(spec.spec.terraform).toEqual({ backend: { type: 'local' } });
    expect(spec.spec.ssh.allowedCidrs).toEqual([]);
    expect(region.controlPlane).toEqual({ serverType: 'cx43', count: 1 });
    expect(region.workerPools).toEqual([{ name: 'general', serverType: 'cx33', count: 2, labels: {}, taints: [], privateOnly: false }]);
  });

  it('installs the default Blueprints, sorted', () => {
    expect(DEFAULT_BLUEPRINTS).not.toEqual(SORTED_DEFAULTS); // the loader, not the fixture, sorts
    expect(spec.spec.blueprints).toEqual({ install: SORTED_DEFAULTS, values: {}, verify: {}, props: {} });
  });
});

describe('examples/omantel.yaml', () => {
  const spec = loadSpec(example('omantel'), OPTIONS);
  const region = spec.spec.regions[0]!;

  it('mirrors the reference Sovereign', () => {
    expect(spec.metadata.name).toBe('omantel');
    expect(spec.spec.fqdn).toBe('omantel.omani.works');
    expect(spec.spec.organization).toEqual({ name: 'omantel', displayName: 'Omantel', adminEmail: 'ops@omantel.om' });
    expect(region.cluster).toBe('hz-fsn-mgt-prod');
    expect(region.controlPlane).toEqual({ serverType: 'cx43', count: 1 });
    expect(region.workerPools).toEqual([]);
  });

  it('derives the node subnet from the explicit network', () => {
    expect(region.network).toEqual({ cidr: '10.0.0.0/16', nodeSubnet: '10.0.1.0/24', podCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' });
  });

  it('keeps the firewall sources and defaults the rest', () => {
    expect(spec.spec.ssh.allowedCidrs).toEqual(['203.0.113.0/24']);
    expect(spec.spec.kubernetes).toEqual({ k3sVersion: 'v1.36.3+k3s1', apiAllowedCidrs: ['203.0.113.0/24'], allowApiFromInternet: false });
    expect(spec.spec.gitops).toEqual({ url: 'https://github.com/openova-io/openova', branch: 'main', path: 'clusters', auth: 'none' });
    expect(spec.spec.terraform.backend).toEqual({ type: 'local' });
    expect(spec.spec.blueprints.install).toEqual(SORTED_DEFAULTS);
  });
});

describe('examples/bank-dr.yaml', () => {
  const spec = loadSpec(example('bank-dr'), OPTIONS);
  const [primary, dr] = spec.spec.regions;

  it('has two rtz regions: Falkenstein and Helsinki', () => {
    expect(spec.spec.regions.map((r) => [r.index, r.location, r.cluster])).toEqual([
      [0, 'fsn1', 'hz-fsn-rtz-prod'],
      [1, 'hel1', 'hz-hel-rtz-prod'],
    ]);
    expect(primary!.controlPlane).toEqual({ serverType: 'ccx23', count: 3 });
    expect(dr!.controlPlane).toEqual({ serverType: 'ccx23', count: 3 });
  });

  it('gives the second region its own pod and service ranges', () => {
    expect(primary!.network).toEqual({ cidr: '10.10.0.0/16', nodeSubnet: '10.10.1.0/24', podCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' });
    expect(dr!.network).toEqual({ cidr: '10.20.0.0/16', nodeSubnet: '10.20.1.0/24', podCidr: '10.44.0.0/16', serviceCidr: '10.45.0.0/16' });
  });

  it('keeps pool labels and taints', () => {
    expect(primary!.workerPools.map((p) => [p.name, p.serverType, p.count])).toEqual([
      ['general', 'ccx33', 3],
      ['data', 'ccx33', 2],
    ]);
    expect(primary!.workerPools[1]!.labels).toEqual({ 'catalyst.openova.io/workload': 'data' });
    expect(primary!.workerPools[1]!.taints).toEqual([{ key: 'catalyst.openova.io/workload', value: 'data', effect: 'NoSchedule' }]);
    expect(primary!.workerPools[0]!.taints).toEqual([]);
  });

  it('uses a token-authenticated repository, an lb21 and the s3 backend', () => {
    expect(spec.spec.gitops.auth).toBe('token');
    expect(spec.spec.loadBalancer.type).toBe('lb21');
    expect(spec.spec.ssh.allowedCidrs).toEqual(['198.51.100.0/24', '2001:db8:1000::/48']);
    expect(spec.spec.terraform.backend).toEqual({
      type: 's3',
      bucket: 'bank-terraform-state',
      region: 'fsn1',
      endpoint: 'https://fsn1.your-objectstorage.com',
      keyPrefix: 'catalyst',
    });
  });
});

describe('defaults of a minimal spec', () => {
  it('gives a second region without networks 10.1.0.0/16 and pod/service ranges 10.44/10.45', () => {
    const spec = parseSpec(yamlOf((d) => d.spec.regions.push({ location: 'hel1', buildingBlock: 'dmz', envType: 'stg' })), OPTIONS);
    const second = spec.spec.regions[1]!;
    expect(second.cluster).toBe('hz-hel-dmz-stg');
    expect(second.controlPlane).toEqual({ serverType: 'cx43', count: 1 });
    expect(second.workerPools).toEqual([]);
    expect(second.network).toEqual({ cidr: '10.1.0.0/16', nodeSubnet: '10.1.1.0/24', podCidr: '10.44.0.0/16', serviceCidr: '10.45.0.0/16' });
  });

  it('uses a whole /24 network as the node subnet', () => {
    const spec = parseSpec(yamlOf((d) => (d.spec.regions[0].network = { cidr: '192.168.7.0/24' })), OPTIONS);
    expect(spec.spec.regions[0]!.network.nodeSubnet).toBe('192.168.7.0/24');
  });

  it('sorts an explicit Blueprint list and does not add the defaults', () => {
    const spec = parseSpec(yamlOf((d) => (d.spec.blueprints = { install: ['openbao', 'cilium', 'flux'], values: { cilium: { hubble: { enabled: true } } } })), OPTIONS);
    expect(spec.spec.blueprints).toEqual({ install: ['cilium', 'flux', 'openbao'], values: { cilium: { hubble: { enabled: true } } }, verify: {}, props: {} });
  });

  it('keeps an explicitly empty Blueprint list empty', () => {
    const spec = parseSpec(yamlOf((d) => (d.spec.blueprints = { install: [] })), OPTIONS);
    expect(spec.spec.blueprints.install).toEqual([]);
  });

  it('accepts every supported SSH key type', () => {
    const keys = [KEYS.ed25519A, KEYS.ed25519B, KEYS.ecdsa256, KEYS.rsa3072];
    const spec = parseSpec(yamlOf((d) => (d.spec.ssh.publicKeys = keys)), OPTIONS);
    expect(spec.spec.ssh.publicKeys).toEqual(keys);
  });
});
