/**
 * `dev engine start|stop|status|logs|env|doctor`: declared here, each one's code imported only
 * when it runs. `--root`/`--socket` (or DEV_ENGINE_ROOT/DEV_ENGINE_SOCKET) pick the engine.
 */
import { type Command, Option } from 'commander';
import type { CommandContext, CommandResult } from '../program.js';

type Run = (action: () => Promise<CommandResult>) => Promise<void>;
type Ctx = <T>(cmd: Command, args?: string[]) => CommandContext<T>;

/** The options every `dev engine` subcommand takes. */
export interface EngineCommandOptions {
  root?: string;
  socket?: string;
}

/** Adds `dev engine ...` to `program`. */
export function addEngineCommands(program: Command, run: Run, ctx: Ctx): void {
  const engine = program
    .command('engine')
    .description('manage dev’s bundled container engine (start, stop, status, logs, env, doctor)')
    // the copies of the global flags on `engine` must not take `logs -f` as `--file`
    .enablePositionalOptions();
  const sub = (name: string, description: string) =>
    engine
      .command(name)
      .description(description)
      .option('--root <dir>', 'state directory (DEV_ENGINE_ROOT; default /var/lib/dev-engine)')
      .option('--socket <path>', 'API socket (DEV_ENGINE_SOCKET; default /run/dev-engine/engine.sock)');

  sub('start', 'start the bundled engine in the background (nothing to do when it runs)').action(
    async (_o, cmd: Command) =>
      run(async () => (await import('./engine-daemon.js')).runEngineStart(ctx(cmd))),
  );
  sub('stop', 'stop the bundled engine (containers keep running)').action(async (_o, cmd: Command) =>
    run(async () => (await import('./engine-daemon.js')).runEngineStop(ctx(cmd))),
  );
  sub('status', 'whether the bundled engine runs: pid, socket, root, version, containers')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./engine-daemon.js')).runEngineStatus(ctx(cmd))),
    );
  sub('logs', 'show the bundled engine’s log')
    .option('-f, --follow', 'follow')
    .option('-n, --tail <lines>', 'lines from the end (or `all`)', 'all')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./engine-logs.js')).runEngineLogs(ctx(cmd))),
    );
  sub('env', 'print the DOCKER_HOST that points docker and other tools at the bundled engine').action(
    async (_o, cmd: Command) => run(async () => (await import('./engine-daemon.js')).runEngineEnv(ctx(cmd))),
  );
  sub('doctor', 'check that this host has what the bundled engine needs').action(async (_o, cmd: Command) =>
    run(async () => (await import('./engine-doctor.js')).runEngineDoctor(ctx(cmd))),
  );
}
