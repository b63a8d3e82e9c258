/**
 * The command tree. Commands are declared here and their code is imported only when run, so
 * `dev --help` or `dev config` never loads what other commands need.
 */
import { Command, Option } from 'commander';
import type { LoadProjectOptions } from '../compose/load-project.js';
import type { AnsiMode, CliIO } from './io.js';
import { addProjectCommands } from './program-commands.js';
import { VERSION } from './version.js';

/** Flags every command accepts, as Docker Compose has them. */
export interface GlobalOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  ansi: AnsiMode;
  progress: 'auto' | 'tty' | 'plain' | 'json' | 'quiet';
  /** `--engine`: docker, podman, bundled, or an endpoint URL. */
  engine?: string;
}

/** What a command's action gets: its own options merged with the global ones, and the IO. */
export interface CommandContext<T = Record<string, unknown>> {
  options: T & GlobalOptions;
  args: string[];
  io: CliIO;
}

/** Sets the exit code of a run; commands return it. */
export type CommandResult = number;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Maps global flags to loader options. */
export function loadOptions(g: GlobalOptions, io: CliIO): LoadProjectOptions {
  const o: LoadProjectOptions = { cwd: io.cwd, env: io.env, readStdin: io.readStdin };
  if (g.file?.length) o.files = g.file;
  if (g.projectName) o.projectName = g.projectName;
  if (g.projectDirectory) o.projectDirectory = g.projectDirectory;
  if (g.envFile?.length) o.envFiles = g.envFile;
  if (g.profile?.length) o.profiles = g.profile.flatMap((p) => p.split(',')).filter(Boolean);
  return o;
}

/** Builds the program; `run` executes an action and records its exit code. */
export function buildProgram(
  io: CliIO,
  run: (action: () => Promise<CommandResult>) => Promise<void>,
): Command {
  const program = new Command('dev')
    .description('Compose-file-driven development environments')
    .version(VERSION, '-v, --version', 'print the version')
    .option('-f, --file <path>', 'compose file (repeatable; `-` reads stdin)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'project working directory (default: the first file’s directory)')
    .option('--env-file <path>', 'env file for interpolation (repeatable)', collect)
    .option('--profile <name>', 'activate a profile (repeatable)', collect)
    .addOption(
      new Option('--ansi <when>', 'control colours').choices(['auto', 'always', 'never']).default('auto'),
    )
    .addOption(
      new Option('--progress <kind>', 'progress output')
        .choices(['auto', 'tty', 'plain', 'json', 'quiet'])
        .default('auto'),
    )
    .option('--engine <engine>', 'engine to use: docker, podman, bundled, or a URL (default: detected)')
    .showHelpAfterError('(run `dev help` for the list of commands)')
    // Subcommands copy these settings when created, so they are set first.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  const ctx = <T>(cmd: Command, args: string[] = []): CommandContext<T> => ({
    options: mergedOptions(cmd) as T & GlobalOptions,
    args,
    io,
  });

  program
    .command('config')
    .description('validate the compose files and print the normalised project')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--services', 'print the service names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--networks', 'print the network names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--images', 'print the image names, one per line')
    .option('--variables', 'print the variables the files use, with their defaults')
    .option('--environment', 'print the environment used for interpolation')
    .option('--hash <service>', 'print the config hash of a service (`*` for all)')
    .option(
      '--explain <service[.field]>',
      'say where each value came from: file and line, variable and its source',
    )
    .option('-q, --quiet', 'validate only, print nothing')
    .option('--no-interpolate', 'do not interpolate variables')
    .option('--no-normalize', 'print the merged files without normalising them')
    .option('--no-consistency', 'skip the cross-reference checks')
    .option('--no-path-resolution', 'keep relative paths as written')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .argument('[services...]', 'only these services (and their dependencies)')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/config.js')).runConfig(ctx(cmd, services))),
    );

  program
    .command('validate')
    .description('check the compose files; same as `dev config -q`')
    .option('--no-consistency', 'skip the cross-reference checks')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./commands/config.js')).runConfig(ctx(cmd, []), { quiet: true })),
    );

  addProjectCommands(program, run, ctx);

  program
    .command('version')
    .description('print the version')
    .option('--short', 'only the number')
    .action(async (o: { short?: boolean }) =>
      run(async () => {
        io.stdout.write(o.short ? `${VERSION}\n` : `dev version ${VERSION}\n`);
        return 0;
      }),
    );

  shareGlobalOptions(program);
  return program;
}

/** Options of the command and its parents, the command's own winning (commander's optsWithGlobals lets parents win). */
function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  return Object.assign({}, ...chain.map((c) => c.opts()));
}

/**
 * Global flags go before the command, as in Compose (`dev -f x.yaml up`), and also after it
 * (`dev up -f x.yaml`) unless the command has a flag of that name itself: `rm -f` is
 * `--force` and `down -v` is `--volumes`, as Compose users expect.
 */
function shareGlobalOptions(program: Command): void {
  program.enablePositionalOptions();
  for (const sub of program.commands) {
    const taken = new Set(sub.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f)));
    for (const g of program.options) {
      if (!g.long || g.long === '--version' || taken.has(g.long)) continue;
      const value = g.required ? ' <value>' : g.optional ? ' [value]' : '';
      const flags = g.short && !taken.has(g.short) ? `${g.short}, ${g.long}${value}` : `${g.long}${value}`;
      // No default on the copy: it would hide the value given before the command.
      const copy = new Option(flags, g.description).hideHelp();
      if (g.parseArg) copy.argParser(g.parseArg);
      if (g.argChoices) copy.choices(g.argChoices);
      sub.addOption(copy);
    }
  }
}
