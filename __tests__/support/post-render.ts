/**
 * Test support: a HelmRelease's post-render patches applied to manifests the way Flux's kustomize
 * post-renderer does, with `kubectl kustomize` (the engine of that post-renderer).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { kustomizeBuild } from './kustomize';
import type { Json } from './render';

/**
 * Applies a HelmRelease's post-render patches to `manifests` (a kustomization over the rendered chart
 * with the patches and their targets) and returns the result.
 * @throws Error with kustomize's stderr when the build fails
 */
export function postRender(release: Json, manifests: Json[]): Json[] {
  const dir = mkdtempSync(join(tmpdir(), 'post-render-'));
  writeFileSync(join(dir, 'chart.yaml'), manifests.map((m) => stringify(m)).join('---\n'));
  const patches = (release.spec.postRenderers as Json[]).flatMap((r) => r.kustomize.patches as Json[]);
  writeFileSync(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['chart.yaml'], patches }));
  const built = kustomizeBuild(dir);
  if (!built.ok) throw new Error(built.stderr);
  return parseAllDocuments(built.stdout).map((d) => d.toJS() as Json);
}
