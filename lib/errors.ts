/**
 * Error types of catalyst-cdk. Every error a user can cause carries enough to fix it without reading
 * our code: the field path, the offending value, what is allowed.
 */
import { escapeSuspicious } from './characters';

/** One problem found in a Sovereign spec. */
export interface SpecProblem {
  /** Dotted field path with list indexes, e.g. `spec.regions[1].location`; `(document)` for the whole file. */
  readonly path: string;
  /** The offending value as found in the spec (`undefined` when the field is missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed, e.g. `must be one of fsn1, nbg1, hel1, ash, hil, sin`. */
  readonly message: string;
  /** Source position in the YAML file (1-based), when known. */
  readonly line?: number;
  /** Column of that position (1-based), when known. */
  readonly column?: number;
}

/**
 * Renders a value for an error message: strings quoted, objects as compact JSON, long values cut, and
 * invisible or typographic characters escaped (`"fsn\u200b1"`, see `escapeSuspicious`).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = escapeSuspicious(JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Formats one problem as a single line: `file:line:col: path: value: message`. */
export function formatProblem(problem: SpecProblem, file?: string): string {
  const where = problem.line !== undefined ? `${file ?? 'spec'}:${problem.line}:${problem.column ?? 1}: ` : file ? `${file}: ` : '';
  return `${where}${problem.path}: ${describeValue(problem.value)}: ${problem.message}`;
}

/**
 * Thrown when a Sovereign spec is invalid. Carries every problem found (not only the first), so a
 * user fixes all of them in one round. Nothing is synthesized when this is thrown.
 */
export class SpecError extends Error {
  /** Every problem found, in document order. Never empty. */
  readonly problems: readonly SpecProblem[];
  /** The file the spec came from, when it came from a file. */
  readonly file?: string;

  constructor(problems: readonly SpecProblem[], file?: string) {
    const lines = problems.map((p) => `  - ${formatProblem(p, file)}`);
    super(`invalid Sovereign spec${file ? ` ${file}` : ''} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'SpecError';
    this.problems = problems;
    this.file = file;
  }
}

/**
 * Thrown when a spec file cannot be read (missing, a folder, no permission). A `SpecError` with one
 * `(document)` problem, so callers that catch `SpecError` keep working; the command line tells it apart
 * (exit code 2, a bad argument, instead of 1, an invalid spec).
 */
export class SpecFileError extends SpecError {
  /** The file system error code, e.g. `ENOENT`, `EISDIR`, `EACCES`; `undefined` when the error had none. */
  readonly code?: string;

  /**
   * @param file the path as given
   * @param cause the error `readFileSync` threw
   */
  constructor(file: string, cause: Error & { code?: string }) {
    super([{ path: '(document)', value: file, message: `cannot be read: ${cause.message}` }], file);
    this.name = 'SpecFileError';
    this.code = cause.code;
  }
}

/**
 * Thrown when the Blueprint catalog or a selection of Blueprints is inconsistent: an unknown name,
 * an invalid or duplicate Blueprint name, a dependency cycle, a dependency that is not registered.
 */
export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

/** Thrown when a synthesized artifact breaks a hard limit (e.g. Hetzner's 32 KiB user_data limit). */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthError';
  }
}

/**
 * Thrown when an output folder cannot be written without touching files catalyst-cdk did not
 * write (a non-empty folder without its ownership record, another's file where ours would go);
 * nothing has been written. `problems` holds one sentence per conflict, each naming the path and the fix.
 */
export class OutputError extends Error {
  /** One sentence per conflict: the path, what is in the way, and what to do. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'OutputError';
    this.problems = problems;
  }
}

/**
 * A Blueprint cannot be bound or read as asked: a construct-level error (the message starts with the
 * construct path and the Blueprint's name when it happened while binding), a missing peer Blueprint,
 * bad cluster attributes, or props that do not match the Blueprint's props schema.
 */
export class BlueprintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlueprintError';
  }
}
