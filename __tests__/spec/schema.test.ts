/**
 * The committed JSON Schema (`schemas/sovereign.schema.json`) is current, has the structure editors
 * rely on, and accepts the examples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sovereignJsonSchema } from '../../lib/spec/schema';
import { renderSchema, SCHEMA_FILE, SCHEMA_ID, SCHEMA_TITLE, schemaBlueprints } from '../../scripts/schema';
import { NODE_SOFTWARE } from '../../lib/versions';
import { yamlOf } from './fixtures';

type JsonSchema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const committedText = readFileSync(SCHEMA_FILE, 'utf8');
const committed: JsonSchema = JSON.parse(committedText);
const spec = committed.properties.spec;
const region = spec.properties.regions.items;
const pool = region.properties.workerPools.items;

/**
 * A small JSON Schema checker for the keywords the spec schema uses (ajv is not a dependency).
 * Returns the paths of the values that do not conform.
 */
function check(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (type === 'object' && !isObject) return [`${path}: not an object`];
  if (type === 'array' && !Array.isArray(value)) return [`${path}: not an array`];
  if (type === 'string' && typeof value !== 'string') return [`${path}: not a string`];
  if (type === 'integer' && !Number.isInteger(value)) return [`${path}: not an integer`];
  if ('const' in schema && value !== schema.const) errors.push(`${path}: not ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
  if (typeof value === 'number' && ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum))) errors.push(`${path}: out of range`);
  if (schema.oneOf) {
    const matches = (schema.oneOf as JsonSchema[]).filter((s) => check(s, value, path).length === 0).length;
    if (matches !== 1) errors.push(`${path}: matches ${matches} of oneOf`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: too many items`);
    if (schema.items) value.forEach((item, i) => errors.push(...check(schema.items, item, `${path}[${i}]`)));
  }
  if (isObject) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}.${key}: required`);
    for (const [key, v] of Object.entries(obj)) {
      if (schema.propertyNames) errors.push(...check(schema.propertyNames, key, `${path}.${key} (name)`));
      if (schema.properties?.[key]) errors.push(...check(schema.properties[key], v, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...check(schema.additionalProperties, v, `${path}.${key}`));
    }
  }
  return errors;
}

describe('schemas/sovereign.schema.json', () => {
  it('is what `npm run schema` generates (run it when this fails)', () => {
    expect(committedText).toBe(renderSchema());
    expect(committedText.endsWith('}\n')).toBe(true);
  });

  it('is the zod schema plus $id and title', () => {
    const { $id, title, ...rest } = committed;
    expect($id).toBe(SCHEMA_ID);
    expect($id).toMatch(/^https:\/\/catalyst\.openova\.io\/schemas\/v1alpha1\//);
    expect(title).toBe(SCHEMA_TITLE);
    expect(rest).toEqual(sovereignJsonSchema(schemaBlueprints()));
    expect(Object.keys(committed).slice(0, 3)).toEqual(['$schema', '$id', 'title']);
    expect(committed.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('requires the four top-level keys and nothing else', () => {
    expect(committed.type).toBe('object');
    expect(committed.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(committed.additionalProperties).toBe(false);
    expect(committed.properties.apiVersion.const).toBe('catalyst.openova.io/v1alpha1');
    expect(committed.properties.kind.const).toBe('Sovereign');
  });

  it('forbids unknown keys in every object the user writes', () => {
    for (const obj of [committed.properties.metadata, spec, spec.properties.organization, region, region.properties.network, region.properties.controlPlane, pool, spec.properties.ssh, spec.properties.gitops, spec.properties.blueprints]) {
      expect(obj.type).toBe('object');
      expect(obj.additionalProperties).toBe(false);
    }
  });

  it('lists required spec fields, locations, region limits and defaults', () => {
    expect(spec.required).toEqual(['fqdn', 'organization', 'regions', 'ssh', 'gitops']);
    expect(region.properties.location.enum).toEqual(['ash', 'fsn1', 'hel1', 'hil', 'nbg1', 'sin']);
    expect(region.required).toEqual(['location']);
    expect([spec.properties.regions.minItems, spec.properties.regions.maxItems]).toEqual([1, 2]);
    expect(pool.required).toEqual(['name', 'serverType', 'count']);
    expect([pool.properties.count.minimum, pool.properties.count.maximum]).toEqual([1, 50]);
    expect(spec.properties.kubernetes.properties.k3sVersion.default).toBe(NODE_SOFTWARE.k3s);
    expect(spec.properties.loadBalancer.properties.type).toMatchObject({ default: 'lb11', enum: ['lb11', 'lb21', 'lb31'] });
    expect(spec.properties.gitops.properties.branch.default).toBe('main');
    expect(spec.properties.gitops.properties.path.default).toBe('clusters');
    expect(spec.properties.terraform.properties.backend.default).toEqual({ type: 'local' });
  });

  const examplesDir = join(__dirname, '..', '..', 'examples');
  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

  it('has the three examples to check', () => {
    expect(examples.sort()).toEqual(expect.arrayContaining(['bank-dr.yaml', 'omantel.yaml', 'solo.yaml']));
  });

  it.each(examples)('accepts examples/%s', (file) => {
    expect(check(committed, parse(readFileSync(join(examplesDir, file), 'utf8')))).toEqual([]);
  });

  it('rejects what the loader rejects on shape', () => {
    const bad = parse(
      yamlOf((d) => {
        d.regionz = [];
        d.spec.regions[0].location = 'fra1';
        d.spec.regions[0].workerPools[0].count = 0;
        d.spec.gitops.url = 'http://x';
      }),
    );
    expect(check(committed, bad).sort()).toEqual(
      ['$.regionz: not allowed', '$.spec.gitops.url: does not match ^https:\\/\\/[^\\s]+$', '$.spec.regions[0].location: not in enum', '$.spec.regions[0].workerPools[0].count: out of range'].sort(),
    );
  });
});
