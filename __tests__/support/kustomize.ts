/**
 * `kubectl kustomize` for tests: proves a folder of the GitOps tree builds exactly as Flux's
 * kustomize-controller would build it (kubectl bundles kustomize v5).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where kubectl is expected on these machines; PATH is searched when it is not there. */
export const DEFAULT_KUBECTL = '/usr/bin/kubectl';

/** Result of {@link kustomizeBuild}: `ok` is true when kubectl exited 0; `stdout` holds the built YAML stream. */
export interface KustomizeResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of the kubectl binary: {@link DEFAULT_KUBECTL} if executable, else the first executable `kubectl`
 * on `PATH`.
 * @throws Error when neither exists: kubectl is required, tests must not silently skip the build check.
 */
export function findKubectl(): string {
  if (isExecutable(DEFAULT_KUBECTL)) return DEFAULT_KUBECTL;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  throw new Error(
    `kubectl is required to run "kubectl kustomize" (looked for ${DEFAULT_KUBECTL} and kubectl on PATH); install kubectl`,
  );
}

/**
 * Runs `kubectl kustomize <dir>` (synchronously, 2-minute timeout) and returns its outcome; a build error
 * (missing resource file, bad patch, duplicate object ...) is `ok: false` with kustomize's message in
 * `stderr`, never an exception.
 * @param dir folder containing a `kustomization.yaml` (absolute, or relative to the current directory)
 * @throws Error when kubectl cannot be found ({@link findKubectl}) or cannot be started.
 */
export function kustomizeBuild(dir: string): KustomizeResult {
  const kubectl = findKubectl();
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
