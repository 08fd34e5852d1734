/**
 * `validate`: checks a spec completely and writes nothing. Besides the spec rules it builds both
 * outputs in memory (`Sovereign.check`), so a spec whose output would break a hard limit (Hetzner's
 * 32 KiB user_data) fails here as it would in `synth`.
 */
import { Sovereign } from '../sovereign';
import { type CommandResult, specNotes } from './output';

/**
 * Runs `validate`.
 *
 * Text: one line per stack and per cluster, then `valid <spec>: Sovereign <name>, <n> Blueprints;
 * nothing written` on stdout; warnings and added Blueprints on stderr. `--json`: `{ spec, sovereign,
 * blueprints: [name, in install order], stacks: [{ name, resources, largestUserDataBytes }],
 * clusters: [{ name, path, objects, files }], added: [{ name, requiredBy }], warnings: [problem] }`.
 *
 * @throws SpecError, SpecFileError or SynthError, as `Sovereign` does
 */
export function validateCommand(spec: string): CommandResult {
  const sovereign = Sovereign.fromFile(spec);
  const report = sovereign.check();
  const blueprints = sovereign.blueprints.map((p) => p.blueprint.metadata.name);
  return {
    json: { spec, sovereign: sovereign.spec.metadata.name, blueprints, stacks: report.stacks, clusters: report.clusters, added: report.added, warnings: report.warnings },
    stdout: [
      ...report.stacks.map((s) => `terraform  ${s.name}: ${s.resources} resources, largest user_data ${s.largestUserDataBytes} bytes`),
      ...report.clusters.map((c) => `gitops     ${c.path}: ${c.objects} objects in ${c.files} files`),
      `valid ${spec}: Sovereign ${sovereign.spec.metadata.name}, ${blueprints.length} Blueprints; nothing written`,
    ],
    stderr: specNotes(report, spec),
  };
}
