/**
 * Schema validation of Kubernetes / Flux manifests for the tests and the chart check
 * (`scripts/check-charts.ts`), backed by the published models of the `kubernetes-models` family (`kubernetes-models` for the built-in APIs, `@kubernetes-models/flux-cd` for
 * Flux). Both packages are ESM-only; inside jest they load through `__tests__/support/jest-resolver.js`
 * (see jest.config.js), elsewhere (tsx, node) through native `import()`.
 *
 * Usage:
 * ```ts
 * const errors = await validateManifests(docs.filter((d) => !isKustomizeConfig(d)));
 * expect(errors).toEqual([]);
 * ```
 */

import { dotted } from '../lib/chart-check/schema';

/** A parsed manifest: any JSON/YAML object; `apiVersion` and `kind` select the schema. */
export type Manifest = Record<string, unknown>;

/** Options of {@link validateManifest} / {@link validateManifests}. */
export interface ValidateOptions {
  /**
   * Also report fields the schema does not know (typos such as `spec.intreval`), which the models
   * themselves accept silently (their schemas do not set `additionalProperties: false`). Default `true`.
   * Detection is by observation: a field is "unknown" when the schema's validator looked up the other
   * fields of its object but never this one. Objects the validator never looks into (free-form ones such
   * as `HelmRelease.spec.values`) and maps it enumerates (labels, annotations, data) are never reported,
   * nor are fields named `description` or `x-kubernetes-*`, which the models' schemas omit (see
   * STRIPPED_FIELD_RE). Set `false` to get exactly the models' own verdict.
   */
  unknownFields?: boolean;
}

/** The part of a kubernetes-models class this module relies on. */
interface ModelClass {
  new (data?: unknown): { validate(): void; toJSON(): unknown };
  readonly apiVersion: string;
  readonly kind: string;
  prototype: { validate(this: unknown): void };
}

/** Shape of the error thrown by a model's `validate()` (ajv's ValidationError). */
interface AjvError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

const API_VERSION_RE = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?(v[0-9]+(?:(?:alpha|beta)[0-9]+)?)$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;
/**
 * Property names the kubernetes-models generator drops from every compiled schema (it strips `description`
 * as documentation, which also removes real fields such as PriorityClass.description and
 * JSONSchemaProps.description, and it drops the `x-kubernetes-*` extensions of JSONSchemaProps).
 * The validators never read them, so the unknown-field check must not report them.
 */
const STRIPPED_FIELD_RE = /^(?:description|x-kubernetes-[A-Za-z-]+)$/;

/**
 * True when `obj` is kustomize's own build file (`kustomization.yaml`: apiVersion
 * `kustomize.config.k8s.io/*`, kind `Kustomization` or `Component`), which is input to `kustomize build`
 * and never applied to a cluster. Such objects have no cluster schema, so {@link validateManifest}
 * reports them as errors: filter them out first. Not to be confused with Flux's
 * `kustomize.toolkit.fluxcd.io` Kustomization, which is a cluster object.
 */
