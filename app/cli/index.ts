/**
 * The catalyst-cdk command line, on commander (https://github.com/tj/commander.js): `synth` (the
 * default command), `validate`, `catalog`, `graph`, each with `--help` and `--json`, and `--version`.
 *
 * Exit codes (`EXIT`): 0 ok; 1 invalid spec, or a spec whose output would break a hard limit
 * (`SynthError`); 2 bad arguments, or a file that cannot be read or written; 3 internal error.
 * Expected failures print no stack trace.
 */
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CATALYST_CDK_VERSION } from '../../lib/versions';
import { catalogCommand } from './catalog';
import { graphCommand, GRAPH_FORMATS, type GraphFormat } from './graph';
import { classify, type CommandResult, EXIT, type ExitCode, type FailureContext, printFailure, printResult } from './output';
import { synthCommand, type SynthFlags } from './synth';
import { validateCommand } from './validate';

/**
 * The spec used when none is given and `SOVEREIGN_SPEC` is not set: `examples/solo.yaml` next to the
 * sources (`dist/examples/` in the built package, which `npm run build` copies there).
 */
export const DEFAULT_SPEC = join(__dirname, '..', '..', 'examples', 'solo.yaml');

const SPEC_ARGUMENT = ['[spec]', 'Sovereign spec file (default: $SOVEREIGN_SPEC, else examples/solo.yaml)'] as const;
const JSON_FLAG = ['--json', 'print one JSON document on stdout (the report, or the error) and nothing on stderr'] as const;

/** Commander's codes for `--help` and `--version`, which end the program successfully. */
const DISPLAY_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  invalid spec (every problem with its field path, value, line and fix), output that would
     break a hard limit such as Hetzner's 32 KiB user_data, or a destructive change without
     --allow-destructive
  2  bad arguments, or a file that cannot be read or written
  3  internal error`;

/**
 * Runs the command line.
 *
 * @param argv the arguments after the program name, e.g. `['validate', 'spec.yaml', '--json']`
 * @param env environment: `SOVEREIGN_SPEC` (default spec), `CDKTF_OUTDIR` / `CDK8S_OUTDIR` (set by
 *   `cdktf synth` / `cdk8s synth`: write only their half, there)
 * @returns the exit code (`EXIT`)
 */
export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ExitCode {
  const json = argv.includes('--json');
  let code: ExitCode = EXIT.ok;
  let current: string | undefined;
  const spec = (arg: string | undefined) => arg ?? env.SOVEREIGN_SPEC ?? DEFAULT_SPEC;
  /** Runs one command body, printing its result or its failure. */
  const execute = (command: string, context: FailureContext, body: () => CommandResult) => {
    current = command;
    try {
      code = printResult(command, body(), json);
    } catch (err) {
      code = printFailure(command, classify(err, context), json, context);
    }
  };

  const program = new Command('catalyst-cdk')
    .description('Synthesize an OpenOva Catalyst Sovereign spec into Hetzner Terraform JSON (cdktf) and a Flux GitOps tree.')
    .version(CATALYST_CDK_VERSION, '-V, --version', 'print the catalyst-cdk version')
    .helpOption('-h, --help', 'show help for the command')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: () => undefined,
    });

  program
    .command('synth', { isDefault: true })
    .description('write the Terraform JSON and the GitOps tree (the default command); on any failure nothing is written')
    .argument(...SPEC_ARGUMENT)
    .option('--terraform-out <dir>', 'cdktf output folder (default: $CDKTF_OUTDIR, else cdktf.out)')
    .option('--gitops-out <dir>', 'GitOps repository root to write clusters into (default: $CDK8S_OUTDIR, else gitops)')
    .option('--adopt', 'take over output folders catalyst-cdk has no record of writing, replacing the files it writes there (other files stay)')
    .option('--allow-destructive', 'write the Terraform output even when, compared with the previous synth in --terraform-out, it removes a control plane server or changes a server type')
    .option(...JSON_FLAG)
    .action((arg: string | undefined, flags: SynthFlags) => execute('synth', { spec: spec(arg), writes: true }, () => synthCommand(spec(arg), flags, env)));

  program
    .command('validate')
    .description('check a spec completely, building both outputs in memory; writes nothing')
    .argument(...SPEC_ARGUMENT)
    .option(...JSON_FLAG)
    .action((arg: string | undefined) => execute('validate', { spec: spec(arg) }, () => validateCommand(spec(arg))));

  program
    .command('catalog')
    .description('list every Blueprint: name, tier, category, chart@version, namespace, dependencies')
    .option(...JSON_FLAG)
    .action(() => execute('catalog', {}, catalogCommand));

  program
    .command('graph')
    .description("print the Blueprint dependency graph of a spec (an edge a -> b means b dependsOn a)")
    .argument(...SPEC_ARGUMENT)
    .addOption(new Option('--format <format>', 'graph language').choices(GRAPH_FORMATS).default('mermaid'))
    .option(...JSON_FLAG)
    .action((arg: string | undefined, flags: { format: GraphFormat }) => execute('graph', { spec: spec(arg) }, () => graphCommand(spec(arg), flags.format)));

  for (const command of program.commands) command.allowExcessArguments(false).addHelpText('after', EXIT_CODES_HELP);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (DISPLAY_CODES.has(err.code)) return EXIT.ok;
    const command = current ?? program.commands.find((c) => c.name() === argv[0])?.name() ?? 'synth';
    const message = `${err.message.replace(/^error: /, '')} (see: catalyst-cdk ${command} --help)`;
    return printFailure(command, { kind: 'bad-arguments', exitCode: EXIT.usage, message }, json);
  }
  return code;
}
