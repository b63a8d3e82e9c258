/**
 * The commands that act on a project through an engine: declared here, their code imported
 * only when one runs (a cold `dev ps` never loads `up`'s code).
 */
import { type Command, Option } from 'commander';
import { addEngineCommands } from './commands/engine-commands.js';
import type { CommandContext, CommandResult } from './program.js';

type Run = (action: () => Promise<CommandResult>) => Promise<void>;
type Ctx = <T>(cmd: Command, args?: string[]) => CommandContext<T>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds up, down, plan, ps, logs and the rest to `program`. */
export function addProjectCommands(program: Command, run: Run, ctx: Ctx): void {
  const upFlags = (cmd: Command) =>
    cmd
      .option('--build', 'build images before starting')
      .option('--no-build', 'never build, even missing images')
      .addOption(
        new Option('--pull <policy>', 'pull images').choices(['always', 'missing', 'never', 'build']),
      )
      .option('--force-recreate', 'recreate containers even if up to date')
      .option('--no-recreate', 'never recreate existing containers')
      .option('--no-deps', 'do not start linked services')
      .option('--remove-orphans', 'remove containers of services not in the files')
      .option('--scale <service=n>', 'number of containers of a service (repeatable)', collect);

  upFlags(
    program
      .command('up')
      .description('create and start the project’s containers')
      .option('-d, --detach', 'run in the background')
      .option('--wait', 'wait until services are running and healthy (implies -d)')
      .option('--wait-timeout <seconds>', 'give up waiting after this long')
      .option('--no-start', 'create without starting')
      .option('-t, --timeout <seconds>', 'stop timeout when recreating or stopping')
      .option('--abort-on-container-exit', 'stop everything when a container exits')
      .option(
        '--exit-code-from <service>',
        'exit with this service’s exit code (implies --abort-on-container-exit)',
      )
      .option('--attach-dependencies', 'also show the logs of dependencies')
      .option('--no-color', 'monochrome logs')
      .option('--no-log-prefix', 'no service prefix in logs')
      .option('--timestamps', 'show timestamps in logs')
      .addOption(new Option('--format <format>', 'summary format of --wait').choices(['text', 'json']))
      .option('--watch', 'then watch the files (develop.watch); with -d, in the background')
      .argument('[services...]'),
  ).action(async (services: string[], _o, cmd: Command) =>
    run(async () => (await import('./commands/up.js')).runUp(withWait(ctx(cmd, services)))),
  );

  addWatchCommand(program, run, ctx);

  upFlags(
    program
      .command('plan')
      .description('show what `dev up` would do, and why, without doing it')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .addOption(new Option('--graph <kind>', 'print the plan as a graph').choices(['dot', 'mermaid']))
      .argument('[services...]'),
  ).action(async (services: string[], _o, cmd: Command) =>
    run(async () => (await import('./commands/plan.js')).runPlan(ctx(cmd, services))),
  );

  program
    .command('down')
    .description('stop and remove containers and networks (volumes with -v)')
    .option('-v, --volumes', 'also remove named volumes and anonymous volumes')
    .addOption(new Option('--rmi <which>', 'also remove images').choices(['local', 'all']))
    .option('--remove-orphans', 'also remove containers of services not in the files')
    .option('-t, --timeout <seconds>', 'stop timeout')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./commands/down.js')).runDown(ctx(cmd))),
    );

  program
    .command('ps')
    .description('list the project’s containers')
    .option('-a, --all', 'include stopped containers')
    .option('-q, --quiet', 'only ids')
    .option('--services', 'only service names')
    .option('--status <state>', 'only containers in this state (repeatable)', collect)
    .option('--filter <filter>', 'status=<state> (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/ps.js')).runPs(ctx(cmd, services))),
    );

  program
    .command('logs')
    .description('show container logs')
    .option('-f, --follow', 'follow')
    .option('-t, --timestamps', 'show timestamps')
    .option('-n, --tail <lines>', 'lines from the end of each log (or `all`)')
    .option('--since <time>', 'since a time (RFC 3339, unix seconds, or relative like 10m)')
    .option('--until <time>', 'until a time')
    .option('--index <n>', 'only container number n')
    .option('--no-color', 'monochrome')
    .option('--no-log-prefix', 'no service prefix')
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/logs.js')).runLogs(ctx(cmd, services))),
    );

  const lifecycle = (
    name: 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'rm',
    description: string,
  ) =>
    program
      .command(name)
      .description(description)
      .argument('[services...]')
      .action(async (services: string[], _o, cmd: Command) =>
        run(async () => (await import('./commands/lifecycle.js')).runLifecycle(name, ctx(cmd, services))),
      );
  lifecycle('start', 'start existing containers');
  lifecycle('stop', 'stop running containers').option('-t, --timeout <seconds>', 'seconds before SIGKILL');
  lifecycle('restart', 'restart containers').option('-t, --timeout <seconds>', 'seconds before SIGKILL');
  lifecycle('kill', 'kill containers').option('-s, --signal <signal>', 'signal to send', 'SIGKILL');
  lifecycle('pause', 'pause containers');
  lifecycle('unpause', 'unpause containers');
  lifecycle('rm', 'remove stopped containers')
    .option('-f, --force', 'do not ask')
    .option('-s, --stop', 'stop running containers first')
    .option('-v, --volumes', 'also remove anonymous volumes');

  program
    .command('exec')
    .description('run a command in a running container')
    .option('-d, --detach', 'run in the background')
    .option('-T, --no-tty', 'no pseudo-terminal')
    .option('-u, --user <user>', 'user to run as')
    .option('-w, --workdir <dir>', 'working directory')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--index <n>', 'container number of the service')
    .option('--privileged', 'extended privileges')
    .argument('<service>')
    .argument('<command...>')
    .action(async (service: string, command: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/exec.js')).runExec(ctx(cmd, [service, ...command]))),
    );

  program
    .command('run')
    .description('run a one-off command in a new container of a service')
    .option('--rm', 'remove the container when it exits')
    .option('-d, --detach', 'run in the background, print the container name')
    .option('--name <name>', 'container name')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--entrypoint <command>', 'override the entrypoint')
    .option('-u, --user <user>', 'user to run as')
    .option('-w, --workdir <dir>', 'working directory')
    .option('-T, --no-tty', 'no pseudo-terminal')
    .option('-i, --interactive', 'keep stdin open (default)', true)
    .option('-p, --publish <port>', 'publish a port (repeatable)', collect)
    .option('-P, --service-ports', 'publish the service’s ports')
    .option('--use-aliases', 'use the service’s network aliases')
    .option('--no-deps', 'do not start the services it depends on')
    .option('-l, --label <KEY=VALUE>', 'add a label (repeatable)', collect)
    .option('-v, --volume <spec>', 'bind a volume (repeatable)', collect)
    .option('--cap-add <cap>', 'add a capability (repeatable)', collect)
    .option('--cap-drop <cap>', 'drop a capability (repeatable)', collect)
    .option('--build', 'build the image first')
    .option('--remove-orphans', 'remove containers of services not in the files')
    .argument('<service>')
    .argument('[command...]')
    .action(async (service: string, command: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/run.js')).runRun(ctx(cmd, [service, ...command]))),
    );

  program
    .command('cp')
    .description('copy files between a service container and the host (SERVICE:PATH)')
    .option('--index <n>', 'container number of the service')
    .option('-a, --archive', 'keep owners (uid:gid) when copying into the container')
    .option('-L, --follow-link', 'follow a symlink in the source path')
    .argument('<source>')
    .argument('<destination>')
    .action(async (source: string, destination: string, _o, cmd: Command) =>
      run(async () => (await import('./commands/cp.js')).runCp(ctx(cmd, [source, destination]))),
    );

  const imageCommand = (name: 'build' | 'pull' | 'push', description: string) =>
    program
      .command(name)
      .description(description)
      .argument('[services...]')
      .option('-q, --quiet', 'no progress');
  imageCommand('build', 'build the services’ images')
    .option('--no-cache', 'do not use the build cache')
    .option('--pull', 'always pull base images')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collect)
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/images.js')).runBuild(noCache(ctx(cmd, services)))),
    );
  imageCommand('pull', 'pull the services’ images')
    .option('--ignore-pull-failures', 'go on when a pull fails')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/images.js')).runPull(ctx(cmd, services))),
    );
  imageCommand('push', 'push the services’ built images')
    .option('--ignore-push-failures', 'go on when a push fails')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/images.js')).runPush(ctx(cmd, services))),
    );
  program
    .command('images')
    .description('list the images the project’s containers use')
    .option('-q, --quiet', 'only ids')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/images.js')).runImages(ctx(cmd, services))),
    );

  program
    .command('port')
    .description('print the host address of a published port')
    .option('--index <n>', 'container number of the service', '1')
    .addOption(new Option('--protocol <proto>', 'protocol').choices(['tcp', 'udp', 'sctp']).default('tcp'))
    .argument('<service>')
    .argument('<port>')
    .action(async (service: string, port: string, _o, cmd: Command) =>
      run(async () => (await import('./commands/port.js')).runPort(ctx(cmd, [service, port]))),
    );
  program
    .command('top')
    .description('show the processes of the containers')
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/top.js')).runTop(ctx(cmd, services))),
    );
  program
    .command('ls')
    .description('list running projects')
    .option('-a, --all', 'include stopped projects')
    .option('-q, --quiet', 'only names')
    .option('--filter <filter>', 'name=<text> (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (_o, cmd: Command) => run(async () => (await import('./commands/ls.js')).runLs(ctx(cmd))));
  program
    .command('events')
    .description('stream the project’s container events')
    .option('--json', 'one JSON object per line')
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/events.js')).runEvents(ctx(cmd, services))),
    );
  program
    .command('wait')
    .description('wait for containers of services to stop; print their exit code')
    .option('--down-project', 'run `down` once they stopped')
    .argument('<services...>')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/wait.js')).runWait(ctx(cmd, services))),
    );

  addEngineCommands(program, run, ctx);
}

