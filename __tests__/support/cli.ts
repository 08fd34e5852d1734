/**
 * Test support: runs a command line in-process (`main.ts`, `scripts/check-charts.ts`) with stdout
 * and stderr captured.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../main';
import { noise, ROOT } from './synth';

/** Parses the one JSON document a `--json` run printed on stdout. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonOf(result: CliResult): any {
  return JSON.parse(result.out);
}

/** What one CLI run returned and printed. */
export interface CliResult {
  /** Exit code; `main.ts`: 0 ok, 1 invalid spec, 2 bad arguments or an unreadable file, 3 internal error. */
  readonly code: number;
  /** Everything written to stdout. */
  readonly out: string;
  /** Everything written to stderr. */
  readonly err: string;
}

/** Captures stdout and stderr until `restore` is called. */
function captureOutput(): { readonly out: () => string; readonly err: () => string; restore(): void } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((t) => ((err += String(t)), true));
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

/** Runs `main.ts` with `args` and `env` (default: an empty environment). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const c = captureOutput();
  try {
    const code = run(args, env);
    return { code, out: c.out(), err: c.err() };
  } finally {
    c.restore();
  }
}

/** Runs an asynchronous command line (e.g. `scripts/check-charts.ts`'s `run`) with its output captured. */
export async function runAsyncCli(command: () => Promise<number>): Promise<CliResult> {
  const c = captureOutput();
  try {
    const code = await command();
    return { code, out: c.out(), err: c.err() };
  } finally {
    c.restore();
  }
}

/** A new empty temporary folder. */
export function tmpDir(prefix = 'catalyst-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The default spec (`examples/solo.yaml`) changed by `edit`, written to `dir/file`; returns the file's path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function soloSpecIn(dir: string, file: string, edit: (spec: any) => void): string {
  const spec = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  edit(spec);
  const path = join(dir, file);
  writeFileSync(path, stringify(spec));
  return path;
}

/** Raw Cilium values of 40 KiB of incompressible text (user_data is gzipped): cloud-init pre-installs Cilium with them, which breaks Hetzner's 32 KiB user_data limit. */
export const OVERSIZED_CILIUM_VALUES = { cilium: { extraConfig: { note: noise(40 * 1024) } } };
