/**
 * Invalid Sovereign specs: each kind of mistake is reported with the exact field path, the offending
 * value, a message naming what is allowed, and (where it can be found) the YAML line.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { SpecError } from '../../lib/errors';
import { loadSpec, parseSpec } from '../../lib/spec/load';
import { CATALOG, Doc, KEYS, lineOf, OPTIONS, PRIVATE_KEY, PRIVATE_KEY_BODY, problemsOf, specErrorOf, yamlOf } from './fixtures';
import { armor, packet, PGP_KEYS, PGP_PRIVATE_BODY, pgpPrivateKeyBlock } from '../support/pgp';

interface BadCase {
  /** What is wrong, for the test name. */
  readonly name: string;
  /** The YAML text. */
  readonly yaml: string;
  /** Exact path of the expected problem. */
  readonly path: string;
  /** What the message must say. */
  readonly message: RegExp;
  /** The expected `value` of the problem (compared when the key is present, `undefined` included). */
  readonly value?: unknown;
  /** A text on the line the problem must point at. */
  readonly line?: string;
  /** True when the mistake must produce exactly this one problem (no follow-on noise). */
  readonly single?: boolean;
}

const edit = (f: (d: Doc) => void) => yamlOf(f);
const region0 = (f: (r: Doc) => void) => yamlOf((d) => f(d.spec.regions[0]));
const pool0 = (f: (p: Doc) => void) => yamlOf((d) => f(d.spec.regions[0].workerPools[0]));
const withSecondRegion = (second: Doc) => yamlOf((d) => d.spec.regions.push(second));
/** The first region moved to Ashburn (no cx types there) with an orderable control plane type there. */
const inAshburn = (f: (r: Doc) => void) =>
  region0((r) => {
    r.location = 'ash';
    r.controlPlane.serverType = 'cpx32';
    f(r);
  });

const gitVerify = (verify: Doc) => yamlOf((d) => (d.spec.gitops.verify = verify));
const chartVerify = (name: string, verify: Doc) => yamlOf((d) => (d.spec.blueprints = { verify: { [name]: verify } }));
/** A keyless identity of GitHub Actions release workflows. */
const GITHUB_IDENTITY = { issuer: '^https://token\\.actions\\.githubusercontent\\.com$', subject: '^https://github\\.com/acme/charts/\\.github/workflows/release\\.yml@refs/tags/.+$' };

/** The base spec as YAML text, for cases that need YAML syntax the object model cannot express. */
const BASE = yamlOf();
/** The base spec with raw YAML lines under `spec.blueprints.values.cilium` (indented by the caller). */
const withCiliumValues = (lines: readonly string[]) => `${BASE}  blueprints:\n    values:\n      cilium:\n${lines.map((l) => `        ${l}`).join('\n')}\n`;
/** Ten aliases of one anchor, as a YAML flow list. */
const tenOf = (anchor: string) => `[${Array.from({ length: 10 }, () => `*${anchor}`).join(', ')}]`;

/** `n` bytes of deterministic pseudo-random data in base64: text that gzip cannot shrink much. */
function incompressible(n: number): string {
  const bytes = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes.toString('base64');
}

const LONG_NAME = 'a'.repeat(32);
const LONG_POOL = 'b'.repeat(20);

