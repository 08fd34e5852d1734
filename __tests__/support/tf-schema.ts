/**
 * Offline validation of synthesized Terraform JSON (cdktf's `cdk.tf.json`) against provider schemas in
 * the format of `terraform providers schema -json` (the files in `schemas/`).
 *
 * It catches what Terraform's own `validate` would report from the schemas alone: unknown resource or
 * data source types, unknown arguments and blocks, missing required arguments, computed-only attributes
 * that are set, too few/too many nested blocks, and values of the wrong primitive type. It does not
 * evaluate expressions: any string containing `${` (or a `%{` directive) is accepted for any type.
 *
 * ```ts
 * const schemas = loadProviderSchemas(['schemas/hcloud-provider-schema.json', 'schemas/random-provider-schema.json']);
 * expect(validateTerraformJson(JSON.parse(readFileSync('cdktf.out/stacks/x/cdk.tf.json', 'utf8')), schemas)).toEqual([]);
 * ```
 */
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';

// ---------------------------------------------------------------------------------------------------
// Schema format (`terraform providers schema -json`, format_version 1.0)

/** A Terraform type: `"string" | "number" | "bool" | "dynamic"`, `["list"|"set"|"map", T]`, `["object", {attr: T}, optionalAttrs?]`, `["tuple", [T...]]`. */
export type TfType = string | [string, unknown, unknown?];

/** An attribute of a block. A framework provider may give `nested_type` instead of `type`. */
export interface TfAttribute {
  type?: TfType;
  nested_type?: TfNestedType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  description?: string;
}

/** A nested attribute type (plugin framework): an object, or a list/set/map of objects, written with `=`. */
export interface TfNestedType {
  attributes: Record<string, TfAttribute>;
  nesting_mode: 'single' | 'list' | 'set' | 'map';
  min_items?: number;
  max_items?: number;
}

/** A (nested) block: its attributes and its nested block types. */
export interface TfBlock {
  attributes?: Record<string, TfAttribute>;
  block_types?: Record<string, TfBlockType>;
  description?: string;
  deprecated?: boolean;
}

/** A nested block type; `min_items`/`max_items` bound the number of blocks of that name. */
export interface TfBlockType {
  nesting_mode: 'single' | 'list' | 'set' | 'map' | 'group';
  block: TfBlock;
  min_items?: number;
  max_items?: number;
}

/** One provider's entry in `provider_schemas`. */
export interface TfProviderSchema {
  provider?: { version?: number; block: TfBlock };
  resource_schemas?: Record<string, { version?: number; block: TfBlock }>;
  data_source_schemas?: Record<string, { version?: number; block: TfBlock }>;
  ephemeral_resource_schemas?: Record<string, { version?: number; block: TfBlock }>;
}

/** Loaded schemas: providers by full address, and each resource / data source type with its provider. */
export interface ProviderSchemas {
  /** e.g. `registry.terraform.io/hetznercloud/hcloud` → its schema. */
  providers: Map<string, TfProviderSchema>;
  resources: Map<string, { provider: string; block: TfBlock }>;
  dataSources: Map<string, { provider: string; block: TfBlock }>;
}

/**
 * Reads and merges `terraform providers schema -json` documents.
 * @param files paths of JSON files, each `{ format_version: "1.x", provider_schemas: { "<address>": {...} } }`
 * @returns the merged {@link ProviderSchemas}
 * @throws Error naming the file when one cannot be read or parsed, is not in that format, defines a
 *   provider address already loaded from another file, or defines a resource/data source type that
 *   another provider defines too.
 */