export function isKustomizeConfig(obj: unknown): boolean {
  if (!isPlainObject(obj)) return false;
  return typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** Alias of {@link isKustomizeConfig}: true for kustomize's own `kustomization.yaml` (not a cluster object). */
export const isKustomizeFile = isKustomizeConfig;

/**
 * A short human label of a manifest for messages: `Kind namespace/name`, `Kind name`, or `Kind` (and
 * `?` for a missing kind). Never throws.
 */
export function describeManifest(obj: unknown): string {
  if (!isPlainObject(obj)) return `(not an object: ${JSON.stringify(obj) ?? String(obj)})`;
  const kind = typeof obj.kind === 'string' ? obj.kind : '?';
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  return name === undefined ? kind : ns === undefined ? `${kind} ${name}` : `${kind} ${ns}/${name}`;
}

/**
 * The module specifier holding the model of `apiVersion`/`kind`, or `undefined` when the apiVersion or
 * kind is malformed. Flux groups (`*.toolkit.fluxcd.io`) map to `@kubernetes-models/flux-cd/<group>/<version>/<Kind>`,
 * cert-manager groups (`cert-manager.io`, `*.cert-manager.io`) to `@kubernetes-models/cert-manager/...`,
 * everything else to `kubernetes-models/<group>/<version>/<Kind>` (core: `kubernetes-models/v1/<Kind>`).
 * The module may not exist: see {@link loadModel}.
 */
export function modelModuleFor(apiVersion: string, kind: string): string | undefined {
  if (!API_VERSION_RE.test(apiVersion) || !KIND_RE.test(kind)) return undefined;
  const pkg = /\.toolkit\.fluxcd\.io\//.test(apiVersion)
    ? '@kubernetes-models/flux-cd'
    : /^([a-z0-9-]+\.)?cert-manager\.io\//.test(apiVersion)
      ? '@kubernetes-models/cert-manager'
      : 'kubernetes-models';
  return `${pkg}/${apiVersion}/${kind}`;
}

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

/**
 * Loads the model class for `apiVersion`/`kind` (cached). Resolves to `undefined` when the packages have
 * no such model (malformed names, unknown group/version, unknown kind, or a name that is a sub-type such
 * as `HelmReleaseSpec` rather than a top-level kind).
 * @throws when a model module exists but fails to load (a broken install or jest set-up), so that such a
 *   failure is never mistaken for "no schema".
 */
export function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}|${kind}`;
  let p = modelCache.get(key);
  if (!p) {
    p = (async () => {
      const specifier = modelModuleFor(apiVersion, kind);
      if (!specifier) return undefined;
      let mod: Record<string, unknown>;
      try {
        mod = await import(specifier);
      } catch (e) {
        if (isModuleNotFound(e, specifier)) return undefined;
        throw e;
      }
      const cls = mod[kind] as ModelClass | undefined;
      if (typeof cls !== 'function' || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
      return cls;
    })();
    modelCache.set(key, p);
  }
  return p;
}

/**
 * Validates one manifest against the schema of its `apiVersion` + `kind`.
 *
 * Returns error strings, empty when valid. Each starts with {@link describeManifest}'s label and names
 * the field, e.g. `HelmRelease flux-system/podinfo: spec.interval: must be string (got number)`,
 * `... : spec.chart.spec.sourceRef: required field is missing`, `... : spec.intreval: unknown field`.
 * A non-object, a missing/non-string apiVersion or kind, and an apiVersion/kind without a model
 * (`no schema for <apiVersion> <kind>`) are errors too: nothing is ever valid by default.
 * @throws only if a model module exists but cannot be loaded (see {@link loadModel}).
 */
export async function validateManifest(obj: unknown, options: ValidateOptions = {}): Promise<string[]> {
  const label = describeManifest(obj);
  if (!isPlainObject(obj)) return [`${label}: a manifest must be an object`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [`${label}: apiVersion and kind must be strings (got apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)})`];
  }
  const cls = await loadModel(apiVersion, kind);
  if (!cls) {
    const hint = isKustomizeConfig(obj) ? ' (kustomize build input, not a cluster object: filter with isKustomizeConfig)' : '';
    return [`${label}: no schema for apiVersion ${apiVersion} kind ${kind}${hint}`];
  }
  // The model drops `undefined` values and fills apiVersion/kind exactly as application code would.
  const model = new cls(obj);
  const data = model.toJSON();
  const tracker = options.unknownFields === false ? undefined : new AccessTracker();
  const errors: string[] = [];
  try {
    cls.prototype.validate.call(tracker ? tracker.wrap(data) : data);
  } catch (e) {
    errors.push(...validationMessages(e));
  }
  if (tracker) errors.push(...tracker.unknownFields(data).map((p) => `${dotted(p)}: unknown field`));
  return errors.map((m) => `${label}: ${m}`);
}

/**
 * Validates a list of manifests with {@link validateManifest}. Returns all errors, each prefixed with the
 * manifest's index in `objs` (`#3 HelmRelease flux-system/podinfo: ...`); empty when all are valid.
 * An empty list is valid. @throws as {@link validateManifest}.
 */
