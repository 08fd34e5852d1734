/**
 * Cross-field rules of the Sovereign spec: what a shape check cannot see. Each rule reports a
 * problem with the field path, the value and what is allowed; all problems are collected.
 */
import { constants, gzipSync } from 'node:zlib';
import sshpk from 'sshpk';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { SpecProblem } from '../errors';
import { isKnownK3sRelease, K3S_RELEASES_AS_OF, K3S_SUPPORTED_LINES, k3sLine, nearestK3sReleases } from '../k3s-releases';
import { LOAD_BALANCER_TYPES, LOCATIONS, NETWORK_MAX_SERVERS, SERVER_TYPES } from '../hetzner';
import { FIXED_SUBNET_ADDRESSES } from '../context';
import { clusterName, resourcePrefix, SERVER_NAME_MAX, workerServerName } from '../naming';
import { checkSourceCidr, Cidr, contains, isInternetWide, nonPublicRange, overlaps, parseCidr, PRIVATE_RANGES } from '../net';
import { cosignVerificationProblems, parsePgpPublicKeyBlock } from '../signing';
import type { SovereignSpecParsed } from './schema';
import type { NetworkPlan } from './types';

/** Addresses of a node subnet that Hetzner keeps: network, gateway, broadcast. */
const RESERVED_SUBNET_ADDRESSES = 3;

/** What the validator needs to know about the Blueprint catalog. */
export interface BlueprintNames {
  /** Every Blueprint name the catalog knows. */
  readonly known: readonly string[];
  /**
   * Names that are no longer Blueprints, each with a clause completing "was …" (why, and what to use
   * instead). A known name wins over a retired one.
   * @default {}
   */
  readonly retired?: Readonly<Record<string, string>>;
  /**
   * Returns every Blueprint a selection of known names installs (the selection, what is always
   * installed, and their dependency closure), so values for a Blueprint that is not installed can be
   * reported. Without it, values are only checked against `known`.
   * @default none
   */
  readonly installed?: (selection: readonly string[]) => readonly string[];
  /** Blueprints installed when the spec lists none (the bootstrap kit); `loadSpec` sets it from its `defaultBlueprints`. @default [] */
  readonly defaults?: readonly string[];
  /**
   * Chart repository URL of each known Blueprint that installs a chart (`oci://...` for a chart in an
   * OCI registry), so cosign verification of a Blueprint whose chart is not OCI, or that installs no
   * chart, can be reported. Without it, that check is skipped.
   * @default none
   */
  readonly chartRepositories?: Readonly<Record<string, string>>;
  /**
   * The props schema of each known Blueprint (`BlueprintClass.propsSchema`), against which
   * `spec.blueprints.props.<name>` is validated. A known name without a schema takes no props from a
   * spec; without the whole map, props are only checked against `known`.
   * @default none
   */
  readonly propsSchemas?: Readonly<Record<string, z.ZodType>>;
}

/** Returns ` (did you mean "x"?)` when a known name is close to `value`, else an empty string. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(value, candidates as string[]);
  return distance(value, best) <= Math.max(2, Math.floor(value.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/**
 * Validates the network plan of every region: valid private CIDRs, subnet inside network, room for
 * the servers, and no overlap between any two ranges of the Sovereign (networks, pod and service
 * ranges of both regions), so the regions can later be peered or meshed.
 */