export function loadProviderSchemas(files: readonly string[]): ProviderSchemas {
  const out: ProviderSchemas = { providers: new Map(), resources: new Map(), dataSources: new Map() };
  for (const file of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read provider schema ${file}: ${(e as Error).message}`);
    }
    const d = doc as { format_version?: unknown; provider_schemas?: unknown };
    if (!isObject(d) || typeof d.format_version !== 'string' || !d.format_version.startsWith('1.') || !isObject(d.provider_schemas)) {
      throw new Error(`${file} is not a "terraform providers schema -json" document (format_version 1.x with provider_schemas)`);
    }
    for (const [rawAddress, schema] of Object.entries(d.provider_schemas as Record<string, TfProviderSchema>)) {
      const address = normalizeSource(rawAddress);
      if (out.providers.has(address)) throw new Error(`${file}: provider ${address} is already loaded from another file`);
      if (!isObject(schema)) throw new Error(`${file}: provider_schemas["${rawAddress}"] is not an object`);
      out.providers.set(address, schema);
      for (const [kind, map, target] of [
        ['resource', schema.resource_schemas, out.resources],
        ['data source', schema.data_source_schemas, out.dataSources],
      ] as const) {
        for (const [type, s] of Object.entries(map ?? {})) {
          const prev = target.get(type);
          if (prev) throw new Error(`${file}: ${kind} type ${type} of ${address} is also defined by ${prev.provider}`);
          if (!isObject(s) || !isObject(s.block)) throw new Error(`${file}: ${kind} ${type} has no block schema`);
          target.set(type, { provider: address, block: s.block });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** Meta-arguments of `resource` blocks, handled by Terraform core rather than the provider schema. */
const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);
/** Meta-arguments of `data` blocks. */
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider']);
/** Meta-arguments of `provider` blocks. */
const PROVIDER_META = new Set(['alias', 'version']);
const LIFECYCLE_KEYS = new Set(['create_before_destroy', 'prevent_destroy', 'ignore_changes', 'replace_triggered_by', 'precondition', 'postcondition']);
const TOP_LEVEL_KEYS = new Set(['//', 'resource', 'data', 'provider', 'variable', 'output', 'terraform', 'locals', 'module', 'moved', 'import', 'removed', 'check', 'ephemeral']);
const VARIABLE_KEYS = new Set(['//', 'type', 'default', 'description', 'sensitive', 'nullable', 'validation', 'ephemeral']);
const OUTPUT_KEYS = new Set(['//', 'value', 'description', 'sensitive', 'depends_on', 'precondition', 'ephemeral']);
const TERRAFORM_KEYS = new Set(['//', 'required_providers', 'required_version', 'backend', 'cloud', 'experiments', 'provider_meta']);

/**
 * Validates a Terraform JSON configuration (cdktf `cdk.tf.json` shape: `resource: {type: {name: {...}}}`,
 * `data: {type: {name: {...}}}`, `provider: {name: [{...}]}`, `variable`, `output`, `terraform`, `locals`)
 * against `schemas`.
 *
 * Checked for every resource and data source (recursively in nested blocks, `dynamic` block contents and
 * nested attributes): unknown type; unknown argument or block (with a "did you mean" hint); missing
 * required argument; computed-only attribute set; fewer blocks than `min_items` or more than `max_items`
 * (or more than one of a `single`/`group` block); a block given as something other than an object or a
 * list of objects; values of the wrong type (loosely: strings accept numbers and bools, numbers accept
 * numeric strings, bools accept "true"/"false"; lists/sets need arrays, maps and objects need objects;
 * interpolations are accepted for any type); meta-arguments (`count`, `for_each`, `depends_on`,
 * `lifecycle`, `provider`, `provisioner`, `connection`) are not schema arguments and only get light
 * shape checks, as does cdktf's `//` metadata key (ignored everywhere); `timeouts` is a schema block like
 * any other (Terraform rejects it where the schema lacks it). The resource's provider must be the one
 * its type's prefix resolves to through `terraform.required_providers` (else `hashicorp/<prefix>`), as
 * `terraform init` requires. Also checked: `provider` configs against the provider schema, the shapes
 * of `variable`, `output` and `terraform`, and unknown top-level keys. Not checked: `module`, `check`,
 * `import`/`moved`/`removed` blocks, references between objects, expressions.
 *
 * @returns error strings (empty = valid), each naming the path, e.g.
 *   `hcloud_server.web.network[0].ip_adress: unknown argument (did you mean ip?)`,
 *   `data.hcloud_image.ubuntu.name: ...`, `provider.hcloud.token: ...`. Never throws for bad input.
 */
export function validateTerraformJson(tf: unknown, schemas: ProviderSchemas): string[] {
  const errors: string[] = [];
  if (!isObject(tf)) return ['(root): Terraform JSON must be an object'];
  for (const key of Object.keys(tf)) {
    if (!TOP_LEVEL_KEYS.has(key)) errors.push(`${key}: unknown top-level key${hint(key, [...TOP_LEVEL_KEYS])}`);
  }
  const requiredProviders = readRequiredProviders(tf.terraform, errors);

  for (const [section, map, meta, prefix] of [
    ['resource', schemas.resources, RESOURCE_META, ''],
    ['data', schemas.dataSources, DATA_META, 'data.'],
  ] as const) {
    const byType = tf[section];
    if (byType === undefined) continue;
    if (!isObject(byType)) {
      errors.push(`${section}: must be an object of {type: {name: {...}}}`);
      continue;
    }
    for (const [type, byName] of Object.entries(byType)) {
      if (type === '//') continue;
      const schema = map.get(type);
      if (!isObject(byName)) {
        errors.push(`${prefix}${type}: must be an object of {name: {...}}`);
        continue;
      }
      for (const [name, body] of Object.entries(byName)) {
        if (name === '//') continue;
        const path = `${prefix}${type}.${name}`;
        if (!schema) {
          const kind = section === 'resource' ? 'resource type' : 'data source type';
          errors.push(`${path}: unknown ${kind} ${type}${hint(type, [...map.keys()])}`);
          continue;
        }
        if (!isObject(body)) {
          errors.push(`${path}: must be an object`);
          continue;
        }
        checkProviderOf(body, type, schema.provider, requiredProviders, path, errors);
        validateBody(body, schema.block, path, meta, errors);
        validateMeta(body, schema.block, path, section, errors);
      }
    }
  }

  validateProviders(tf.provider, schemas, requiredProviders, errors);
  validateSimpleSection(tf.variable, 'variable', VARIABLE_KEYS, [], errors);
  validateSimpleSection(tf.output, 'output', OUTPUT_KEYS, ['value'], errors);
  if (tf.locals !== undefined && !isObject(tf.locals)) errors.push('locals: must be an object');
  return errors;
}

// ---------------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for strings Terraform evaluates as templates producing any type (`${...}` / `%{...}`). */
function isExpression(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('${') || v.includes('%{'));
}

/** `hetznercloud/hcloud` → `registry.terraform.io/hetznercloud/hcloud` (lower-cased). */
function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  return parts.length === 2 ? `registry.terraform.io/${parts[0]}/${parts[1]}` : parts.join('/');
}

