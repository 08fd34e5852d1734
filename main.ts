#!/usr/bin/env node
/**
 * catalyst-cdk command line: synthesizes a Sovereign spec into Terraform JSON (cdktf) and a Flux
 * GitOps tree (cdk8s), validates it, lists the Blueprint catalog and draws the dependency graph.
 *
 *   npm run synth [-- [synth] <spec.yaml>] [--terraform-out DIR] [--gitops-out DIR] [--json]
 *   npm run cli -- validate|catalog|graph [...] [--json]      (--help on every command)
 *
 * `npx cdktf synth` (sets CDKTF_OUTDIR) and `npx cdk8s synth` (CDK8S_OUTDIR) run this file too; each
 * gets only its half. The commands live in `app/cli/`; exit codes are documented there (`EXIT`).
 */
import { run } from './app/cli';

export { DEFAULT_SPEC, run } from './app/cli';

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}
