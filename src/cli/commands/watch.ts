/**
 * `dev watch [services]`: hot reload of a project that is up. Saved files are synced into the
 * running containers, or restart or rebuild their service, as the `develop.watch` rules say;
 * the compose files are watched too. `--explain <path>` says what a rule does with a path;
 * `-d` runs the watch in the background (`dev watch status|logs|stop`). Ctrl-C stops.
 */
import type { Engine } from '../../engine/engine.js';
import { DevError } from '../../model/errors.js';
import { compileRules } from '../../watch/compile-rules.js';
import type { WatchEvent } from '../../watch/watch-events.js';
import { WatchSession } from '../../watch/watch-session.js';
import { installInterrupt } from '../interrupt.js';
import { type CliIO, createStyle } from '../io.js';
import type { CommandContext, GlobalOptions } from '../program.js';
import { openEngine, openProject, type ProjectSession } from '../session.js';
import { createWatchActions, projectFiles } from './watch-actions.js';
import {
  removeRecord,
  runningWatch,
  startBackgroundWatch,
  watchState,
  writeRecord,
} from './watch-background.js';
import { explainWatchPath } from './watch-explain.js';
import { formatWatchEvent } from './watch-render.js';

export interface WatchOptions {
  debounce?: string;
  explain?: string;
  detach?: boolean;
  /** Hidden: this process is the background watch (it keeps the pid file). */
  background?: boolean;
  catchUp?: boolean;
  gitignore?: boolean;
  verbose?: boolean;
  engine?: string;
}

export async function runWatch(ctx: CommandContext<WatchOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const services = ctx.args;
  const session = await openProject(o, io, services.length > 0 ? { services } : {});
  if (o.explain) return explain(session, services, o, io);
  checkWatchRules(session, services, o);
  if (o.detach) {
    return startBackgroundWatch({
      project: session.project.name,
      options: o,
      watchArgs: watchArgs(o),
      services,
      io,
    });
  }
  const state = watchState(session.project.name, io.env);
  if (!o.background) {
    const running = runningWatch(state);
    if (running) {
      throw new DevError(
        'WATCH_RUNNING',
        `a watch of ${session.project.name} already runs in the background (pid ${running.pid})`,
        {
          hint: '`dev watch logs -f` follows it; `dev watch stop` ends it',
        },
      );
    }
  }
  const engine = await openEngine(o, io);
  const interrupt = installInterrupt();
  const record = {
    pid: process.pid,
    project: session.project.name,
    started: new Date().toISOString(),
    cwd: io.cwd,
  };
  if (o.background) writeRecord(state, { ...record, ready: false });
  try {
    const watch = await startWatch({
      engine,
      session,
      options: o,
      io,
      services,
      print: (line) => io.stdout.write(`${o.background ? `${new Date().toISOString()} ` : ''}${line}\n`),
    });
    if (o.background) writeRecord(state, { ...record, ready: true });
    if (!interrupt.signal.aborted) {
      await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
    }
    await watch.close();
    return 0;
  } finally {
    interrupt.dispose();
    if (o.background) removeRecord(state, process.pid);
  }
}

export interface StartWatchOptions {
  engine: Engine;
  session: ProjectSession;
  options: GlobalOptions & WatchOptions;
  io: CliIO;
  /** The services asked for (none: every service with rules). */
  services: string[];
  print: (line: string) => void;
  /** Hears every event after it is printed (`up --watch` follows recreated containers). */
  onEvent?: (event: WatchEvent) => void;
}

/** Starts a watch printing its status lines; resolves once it is ready. */
export async function startWatch(o: StartWatchOptions): Promise<WatchSession> {
  const style = createStyle(o.io, o.options.ansi, 'stdout');
  const actions = createWatchActions({
    engine: o.engine,
    session: o.session,
    options: o.options,
    io: o.io,
    services: o.services,
  });
  const render = {
    project: o.session.project.name,
    cwd: o.io.cwd,
    style,
    verbose: o.options.verbose === true,
    ...(o.options.background ? { stopHint: '`dev watch stop` stops' } : {}),
  };
  const debounce = o.options.debounce === undefined ? undefined : milliseconds(o.options.debounce);
  return WatchSession.start({
    engine: o.engine,
    project: o.session.project,
    services: o.services,
    projectFiles: projectFiles(o.session),
    host: actions,
    onEvent: (e) => {
      for (const line of formatWatchEvent(e, render)) o.print(line);
      o.onEvent?.(e);
    },
    ...(debounce !== undefined ? { debounceMs: debounce } : {}),
    ...(o.options.catchUp === false ? { catchUp: false } : {}),
    ...(o.options.gitignore === false ? { gitignore: false } : {}),
    stateDir: watchState(o.session.project.name, o.io.env).dir,
  });
}

/** Compiles the rules once, so that a bad one fails before anything starts. */
export function checkWatchRules(session: ProjectSession, services: string[], o: WatchOptions = {}): void {
  compileRules({
    project: session.project,
    services,
    ...(o.gitignore === false ? { gitignore: false } : {}),
  });
}

/** The watch flags a background watch is started with. */
export function watchArgs(o: WatchOptions): string[] {
  return [
    ...(o.debounce !== undefined ? ['--debounce', o.debounce] : []),
    ...(o.catchUp === false ? ['--no-catch-up'] : []),
    ...(o.gitignore === false ? ['--no-gitignore'] : []),
    ...(o.verbose ? ['--verbose'] : []),
  ];
}

function explain(session: ProjectSession, services: string[], o: WatchOptions, io: CliIO): number {
  const compiled = compileRules({
    project: session.project,
    services,
    ...(o.gitignore === false ? { gitignore: false } : {}),
  });
  const lines = explainWatchPath({
    project: session.project,
    rules: compiled.rules,
    projectFiles: projectFiles(session),
    ignoreFiles: compiled.ignoreFiles,
    path: o.explain as string,
    cwd: io.cwd,
  });
  for (const w of compiled.warnings) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 60_000) {
    throw new DevError('USAGE', `--debounce ${value}: expected milliseconds between 0 and 60000`);
  }
  return n;
}
