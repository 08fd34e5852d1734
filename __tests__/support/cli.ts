/**
 * Test support: runs the command line (`main.ts`) in-process with stdout and stderr captured.
 */
import { run } from '../../main';

/** Parses the one JSON document a `--json` run printed on stdout. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function jsonOf(result: CliResult): any {
  return JSON.parse(result.out);
}

/** What one CLI run returned and printed. */
export interface CliResult {
  /** Exit code: 0 ok, 1 invalid spec, 2 bad arguments or unreadable file, 3 internal error. */
  readonly code: number;
  /** Everything written to stdout. */
  readonly out: string;
  /** Everything written to stderr. */
  readonly err: string;
}

/** Runs `main.ts` with `args` and `env` (default: an empty environment). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((t) => ((err += String(t)), true));
  try {
    return { code: run(args, env), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