function hint(word: string, candidates: readonly string[]): string {
  const c = candidates.filter((x) => x !== '//');
  if (c.length === 0) return '';
  const best = closest(word, c);
  return best && distanceOk(word, best) ? ` (did you mean ${best}?)` : '';
}

/** Only suggest near misses: an edit distance of at most a third of the longer name (min 2). */
function distanceOk(a: string, b: string): boolean {
  return distance(a, b) <= Math.max(2, Math.floor(Math.max(a.length, b.length) / 3));
}

/** local provider name → normalized source address, from `terraform.required_providers`. */
function readRequiredProviders(terraform: unknown, errors: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (terraform === undefined) return out;
  const blocks = Array.isArray(terraform) ? terraform : [terraform];
  for (const t of blocks) {
    if (!isObject(t)) {
      errors.push('terraform: must be an object');
      continue;
    }
    for (const key of Object.keys(t)) {
      if (!TERRAFORM_KEYS.has(key)) errors.push(`terraform.${key}: unknown argument${hint(key, [...TERRAFORM_KEYS])}`);
    }
    const rp = t.required_providers;
    if (rp === undefined) continue;
    for (const r of Array.isArray(rp) ? rp : [rp]) {
      if (!isObject(r)) {
        errors.push('terraform.required_providers: must be an object');
        continue;
      }
      for (const [name, req] of Object.entries(r)) {
        if (name === '//') continue;
        if (isObject(req) && typeof req.source === 'string') out.set(name, normalizeSource(req.source));
        else if (isObject(req) || typeof req === 'string') out.set(name, `registry.terraform.io/hashicorp/${name}`);
        else errors.push(`terraform.required_providers.${name}: must be an object with source/version`);
      }
    }
  }
  return out;
}

