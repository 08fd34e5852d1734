/**
 * What every command of the command line shares: exit codes, the classification of failures, and
 * printing a result either as text (summary on stdout, warnings and notes on stderr) or, with
 * `--json`, as one JSON document on stdout and nothing on stderr.
 */
import type { AddedDependency } from '../../lib/catalog';
import { formatProblem, OutputError, SpecError, SpecFileError, SynthError, type SpecProblem } from '../../lib/errors';
import { type DestructiveChange, DestructiveChangeError } from '../destructive-changes';

/** Exit codes of every command. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The spec is invalid, its output would break a hard limit, or it would destroy what a running cluster needs (`SynthError`). */
  invalidSpec: 1,
  /** Bad arguments, or a file that cannot be read or written. */
  usage: 2,
  /** A bug in catalyst-cdk (or a Blueprint): the message carries the stack trace. */
  internal: 3,
} as const;

/** An exit code of the command line. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What kind of failure ended a command; `kind` in the `--json` error report. */
export type FailureKind = 'invalid-spec' | 'cannot-synthesize' | 'destructive-change' | 'unreadable-file' | 'output-not-ours' | 'file-system' | 'bad-arguments' | 'internal';

/** A failure, as the text and `--json` reports show it. */
export interface Failure {
  /** What kind of failure it is. */
  readonly kind: FailureKind;
  /** The exit code it ends the command with. */
  readonly exitCode: ExitCode;
  /** One human-readable message (several lines for an invalid spec, one per problem). */
  readonly message: string;
  /** Every problem of an invalid spec, in document order (`invalid-spec`), or every output conflict (`output-not-ours`). */
  readonly problems?: readonly SpecProblem[] | readonly string[];
  /** The file system error code, e.g. `ENOENT` (only for `unreadable-file` and `file-system`). */
  readonly code?: string;
  /** Every destructive change found (only for `destructive-change`). */
  readonly changes?: readonly DestructiveChange[];
}

/** What a command prints when it succeeds. */
export interface CommandResult {
  /** The `--json` document (without `ok` and `command`, which the runner adds). */
  readonly json: Readonly<Record<string, unknown>>;
  /** Text lines for stdout (without `--json`). */
  readonly stdout: readonly string[];
  /** Warnings and notes for stderr (without `--json`). @default none */
  readonly stderr?: readonly string[];
}

/** How a command that failed frames its failure. */
export interface FailureContext {
  /** The spec file the command read, for messages. @default none */
  readonly spec?: string;
  /** True for a command that writes output: failures then add that nothing was written. @default false */
  readonly writes?: boolean;
}

/**
 * A Node.js file system error (`fs.*Sync` throws these): it has a code like `EACCES` and a syscall.
 * Checked by shape, not `instanceof Error`: Node's own errors may come from another realm (as in jest).
 */
function isFileSystemError(err: unknown): err is Error & { code: string; syscall: string } {
  const { code, syscall, message } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; syscall?: unknown; message?: unknown };
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string' && typeof message === 'string';
}

/**
 * Classifies an error a command threw. Expected failures (an invalid spec, a hard limit, a file that
 * cannot be read or written) get a message without a stack trace; anything else is an internal error,
 * whose message is the stack trace (for a bug report).
 */
export function classify(err: unknown, context: FailureContext = {}): Failure {
  if (err instanceof SpecFileError) {
    return { kind: 'unreadable-file', exitCode: EXIT.usage, message: `spec file ${err.file} ${err.problems[0]!.message}`, code: err.code };
  }
  if (err instanceof OutputError) {
    return { kind: 'output-not-ours', exitCode: EXIT.usage, message: `cannot write the output of ${context.spec ?? 'the spec'}:\n${err.problems.map((p) => `  ${p}`).join('\n')}`, problems: err.problems };
  }
  if (err instanceof SpecError) return { kind: 'invalid-spec', exitCode: EXIT.invalidSpec, message: err.message, problems: err.problems };
  if (err instanceof DestructiveChangeError) {
    return { kind: 'destructive-change', exitCode: EXIT.invalidSpec, message: `cannot synthesize ${context.spec ?? 'the spec'}: ${err.message}`, changes: err.changes };
  }
  if (err instanceof SynthError) {
    return { kind: 'cannot-synthesize', exitCode: EXIT.invalidSpec, message: `cannot synthesize ${context.spec ?? 'the spec'}: ${err.message}` };
  }
  if (isFileSystemError(err)) {
    return { kind: 'file-system', exitCode: EXIT.usage, message: `cannot write the output: ${err.message}; check the output folders and their permissions`, code: err.code };
  }
  const { stack } = (typeof err === 'object' && err !== null ? err : {}) as { stack?: unknown };
  const text = typeof stack === 'string' ? stack : String(err);
  return { kind: 'internal', exitCode: EXIT.internal, message: `internal error: ${text}` };
}

/** Prints a command's result and returns exit code 0. */
export function printResult(command: string, result: CommandResult, json: boolean): ExitCode {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: true, command, ...result.json }, null, 2)}\n`);
  } else {
    for (const line of result.stderr ?? []) process.stderr.write(`${line}\n`);
    for (const line of result.stdout) process.stdout.write(`${line}\n`);
  }
  return EXIT.ok;
}

/**
 * Prints a failure and returns its exit code. Text: the message on stderr (and, for a command that
 * writes, `nothing was written.`), nothing on stdout. `--json`: `{ ok: false, command, exitCode,
 * error: { kind, message, problems?, code? }, written? }` on stdout.
 */
export function printFailure(command: string | undefined, failure: Failure, json: boolean, context: FailureContext = {}): ExitCode {
  if (json) {
    const { exitCode, ...error } = failure;
    const doc = { ok: false, command: command ?? null, exitCode, error, ...(context.writes ? { written: false } : {}) };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    process.stderr.write(`${failure.message}\n${context.writes ? 'nothing was written.\n' : ''}`);
  }
  return failure.exitCode;
}

/**
 * The stderr lines of a spec that was accepted: its warnings (e.g. `warning: spec.yaml:
 * spec.ssh.allowedCidrs[0]: "0.0.0.0/0": opens SSH (22) to the whole internet`), then the Blueprints
 * added to its selection (`note: added Blueprint cert-manager (required by external-dns)`).
 */
export function specNotes(report: { readonly warnings: readonly SpecProblem[]; readonly added: readonly AddedDependency[] }, spec: string): string[] {
  return [
    ...report.warnings.map((w) => `warning: ${formatProblem(w, spec)}`),
    ...report.added.map((a) => `note: added Blueprint ${a.name} (required by ${a.requiredBy.join(', ')})`),
  ];
}
