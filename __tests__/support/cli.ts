/**
 * Test support: runs a command line in-process (`main.ts`, `scripts/check-charts.ts`) with stdout
 * and stderr captured.
 */
import { run } from '../../main';

/** What one CLI run returned and printed. */
export interface CliResult {
  /** Exit code: 0 ok, 1 invalid spec (or problems found), 2 internal error or bad arguments. */
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

/** Runs `main.ts` with `args` and an empty environment. */
export function runCli(args: readonly string[]): CliResult {
  const c = captureOutput();
  try {
    const code = run(args, {});
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