/** Address Terraform resolves a local provider name to (required_providers, else hashicorp/<name>). */
function providerAddress(localName: string, requiredProviders: Map<string, string>): string {
  return requiredProviders.get(localName) ?? `registry.terraform.io/hashicorp/${localName}`;
}

function checkProviderOf(
  body: Record<string, unknown>,
  type: string,
  definedBy: string,
  requiredProviders: Map<string, string>,
  path: string,
  errors: string[],
): void {
  let local = type.split('_')[0];
  const p = body.provider;
  if (typeof p === 'string' && !isExpression(p)) local = p.split('.')[0];
  const resolved = providerAddress(local, requiredProviders);
  if (resolved !== definedBy) {
    errors.push(
      `${path}: provider "${local}" resolves to ${resolved}${requiredProviders.has(local) ? '' : ' (not in terraform.required_providers)'}, but ${type} is defined by ${definedBy}`,
    );
  }
}

/** Validates the arguments and nested blocks of one block body against `block`. */
function validateBody(
  body: Record<string, unknown>,
  block: TfBlock,
  path: string,
  meta: ReadonlySet<string>,
  errors: string[],
): void {
  const attrs = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  const dynamicNames = new Set<string>();

  for (const [key, value] of Object.entries(body)) {
    if (key === '//') continue;
    const at = `${path}.${key}`;
    if (Object.hasOwn(attrs, key)) {
      validateAttribute(value, attrs[key], at, errors);
    } else if (Object.hasOwn(blockTypes, key)) {
      validateBlocks(value, blockTypes[key], key, path, errors);
    } else if (key === 'dynamic') {
      for (const n of validateDynamic(value, blockTypes, at, errors)) dynamicNames.add(n);
    } else if (meta.has(key)) {
      // meta-argument: checked by validateMeta at the top level
    } else {
      errors.push(`${at}: unknown argument or block${hint(key, [...Object.keys(attrs), ...Object.keys(blockTypes)])}`);
    }
  }

  for (const [name, a] of Object.entries(attrs)) {
    if (a.required && (body[name] === undefined || body[name] === null)) {
      errors.push(`${path}.${name}: missing required argument`);
    }
  }
  for (const [name, bt] of Object.entries(blockTypes)) {
    if (body[name] === undefined && !dynamicNames.has(name) && (bt.min_items ?? 0) > 0) {
      errors.push(`${path}.${name}: at least ${bt.min_items} block(s) required, got 0`);
    }
  }
}

function validateAttribute(value: unknown, a: TfAttribute, path: string, errors: string[]): void {
  if (value === null) return; // null means "unset" in Terraform
  if (a.computed && !a.optional && !a.required) {
    errors.push(`${path}: computed-only attribute cannot be set`);
    return;
  }
  if (a.nested_type) validateNestedType(value, a.nested_type, path, errors);
  else if (a.type !== undefined) checkType(value, a.type, path, errors);
}