function checkNetworks(spec: SovereignSpecParsed, plans: readonly NetworkPlan[], problems: SpecProblem[]): void {
  const ranges: Array<{ path: string; text: string; cidr: Cidr }> = [];
  plans.forEach((plan, r) => {
    const base = `spec.regions[${r}].network`;
    const parsed: Partial<Record<keyof NetworkPlan, Cidr>> = {};
    const nodeSubnetDerived = spec.spec.regions[r]!.network.nodeSubnet === undefined;
    for (const kind of ['cidr', 'nodeSubnet', 'podCidr', 'serviceCidr'] as const) {
      // A default nodeSubnet derived from an invalid `cidr` would only repeat the `cidr` problem.
      if (kind === 'nodeSubnet' && nodeSubnetDerived && !parsed.cidr) continue;
      const result = parseCidr(plan[kind]);
      if (typeof result === 'string') {
        problems.push({ path: `${base}.${kind}`, value: plan[kind], message: result });
        continue;
      }
      if (!PRIVATE_RANGES.some((p) => contains(p, result))) {
        problems.push({ path: `${base}.${kind}`, value: plan[kind], message: 'must lie inside a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)' });
        continue;
      }
      parsed[kind] = result;
      // nodeSubnet is checked against its own network below; comparing it with the other ranges too would repeat every overlap.
      if (kind !== 'nodeSubnet') ranges.push({ path: `${base}.${kind}`, text: plan[kind], cidr: result });
    }
    const { cidr, nodeSubnet } = parsed;
    if (cidr && (cidr.prefix < 8 || cidr.prefix > 24)) {
      problems.push({ path: `${base}.cidr`, value: plan.cidr, message: 'must be between /8 and /24 (Hetzner network size limits)' });
    }
    if (cidr && nodeSubnet && !contains(cidr, nodeSubnet)) {
      problems.push({ path: `${base}.nodeSubnet`, value: plan.nodeSubnet, message: `must lie inside the region network ${plan.cidr}` });
    }
    if (nodeSubnet) {
      const region = spec.spec.regions[r]!;
      const servers = region.controlPlane.count + region.workerPools.reduce((n, p) => n + p.count, 0);
      const room = Math.max(0, 2 ** (32 - nodeSubnet.prefix) - RESERVED_SUBNET_ADDRESSES - FIXED_SUBNET_ADDRESSES);
      if (servers > room) {
        problems.push({ path: `${base}.nodeSubnet`, value: plan.nodeSubnet, message: `has room for ${room} server${room === 1 ? '' : 's'} but the region has ${servers}; use a larger subnet` });
      }
    }
  });
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      if (overlaps(a.cidr, b.cidr)) {
        problems.push({ path: b.path, value: b.text, message: `overlaps ${a.path} (${a.text}); every network, pod and service range of the Sovereign must be distinct` });
      }
    }
  }
}

/**
 * A file path where a key belongs: `~/.ssh/id_ed25519.pub`, `/home/me/.ssh/key.pub`, `./keys/ops.pub`,
 * `C:\Users\me\.ssh\id_ed25519.pub`, or a bare `id_ed25519.pub`: no spaces, and a path start or a `.pub` end.
 */
const FILE_PATH = /^(?:(?:~|\.{1,2})?[/\\]|[A-Za-z]:[/\\])\S*$|^\S+\.pub$/;

/** Validates the SSH public keys: parseable OpenSSH lines of an accepted type, no duplicates, no private keys, no file paths. */
function checkSshKeys(keys: readonly string[], problems: SpecProblem[]): void {
  const seen = new Map<string, number>();
  keys.forEach((line, i) => {
    const path = `spec.ssh.publicKeys[${i}]`;
    if (/PRIVATE KEY/.test(line)) {
      problems.push({ path, value: '(private key, not shown)', message: 'is a private key; put only the public key (the .pub file) in the spec, and rotate the exposed key' });
      return;
    }
    if (FILE_PATH.test(line.trim())) {
      problems.push({ path, value: line, message: `is a file path, not a key; paste the key itself, the one line that \`cat ${line.trim()}\` prints ("ssh-ed25519 AAAA... comment")` });
      return;
    }
    let key: sshpk.Key;
    try {
      key = sshpk.parseKey(line.trim(), 'ssh');
    } catch {
      problems.push({ path, value: line, message: 'must be one OpenSSH public key line: "ssh-ed25519 AAAA... comment" (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256)' });
      return;
    }
    const allowed = key.type === 'ed25519' || (key.type === 'rsa' && key.size >= 3072) || (key.type === 'ecdsa' && key.curve === 'nistp256');
    if (!allowed) {
      const what = key.type === 'rsa' ? `an ssh-rsa key of ${key.size} bits` : key.type === 'ecdsa' ? `an ecdsa-sha2-${key.curve} key` : `a ${key.type} key`;
      problems.push({ path, value: line, message: `is ${what}; use ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa of at least 3072 bits` });
      return;
    }
    const fp = key.fingerprint('sha256').toString();
    const first = seen.get(fp);
    if (first !== undefined) problems.push({ path, value: line, message: `is the same key as spec.ssh.publicKeys[${first}]; list each key once` });
    else seen.set(fp, i);
  });
}

