/**
 * Real Terraform for tests, offline: the stand-in provider of `../shared/tools/tf-offline-provider`
 * (copied once into a writable cache, as `.ci/run` does) serves the provider schemas, so
 * `terraform init`, `apply` and `plan` run on a synthesized stack with its own backend and state.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './synth';

/** The shared reference folder: `SHARED_DIR`, else `../shared` beside the repository. */
export const SHARED_DIR = process.env.SHARED_DIR ?? join(ROOT, '..', 'shared');

/** What one Terraform run returned. */
export interface TerraformRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cliConfig: string | undefined;

/**
 * The Terraform CLI configuration that installs providers only from the offline provider's plugin
 * mirror; the tool is copied into `node_modules/.cache/catalyst-cdk/tf-offline/` and set up on first use.
 * @throws Error when the tool cannot be set up (its README lists what it needs)
 */
export function offlineCliConfig(): string {
  if (cliConfig) return cliConfig;
  const cache = join(ROOT, 'node_modules', '.cache', 'catalyst-cdk', 'tf-offline');
  const tool = join(cache, 'tools', 'tf-offline-provider');
  if (!existsSync(join(tool, 'setup.sh'))) {
    cpSync(join(SHARED_DIR, 'tools', 'tf-offline-provider'), tool, { recursive: true });
    mkdirSync(join(cache, 'schemas'), { recursive: true });
    for (const f of readdirSync(join(SHARED_DIR, 'schemas')).filter((n) => n.endsWith('.json'))) cpSync(join(SHARED_DIR, 'schemas', f), join(cache, 'schemas', f));
  }
  const plugins = join(cache, 'plugins');
  const setup = spawnSync(join(tool, 'setup.sh'), [plugins], { encoding: 'utf8', timeout: 300_000 });
  if (setup.status !== 0) throw new Error(`tf-offline-provider setup failed: ${setup.stderr}`);
  const file = join(cache, 'terraformrc');
  writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = "${plugins}"\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`);
  cliConfig = file;
  return file;
}

/**
 * Runs `terraform <args>` in `dir` with the offline provider, no prompts and no telemetry.
 * @param env further environment, e.g. `TF_VAR_hcloud_token`. @default none
 */
export function terraform(dir: string, args: readonly string[], env: Record<string, string> = {}): TerraformRun {
  const r = spawnSync('terraform', [...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TF_CLI_CONFIG_FILE: offlineCliConfig(), TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...env },
  });
  if (r.error) throw new Error(`could not run terraform ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