function validateNestedType(value: unknown, nt: TfNestedType, path: string, errors: string[]): void {
  if (value === null || isExpression(value)) return;
  const asBlock: TfBlock = { attributes: nt.attributes };
  const one = (v: unknown, p: string) => {
    if (v === null || isExpression(v)) return;
    if (!isObject(v)) errors.push(`${p}: must be an object`);
    else validateBody(v, asBlock, p, new Set(), errors);
  };
  let count: number | undefined;
  switch (nt.nesting_mode) {
    case 'single':
      one(value, path);
      return;
    case 'map':
      if (!isObject(value)) errors.push(`${path}: must be a map of objects`);
      else for (const [k, v] of Object.entries(value)) one(v, `${path}[${JSON.stringify(k)}]`);
      count = isObject(value) ? Object.keys(value).length : undefined;
      break;
    default:
      if (!Array.isArray(value)) errors.push(`${path}: must be a list of objects`);
      else value.forEach((v, i) => one(v, `${path}[${i}]`));
      count = Array.isArray(value) ? value.length : undefined;
  }
  if (count !== undefined) checkCount(count, nt.min_items, nt.max_items, path, 'element', errors);
}

function checkCount(count: number, min: number | undefined, max: number | undefined, path: string, what: string, errors: string[]): void {
  if (min !== undefined && min > 0 && count < min) errors.push(`${path}: at least ${min} ${what}(s) required, got ${count}`);
  if (max !== undefined && max > 0 && count > max) errors.push(`${path}: at most ${max} ${what}(s) allowed, got ${count}`);
}

/** Validates the value of block type `name` in `parentPath`: an object (one block) or a list of objects. */
function validateBlocks(value: unknown, bt: TfBlockType, name: string, parentPath: string, errors: string[]): void {
  const path = `${parentPath}.${name}`;
  if (value === null) value = [];
  if (bt.nesting_mode === 'map') {
    if (!isObject(value)) {
      errors.push(`${path}: a map block must be an object of {label: {...}}`);
      return;
    }
    for (const [label, b] of Object.entries(value)) {
      const p = `${path}[${JSON.stringify(label)}]`;
      for (const [i, body] of (Array.isArray(b) ? b : [b]).entries()) {
        const pi = Array.isArray(b) ? `${p}[${i}]` : p;
        if (!isObject(body)) errors.push(`${pi}: a block must be an object`);
        else validateBody(body, bt.block, pi, new Set(), errors);
      }
    }
    checkCount(Object.keys(value).length, bt.min_items, bt.max_items, path, 'block', errors);
    return;
  }
  const list = Array.isArray(value) ? value : [value];
  list.forEach((body, i) => {
    const p = Array.isArray(value) ? `${path}[${i}]` : path;
    if (isExpression(body)) errors.push(`${p}: a block cannot be an expression (use a dynamic block)`);
    else if (!isObject(body)) errors.push(`${p}: a block must be an object`);
    else validateBody(body, bt.block, p, new Set(), errors);
  });
  const single = bt.nesting_mode === 'single' || bt.nesting_mode === 'group';
  checkCount(list.length, bt.min_items, single ? 1 : bt.max_items, path, 'block', errors);
}

/** `dynamic: { <block>: { for_each, iterator?, labels?, content } }`; returns the block names it generates. */
function validateDynamic(value: unknown, blockTypes: Record<string, TfBlockType>, path: string, errors: string[]): string[] {
  const names: string[] = [];
  if (!isObject(value)) {
    errors.push(`${path}: must be an object of {block_name: {for_each, content}}`);
    return names;
  }
  for (const [name, specs] of Object.entries(value)) {
    if (name === '//') continue;
    const p = `${path}.${name}`;
    const bt = blockTypes[name];
    if (!Object.hasOwn(blockTypes, name) || !bt) {
      errors.push(`${p}: unknown block type${hint(name, Object.keys(blockTypes))}`);
      continue;
    }
    names.push(name);
    for (const [i, spec] of (Array.isArray(specs) ? specs : [specs]).entries()) {
      const ps = Array.isArray(specs) ? `${p}[${i}]` : p;
      if (!isObject(spec)) {
        errors.push(`${ps}: must be an object with for_each and content`);
        continue;
      }
      for (const k of Object.keys(spec)) {
        if (!['//', 'for_each', 'iterator', 'labels', 'content'].includes(k)) errors.push(`${ps}.${k}: unknown argument of a dynamic block`);
      }
      if (spec.for_each === undefined) errors.push(`${ps}.for_each: missing required argument`);
      if (!isObject(spec.content)) errors.push(`${ps}.content: must be an object`);
      else validateBody(spec.content, bt.block, `${ps}.content`, new Set(), errors);
    }
  }
  return names;
}