/** Server types of an architecture offered in a location, sorted. */
function typesFor(architecture: string, location: string): string[] {
  return Object.values(SERVER_TYPES)
    .filter((t) => t.architecture === architecture && t.locations.includes(location))
    .map((t) => t.name)
    .sort();
}

/** Locations offering at least one server type of an architecture, sorted. */
function locationsFor(architecture: string): string[] {
  return [...new Set(Object.values(SERVER_TYPES).filter((t) => t.architecture === architecture).flatMap((t) => t.locations))].sort();
}

/** Validates servers per region: names fit hostnames, pool names unique, types offered in the location, LB target limits. */
function checkServers(spec: SovereignSpecParsed, problems: SpecProblem[]): void {
  const seenLocations = new Map<string, number>();
  spec.spec.regions.forEach((region, r) => {
    const base = `spec.regions[${r}]`;
    const first = seenLocations.get(region.location);
    if (first !== undefined) {
      problems.push({ path: `${base}.location`, value: region.location, message: `is already used by spec.regions[${first}]; a second region must be in another location` });
    } else {
      seenLocations.set(region.location, r);
    }
    const prefix = resourcePrefix(spec.metadata.name, clusterName(region.location, region.buildingBlock, region.envType));
    const offered = (type: string, path: string) => {
      const t = SERVER_TYPES[type];
      if (t && t.architecture !== region.architecture) {
        problems.push({ path, value: type, message: `is an ${t.architecture} server type but ${base}.architecture is ${region.architecture}; choose one of ${typesFor(region.architecture, region.location).join(', ')}, or set ${base}.architecture: ${t.architecture} for every server of the region` });
      } else if (t && !t.locations.includes(region.location)) {
        problems.push({ path, value: type, message: `is not offered in ${region.location} (${LOCATIONS[region.location]!.city}); it is offered in ${t.locations.join(', ')}` });
      }
    };
    if (typesFor(region.architecture, region.location).length === 0) {
      problems.push({ path: `${base}.architecture`, value: region.architecture, message: `has no server type in ${region.location} (${LOCATIONS[region.location]!.city}); ${region.architecture} types are offered in ${locationsFor(region.architecture).join(', ')}` });
    }
    offered(region.controlPlane.serverType, `${base}.controlPlane.serverType`);
    const pools = new Map<string, number>();
    region.workerPools.forEach((pool, p) => {
      const path = `${base}.workerPools[${p}]`;
      const dup = pools.get(pool.name);
      if (dup !== undefined) problems.push({ path: `${path}.name`, value: pool.name, message: `is already used by ${base}.workerPools[${dup}]; pool names must be unique in a region` });
      else pools.set(pool.name, p);
      if (pool.name === 'cp') problems.push({ path: `${path}.name`, value: pool.name, message: "is reserved for the control plane; choose another pool name" });
      offered(pool.serverType, `${path}.serverType`);
      const longest = workerServerName(prefix, pool.name, pool.count);
      if (longest.length > SERVER_NAME_MAX) {
        problems.push({ path: `${path}.name`, value: pool.name, message: `makes the server name ${longest} longer than ${SERVER_NAME_MAX} characters; use a shorter pool or Sovereign name` });
      }
    });
    if (region.natGateway) {
      offered(region.natGateway.serverType, `${base}.natGateway.serverType`);
      if (!region.workerPools.some((pool) => pool.privateOnly)) {
        problems.push({ path: `${base}.natGateway`, value: region.natGateway, message: `serves no private-only pool (set privateOnly: true on a pool of ${base}.workerPools), so it would be a server with nothing to do; remove it` });
      }
    }
    const servers = region.controlPlane.count + region.workerPools.reduce((n, pool) => n + pool.count, 0);
    const limit = LOAD_BALANCER_TYPES[spec.spec.loadBalancer.type]!.maxTargets;
    if (servers > limit) {
      problems.push({ path: `${base}.workerPools`, value: servers, message: `gives ${servers} servers, more than the ${limit} targets of load balancer type ${spec.spec.loadBalancer.type}; choose a larger spec.loadBalancer.type` });
    }
    const attached = servers + (region.natGateway ? 1 : 0);
    if (attached > NETWORK_MAX_SERVERS) {
      problems.push({
        path: `${base}.workerPools`,
        value: attached,
        message: `attaches ${attached} servers to the region network (control plane, pools${region.natGateway ? ', NAT gateway' : ''}), more than the ${NETWORK_MAX_SERVERS} servers a Hetzner network holds; use fewer or larger servers, or a second region`,
      });
    }
  });
}