/** `dev watch` and its `status`, `logs` and `stop`. */
function addWatchCommand(program: Command, run: Run, ctx: Ctx): void {
  const watch = program
    .command('watch')
    .description('sync, restart or rebuild services as files change (develop.watch)')
    .option('--debounce <ms>', 'batch changes over this window', '25')
    .option('--explain <path>', 'say which rule keeps or drops a path, and what a change would do')
    .option('-d, --detach', 'watch in the background (see `dev watch status|logs|stop`)')
    .option('--no-catch-up', 'do not compare host and containers on start, restart and reconnect')
    .option('--no-gitignore', 'do not read .gitignore files')
    .option('--verbose', 'also list synced files and up-to-date catch-ups')
    .addOption(new Option('--background').hideHelp())
    .argument('[services...]')
    .action(async (services: string[], _o, cmd: Command) =>
      run(async () => (await import('./commands/watch.js')).runWatch(ctx(cmd, services))),
    );
  watch
    .command('status')
    .description('whether a background watch runs')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./commands/watch-control.js')).runWatchStatus(ctx(cmd))),
    );
  watch
    .command('logs')
    .description('the background watch’s log')
    .option('-f, --follow', 'follow')
    .option('-n, --tail <lines>', 'lines from the end (or `all`)')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./commands/watch-control.js')).runWatchLogs(ctx(cmd))),
    );
  watch
    .command('stop')
    .description('stop the background watch')
    .action(async (_o, cmd: Command) =>
      run(async () => (await import('./commands/watch-control.js')).runWatchStop(ctx(cmd))),
    );
}

/** `--wait` implies `-d`, as in Compose. */
function withWait<T extends CommandContext<{ wait?: boolean; detach?: boolean }>>(c: T): T {
  if (c.options.wait) c.options.detach = true;
  return c;
}

/** commander reads `--no-cache` as `cache: false`. */
function noCache<T extends CommandContext<{ cache?: boolean; noCache?: boolean }>>(c: T): T {
  if (c.options.cache === false) c.options.noCache = true;
  return c;
}
