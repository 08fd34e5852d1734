/**
 * Test support: synthesizes an example spec into a temporary folder (both halves, through the real
 * `Sovereign.synthesize`) and reads the written files back.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Sovereign, SynthReport } from '../../app/sovereign';
import { readTree } from '../../lib/gitops';

/** Root of the repository. */
export const ROOT = join(__dirname, '..', '..');

/** A synthesized example. */
export interface SynthesizedExample {
  readonly sovereign: Sovereign;
  readonly report: SynthReport;
  readonly dir: string;
  /** Terraform JSON of every stack, by stack name. */
  readonly stacks: Record<string, TerraformJson>;
  /** Every file of the GitOps tree: path relative to the tree root → content. */
  readonly gitops: Map<string, string>;
}

/** The parts of a cdktf stack's Terraform JSON the tests read. */
export interface TerraformJson {
  readonly terraform: { required_providers: Record<string, { source: string; version: string }>; backend: Record<string, Record<string, unknown>> };
  readonly provider: Record<string, unknown[]>;
  readonly variable?: Record<string, { type: string; sensitive?: boolean; default?: unknown; nullable?: boolean }>;
  readonly output: Record<string, { value: unknown; sensitive?: boolean }>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  /** Local values; the readable cloud-init of each server is `user_data_<stem>_<n>`. */
  readonly locals?: Record<string, string>;
}

/** `user_data` of a server: `base64gzip()` of a local value holding its cloud-init. */
const GZIPPED_LOCAL = /^\$\{base64gzip\(local\.([A-Za-z0-9_]+)\)\}$/;

/** The stack of every server object `resources()` handed out, so `userDataText(server)` finds its locals. */
const stackOfServer = new WeakMap<object, TerraformJson>();

/**
 * The cloud-init text of a server: the local value its `user_data` gzip-encodes, looked up in `tf`
 * (default: the stack `resources()` returned the server from), or a plain `#cloud-config` user_data
 * (the NAT gateway's). Fails when the server's user_data is anything else.
 */
export function userDataText(server: Record<string, unknown>, tf: TerraformJson | undefined = stackOfServer.get(server)): string {
  // The NAT gateway's short cloud-config is sent as is.
  if (String(server.user_data).startsWith('#cloud-config\n')) return String(server.user_data);
  const m = GZIPPED_LOCAL.exec(String(server.user_data));
  if (!m) throw new Error(`user_data is not base64gzip(local.<name>): ${String(server.user_data).slice(0, 80)}`);
  if (!tf) throw new Error('userDataText: pass the stack of a server not obtained through resources()');
  const text = tf.locals?.[m[1]!];
  if (typeof text !== 'string') throw new Error(`no local value ${m[1]} for user_data`);
  return text;
}

/** The name of the local value holding a server's cloud-init (`user_data_<stem>_<n>`). */
export function userDataLocal(server: Record<string, unknown>): string {
  return GZIPPED_LOCAL.exec(String(server.user_data))![1]!;
}

/** Every file under `dir`, as relative path → content (see `lib/gitops.ts`). */
export { readTree };

const cache = new Map<string, SynthesizedExample>();

/** Synthesizes `examples/<name>.yaml` once per test file and returns what was written. */
export function synthExample(name: string): SynthesizedExample {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), `catalyst-${name}-`));
  const sovereign = Sovereign.fromFile(join(ROOT, 'examples', `${name}.yaml`));
  const report = sovereign.synthesize({ terraformOut: join(dir, 'cdktf.out'), gitopsOut: join(dir, 'gitops') });
  const stacks: Record<string, TerraformJson> = {};
  for (const stack of readdirSync(join(dir, 'cdktf.out', 'stacks')).sort()) {
    stacks[stack] = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  }
  const result = { sovereign, report, dir, stacks, gitops: readTree(join(dir, 'gitops')) };
  cache.set(name, result);
  return result;
}

/** The resources of one type in a stack, by Terraform name (servers are remembered for `userDataText`). */
export function resources(tf: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  const found = tf.resource[type] ?? {};
  if (type === 'hcloud_server') for (const server of Object.values(found)) stackOfServer.set(server, tf);
  return found;
}

/** Parses every YAML document of a file. */
export function yamlDocs(text: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

/** The three shipped examples. */
export const EXAMPLES = ['solo', 'omantel', 'bank-dr'] as const;

/** `length` characters gzip cannot shrink much (base64 of chained SHA-512 digests), like real certificates or secrets. */
export function noise(length: number): string {
  let out = '';
  for (let block = createHash('sha512').update('noise').digest(); out.length < length; block = createHash('sha512').update(block).digest()) out += block.toString('base64');
  return out.slice(0, length);
}