/**
 * Validates `spec.kubernetes.k3sVersion`: a release k3s published (`lib/k3s-releases.ts`), so no node
 * boots into a failing download. The shape (`v1.2.3+k3s1`) is checked by the schema.
 */
function checkK3sVersion(spec: SovereignSpecParsed, problems: SpecProblem[]): void {
  const version = spec.spec.kubernetes.k3sVersion;
  if (k3sLine(version) === undefined || isKnownK3sRelease(version)) return;
  problems.push({
    path: 'spec.kubernetes.k3sVersion',
    value: version,
    message: `is not a known k3s release; nearest known: ${nearestK3sReleases(version).join(', ')} (releases up to ${K3S_RELEASES_AS_OF} are listed in lib/k3s-releases.ts; add a later one there)`,
  });
}

/** The parts of a spec that name firewall sources. */
type SourceSettings = { readonly spec: Pick<SovereignSpecParsed['spec'], 'ssh' | 'kubernetes'> };

/** A warning when the spec's k3s line is no longer maintained upstream (upgrade one minor at a time). */
function k3sLineWarning(spec: SourceSettings): SpecProblem[] {
  const version = spec.spec.kubernetes.k3sVersion;
  const line = k3sLine(version);
  if (!line || !isKnownK3sRelease(version) || K3S_SUPPORTED_LINES.includes(line)) return [];
  return [{ path: 'spec.kubernetes.k3sVersion', value: version, message: `is on ${line}, which upstream no longer maintains (maintained: ${K3S_SUPPORTED_LINES.join(', ')}); upgrade one minor line at a time` }];
}

/** The two firewall source lists, each with the flag that allows internet-wide sources in it. */
function sourceLists(spec: SourceSettings) {
  return [
    { what: 'SSH (22)', path: 'spec.ssh.allowedCidrs', list: spec.spec.ssh.allowedCidrs, flagPath: 'spec.ssh.allowFromInternet', flag: spec.spec.ssh.allowFromInternet },
    { what: 'the Kubernetes API (6443)', path: 'spec.kubernetes.apiAllowedCidrs', list: spec.spec.kubernetes.apiAllowedCidrs, flagPath: 'spec.kubernetes.allowApiFromInternet', flag: spec.spec.kubernetes.allowApiFromInternet },
  ];
}

/**
 * Validates firewall source lists: valid CIDRs, listed once, none inside a private, link-local or
 * loopback range (it would never match public traffic, see `nonPublicRange`), and internet-wide
 * sources (see `isInternetWide`, IPv4-mapped IPv6 forms included) only with their confirming flag; a
 * flag with no internet-wide source is a contradiction and is reported too.
 */