const CASES: BadCase[] = [
  // --- YAML syntax and document shape
  {
    name: 'malformed YAML',
    yaml: 'apiVersion: catalyst.openova.io/v1alpha1\nkind: Sovereign\nmetadata:\n  name: acme: corp\nspec: {}\n',
    path: '(document)',
    message: /^is not valid YAML: /,
    line: 'acme: corp',
  },
  {
    name: 'YAML with a tab as indentation',
    yaml: 'apiVersion: catalyst.openova.io/v1alpha1\nkind: Sovereign\nmetadata:\n\tname: acme\n',
    path: '(document)',
    message: /^is not valid YAML: .*[Tt]ab/,
    line: '\tname: acme',
  },
  {
    name: 'duplicate YAML key',
    yaml: 'apiVersion: catalyst.openova.io/v1alpha1\nkind: Sovereign\nmetadata:\n  name: acme\nkind: Other\n',
    path: '(document)',
    message: /^is not valid YAML: Map keys must be unique/,
    line: 'kind: Other',
    single: true,
  },
  {
    name: 'YAML merge key',
    yaml: BASE.replace('      controlPlane:\n', '      controlPlane: &cp\n').replace('        - name: general\n          serverType: cx33\n', '        - <<: *cp\n          name: general\n'),
    path: 'spec.regions[0].workerPools[0].<<',
    value: '*cp',
    message: /^is a YAML merge key, which YAML 1\.2 .* does not have, so tools disagree on what it means; write the merged keys out in this mapping$/,
    line: '<<: *cp',
    single: true,
  },
  {
    name: 'several YAML documents in one file',
    yaml: `${BASE}---\nkind: Second\n`,
    path: '(document)',
    value: '2 documents',
    message: /^holds 2 YAML documents \(separated by ---\) but a spec file holds exactly one Sovereign; keep one and move each other document to a file of its own$/,
    line: 'kind: Second',
    single: true,
  },
  {
    name: 'YAML aliases that expand exponentially (billion laughs)',
    yaml: withCiliumValues(['a: &a [x, x, x, x, x, x, x, x, x, x]', `b: &b ${tenOf('a')}`, `c: &c ${tenOf('b')}`, `d: &d ${tenOf('c')}`, `e: ${tenOf('d')}`]),
    path: 'spec.blueprints.values.cilium.d[7]',
    value: '*c',
    message: /^brings the nodes that aliases add to the document to 10108, more than the 10000 a spec may expand to \(aliases of aliases multiply, the "billion laughs" pattern\)/,
    line: 'd: &d',
    single: true,
  },
  {
    name: 'more than 100 YAML aliases',
    yaml: withCiliumValues(['zone: &zone fsn1', `zones: [${Array.from({ length: 101 }, () => '*zone').join(', ')}]`]),
    path: 'spec.blueprints.values.cilium.zones[100]',
    value: '*zone',
    message: /^is alias number 101, more than the 100 a spec may hold/,
    single: true,
  },
  {
    name: 'YAML alias inside the node it refers to',
    yaml: withCiliumValues(['loop: &loop', '  - *loop']),
    path: 'spec.blueprints.values.cilium.loop[0]',
    value: '*loop',
    message: /^refers to the anchor &loop from inside the node it anchors, which makes the document infinitely deep/,
    line: '- *loop',
    single: true,
  },
  { name: 'document is a list', yaml: '- apiVersion: catalyst.openova.io/v1alpha1\n- kind: Sovereign\n', path: '(document)', message: /must be a YAML mapping with apiVersion, kind, metadata and spec/, value: [{ apiVersion: 'catalyst.openova.io/v1alpha1' }, { kind: 'Sovereign' }], single: true },
  { name: 'document is a scalar', yaml: 'just some text\n', path: '(document)', message: /must be a YAML mapping/, value: 'just some text', single: true },
  { name: 'document is empty', yaml: '', path: '(document)', message: /must be a YAML mapping/, value: null, single: true },

  // --- invisible and typographic characters (copied from chat, mail, word processors)
  {
    name: 'zero-width space in a location',
    yaml: region0((r) => (r.location = 'fsn\u200b1')),
    path: 'spec.regions[0].location',
    value: 'fsn\u200b1',
    message: /^contains U\+200B ZERO WIDTH SPACE \(\\u200b\) at character 4; delete it$/,
    line: 'location: fsn',
    single: true,
  },
  {
    name: 'no-break space at the end of the FQDN',
    yaml: edit((d) => (d.spec.fqdn = 'acme.example.org\u00a0')),
    path: 'spec.fqdn',
    message: /^contains U\+00A0 NO-BREAK SPACE \(\\u00a0\) at character 17; replace it with a plain space$/,
    single: true,
  },
  {
    name: 'typographic quotes around the GitOps URL',
    yaml: edit((d) => (d.spec.gitops.url = '\u201chttps://git.acme.example/gitops.git\u201d')),
    path: 'spec.gitops.url',
    message: /^contains U\+201C LEFT DOUBLE QUOTATION MARK \(\\u201c\) at character 1; replace it with a plain "; U\+201D RIGHT DOUBLE QUOTATION MARK \(\\u201d\) at character 37; replace it with a plain "$/,
    single: true,
  },
  {
    name: 'en dash in a Blueprint name',
    yaml: edit((d) => (d.spec.blueprints = { install: ['cert\u2013manager'] })),
    path: 'spec.blueprints.install[0]',
    value: 'cert\u2013manager',
    message: /^contains U\+2013 EN DASH \(\\u2013\) at character 5; replace it with a plain -$/,
    single: true,
  },
  {
    name: 'zero-width joiner inside a key',
    yaml: region0((r) => {
      r.controlPlane = { 'server\u200dType': 'cx42' };
    }),
    path: 'spec.regions[0].controlPlane.server\u200dType',
    message: /^is a key that contains U\+200D ZERO WIDTH JOINER \(\\u200d\) at character 7; delete it$/,
    line: 'server',
    single: true,
  },
  {
    name: 'right-to-left override in the display name (free text)',
    yaml: edit((d) => (d.spec.organization.displayName = 'Acme \u202eproC')),
    path: 'spec.organization.displayName',
    message: /^contains U\+202E RIGHT-TO-LEFT OVERRIDE \(\\u202e\) at character 6; delete it$/,
    single: true,
  },

  // --- names in the wrong case
  { name: 'uppercase location (FSN1)', yaml: region0((r) => (r.location = 'FSN1')), path: 'spec.regions[0].location', value: 'FSN1', message: /^must be lowercase: "fsn1"$/, line: 'location: FSN1', single: true },
  { name: 'uppercase server type (CX33)', yaml: pool0((p) => (p.serverType = 'CX33')), path: 'spec.regions[0].workerPools[0].serverType', value: 'CX33', message: /^must be lowercase: "cx33"$/, single: true },
  { name: 'kind in lowercase (sovereign)', yaml: edit((d) => (d.kind = 'sovereign')), path: 'kind', value: 'sovereign', message: /^must be written "Sovereign": names are case-sensitive$/, single: true },

  // --- header
  { name: 'wrong apiVersion', yaml: edit((d) => (d.apiVersion = 'catalyst.openova.io/v1')), path: 'apiVersion', value: 'catalyst.openova.io/v1', message: /^must be catalyst\.openova\.io\/v1alpha1$/, line: 'apiVersion:', single: true },
  { name: 'wrong kind', yaml: edit((d) => (d.kind = 'Sovereigns')), path: 'kind', value: 'Sovereigns', message: /^must be Sovereign$/, single: true },
  { name: 'uppercase metadata.name', yaml: edit((d) => (d.metadata.name = 'Acme')), path: 'metadata.name', value: 'Acme', message: /3-32 characters of a-z, 0-9 and '-'/, line: 'name: Acme', single: true },
  { name: 'metadata.name longer than 32', yaml: edit((d) => (d.metadata.name = 'a'.repeat(33))), path: 'metadata.name', value: 'a'.repeat(33), message: /3-32 characters/, single: true },
  { name: 'missing metadata', yaml: edit((d) => delete d.metadata), path: 'metadata', value: undefined, message: /^is required \(a mapping\)$/, single: true },

  // --- unknown keys and wrong types
  { name: 'unknown top-level key', yaml: edit((d) => (d.status = {})), path: 'status', message: /^is not a known field; allowed here: apiVersion, kind, metadata, spec$/, line: 'status:', single: true },
  { name: 'misspelt top-level key', yaml: edit((d) => (d.Kind = 'Sovereign')), path: 'Kind', value: 'Sovereign', message: /did you mean "kind"\?/, line: 'Kind:', single: true },
  {
    name: 'misspelt nested key (regionz)',
    yaml: edit((d) => {
      d.spec.regionz = d.spec.regions;
      delete d.spec.regions;
    }),
    path: 'spec.regionz',
    message: /is not a known field \(did you mean "regions"\?\); allowed here: fqdn, organization, regions, ssh/,
    line: 'regionz:',
  },
  { name: 'misspelt deeply nested key', yaml: region0((r) => (r.controlPlane.servertype = 'cx43')), path: 'spec.regions[0].controlPlane.servertype', value: 'cx43', message: /did you mean "serverType"\?\); allowed here: serverType, count/, line: 'servertype:' },
  { name: 'string for a count', yaml: pool0((p) => (p.count = '3')), path: 'spec.regions[0].workerPools[0].count', value: '3', message: /^must be a number, not a string$/, line: 'count: "3"', single: true },
  { name: 'list for organization', yaml: edit((d) => (d.spec.organization = ['acme'])), path: 'spec.organization', value: ['acme'], message: /^must be a mapping, not a list$/, line: 'organization:', single: true },
  { name: 'mapping for publicKeys', yaml: edit((d) => (d.spec.ssh.publicKeys = { key: KEYS.ed25519A })), path: 'spec.ssh.publicKeys', message: /^must be a list, not a mapping$/, single: true },
  { name: 'missing fqdn', yaml: edit((d) => delete d.spec.fqdn), path: 'spec.fqdn', value: undefined, message: /^is required \(a string\)$/, single: true },

  // --- spec fields
  { name: 'FQDN with uppercase', yaml: edit((d) => (d.spec.fqdn = 'Acme.Example.org')), path: 'spec.fqdn', value: 'Acme.Example.org', message: /lowercase DNS name with at least two labels/, single: true },
  { name: 'FQDN with one label', yaml: edit((d) => (d.spec.fqdn = 'localhost')), path: 'spec.fqdn', value: 'localhost', message: /at least two labels/, single: true },
  { name: 'bad admin email', yaml: edit((d) => (d.spec.organization.adminEmail = 'ops-at-acme')), path: 'spec.organization.adminEmail', value: 'ops-at-acme', message: /must be an email address/, line: 'ops-at-acme', single: true },
  { name: 'reserved Organization name', yaml: edit((d) => (d.spec.organization.name = 'flux')), path: 'spec.organization.name', value: 'flux', message: /is reserved \(system, flux, crossplane, catalyst, gitea, kube-\*\)/, single: true },
  { name: 'kube- Organization name', yaml: edit((d) => (d.spec.organization.name = 'kube-public')), path: 'spec.organization.name', value: 'kube-public', message: /is reserved/, single: true },

  // --- regions
  { name: 'unknown location', yaml: region0((r) => (r.location = 'fra1')), path: 'spec.regions[0].location', value: 'fra1', message: /Hetzner location: one of ash, fsn1, hel1, hil, nbg1, sin \(did you mean "fsn1"\?\)$/, line: 'location: fra1', single: true },
  { name: 'unknown building block', yaml: region0((r) => (r.buildingBlock = 'edge')), path: 'spec.regions[0].buildingBlock', value: 'edge', message: /^must be one of mgt, rtz, dmz$/, single: true },
  { name: 'unknown envType', yaml: region0((r) => (r.envType = 'production')), path: 'spec.regions[0].envType', value: 'production', message: /^must be one of prod, stg, uat, dev, poc$/, single: true },
  { name: 'two control plane servers', yaml: region0((r) => (r.controlPlane.count = 2)), path: 'spec.regions[0].controlPlane.count', value: 2, message: /^must be 1 or 3/, line: 'count: 2', single: true },
  { name: 'fractional control plane count', yaml: region0((r) => (r.controlPlane.count = 1.5)), path: 'spec.regions[0].controlPlane.count', value: 1.5, message: /^must be 1 or 3/ },
  { name: 'three regions', yaml: edit((d) => d.spec.regions.push({ location: 'hel1' }, { location: 'nbg1' })), path: 'spec.regions', message: /^must list one or two regions/, line: 'regions:', single: true },
  { name: 'zero regions', yaml: edit((d) => (d.spec.regions = [])), path: 'spec.regions', value: [], message: /^must list one or two regions$/, single: true },
  {
    name: 'two regions in the same location',
    yaml: withSecondRegion({ location: 'fsn1', buildingBlock: 'rtz' }),
    path: 'spec.regions[1].location',
    value: 'fsn1',
    message: /is already used by spec\.regions\[0\]; a second region must be in another location/,
    single: true,
  },

  // --- networks
  { name: 'CIDR that is not a CIDR', yaml: region0((r) => (r.network = { cidr: '10.0.0.0/33' })), path: 'spec.regions[0].network.cidr', value: '10.0.0.0/33', message: /^must be an IPv4 CIDR block such as 10\.0\.0\.0\/16$/, line: '10.0.0.0/33', single: true },
  { name: 'CIDR with host bits', yaml: region0((r) => (r.network = { cidr: '10.0.0.1/16' })), path: 'spec.regions[0].network.cidr', value: '10.0.0.1/16', message: /^has host bits set; the network address of this block is 10\.0\.0\.0\/16$/, single: true },
  { name: 'network smaller than /24', yaml: region0((r) => (r.network = { cidr: '10.0.0.0/25' })), path: 'spec.regions[0].network.cidr', value: '10.0.0.0/25', message: /between \/8 and \/24/, single: true },
  { name: 'public network CIDR', yaml: region0((r) => (r.network = { cidr: '8.8.0.0/16' })), path: 'spec.regions[0].network.cidr', value: '8.8.0.0/16', message: /must lie inside a private range \(10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16\)/, single: true },
  { name: 'nodeSubnet outside the network', yaml: region0((r) => (r.network = { nodeSubnet: '10.1.1.0/24' })), path: 'spec.regions[0].network.nodeSubnet', value: '10.1.1.0/24', message: /^must lie inside the region network 10\.0\.0\.0\/16$/, line: '10.1.1.0/24', single: true },
  { name: 'nodeSubnet too small for the servers', yaml: region0((r) => (r.network = { nodeSubnet: '10.0.1.0/29' })), path: 'spec.regions[0].network.nodeSubnet', value: '10.0.1.0/29', message: /has room for 0 servers but the region has 3/, single: true },
  // A /28 keeps network, gateway, broadcast and the six fixed addresses at its top (load balancer, three control plane servers, API load balancer, NAT gateway).
  { name: 'nodeSubnet /28 with one server too many', yaml: region0((r) => { r.network = { nodeSubnet: '10.0.1.0/28' }; r.workerPools[0].count = 7; }), path: 'spec.regions[0].network.nodeSubnet', value: '10.0.1.0/28', message: /^has room for 7 servers but the region has 8; use a larger subnet$/, single: true },
  {
    name: 'pod CIDR overlapping the node network',
    yaml: region0((r) => (r.network = { podCidr: '10.0.0.0/16' })),
    path: 'spec.regions[0].network.podCidr',
    value: '10.0.0.0/16',
    message: /^overlaps spec\.regions\[0\]\.network\.cidr \(10\.0\.0\.0\/16\); every network, pod and service range of the Sovereign must be distinct$/,
    line: 'podCidr:',
  },
  {
    name: 'networks of two regions overlapping',
    yaml: withSecondRegion({ location: 'hel1', network: { cidr: '10.0.0.0/16' } }),
    path: 'spec.regions[1].network.cidr',
    value: '10.0.0.0/16',
    message: /^overlaps spec\.regions\[0\]\.network\.cidr \(10\.0\.0\.0\/16\)/,
  },
  {
    name: 'service range of the second region overlapping the pod range of the first',
    yaml: withSecondRegion({ location: 'hel1', network: { serviceCidr: '10.42.0.0/16' } }),
    path: 'spec.regions[1].network.serviceCidr',
    value: '10.42.0.0/16',
    message: /^overlaps spec\.regions\[0\]\.network\.podCidr \(10\.42\.0\.0\/16\)/,
    single: true,
  },

  // --- servers
  { name: 'unknown server type', yaml: pool0((p) => (p.serverType = 'cx99')), path: 'spec.regions[0].workerPools[0].serverType', value: 'cx99', message: /^must be a Hetzner server type: one of (?!.*\bcx42\b).*\bcax21\b.*\bcx43\b/, single: true },
  {
    name: 'deprecated worker server type (CX Gen2)',
    yaml: pool0((p) => (p.serverType = 'cx32')),
    path: 'spec.regions[0].workerPools[0].serverType',
    value: 'cx32',
    message: /^is no longer sold by Hetzner \(not orderable after 2025-12-31\); use cx33 \(4 vCPU, 8 GB RAM, 80 GB disk\) instead of cx32 \(4 vCPU, 8 GB RAM, 80 GB disk\)$/,
    line: 'cx32',
    single: true,
  },
  {
    name: 'deprecated control plane server type (CPX Gen1)',
    yaml: region0((r) => (r.controlPlane.serverType = 'cpx51')),
    path: 'spec.regions[0].controlPlane.serverType',
    value: 'cpx51',
    message: /^is no longer sold by Hetzner \(not orderable after 2025-12-31\); use cpx62 \(16 vCPU, 32 GB RAM, 640 GB disk\) instead of cpx51 \(16 vCPU, 32 GB RAM, 360 GB disk\)$/,
    line: 'cpx51',
    single: true,
  },
  {
    name: 'server type not offered in the location',
    yaml: inAshburn((r) => (r.workerPools[0].serverType = 'cx23')),
    path: 'spec.regions[0].workerPools[0].serverType',
    value: 'cx23',
    message: /^is not offered in ash \(Ashburn, VA\); it is offered in fsn1, nbg1, hel1$/,
    line: 'cx23',
    single: true,
  },
  { name: 'control plane type not offered in the location', yaml: region0((r) => (r.location = 'sin')), path: 'spec.regions[0].controlPlane.serverType', value: 'cx43', message: /is not offered in sin \(Singapore\)/ },
  {
    name: 'NAT gateway without a private-only pool',
    yaml: region0((r) => (r.natGateway = { serverType: 'cx23' })),
    path: 'spec.regions[0].natGateway',
    message: /^serves no private-only pool \(set privateOnly: true on a pool of spec\.regions\[0\]\.workerPools\), so it would be a server with nothing to do; remove it$/,
    line: 'natGateway:',
    single: true,
  },
  {
    name: 'NAT gateway type not offered in the location',
    yaml: inAshburn((r) => {
      r.workerPools[0] = { name: 'general', serverType: 'cpx32', count: 2, privateOnly: true };
      r.natGateway = { serverType: 'cx23' };
    }),
    path: 'spec.regions[0].natGateway.serverType',
    value: 'cx23',
    message: /^is not offered in ash \(Ashburn, VA\); it is offered in fsn1, nbg1, hel1$/,
    single: true,
  },
  {
    name: 'NAT gateway with a deprecated type',
    yaml: region0((r) => {
      r.workerPools[0].privateOnly = true;
      r.natGateway = { serverType: 'cx22' };
    }),
    path: 'spec.regions[0].natGateway.serverType',
    value: 'cx22',
    message: /^is no longer sold by Hetzner \(not orderable after 2025-12-31\); use cx23 /,
    single: true,
  },
  {
    name: 'more than 100 servers on one network',
    yaml: edit((d) => {
      d.spec.loadBalancer = { type: 'lb31' };
      d.spec.regions[0].controlPlane.count = 3;
      d.spec.regions[0].workerPools = [
        { name: 'aa', serverType: 'cx33', count: 50 },
        { name: 'bb', serverType: 'cx33', count: 48 },
      ];
    }),
    path: 'spec.regions[0].workerPools',
    value: 101,
    message: /^attaches 101 servers to the region network \(control plane, pools\), more than the 100 servers a Hetzner network holds; use fewer or larger servers, or a second region$/,
    single: true,
  },
  { name: 'pool count 0', yaml: pool0((p) => (p.count = 0)), path: 'spec.regions[0].workerPools[0].count', value: 0, message: /must be at least 1/, single: true },
  { name: 'pool count 51', yaml: pool0((p) => (p.count = 51)), path: 'spec.regions[0].workerPools[0].count', value: 51, message: /must be at most 50/, single: true },
  { name: 'invalid pool name', yaml: pool0((p) => (p.name = 'General_1')), path: 'spec.regions[0].workerPools[0].name', value: 'General_1', message: /2-20 characters of a-z, 0-9 and '-'/, single: true },
  {
    name: 'duplicate pool names',
    yaml: region0((r) => r.workerPools.push({ name: 'general', serverType: 'cx23', count: 1 })),
    path: 'spec.regions[0].workerPools[1].name',
    value: 'general',
    message: /is already used by spec\.regions\[0\]\.workerPools\[0\]; pool names must be unique/,
    single: true,
  },
  { name: "pool named 'cp'", yaml: pool0((p) => (p.name = 'cp')), path: 'spec.regions[0].workerPools[0].name', value: 'cp', message: /reserved for the control plane/, line: 'name: cp', single: true },
  {
    name: 'server name longer than 63 characters',
    yaml: edit((d) => {
      d.metadata.name = LONG_NAME;
      d.spec.regions[0].workerPools[0].name = LONG_POOL;
    }),
    path: 'spec.regions[0].workerPools[0].name',
    value: LONG_POOL,
    message: new RegExp(`makes the server name ${LONG_NAME}-hz-fsn-mgt-prod-${LONG_POOL}-2 longer than 63 characters`),
    single: true,
  },
  {
    name: 'more servers than an lb11 takes',
    yaml: region0((r) => {
      r.controlPlane.count = 3;
      r.workerPools[0].count = 23;
    }),
    path: 'spec.regions[0].workerPools',
    value: 26,
    message: /gives 26 servers, more than the 25 targets of load balancer type lb11/,
    single: true,
  },
  { name: 'unknown load balancer type', yaml: edit((d) => (d.spec.loadBalancer = { type: 'lb99' })), path: 'spec.loadBalancer.type', value: 'lb99', message: /^must be one of lb11, lb21, lb31 \(did you mean "lb11"\?\)$/, single: true },
  { name: 'unknown taint effect', yaml: pool0((p) => (p.taints = [{ key: 'dedicated', effect: 'NoRun' }])), path: 'spec.regions[0].workerPools[0].taints[0].effect', value: 'NoRun', message: /NoSchedule, PreferNoSchedule or NoExecute/, single: true },
  { name: 'invalid node label value', yaml: pool0((p) => (p.labels = { tier: 'a b' })), path: 'spec.regions[0].workerPools[0].labels.tier', value: 'a b', message: /valid Kubernetes label value/, single: true },

  // --- SSH
  { name: 'garbage SSH key', yaml: edit((d) => (d.spec.ssh.publicKeys = ['ssh-ed25519 not-a-key'])), path: 'spec.ssh.publicKeys[0]', value: 'ssh-ed25519 not-a-key', message: /must be one OpenSSH public key line/, line: 'not-a-key', single: true },
  { name: 'SSH key given as a file path (~/.ssh)', yaml: edit((d) => (d.spec.ssh.publicKeys = ['~/.ssh/id_ed25519.pub'])), path: 'spec.ssh.publicKeys[0]', value: '~/.ssh/id_ed25519.pub', message: /^is a file path, not a key; paste the key itself, the one line that `cat ~\/\.ssh\/id_ed25519\.pub` prints/, line: '~/.ssh', single: true },
  { name: 'SSH key given as a Windows file path', yaml: edit((d) => (d.spec.ssh.publicKeys = [KEYS.ed25519A, 'C:\\Users\\ops\\.ssh\\id_ed25519.pub'])), path: 'spec.ssh.publicKeys[1]', message: /^is a file path, not a key/, single: true },
  { name: 'no SSH key', yaml: edit((d) => (d.spec.ssh.publicKeys = [])), path: 'spec.ssh.publicKeys', value: [], message: /at least one OpenSSH public key/, single: true },
  { name: 'private key pasted', yaml: edit((d) => (d.spec.ssh.publicKeys = [PRIVATE_KEY])), path: 'spec.ssh.publicKeys[0]', value: '(private key, not shown)', message: /is a private key; put only the public key/, single: true },
  { name: 'RSA key of 2048 bits', yaml: edit((d) => (d.spec.ssh.publicKeys = [KEYS.rsa2048])), path: 'spec.ssh.publicKeys[0]', value: KEYS.rsa2048, message: /ssh-rsa key of 2048 bits; .*ssh-rsa of at least 3072 bits/, single: true },
  { name: 'ECDSA key on P-384', yaml: edit((d) => (d.spec.ssh.publicKeys = [KEYS.ecdsa384])), path: 'spec.ssh.publicKeys[0]', value: KEYS.ecdsa384, message: /is an ecdsa-sha2-nistp384 key; use ssh-ed25519, ecdsa-sha2-nistp256/, single: true },
  {
    name: 'same SSH key twice (different comment)',
    yaml: edit((d) => (d.spec.ssh.publicKeys = [KEYS.ed25519A, KEYS.ed25519B, KEYS.ed25519A.replace('a@test', 'again@test')])),
    path: 'spec.ssh.publicKeys[2]',
    message: /is the same key as spec\.ssh\.publicKeys\[0\]; list each key once/,
    line: 'again@test',
    single: true,
  },
  { name: 'firewall source without prefix', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['203.0.113.7'])), path: 'spec.ssh.allowedCidrs[0]', value: '203.0.113.7', message: /must be an IPv4 or IPv6 CIDR block such as 203\.0\.113\.0\/24 or 2001:db8::\/32/, single: true },
  { name: 'firewall source with host bits', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['198.51.100.0/24', '203.0.113.7/24'])), path: 'spec.ssh.allowedCidrs[1]', value: '203.0.113.7/24', message: /network address of this block is 203\.0\.113\.0\/24/, single: true },
  { name: 'IPv6 API source with host bits', yaml: edit((d) => (d.spec.kubernetes = { apiAllowedCidrs: ['2001:db8::1/32'] })), path: 'spec.kubernetes.apiAllowedCidrs[0]', value: '2001:db8::1/32', message: /network address of this block is 2001:db8::\/32/, single: true },

  // --- kubernetes, gitops, terraform
  { name: 'k3s version without +k3s suffix', yaml: edit((d) => (d.spec.kubernetes = { k3sVersion: 'v1.31.4' })), path: 'spec.kubernetes.k3sVersion', value: 'v1.31.4', message: /must be a k3s release such as v1\.37\.1\+k3s1/, single: true },
  {
    name: 'k3s patch release that was never published',
    yaml: edit((d) => (d.spec.kubernetes = { k3sVersion: 'v1.37.9+k3s1' })),
    path: 'spec.kubernetes.k3sVersion',
    value: 'v1.37.9+k3s1',
    message: /^is not a known k3s release; nearest known: v1\.37\.0\+k3s1, v1\.37\.1\+k3s1 \(releases up to 2026-09-30 are listed in lib\/k3s-releases\.ts; add a later one there\)$/,
    line: 'v1.37.9+k3s1',
    single: true,
  },
  {
    name: 'k3s minor line that does not exist',
    yaml: edit((d) => (d.spec.kubernetes = { k3sVersion: 'v1.40.0+k3s1' })),
    path: 'spec.kubernetes.k3sVersion',
    value: 'v1.40.0+k3s1',
    message: /^is not a known k3s release; nearest known: v1\.37\.1\+k3s1 \(/,
    single: true,
  },
  { name: 'k3s build number that was never published', yaml: edit((d) => (d.spec.kubernetes = { k3sVersion: 'v1.35.0+k3s2' })), path: 'spec.kubernetes.k3sVersion', value: 'v1.35.0+k3s2', message: /nearest known: v1\.35\.0\+k3s1, v1\.35\.0\+k3s3, v1\.35\.1\+k3s1/, single: true },
  {
    name: 'etcd snapshot schedule that is not a 5-field cron',
    yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { schedule: 'every 6h', s3: { endpoint: 'https://fsn1.your-objectstorage.com', bucket: 'acme-etcd', region: 'fsn1' } } })),
    path: 'spec.kubernetes.etcdSnapshots.schedule',
    value: 'every 6h',
    message: /^must be a 5-field cron schedule \(minute hour day-of-month month day-of-week\) such as '0 \*\/6 \* \* \*'$/,
    line: 'every 6h',
    single: true,
  },
  { name: 'etcd snapshot retention of 0', yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { retention: 0, s3: { endpoint: 'https://fsn1.your-objectstorage.com', bucket: 'acme-etcd', region: 'fsn1' } } })), path: 'spec.kubernetes.etcdSnapshots.retention', value: 0, message: /^must keep at least 1 snapshot$/, single: true },
  { name: 'etcd snapshot endpoint over http', yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { s3: { endpoint: 'http://fsn1.your-objectstorage.com', bucket: 'acme-etcd', region: 'fsn1' } } })), path: 'spec.kubernetes.etcdSnapshots.s3.endpoint', value: 'http://fsn1.your-objectstorage.com', message: /^must be an https:\/\/ endpoint URL without a path/, single: true },
  {
    name: 'etcd snapshot endpoint with credentials',
    yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { s3: { endpoint: 'https://AKIA:secret@fsn1.your-objectstorage.com', bucket: 'acme-etcd', region: 'fsn1' } } })),
    path: 'spec.kubernetes.etcdSnapshots.s3.endpoint',
    value: 'https://(credentials not shown)@fsn1.your-objectstorage.com',
    message: /must not carry credentials \(user:key@\); give the keys to Terraform through the variables etcd_s3_access_key\/etcd_s3_secret_key/,
    single: true,
  },
  { name: 'etcd snapshot bucket with capitals', yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { s3: { endpoint: 'https://fsn1.your-objectstorage.com', bucket: 'Acme_Etcd', region: 'fsn1' } } })), path: 'spec.kubernetes.etcdSnapshots.s3.bucket', value: 'Acme_Etcd', message: /^must be a valid S3 bucket name/, single: true },
  { name: 'etcd snapshots without s3', yaml: edit((d) => (d.spec.kubernetes = { etcdSnapshots: { schedule: '0 * * * *' } })), path: 'spec.kubernetes.etcdSnapshots.s3', value: undefined, message: /^is required \(a mapping\)$/, single: true },
  { name: 'http gitops URL', yaml: edit((d) => (d.spec.gitops.url = 'http://git.acme.example/gitops.git')), path: 'spec.gitops.url', value: 'http://git.acme.example/gitops.git', message: /must be an https:\/\/ Git URL/, single: true },
  { name: 'ssh gitops URL', yaml: edit((d) => (d.spec.gitops.url = 'git@github.com:acme/gitops.git')), path: 'spec.gitops.url', message: /https:\/\//, single: true },
  { name: "gitops path with '..'", yaml: edit((d) => (d.spec.gitops.path = 'clusters/../etc')), path: 'spec.gitops.path', value: 'clusters/../etc', message: /must not contain '\.\.'/, single: true },
  { name: 'absolute gitops path', yaml: edit((d) => (d.spec.gitops.path = '/clusters')), path: 'spec.gitops.path', value: '/clusters', message: /relative folder such as 'clusters'/, single: true },
  { name: 'unknown gitops auth', yaml: edit((d) => (d.spec.gitops.auth = 'ssh')), path: 'spec.gitops.auth', value: 'ssh', message: /'none'.*'token'/, single: true },

  // --- signed commits (spec.gitops.verify)
  { name: 'commit verification key that is not OpenPGP', yaml: gitVerify({ publicKeys: [KEYS.ed25519A] }), path: 'spec.gitops.verify.publicKeys[0]', value: KEYS.ed25519A, message: /^must be one ASCII-armored OpenPGP public key block, from "-----BEGIN PGP PUBLIC KEY BLOCK-----"/, single: true },
  { name: 'OpenPGP private key pasted', yaml: gitVerify({ publicKeys: [PGP_KEYS.ed25519.armored, pgpPrivateKeyBlock()] }), path: 'spec.gitops.verify.publicKeys[1]', value: '(private key, not shown)', message: /^is a private key; put only the public key \(gpg --export --armor <key-id>\)/, single: true },
  {
    name: 'private key packets under a public key header',
    yaml: gitVerify({ publicKeys: [armor(packet(5, [4, 0, 0, 0, 1, 22]))] }),
    path: 'spec.gitops.verify.publicKeys[0]',
    value: '(private key, not shown)',
    message: /^holds private key packets under a public key header/,
    single: true,
  },
  {
    name: 'commit verification key with a broken checksum',
    yaml: gitVerify({ publicKeys: [PGP_KEYS.ed25519.armored.replace('=NoTk', '=NoTl')] }),
    path: 'spec.gitops.verify.publicKeys[0]',
    message: /^is not a valid OpenPGP public key block: its checksum does not match its body/,
    single: true,
  },
  {
    name: 'same commit verification key twice',
    yaml: gitVerify({ publicKeys: [PGP_KEYS.ed25519.armored, PGP_KEYS.rsa3072.armored, PGP_KEYS.ed25519.armored.replace('\n\n', '\nComment: again\n\n')] }),
    path: 'spec.gitops.verify.publicKeys[2]',
    value: PGP_KEYS.ed25519.fingerprint,
    message: /^is the same key as spec\.gitops\.verify\.publicKeys\[0\]; list each key once$/,
    single: true,
  },
  { name: 'unknown commit verification mode', yaml: gitVerify({ mode: 'Commit', publicKeys: [PGP_KEYS.ed25519.armored] }), path: 'spec.gitops.verify.mode', value: 'Commit', message: /^must be one of HEAD, Tag, TagAndHEAD$/, line: 'mode: Commit', single: true },
  {
    name: 'tag verification of a branch',
    yaml: gitVerify({ mode: 'TagAndHEAD', publicKeys: [PGP_KEYS.ed25519.armored] }),
    path: 'spec.gitops.verify.mode',
    value: 'TagAndHEAD',
    message: /^verifies a signed tag, but Flux checks out the branch spec\.gitops\.branch \("main"\), .*; use HEAD/,
    line: 'mode: TagAndHEAD',
    single: true,
  },
  { name: 'commit verification without keys', yaml: gitVerify({ publicKeys: [] }), path: 'spec.gitops.verify.publicKeys', value: [], message: /^must list at least one ASCII-armored OpenPGP public key$/, single: true },
  {
    name: 's3 backend without bucket',
    yaml: edit((d) => (d.spec.terraform = { backend: { type: 's3', region: 'fsn1', endpoint: 'https://fsn1.your-objectstorage.com' } })),
    path: 'spec.terraform.backend.bucket',
    value: undefined,
    message: /^is required/,
    single: true,
  },
  {
    name: 's3 backend with an http endpoint',
    yaml: edit((d) => (d.spec.terraform = { backend: { type: 's3', bucket: 'state', region: 'fsn1', endpoint: 'http://fsn1.your-objectstorage.com' } })),
    path: 'spec.terraform.backend.endpoint',
    message: /https:\/\/ endpoint URL/,
    single: true,
  },
  { name: 'unknown backend type', yaml: edit((d) => (d.spec.terraform = { backend: { type: 'gcs' } })), path: 'spec.terraform.backend.type', value: 'gcs', message: /type 'local' or 's3'/, single: true },

  // --- Blueprints
  {
    name: 'unknown Blueprint with a suggestion',
    yaml: edit((d) => (d.spec.blueprints = { install: ['cilium', 'certmanager'] })),
    path: 'spec.blueprints.install[1]',
    value: 'certmanager',
    message: new RegExp(`^is not a Blueprint this catalog knows \\(did you mean "cert-manager"\\?\\); known: ${[...CATALOG].sort().join(', ')}$`),
    line: '- certmanager',
    single: true,
  },
  { name: 'unknown Blueprint without a suggestion', yaml: edit((d) => (d.spec.blueprints = { install: ['kafka'] })), path: 'spec.blueprints.install[0]', value: 'kafka', message: /^is not a Blueprint this catalog knows; known: cert-manager, cilium/, single: true },
  { name: 'Blueprint listed twice', yaml: edit((d) => (d.spec.blueprints = { install: ['flux', 'cilium', 'flux'] })), path: 'spec.blueprints.install[2]', value: 'flux', message: /is listed twice/, single: true },
  {
    name: 'values for an unknown Blueprint',
    yaml: edit((d) => (d.spec.blueprints = { values: { keycloack: { replicas: 2 } } })),
    path: 'spec.blueprints.values.keycloack',
    value: 'keycloack',
    message: /did you mean "keycloak"\?/,
    line: 'keycloack:',
    single: true,
  },
  {
    name: "Helm values over Helm's 1 MiB release limit",
    yaml: edit((d) => (d.spec.blueprints = { values: { 'cert-manager': { extraConfig: { bundle: incompressible(900 * 1024) } } } })),
    path: 'spec.blueprints.values.cert-manager',
    message: /^are \d{7} bytes as Helm stores them \(JSON, gzip, base64\), over the 1048576-byte \(1 MiB\) limit of the Secret Helm keeps each release in with its values, so the release can never be installed; keep large content/,
    line: 'cert-manager:',
    single: true,
  },
  { name: 'values that are not a mapping', yaml: edit((d) => (d.spec.blueprints = { values: { keycloak: 'replicas=2' } })), path: 'spec.blueprints.values.keycloak', value: 'replicas=2', message: /^must be a mapping, not a string$/, line: 'replicas=2', single: true },

  // --- chart signatures (spec.blueprints.verify)
  { name: 'chart verification for an unknown Blueprint', yaml: chartVerify('cert-manger', { matchOIDCIdentity: [GITHUB_IDENTITY] }), path: 'spec.blueprints.verify.cert-manger', value: 'cert-manger', message: /^is not a Blueprint this catalog knows \(did you mean "cert-manager"\?\)/, line: 'cert-manger:', single: true },
  {
    name: 'chart verification with both identity and key',
    yaml: chartVerify('cert-manager', { matchOIDCIdentity: [GITHUB_IDENTITY], publicKeySecret: 'cosign-keys' }),
    path: 'spec.blueprints.verify.cert-manager',
    value: 'cosign-keys',
    message: /^sets both matchOIDCIdentity and publicKeySecret; set matchOIDCIdentity for a chart signed keyless, or publicKeySecret for one signed with a cosign key, not both$/,
    single: true,
  },
  { name: 'chart verification with neither identity nor key', yaml: chartVerify('cert-manager', { provider: 'cosign' }), path: 'spec.blueprints.verify.cert-manager', message: /^sets neither matchOIDCIdentity nor publicKeySecret/, line: 'cert-manager:', single: true },
  { name: 'chart verification with an empty identity list', yaml: chartVerify('cert-manager', { matchOIDCIdentity: [] }), path: 'spec.blueprints.verify.cert-manager.matchOIDCIdentity', value: [], message: /^must list at least one issuer\/subject pair$/, single: true },
  {
    name: 'unanchored OIDC subject',
    yaml: chartVerify('cert-manager', { matchOIDCIdentity: [{ ...GITHUB_IDENTITY, subject: 'https://github.com/acme/' }] }),
    path: 'spec.blueprints.verify.cert-manager.matchOIDCIdentity[0].subject',
    value: 'https://github.com/acme/',
    message: /^must be anchored with \^ and \$ so it matches the whole subject/,
    line: 'subject: https://github.com/acme/',
    single: true,
  },
  {
    name: 'OIDC issuer with a lookahead Go cannot compile',
    yaml: chartVerify('cert-manager', { matchOIDCIdentity: [{ ...GITHUB_IDENTITY, issuer: '^(?!http:)https://.*$' }] }),
    path: 'spec.blueprints.verify.cert-manager.matchOIDCIdentity[0].issuer',
    message: /^uses lookaround, which Go regular expressions \(RE2\) do not have/,
    single: true,
  },
  { name: 'chart verification with the notation provider', yaml: chartVerify('cert-manager', { provider: 'notation', publicKeySecret: 'keys' }), path: 'spec.blueprints.verify.cert-manager.provider', value: 'notation', message: /^must be 'cosign'$/, single: true },
  { name: 'cosign key Secret name with uppercase', yaml: chartVerify('cert-manager', { publicKeySecret: 'Cosign_Keys' }), path: 'spec.blueprints.verify.cert-manager.publicKeySecret', value: 'Cosign_Keys', message: /^must be a Kubernetes Secret name/, single: true },
  {
    name: 'removed Blueprint (replaced)',
    yaml: edit((d) => (d.spec.blueprints = { install: ['cilium', 'minio'] })),
    path: 'spec.blueprints.install[1]',
    value: 'minio',
    message: /^is not a Blueprint any more: it was replaced by seaweedfs as the S3 store$/,
    line: '- minio',
    single: true,
  },
  { name: 'rejected Blueprint (istio)', yaml: edit((d) => (d.spec.blueprints = { install: ['istio'] })), path: 'spec.blueprints.install[0]', value: 'istio', message: /^is not a Blueprint any more: it was rejected as the service mesh; Cilium \(cilium\)/, single: true },
  { name: 'values for a removed Blueprint', yaml: edit((d) => (d.spec.blueprints = { values: { k8gb: { replicas: 2 } } })), path: 'spec.blueprints.values.k8gb', value: 'k8gb', message: /^is not a Blueprint any more: it was replaced by powerdns/, line: 'k8gb:', single: true },
  {
    name: 'values for a Blueprint that is not installed',
    yaml: edit((d) => (d.spec.blueprints = { install: ['cert-manager'], values: { gitea: { replicaCount: 2 } } })),
    path: 'spec.blueprints.values.gitea',
    value: 'gitea',
    message: /^sets values for a Blueprint that is not installed \(neither in spec\.blueprints\.install nor a dependency of one\); add gitea to spec\.blueprints\.install or remove these values$/,
    line: 'gitea:',
    single: true,
  },

  // --- credentials where they do not belong
  {
    name: 'gitops URL with a token in it',
    yaml: edit((d) => (d.spec.gitops.url = 'https://bot:glpat-s3cr3tT0k3nV4lu3@git.acme.example/gitops.git')),
    path: 'spec.gitops.url',
    value: 'https://(credentials not shown)@git.acme.example/gitops.git',
    message: /^must not carry credentials \(user:token@\); set auth: 'token' and pass the Terraform variables git_username\/git_token instead, and rotate the exposed token$/,
    single: true,
  },
  {
    name: 's3 endpoint with keys in it',
    yaml: edit((d) => (d.spec.terraform = { backend: { type: 's3', bucket: 'acme-state', region: 'fsn1', endpoint: 'https://AKIAEXAMPLE:wJalrXUtnFEMI@fsn1.your-objectstorage.com' } })),
    path: 'spec.terraform.backend.endpoint',
    value: 'https://(credentials not shown)@fsn1.your-objectstorage.com',
    message: /^must not carry credentials \(user:key@\); give the S3 keys to Terraform through AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY$/,
    single: true,
  },
  {
    name: 'password literal in Helm values',
    yaml: edit((d) => (d.spec.blueprints = { install: ['keycloak'], values: { keycloak: { auth: { adminUser: 'admin', adminPassword: 'Tr0ub4dor&3', existingSecret: 'keycloak-admin', existingSecretKey: 'password' } } } })),
    path: 'spec.blueprints.values.keycloak.auth.adminPassword',
    value: '(not shown)',
    message: /^is a credential that would be committed to the GitOps repository in plain text; remove it and point the chart at a Kubernetes Secret/,
    line: 'adminPassword:',
    single: true,
  },
  {
    name: 'token literal in a list inside Helm values',
    yaml: edit((d) => (d.spec.blueprints = { install: ['external-dns'], values: { 'external-dns': { env: [{ name: 'PDNS', apiToken: 'abc123' }] } } })),
    path: 'spec.blueprints.values.external-dns.env[0].apiToken',
    value: '(not shown)',
    message: /^is a credential that would be committed/,
    single: true,
  },

  // --- CPU architecture
  {
    name: 'arm server type in an x86 region',
    yaml: pool0((p) => (p.serverType = 'cax21')),
    path: 'spec.regions[0].workerPools[0].serverType',
    value: 'cax21',
    message: /^is an arm server type but spec\.regions\[0\]\.architecture is x86; choose one of ccx13, .*cx43.*, or set spec\.regions\[0\]\.architecture: arm for every server of the region$/,
    line: 'cax21',
    single: true,
  },
  {
    name: 'x86 control plane in an arm region',
    yaml: region0((r) => {
      r.architecture = 'arm';
      r.workerPools[0].serverType = 'cax21';
    }),
    path: 'spec.regions[0].controlPlane.serverType',
    value: 'cx43',
    message: /^is an x86 server type but spec\.regions\[0\]\.architecture is arm; choose one of cax11, cax21, cax31, cax41,/,
    single: true,
  },
  {
    name: 'arm region in a location without arm servers',
    yaml: region0((r) => {
      r.location = 'ash';
      r.architecture = 'arm';
      r.controlPlane.serverType = 'cax21';
      r.workerPools = [];
    }),
    path: 'spec.regions[0].architecture',
    value: 'arm',
    message: /^has no server type in ash \(Ashburn, VA\); arm types are offered in fsn1, hel1, nbg1$/,
    line: 'architecture: arm',
  },
  { name: 'unknown architecture', yaml: region0((r) => (r.architecture = 'amd64')), path: 'spec.regions[0].architecture', value: 'amd64', message: /^must be one of x86, arm$/, single: true },

  // --- firewall sources open to the internet
  {
    name: 'SSH open to 0.0.0.0/0 without confirmation',
    yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['203.0.113.0/24', '0.0.0.0/0'])),
    path: 'spec.ssh.allowedCidrs[1]',
    value: '0.0.0.0/0',
    message: /^opens SSH \(22\) to the whole internet; list only your own networks, or set spec\.ssh\.allowFromInternet: true to confirm$/,
    line: '0.0.0.0/0',
    single: true,
  },
  {
    name: 'Kubernetes API open to ::/0 without confirmation',
    yaml: edit((d) => (d.spec.kubernetes = { apiAllowedCidrs: ['::/0'] })),
    path: 'spec.kubernetes.apiAllowedCidrs[0]',
    value: '::/0',
    message: /^opens the Kubernetes API \(6443\) to the whole internet; .*set spec\.kubernetes\.allowApiFromInternet: true/,
    single: true,
  },
  { name: 'SSH open to half the internet (0.0.0.0/1)', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['0.0.0.0/1', '128.0.0.0/1'])), path: 'spec.ssh.allowedCidrs[0]', value: '0.0.0.0/1', message: /^opens SSH \(22\) to the whole internet/ },
  {
    name: 'internet confirmation without an internet-wide source (conflicting options)',
    yaml: edit((d) => (d.spec.ssh.allowFromInternet = true)),
    path: 'spec.ssh.allowFromInternet',
    value: true,
    message: /^confirms internet-wide access but spec\.ssh\.allowedCidrs lists no such source; remove spec\.ssh\.allowFromInternet or add 0\.0\.0\.0\/0/,
    line: 'allowFromInternet: true',
    single: true,
  },

  // --- firewall sources that never match public traffic
  {
    name: 'SSH from a private range (10.0.0.0/8)',
    yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['203.0.113.0/24', '10.0.0.0/8'])),
    path: 'spec.ssh.allowedCidrs[1]',
    value: '10.0.0.0/8',
    message: /^lies in 10\.0\.0\.0\/8, a private range \(RFC 1918\): Hetzner Cloud Firewalls filter only traffic to the servers' public addresses, where no packet comes from such a source, so this rule never matches; list the public addresses you connect from/,
    line: '10.0.0.0/8',
    single: true,
  },
  { name: 'Kubernetes API from the link-local metadata address', yaml: edit((d) => (d.spec.kubernetes = { apiAllowedCidrs: ['169.254.169.254/32'] })), path: 'spec.kubernetes.apiAllowedCidrs[0]', value: '169.254.169.254/32', message: /^lies in 169\.254\.0\.0\/16, a link-local range: /, single: true },
  { name: 'SSH from loopback', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['127.0.0.1/32'])), path: 'spec.ssh.allowedCidrs[0]', value: '127.0.0.1/32', message: /^lies in 127\.0\.0\.0\/8, a loopback range: /, single: true },
  { name: 'SSH from IPv6 unique local addresses', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['fd12:3456::/32'])), path: 'spec.ssh.allowedCidrs[0]', value: 'fd12:3456::/32', message: /^lies in fc00::\/7, a private range \(IPv6 unique local addresses, RFC 4193\): /, single: true },
  { name: 'SSH from an IPv4-mapped private range', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['::ffff:192.168.0.0/112'])), path: 'spec.ssh.allowedCidrs[0]', value: '::ffff:192.168.0.0/112', message: /^lies in 192\.168\.0\.0\/16, a private range \(RFC 1918\): /, single: true },
  {
    name: 'SSH open to every IPv4 address in IPv4-mapped form (::ffff:0:0/96) without confirmation',
    yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['::ffff:0:0/96'])),
    path: 'spec.ssh.allowedCidrs[0]',
    value: '::ffff:0:0/96',
    message: /^opens SSH \(22\) to the whole internet; list only your own networks, or set spec\.ssh\.allowFromInternet: true to confirm$/,
    single: true,
  },
  { name: 'Kubernetes API open to half of IPv4 in IPv4-mapped form (::ffff:0:0/97)', yaml: edit((d) => (d.spec.kubernetes = { apiAllowedCidrs: ['::ffff:0:0/97'] })), path: 'spec.kubernetes.apiAllowedCidrs[0]', value: '::ffff:0:0/97', message: /^opens the Kubernetes API \(6443\) to the whole internet/, single: true },

  { name: 'same SSH source listed twice', yaml: edit((d) => (d.spec.ssh.allowedCidrs = ['203.0.113.0/24', '198.51.100.0/24', '203.0.113.0/24'])), path: 'spec.ssh.allowedCidrs[2]', value: '203.0.113.0/24', message: /^is already listed as spec\.ssh\.allowedCidrs\[0\]; list each source once$/, single: true },

  // --- DNS length limits
  { name: 'FQDN label longer than 63 characters', yaml: edit((d) => (d.spec.fqdn = `${'a'.repeat(64)}.example.org`)), path: 'spec.fqdn', value: `${'a'.repeat(64)}.example.org`, message: /^must be a lowercase DNS name/, single: true },
  { name: 'FQDN longer than 253 characters', yaml: edit((d) => (d.spec.fqdn = `${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.org`)), path: 'spec.fqdn', message: /^must be a lowercase DNS name/, single: true },

  // --- Hetzner posture switches
  { name: 'deleteProtection that is not a boolean', yaml: edit((d) => (d.spec.deleteProtection = 'yes')), path: 'spec.deleteProtection', value: 'yes', message: /^must be a boolean, not a string$/, line: 'deleteProtection: yes', single: true },
  { name: 'privateOnly that is not a boolean', yaml: pool0((p) => (p.privateOnly = 1)), path: 'spec.regions[0].workerPools[0].privateOnly', value: 1, message: /^must be a boolean, not a number$/, line: 'privateOnly: 1', single: true },
];

