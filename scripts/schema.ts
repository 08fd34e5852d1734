/**
 * Writes the JSON Schema of the Sovereign spec (`sovereignJsonSchema()`) to
 * `schemas/sovereign.schema.json`, for editors (e.g. the YAML language server:
 * `# yaml-language-server: $schema=../schemas/sovereign.schema.json`) and other tools.
 *
 * Usage: `npm run schema` writes the file; `npm run schema -- --check` exits 1 when the committed file
 * differs from what would be written (for CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { propsSchemaOf } from '../lib/blueprint';
import { SPEC_API_VERSION, sovereignJsonSchema, type SchemaBlueprint } from '../lib/spec/schema';
import { builtinCatalog } from '../blueprints';

/** `$id` of the schema: the spec's API group and version. */
export const SCHEMA_ID = `https://${SPEC_API_VERSION.split('/')[0]}/schemas/${SPEC_API_VERSION.split('/')[1]}/sovereign.schema.json`;
/** `title` of the schema. */
export const SCHEMA_TITLE = `Catalyst Sovereign (${SPEC_API_VERSION})`;
/** Where the schema is committed. */
export const SCHEMA_FILE = join(__dirname, '..', 'schemas', 'sovereign.schema.json');

/** The built-in Blueprints with their props schemas, as the schema file lists them. */
export function schemaBlueprints(): SchemaBlueprint[] {
  return builtinCatalog()
    .classes()
    .map((cls) => ({ name: cls.metadata.name, propsSchema: propsSchemaOf(cls) }));
}

/** The schema file's exact text: pretty-printed JSON with `$id` and `title` after `$schema`, and a trailing newline, listing the built-in Blueprints. */
export function renderSchema(): string {
  const schema = sovereignJsonSchema(schemaBlueprints());
  return `${JSON.stringify({ $schema: schema.$schema, $id: SCHEMA_ID, title: SCHEMA_TITLE, ...schema }, null, 2)}\n`;
}

function main(argv: readonly string[]): number {
  const text = renderSchema();
  const shown = relative(process.cwd(), SCHEMA_FILE) || SCHEMA_FILE;
  if (argv.includes('--check')) {
    let current: string | undefined;
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) {
      console.error(`${shown} is ${current === undefined ? 'missing' : 'out of date'}: run \`npm run schema\` and commit the result`);
      return 1;
    }
    console.log(`${shown} is up to date`);
    return 0;
  }
  writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${shown}`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