function checkSources(spec: SovereignSpecParsed, problems: SpecProblem[]): void {
  for (const { what, path, list, flagPath, flag } of sourceLists(spec)) {
    let wide = false;
    const seen = new Map<string, number>();
    list.forEach((text, i) => {
      const wrong = checkSourceCidr(text);
      const first = seen.get(text);
      if (first === undefined) seen.set(text, i);
      const local = wrong ? undefined : nonPublicRange(text);
      if (wrong) problems.push({ path: `${path}[${i}]`, value: text, message: wrong });
      else if (first !== undefined) problems.push({ path: `${path}[${i}]`, value: text, message: `is already listed as ${path}[${first}]; list each source once` });
      else if (local) {
        problems.push({
          path: `${path}[${i}]`,
          value: text,
          message: `lies in ${local.cidr}, ${local.what}: Hetzner Cloud Firewalls filter only traffic to the servers' public addresses, where no packet comes from such a source, so this rule never matches; list the public addresses you connect from (for a VPN or bastion, its public egress address)`,
        });
      } else if (isInternetWide(text)) {
        wide = true;
        if (!flag) problems.push({ path: `${path}[${i}]`, value: text, message: `opens ${what} to the whole internet; list only your own networks, or set ${flagPath}: true to confirm` });
      }
    });
    if (flag && !wide) problems.push({ path: flagPath, value: true, message: `confirms internet-wide access but ${path} lists no such source; remove ${flagPath} or add 0.0.0.0/0 / ::/0 to ${path}` });
  }
}

/**
 * Warnings for a valid spec: settings that are allowed but weaken the Sovereign's security posture
 * (SSH or the Kubernetes API open to the whole internet, a k3s line upstream no longer maintains).
 * Printed by the CLI on every synth.
 *
 * @param spec a spec (or a loaded `SovereignSpec`) that passed `validateSpec`
 * @returns one problem-shaped warning per internet-wide source, in spec order, then the k3s line warning
 */
export function specWarnings(spec: SourceSettings): SpecProblem[] {
  const warnings: SpecProblem[] = [];
  for (const { what, path, list } of sourceLists(spec)) {
    list.forEach((text, i) => {
      if (!checkSourceCidr(text) && isInternetWide(text)) warnings.push({ path: `${path}[${i}]`, value: text, message: `opens ${what} to the whole internet` });
    });
  }
  return [...warnings, ...k3sLineWarning(spec)];
}

/**
 * Helm value keys that hold a credential: passwords, tokens, API and access keys, client secrets,
 * private keys. Keys that only name a Secret or a key in it (`existingSecret`, `existingSecretKey`,
 * `secretName`, `passwordKey`) do not match.
 */
const CREDENTIAL_KEY = /^(?!existing)(secret|.*(password|passwd|passphrase|token|api[-_]?key|access[-_]?key|secret[-_]?key|client[-_]?secret|private[-_]?key))$/i;

/** True for a key whose value is a credential (see `CREDENTIAL_KEY`): problems there never show the value. */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key);
}

/** Paths (below `path`) of string leaves under credential-named keys in raw Helm values. */
function credentialLiterals(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => credentialLiterals(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === 'string' && v !== '' && isCredentialKey(k) ? [`${path}.${k}`] : credentialLiterals(v, `${path}.${k}`),
  );
}

/**
 * Helm's release size limit in bytes: Helm keeps each release, values included, in a Secret, and
 * Kubernetes caps a Secret at 1 MiB (https://kubernetes.io/docs/concepts/configuration/secret/#restriction-data-size,
 * https://helm.sh/docs/topics/advanced/#storage-backends). Raw values above it can never install.
 */
export const HELM_RELEASE_MAX_BYTES = 1024 * 1024;

/**
 * Bytes Helm's release record needs for `values` alone: Helm encodes a release as JSON, compressed
 * with gzip at best compression, in base64 (`encodeRelease` in helm's `pkg/storage/driver/util.go`).
 * The chart and the rendered manifest come on top, so a result above `HELM_RELEASE_MAX_BYTES` can
 * never be stored. Node's zlib and Go's gzip differ by a few bytes per MiB.
 */
