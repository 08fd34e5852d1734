/**
 * JSON Schema validation with ajv (https://ajv.js.org/), for charts' `values.schema.json` files and
 * CRDs' `openAPIV3Schema`. Each schema gets a validator of its own draft (2020-12, 2019-09, else
 * draft-07, which also serves the bare `http://json-schema.org/schema#` many charts declare), with
 * the standard formats of `ajv-formats`, unknown keywords (`x-kubernetes-*`) ignored.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValuesMap } from './chart';

/** One schema violation: where in the instance, and what is wrong. */
export interface SchemaViolation {
  /** Path of the offending value, dotted with list indexes (`server.ha.replicas`, `spec.solvers[0]`); `(root)` for the whole instance. */
  readonly path: string;
  /** What the schema requires, e.g. `must be integer`, `unknown field`. */
  readonly message: string;
}

function newAjv(schema: ValuesMap): Ajv {
  const draft = String(schema.$schema ?? '');
  const options = { strict: false, allErrors: true, validateSchema: false, logger: false } as const;
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/**
 * Compiles a JSON Schema into a validator. The `$schema` keyword picks the draft and is not itself
 * resolved (ajv knows no meta-schema under the bare `http://json-schema.org/schema#`).
 *
 * @throws Error when ajv cannot compile the schema (e.g. an unresolvable `$ref`)
 */
export function compileSchema(schema: ValuesMap): (instance: unknown) => SchemaViolation[] {
  const { $schema: _draft, ...body } = schema;
  const validate: ValidateFunction = newAjv(schema).compile(body);
  return (instance) => (validate(instance) ? [] : violations(validate.errors ?? []));
}

/** JSON pointer (`/spec/solvers/0`) → `spec.solvers[0]`. */
export function pointerToPath(pointer: string): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return dotted(segments);
}

/** Path segments → `a.b[0]["c.d"]`; `(root)` when empty. */
export function dotted(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || '(root)';
}

function violations(errors: readonly ErrorObject[]): SchemaViolation[] {
  const out = new Map<string, SchemaViolation>();
  for (const e of errors) {
    const at = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const p = e.params as Record<string, unknown>;
    let v: SchemaViolation;
    if (e.keyword === 'required') v = { path: dotted([...at, String(p.missingProperty)]), message: 'required field is missing' };
    else if (e.keyword === 'additionalProperties') v = { path: dotted([...at, String(p.additionalProperty)]), message: 'unknown field' };
    else if (e.keyword === 'enum') v = { path: dotted(at), message: `must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}` };
    else v = { path: dotted(at), message: e.message ?? e.keyword };
    out.set(`${v.path}\0${v.message}`, v);
  }
  return [...out.values()];
}
