/**
 * Test support: metadata of a user-defined Blueprint for the podinfo chart (OCI), as a platform team
 * would write it, with the fields a test cares about overridden.
 */
import type { BlueprintMetadata } from '../../lib/blueprint';

/** The podinfo chart in GitHub's OCI registry, pinned exactly. */
export const PODINFO_CHART = { repository: 'oci://ghcr.io/stefanprodan/charts', chart: 'podinfo', version: '6.7.1', docs: 'https://github.com/stefanprodan/podinfo' };

/** Metadata of an à-la-carte podinfo Blueprint named `name` (namespace and release named alike), with `patch` applied. */
export function podinfoMetadata(name: string, summary: string, patch: Partial<BlueprintMetadata> = {}): BlueprintMetadata {
  return {
    name,
    title: name,
    category: 'apps',
    tier: 'a-la-carte',
    summary,
    chart: PODINFO_CHART,
    namespace: name,
    podSecurity: { level: 'restricted', reason: 'runs as non-root' },
    releaseName: name,
    dependsOn: [],
    installsCrds: false,
    placementModes: ['active-active'],
    resources: { cpuMillis: 10, memoryMiB: 32 },
    sources: ['https://github.com/stefanprodan/podinfo'],
    ...patch,
  };
}