export function helmStoredBytes(values: unknown): number {
  return gzipSync(JSON.stringify(values), { level: constants.Z_BEST_COMPRESSION }).toString('base64').length;
}

/**
 * Validates `spec.blueprints`: names against the catalog (with suggestions for typos), no credential
 * literals in raw values, values only for installed Blueprints, and values within Helm's release limit
 * (measured as Helm stores them, see `helmStoredBytes`).
 */
function checkBlueprints(spec: SovereignSpecParsed, catalog: BlueprintNames, problems: SpecProblem[]): void {
  const known = catalog.known;
  const retired = catalog.retired ?? {};
  const unknown = (name: string) =>
    Object.hasOwn(retired, name) ? `is not a Blueprint any more: it was ${retired[name]}` : `is not a Blueprint this catalog knows${didYouMean(name, known)}; known: ${[...known].sort().join(', ')}`;
  const seen = new Set<string>();
  (spec.spec.blueprints.install ?? []).forEach((name, i) => {
    const path = `spec.blueprints.install[${i}]`;
    if (!known.includes(name)) problems.push({ path, value: name, message: unknown(name) });
    else if (seen.has(name)) problems.push({ path, value: name, message: 'is listed twice; list each Blueprint once' });
    seen.add(name);
  });
  const selection = [...seen].filter((n) => known.includes(n));
  const installed = catalog.installed?.(spec.spec.blueprints.install ? selection : (catalog.defaults ?? []));
  for (const [name, values] of Object.entries(spec.spec.blueprints.values)) {
    const path = `spec.blueprints.values.${name}`;
    const stored = helmStoredBytes(values);
    if (stored > HELM_RELEASE_MAX_BYTES) {
      problems.push({
        path,
        value: stored,
        message: `are ${stored} bytes as Helm stores them (JSON, gzip, base64), over the ${HELM_RELEASE_MAX_BYTES}-byte (1 MiB) limit of the Secret Helm keeps each release in with its values, so the release can never be installed; keep large content (dashboards, certificates, files) in a ConfigMap or Secret of your own and point the chart at it`,
      });
    }
    for (const at of credentialLiterals(values, path)) {
      problems.push({ path: at, value: '(not shown)', message: 'is a credential that would be committed to the GitOps repository in plain text; remove it and point the chart at a Kubernetes Secret (e.g. its existingSecret value) that OpenBao/external-secrets or sealed-secrets provide' });
    }
    if (!known.includes(name)) problems.push({ path, value: name, message: unknown(name) });
    else if (installed && !installed.includes(name)) {
      problems.push({ path, value: name, message: `sets values for a Blueprint that is not installed (neither in spec.blueprints.install nor a dependency of one); add ${name} to spec.blueprints.install or remove these values` });
    }
  }
  for (const [name, props] of Object.entries(spec.spec.blueprints.props)) {
    const path = `spec.blueprints.props.${name}`;
    if (!known.includes(name)) problems.push({ path, value: name, message: unknown(name) });
    else if (installed && !installed.includes(name)) {
      problems.push({ path, value: name, message: `sets props for a Blueprint that is not installed (neither in spec.blueprints.install nor a dependency of one); add ${name} to spec.blueprints.install or remove these props` });
    } else if (catalog.propsSchemas && !catalog.propsSchemas[name]) {
      problems.push({ path, value: name, message: `sets props, but ${name} takes none from a spec; use spec.blueprints.values.${name} for raw Helm values` });
    }
    for (const at of credentialLiterals(props, path)) {
      problems.push({ path: at, value: '(not shown)', message: 'is a credential that would be committed to the GitOps repository in plain text; remove it and name a Kubernetes Secret instead' });
    }
  }
}

/**
 * Validates `spec.gitops.verify`: only HEAD (Flux follows a branch, so there is no tag to verify),
 * and each key an ASCII-armored OpenPGP public key block, listed once. A pasted private key is
 * reported without its text.
 */
