/**
 * Test support: validation of custom resources against the real CRDs in `../shared/charts` (their
 * `openAPIV3Schema`, with ajv), for kinds the kubernetes-models family has no model of.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './synth';

/** Root of the upstream chart data (`SHARED_DIR/charts`, default `../shared/charts` beside the repository). */
export const SHARED_CHARTS = join(process.env.SHARED_DIR ?? join(ROOT, '..', 'shared'), 'charts');

/** CRD files in `SHARED_CHARTS` by `apiVersion kind` of the custom resources they define. */
export const SHARED_CRDS: Readonly<Record<string, string>> = {
  'upgrade.cattle.io/v1 Plan': 'system-upgrade-controller/system-upgrade-controller-v0.20.1/crds/upgrade.cattle.io_plans.yaml',
};

/**
 * Kinds we render whose CRD is not in `SHARED_CHARTS` and has no published model, with the reason;
 * the tests check their objects field by field instead.
 */
export const UNVALIDATED_KINDS: Readonly<Record<string, string>> = {
  'cilium.io/v2 CiliumClusterwideNetworkPolicy': 'Cilium creates its CRDs at run time; the chart ships none, and shared/charts has no copy of pkg/k8s/apis/cilium.io/client/crds/v2 at v1.16.5',
};

/**
 * Validates one custom resource against the CRD of its kind in `SHARED_CRDS`.
 * @returns problems as `<path>: <message>`, empty when valid
 * @throws Error when no CRD is known for the kind, or the file does not define it
 */
export function validateCustomResource(obj: Record<string, unknown>): string[] {
  const key = `${String(obj.apiVersion)} ${String(obj.kind)}`;
  const file = SHARED_CRDS[key];
  if (!file) throw new Error(`no CRD in shared/charts for ${key}`);
  const [group, version] = String(obj.apiVersion).split('/');
  const crd = parseAllDocuments(readFileSync(join(SHARED_CHARTS, file), 'utf8'))
    .map((d) => d.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> } })
    .find((d) => d.kind === 'CustomResourceDefinition' && d.spec?.group === group && d.spec.names.kind === obj.kind);
  const schema = crd?.spec?.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
  if (!schema) throw new Error(`${file} defines no ${key}`);
  const validate = new Ajv({ strict: false, allErrors: true, logger: false }).compile(schema);
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? e.keyword}`);
}