/** Light shape checks of meta-arguments; `lifecycle.ignore_changes` names must exist in the schema. */
function validateMeta(body: Record<string, unknown>, block: TfBlock, path: string, section: 'resource' | 'data', errors: string[]): void {
  const attrs = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  if (body.count !== undefined && !Object.hasOwn(attrs, 'count') && !isExpression(body.count) && typeof body.count !== 'number') {
    errors.push(`${path}.count: must be a number`);
  }
  if (body.count !== undefined && body.for_each !== undefined) errors.push(`${path}: count and for_each cannot both be set`);
  if (body.depends_on !== undefined && !Object.hasOwn(attrs, 'depends_on')) {
    if (!Array.isArray(body.depends_on) || body.depends_on.some((d) => typeof d !== 'string')) {
      errors.push(`${path}.depends_on: must be a list of references`);
    }
  }
  if (body.provider !== undefined && !Object.hasOwn(attrs, 'provider') && typeof body.provider !== 'string') {
    errors.push(`${path}.provider: must be a provider reference string`);
  }
  const lc = body.lifecycle;
  if (lc !== undefined && !Object.hasOwn(attrs, 'lifecycle') && !Object.hasOwn(blockTypes, 'lifecycle')) {
    if (!isObject(lc)) {
      errors.push(`${path}.lifecycle: must be an object`);
    } else {
      for (const k of Object.keys(lc)) {
        if (k === '//') continue;
        if (!LIFECYCLE_KEYS.has(k)) errors.push(`${path}.lifecycle.${k}: unknown argument${hint(k, [...LIFECYCLE_KEYS])}`);
      }
      const ic = lc.ignore_changes;
      if (Array.isArray(ic)) {
        for (const [i, ref] of ic.entries()) {
          if (typeof ref !== 'string') {
            errors.push(`${path}.lifecycle.ignore_changes[${i}]: must be an attribute name`);
            continue;
          }
          const root = ref.replace(/^\$\{(.*)\}$/, '$1').split(/[.[]/)[0];
          if (!Object.hasOwn(attrs, root) && !Object.hasOwn(blockTypes, root)) {
            errors.push(`${path}.lifecycle.ignore_changes[${i}]: ${ref} is not an argument of this ${section === 'resource' ? 'resource' : 'data source'}`);
          }
        }
      } else if (ic !== undefined && ic !== 'all' && ic !== '${all}') {
        errors.push(`${path}.lifecycle.ignore_changes: must be a list of attribute names or "all"`);
      }
    }
  }
  if (section === 'resource') {
    for (const k of ['provisioner', 'connection'] as const) {
      const v = body[k];
      if (v !== undefined && !Object.hasOwn(attrs, k) && !Object.hasOwn(blockTypes, k) && !isObject(v) && !Array.isArray(v)) {
        errors.push(`${path}.${k}: must be an object`);
      }
    }
  }
}

/** `provider: { <local name>: {...} | [{...}, ...] }` against the provider's configuration schema. */
function validateProviders(section: unknown, schemas: ProviderSchemas, requiredProviders: Map<string, string>, errors: string[]): void {
  if (section === undefined) return;
  if (!isObject(section)) {
    errors.push('provider: must be an object of {name: [{...}]}');
    return;
  }
  for (const [name, configs] of Object.entries(section)) {
    if (name === '//') continue;
    const address = providerAddress(name, requiredProviders);
    const schema = schemas.providers.get(address);
    if (!schema) {
      errors.push(`provider.${name}: no schema loaded for provider ${address}`);
      continue;
    }
    const list = Array.isArray(configs) ? configs : [configs];
    list.forEach((c, i) => {
      const p = list.length > 1 ? `provider.${name}[${i}]` : `provider.${name}`;
      if (!isObject(c)) errors.push(`${p}: must be an object`);
      else validateBody(c, schema.provider?.block ?? {}, p, PROVIDER_META, errors);
    });
  }
}

/** `variable` / `output`: `{name: {...}}` with a fixed set of keys. */
function validateSimpleSection(
  section: unknown,
  kind: string,
  allowed: ReadonlySet<string>,
  required: readonly string[],
  errors: string[],
): void {
  if (section === undefined) return;
  if (!isObject(section)) {
    errors.push(`${kind}: must be an object of {name: {...}}`);
    return;
  }
  for (const [name, body] of Object.entries(section)) {
    if (name === '//') continue;
    const p = `${kind}.${name}`;
    if (!isObject(body)) {
      errors.push(`${p}: must be an object`);
      continue;
    }
    for (const k of Object.keys(body)) {
      if (!allowed.has(k)) errors.push(`${p}.${k}: unknown argument${hint(k, [...allowed])}`);
    }
    for (const r of required) if (body[r] === undefined) errors.push(`${p}.${r}: missing required argument`);
  }
}

/** Loose type check of a non-null value against a Terraform type. */
function checkType(value: unknown, type: unknown, path: string, errors: string[]): void {
  if (value === null || isExpression(value)) return;
  const got = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
  if (typeof type === 'string') {
    switch (type) {
      case 'dynamic':
        return;
      case 'string':
        if (!['string', 'number', 'boolean'].includes(typeof value)) errors.push(`${path}: must be a string, got ${got}`);
        return;
      case 'number':
        if (typeof value === 'number') return;
        if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return;
        errors.push(`${path}: must be a number, got ${got}${typeof value === 'string' ? ` ${JSON.stringify(value)}` : ''}`);
        return;
      case 'bool':
        if (typeof value === 'boolean' || value === 'true' || value === 'false') return;
        errors.push(`${path}: must be a bool, got ${got}${typeof value === 'string' ? ` ${JSON.stringify(value)}` : ''}`);
        return;
      default:
        return; // unknown primitive name: accept rather than guess
    }
  }
  if (!Array.isArray(type)) return;
  const [kind, elem, optional] = type as [string, unknown, unknown];
  switch (kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(value)) errors.push(`${path}: must be a ${kind}, got ${got}`);
      else value.forEach((v, i) => checkType(v, elem, `${path}[${i}]`, errors));
      return;
    case 'map':
      if (!isObject(value)) errors.push(`${path}: must be a map, got ${got}`);
      else for (const [k, v] of Object.entries(value)) checkType(v, elem, `${path}[${JSON.stringify(k)}]`, errors);
      return;
    case 'object': {
      if (!isObject(value)) {
        errors.push(`${path}: must be an object, got ${got}`);
        return;
      }
      const attrTypes = (isObject(elem) ? elem : {}) as Record<string, unknown>;
      const opt = new Set(Array.isArray(optional) ? (optional as string[]) : []);
      for (const [k, v] of Object.entries(value)) {
        if (!Object.hasOwn(attrTypes, k)) errors.push(`${path}.${k}: unknown attribute${hint(k, Object.keys(attrTypes))}`);
        else checkType(v, attrTypes[k], `${path}.${k}`, errors);
      }
      for (const k of Object.keys(attrTypes)) {
        if (value[k] === undefined && !opt.has(k)) errors.push(`${path}.${k}: missing attribute of the object`);
      }
      return;
    }
    case 'tuple': {
      const elems = Array.isArray(elem) ? elem : [];
      if (!Array.isArray(value)) errors.push(`${path}: must be a tuple, got ${got}`);
      else if (value.length !== elems.length) errors.push(`${path}: must have ${elems.length} elements, got ${value.length}`);
      else value.forEach((v, i) => checkType(v, elems[i], `${path}[${i}]`, errors));
      return;
    }
    default:
      return;
  }
}