function checkGitVerify(spec: SovereignSpecParsed, problems: SpecProblem[]): void {
  const verify = spec.spec.gitops.verify;
  if (!verify) return;
  if (verify.mode !== 'HEAD') {
    problems.push({
      path: 'spec.gitops.verify.mode',
      value: verify.mode,
      message: `verifies a signed tag, but Flux checks out the branch spec.gitops.branch ("${spec.spec.gitops.branch}"), where there is no tag to verify and Flux would stall the source; use HEAD, which verifies the commit at the head of the branch`,
    });
  }
  const seen = new Map<string, number>();
  verify.publicKeys.forEach((text, i) => {
    const path = `spec.gitops.verify.publicKeys[${i}]`;
    const parsed = parsePgpPublicKeyBlock(text);
    if (!parsed.ok) {
      problems.push({ path, value: parsed.private ? '(private key, not shown)' : text, message: parsed.message });
      return;
    }
    const fingerprint = parsed.block.fingerprints[0]!;
    const first = seen.get(fingerprint);
    if (first !== undefined) problems.push({ path, value: fingerprint, message: `is the same key as spec.gitops.verify.publicKeys[${first}]; list each key once` });
    else seen.set(fingerprint, i);
  });
}

/**
 * Validates `spec.blueprints.verify`: each entry names a known, installed Blueprint whose chart comes
 * from an OCI registry (Flux verifies cosign signatures of OCIRepository sources only), and sets
 * exactly one of keyless identities and a public key Secret, with anchored Go regexes.
 */
function checkChartVerify(spec: SovereignSpecParsed, catalog: BlueprintNames, problems: SpecProblem[]): void {
  const known = catalog.known;
  const selection = (spec.spec.blueprints.install ?? catalog.defaults ?? []).filter((n) => known.includes(n));
  const installed = catalog.installed?.(selection);
  for (const [name, verify] of Object.entries(spec.spec.blueprints.verify)) {
    const path = `spec.blueprints.verify.${name}`;
    const repository = catalog.chartRepositories?.[name];
    if (!known.includes(name)) {
      problems.push({ path, value: name, message: `is not a Blueprint this catalog knows${didYouMean(name, known)}; known: ${[...known].sort().join(', ')}` });
    } else if (installed && !installed.includes(name)) {
      problems.push({ path, value: name, message: `verifies the chart of a Blueprint that is not installed (neither in spec.blueprints.install nor a dependency of one); add ${name} to spec.blueprints.install or remove this entry` });
    } else if (catalog.chartRepositories !== undefined && repository === undefined) {
      problems.push({ path, value: name, message: `names ${name}, which installs manifests from Git rather than a chart, so there is no chart signature to verify; remove spec.blueprints.verify.${name}` });
    } else if (repository !== undefined && !repository.startsWith('oci://')) {
      problems.push({
        path,
        value: name,
        message: `verifies a cosign signature, but the chart of ${name} comes from the Helm repository ${repository}, not an oci:// registry, and Flux verifies signatures of OCI charts only; remove spec.blueprints.verify.${name}`,
      });
    }
    problems.push(...cosignVerificationProblems(verify, path));
  }
}

/**
 * Runs every cross-field rule and returns all problems (empty when the spec is valid).
 *
 * @param spec a spec that passed the shape check
 * @param plans the network plan of each region, defaults applied
 * @param catalog the Blueprint names the catalog knows
 */
export function validateSpec(spec: SovereignSpecParsed, plans: readonly NetworkPlan[], catalog: BlueprintNames): SpecProblem[] {
  const problems: SpecProblem[] = [];
  checkServers(spec, problems);
  checkK3sVersion(spec, problems);
  checkNetworks(spec, plans, problems);
  checkSshKeys(spec.spec.ssh.publicKeys, problems);
  checkSources(spec, problems);
  checkBlueprints(spec, catalog, problems);
  checkGitVerify(spec, problems);
  checkChartVerify(spec, catalog, problems);
  return problems;
}