export async function validateManifests(objs: readonly unknown[], options: ValidateOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for (const [i, obj] of objs.entries()) {
    for (const e of await validateManifest(obj, options)) out.push(`#${i} ${e}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether an import error says that `specifier` does not exist. Node's native ESM loader names only
 * the package subpath (`Package subpath './cilium.io/v2/X' is not defined by "exports"`), jest the
 * whole specifier.
 */
function isModuleNotFound(e: unknown, specifier: string): boolean {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const msg = typeof err?.message === 'string' ? err.message : '';
  const subpath = `'./${specifier.split('/').slice(specifier.startsWith('@') ? 2 : 1).join('/')}'`;
  return (
    ['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED'].includes(code) && (msg.includes(specifier) || msg.includes(subpath))
  );
}

function pointerSegments(pointer: string | undefined): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Turns what a model's `validate()` threw into messages naming the field. Rethrows non-validation errors. */
function validationMessages(e: unknown): string[] {
  const errs = (e as { errors?: unknown })?.errors;
  if (!Array.isArray(errs)) throw e;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const err of errs as AjvError[]) {
    const at = pointerSegments(err.instancePath);
    const params = err.params ?? {};
    let msg: string;
    switch (err.keyword) {
      case 'required':
        msg = `${dotted([...at, String(params.missingProperty)])}: required field is missing`;
        break;
      case 'additionalProperties':
        msg = `${dotted([...at, String(params.additionalProperty)])}: unknown field`;
        break;
      case 'type':
        msg = `${dotted(at)}: must be ${String(params.type)}`;
        break;
      case 'enum':
        msg = `${dotted(at)}: must be one of ${(params.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      default:
        msg = `${dotted(at)}: ${err.message ?? err.keyword ?? 'is invalid'}`;
    }
    if (!seen.has(msg)) {
      seen.add(msg);
      out.push(msg);
    }
  }
  return out.length ? out : [`(root): ${(e as Error).message}`];
}

/**
 * Records which properties of each object a validator reads. Wraps JSON data in read-only-transparent
 * proxies; objects are keyed by their path.
 */
class AccessTracker {
  /** path (JSON-encoded segments) → keys read; `enumerated` when the validator listed the keys (a map). */
  private readonly seen = new Map<string, { keys: Set<string>; enumerated: boolean }>();

  /** `data` wrapped so that every read below it is recorded. */
  wrap(data: unknown): unknown {
    return this.proxy(data, []);
  }

  private proxy(value: unknown, path: string[]): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const id = JSON.stringify(path);
    const entry = () => {
      let e = this.seen.get(id);
      if (!e) this.seen.set(id, (e = { keys: new Set(), enumerated: false }));
      return e;
    };
    return new Proxy(value as object, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string') return v;
        entry().keys.add(prop);
        return Object.prototype.hasOwnProperty.call(target, prop) ? this.proxy(v, [...path, prop]) : v;
      },
      has: (target, prop) => {
        if (typeof prop === 'string') entry().keys.add(prop);
        return Reflect.has(target, prop);
      },
      getOwnPropertyDescriptor: (target, prop) => {
        if (typeof prop === 'string') entry().keys.add(prop);
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
      ownKeys: (target) => {
        entry().enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  }

  /** Paths (segments) of fields present in `data` that the validator never looked at, per the rules in ValidateOptions. */
  unknownFields(data: unknown): string[][] {
    const out: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (Array.isArray(v)) {
        v.forEach((item, i) => walk(item, [...path, String(i)]));
        return;
      }
      if (!isPlainObject(v)) return;
      const e = this.seen.get(JSON.stringify(path));
      if (!e) return; // never looked into: free-form object (e.g. x-kubernetes-preserve-unknown-fields)
      for (const k of Object.keys(v)) {
        if (!e.enumerated && !e.keys.has(k)) {
          if (!STRIPPED_FIELD_RE.test(k)) out.push([...path, k]);
        }
        else walk(v[k], [...path, k]);
      }
    };
    walk(data, []);
    return out;
  }
}
