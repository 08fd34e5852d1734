/**
 * Regenerates the cdktf provider bindings in `.gen/providers/` from the Terraform provider schemas in
 * `schemas/` (Terraform's `providers schema -json` format), without `cdktf get`, Terraform or network.
 *
 * Usage: `npm run gen`. The constraint of each provider becomes its `required_providers` version.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TerraformProviderGenerator } from '@cdktf/provider-generator/lib/get/generator/provider-generator';
import { CodeMaker } from 'codemaker';
import { ConstructsMakerProviderTarget, TerraformProviderConstraint } from '@cdktf/commons';
import { TERRAFORM_PROVIDERS } from '../lib/versions';

/** One provider to generate: its schema file, registry address and the version constraint `required_providers` pins. */
interface ProviderToGenerate {
  /** File name of the provider schema in `schemas/`, e.g. `hcloud-provider-schema.json`. */
  schemaFile: string;
  /** Registry address, e.g. `registry.terraform.io/hetznercloud/hcloud`. */
  address: string;
  /** Version constraint from `TERRAFORM_PROVIDERS`, e.g. `~> 1.0`. */
  constraint: string;
}

/** The providers whose bindings are generated, pinned by `TERRAFORM_PROVIDERS` in `lib/versions.ts`. */
const PROVIDERS: ProviderToGenerate[] = [
  { schemaFile: 'hcloud-provider-schema.json', address: 'registry.terraform.io/hetznercloud/hcloud', constraint: TERRAFORM_PROVIDERS.hcloud.constraint },
  { schemaFile: 'random-provider-schema.json', address: 'registry.terraform.io/hashicorp/random', constraint: TERRAFORM_PROVIDERS.random.constraint },
];

/**
 * Deletes `.gen/providers/` and writes fresh bindings for every provider.
 * @throws the read, JSON parse or generator error (the script then exits with code 2)
 */
async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const out = join(root, '.gen');
  rmSync(join(out, 'providers'), { recursive: true, force: true });
  for (const p of PROVIDERS) {
    const schema = JSON.parse(readFileSync(join(root, 'schemas', p.schemaFile), 'utf8'));
    schema.provider_versions = { [p.address]: p.constraint };
    const code = new CodeMaker();
    const source = p.address.replace('registry.terraform.io/', '');
    const target = new ConstructsMakerProviderTarget(new TerraformProviderConstraint(`${source}@${p.constraint}`), 'typescript' as never);
    new TerraformProviderGenerator(code, schema).generate(target);
    await code.save(out);
    console.log(`generated ${p.address} (${p.constraint})`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
