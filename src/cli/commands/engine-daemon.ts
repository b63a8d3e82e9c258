/** `dev engine start`, `stop`, `status` and `env`. */
import { daemonPaths, dockerHostOf } from '../../engine/daemon/daemon-paths.js';
import {
  type BundledDaemonOptions,
  bundledDaemonState,
  startBundledDaemon,
  stopBundledDaemon,
} from '../../engine/detect/bundled-daemon.js';
import { getSocketJson } from '../../engine/detect/socket-http.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../program.js';
import type { EngineCommandOptions } from './engine-commands.js';

type EngineContext<T = object> = CommandContext<EngineCommandOptions & T>;

function daemonOptions(ctx: EngineContext): BundledDaemonOptions {
  const { root, socket } = ctx.options;
  return { env: ctx.io.env, ...(root ? { root } : {}), ...(socket ? { socket } : {}) };
}

/** Starts the engine unless it runs; prints where it answers. */
export async function runEngineStart(ctx: EngineContext): Promise<number> {
  const state = await startBundledDaemon(daemonOptions(ctx));
  const pid = state.pid ? ` (pid ${state.pid})` : '';
  ctx.io.stdout.write(
    state.started
      ? `started the bundled engine${pid} on ${state.paths.socket}\n`
      : `the bundled engine already runs${pid} on ${state.paths.socket}\n`,
  );
  if (ctx.io.stdout.isTTY) ctx.io.stdout.write(`use it with docker: eval "$(dev engine env)"\n`);
  return ExitCode.ok;
}

/** Stops the engine (SIGTERM through its pid file) and waits until it exited. */
export async function runEngineStop(ctx: EngineContext): Promise<number> {
  const result = await stopBundledDaemon(daemonOptions(ctx));
  ctx.io.stdout.write(
    result.stopped
      ? `stopped the bundled engine (pid ${result.pid}); its containers keep running\n`
      : 'the bundled engine is not running\n',
  );
  return ExitCode.ok;
}

/** Whether the engine runs, and what it holds; exit 1 when it does not run. */
export async function runEngineStatus(ctx: EngineContext<{ format?: 'text' | 'json' }>): Promise<number> {
  const state = await bundledDaemonState(daemonOptions(ctx));
  const { paths } = state;
  let version: { Version?: string; ApiVersion?: string } = {};
  let info: { Containers?: number; ContainersRunning?: number; Images?: number } = {};
  if (state.answering) {
    [version, info] = await Promise.all([
      getSocketJson<typeof version>(paths.socket, '/version').catch(() => ({})),
      getSocketJson<typeof info>(paths.socket, '/info').catch(() => ({})),
    ]);
  }
  const running = state.answering;
  if (ctx.options.format === 'json') {
    const value = {
      running,
      ...(state.pid ? { pid: state.pid } : {}),
      socket: paths.socket,
      root: paths.root,
      dockerHost: dockerHostOf(paths.socket),
      ...(version.Version ? { version: version.Version, apiVersion: version.ApiVersion } : {}),
      ...(info.Containers !== undefined
        ? { containers: info.Containers, containersRunning: info.ContainersRunning, images: info.Images }
        : {}),
    };
    ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return running ? ExitCode.ok : ExitCode.failure;
  }
  const rows: [string, string][] = [
    [
      'running',
      running
        ? `yes${state.pid ? ` (pid ${state.pid})` : ''}`
        : state.pid
          ? `no: pid ${state.pid} lives but does not answer on the socket`
          : 'no',
    ],
    ['socket', paths.socket],
    ['root', paths.root],
  ];
  if (version.Version) rows.push(['version', `${version.Version} (API ${version.ApiVersion ?? '?'})`]);
  if (info.Containers !== undefined)
    rows.push(['containers', `${info.Containers} (${info.ContainersRunning ?? 0} running)`]);
  if (info.Images !== undefined) rows.push(['images', String(info.Images)]);
  for (const [k, v] of rows) ctx.io.stdout.write(`${k.padEnd(11)}${v}\n`);
  if (!running) ctx.io.stdout.write(`start it with: dev engine start\n`);
  return running ? ExitCode.ok : ExitCode.failure;
}

/** `export DOCKER_HOST=...` for `eval "$(dev engine env)"`. */
export async function runEngineEnv(ctx: EngineContext): Promise<number> {
  const paths = daemonPaths(daemonOptions(ctx));
  ctx.io.stdout.write(`export DOCKER_HOST=${dockerHostOf(paths.socket)}\n`);
  return ExitCode.ok;
}
