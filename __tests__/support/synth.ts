/**
 * Test support: synthesizes an example spec into a temporary folder (both halves, through the real
 * `Sovereign.synthesize`) and reads the written files back.
 */
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

/** The resources of one type in a stack, by Terraform name. */
export function resources(tf: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return tf.resource[type] ?? {};
}

/** Parses every YAML document of a file. */
export function yamlDocs(text: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

/** The three shipped examples. */
export const EXAMPLES = ['solo', 'omantel', 'bank-dr'] as const;