describe('bad Sovereign specs', () => {
  it('the base spec the cases modify is valid', () => {
    const spec = parseSpec(yamlOf(), OPTIONS);
    expect(spec.metadata.name).toBe('acme');
    expect(spec.spec.regions[0]!.workerPools[0]!.count).toBe(2);
  });

  it('has distinct cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.yaml)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = problemsOf(c.yaml);
    const matching = problems.filter((p) => p.path === c.path && c.message.test(p.message));
    if (matching.length === 0) {
      throw new Error(`no problem at ${c.path} matching ${c.message}; got:\n${JSON.stringify(problems, null, 2)}`);
    }
    const problem = matching[0]!;
    if ('value' in c) expect(problem.value).toEqual(c.value);
    if (c.line !== undefined) expect(problem.line).toBe(lineOf(c.yaml, c.line));
    if (c.single) expect(problems).toHaveLength(1);
    for (const p of problems) expect(p.message).not.toMatch(/Invalid input|expected \w+, received/);
  });
});

describe('every bad spec through the command line', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: exit 1, the problem on stderr, nothing written', (_name, c) => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-bad-'));
    const file = join(dir, 'spec.yaml');
    writeFileSync(file, c.yaml);
    const r = runCli([file, '--terraform-out', join(dir, 'tf'), '--gitops-out', join(dir, 'gitops')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${c.path}: `);
    expect(r.err).toMatch(/nothing was written\.\n$/);
    expect(readdirSync(dir)).toEqual(['spec.yaml']);
  });
});

describe('reporting', () => {
  it('reports every shape problem at once, in document order, and names each path in the message', () => {
    const text = yamlOf((d) => {
      d.kind = 'Sovereigns';
      d.spec.organization.adminEmail = 'nobody';
      d.spec.regions[0].location = 'fra1';
      d.spec.regions[0].workerPools[0].count = 0;
      d.spec.gitops.branch = 'main';
      d.spec.gitops.banch = 'main';
    });
    const err = specErrorOf(text);
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['kind', 'spec.organization.adminEmail', 'spec.regions[0].location', 'spec.regions[0].workerPools[0].count', 'spec.gitops.banch']),
    );
    expect(err.problems.length).toBeGreaterThanOrEqual(5);
    for (const path of paths) expect(err.message).toContain(`${path}: `);
    expect(err.message).toMatch(new RegExp(`^invalid Sovereign spec \\(${err.problems.length} problems\\):\\n`));
    const lines = err.problems.map((p) => p.line!);
    expect(lines.every((l) => typeof l === 'number')).toBe(true);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('reports every cross-field problem at once', () => {
    const text = yamlOf((d) => {
      d.spec.regions[0].location = 'ash';
      d.spec.regions[0].controlPlane.serverType = 'cpx32';
      d.spec.regions[0].workerPools[0].serverType = 'cax21';
      d.spec.ssh.publicKeys = [KEYS.rsa2048];
      d.spec.ssh.allowedCidrs = ['0.0.0.1/0'];
      d.spec.blueprints = { install: ['certmanager'] };
    });
    const err = specErrorOf(text);
    expect(err.problems.map((p) => p.path).sort()).toEqual(
      ['spec.blueprints.install[0]', 'spec.regions[0].workerPools[0].serverType', 'spec.ssh.allowedCidrs[0]', 'spec.ssh.publicKeys[0]'].sort(),
    );
    for (const p of err.problems) {
      expect(err.message).toContain(`${p.path}: `);
      expect(p.line).toBe(lineOf(text, String(p.value).slice(0, 20)));
    }
  });

  it('shows file, line and column in the message when a file name is given', () => {
    const text = yamlOf((d) => (d.spec.regions[0].location = 'fra1'));
    const err = specErrorOf(text, { ...OPTIONS, file: 'acme.yaml' });
    const line = lineOf(text, 'location: fra1');
    const column = text.split('\n')[line - 1]!.indexOf('fra1') + 1;
    expect(err.file).toBe('acme.yaml');
    expect(err.message).toContain(`acme.yaml:${line}:${column}: spec.regions[0].location: "fra1": must be a Hetzner location`);
  });

  it('never echoes a credential found in the spec', () => {
    for (const [text, secret] of [
      [yamlOf((d) => (d.spec.gitops.url = 'http://bot:glpat-s3cr3tT0k3nV4lu3@git.acme.example/g.git')), 'glpat-s3cr3tT0k3nV4lu3'],
      [yamlOf((d) => (d.spec.blueprints = { install: ['gitea'], values: { gitea: { gitea: { admin: { password: 'Tr0ub4dor&3' } } } } })), 'Tr0ub4dor&3'],
      [yamlOf((d) => (d.spec.blueprints = { install: ['gitea'], values: { gitea: { gitea: { admin: { password: 'Tr0ub\u200b4dor&3' } } } } })), 'Tr0ub'],
      [yamlOf((d) => (d.spec.gitops.url = '\u201chttp://bot:glpat-s3cr3tT0k3nV4lu3@git.acme.example/g.git\u201d')), 'glpat-s3cr3tT0k3nV4lu3'],
    ] as const) {
      const err = specErrorOf(text);
      expect(err.problems.length).toBeGreaterThan(0);
      expect(err.message).not.toContain(secret);
      expect(JSON.stringify(err.problems)).not.toContain(secret);
    }
  });

  it('never echoes a pasted private key', () => {
    for (const text of [
      yamlOf((d) => (d.spec.ssh.publicKeys = [KEYS.ed25519A, PRIVATE_KEY])),
      yamlOf((d) => (d.spec.ssh.publicKeys = PRIVATE_KEY)),
      yamlOf((d) => (d.spec.ssh.allowedCidrs = [PRIVATE_KEY])),
    ]) {
      const err = specErrorOf(text);
      expect(err.problems.length).toBeGreaterThan(0);
      expect(err.message).not.toContain(PRIVATE_KEY_BODY.slice(20, 60));
      expect(JSON.stringify(err.problems)).not.toContain(PRIVATE_KEY_BODY.slice(20, 60));
      expect(err.problems.some((p) => p.value === '(private key, not shown)')).toBe(true);
    }
  });

  it('never echoes a pasted OpenPGP private key', () => {
    for (const text of [
      yamlOf((d) => (d.spec.gitops.verify = { publicKeys: [pgpPrivateKeyBlock()] })),
      yamlOf((d) => (d.spec.gitops.verify = { publicKeys: pgpPrivateKeyBlock() })),
      yamlOf((d) => (d.spec.gitops.verify = { mode: 'Tag', publicKeys: [PGP_KEYS.rsa3072.armored, pgpPrivateKeyBlock()] })),
    ]) {
      const err = specErrorOf(text);
      expect(err.message).not.toContain(PGP_PRIVATE_BODY.slice(10, 50));
      expect(JSON.stringify(err.problems)).not.toContain(PGP_PRIVATE_BODY.slice(10, 50));
      expect(err.problems.some((p) => p.value === '(private key, not shown)')).toBe(true);
    }
  });

  it('an invalid network CIDR is reported once, not again through the nodeSubnet derived from it', () => {
    const problems = problemsOf(yamlOf((d) => (d.spec.regions[0].network = { cidr: 'banana' })));
    expect(problems.map((p) => p.path)).toEqual(['spec.regions[0].network.cidr']);
  });

  it('a wrongly written nodeSubnet is still reported when the network CIDR is invalid too', () => {
    const problems = problemsOf(yamlOf((d) => (d.spec.regions[0].network = { cidr: 'banana', nodeSubnet: 'apple' })));
    expect(problems.map((p) => p.path)).toEqual(['spec.regions[0].network.cidr', 'spec.regions[0].network.nodeSubnet']);
  });

  it('points unknown keys at the key and wrong values at the value', () => {
    const text = [
      'apiVersion: catalyst.openova.io/v1alpha1',
      'kind: Sovereign',
      'metadata:',
      '  name: acme',
      'spec:',
      '  fqdn: acme.example.org',
      '  organization:',
      '    name: acme',
      '    adminEmail: ops@acme.example',
      '  regions:',
      '    - location: fsn1',
      '      controlPlane:',
      '        count: 2',
      '      workerpools: []',
      '  ssh:',
      '    publicKeys:',
      `      - ${KEYS.ed25519A}`,
      '  gitops:',
      '    url: https://git.acme.example/gitops.git',
      '',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.path, p.line, p.column])).toEqual([
      ['spec.regions[0].controlPlane.count', 13, 16],
      ['spec.regions[0].workerpools', 14, 7],
    ]);
    expect(problems[1]!.message).toMatch(/did you mean "workerPools"\?/);
  });

  it('reports an unreadable file as a SpecError naming the file', () => {
    const file = join(__dirname, 'no-such-spec.yaml');
    expect(() => loadSpec(file, OPTIONS)).toThrow(SpecError);
    expect(() => loadSpec(file, OPTIONS)).toThrow(/no-such-spec\.yaml.*cannot be read/s);
  });
});
