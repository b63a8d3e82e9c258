/**
 * The background watch (`dev up -d --watch`, `dev watch -d`): a detached `dev watch` process of
 * this same CLI, with a pid file and a log file in the project's state directory
 * (`$XDG_STATE_HOME/dev/watch/<project>`, else `~/.local/state/dev/watch/<project>`);
 * `dev watch status|logs|stop` read them, and stop ends the process by its pid.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DevError } from '../../model/errors.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from '../program.js';

/** Where a project's watch keeps its files. */
export interface WatchState {
  dir: string;
  pidFile: string;
  logFile: string;
}

/** What the pid file holds. */
export interface WatchRecord {
  pid: number;
  project: string;
  started: string;
  cwd: string;
  /** Set once the watch is ready (rules compiled, caught up, watching). */
  ready: boolean;
}

/** The state directory of `project`'s watch. */
export function watchState(project: string, env: Record<string, string | undefined>): WatchState {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const dir = join(base, 'dev', 'watch', project);
  return { dir, pidFile: join(dir, 'watch.pid'), logFile: join(dir, 'watch.log') };
}

/** The record of a running background watch; undefined (and a stale file removed) when none runs. */
export function runningWatch(state: WatchState): WatchRecord | undefined {
  let record: WatchRecord;
  try {
    record = JSON.parse(readFileSync(state.pidFile, 'utf8')) as WatchRecord;
  } catch {
    return undefined;
  }
  if (Number.isInteger(record.pid) && isAlive(record.pid)) return record;
  rmSync(state.pidFile, { force: true });
  return undefined;
}

/** Writes the pid file of this process (the background watch itself). */
export function writeRecord(state: WatchState, record: WatchRecord): void {
  mkdirSync(state.dir, { recursive: true });
  const temp = `${state.pidFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`);
  renameSync(temp, state.pidFile);
}

/** Removes the pid file if it is this process's. */
export function removeRecord(state: WatchState, pid: number): void {
  try {
    const record = JSON.parse(readFileSync(state.pidFile, 'utf8')) as WatchRecord;
    if (record.pid === pid) rmSync(state.pidFile, { force: true });
  } catch {
    // already gone
  }
}

export interface StartBackgroundOptions {
  project: string;
  options: GlobalOptions;
  /** `watch` flags to pass on (`--debounce 50`, `--no-catch-up`). */
  watchArgs: string[];
  services: string[];
  io: CliIO;
}

/** Starts the detached watch and waits until it is ready; returns the exit code. */
export async function startBackgroundWatch(o: StartBackgroundOptions): Promise<number> {
  const state = watchState(o.project, o.io.env);
  const running = runningWatch(state);
  if (running) {
    o.io.stdout.write(
      `a watch already runs in the background (pid ${running.pid}); \`dev watch stop\` ends it\n`,
    );
    return 0;
  }
  mkdirSync(state.dir, { recursive: true });
  const log = openSync(state.logFile, 'w');
  const cli = process.argv[1];
  if (!cli) throw new DevError('WATCH_BACKGROUND', 'cannot find the dev executable to start the watch');
  const child = spawn(
    process.execPath,
    [cli, ...globalArgs(o.project, o.options), 'watch', '--background', ...o.watchArgs, ...o.services],
    {
      cwd: o.io.cwd,
      env: { ...o.io.env, NO_COLOR: '1' } as NodeJS.ProcessEnv,
      detached: true,
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  child.unref();
  for (let waited = 0; waited < 120_000; waited += 100) {
    const record = runningWatch(state);
    if (record?.ready) {
      o.io.stdout.write(
        `watching in the background (pid ${record.pid}); \`dev watch logs -f\` follows it, \`dev watch stop\` ends it\n`,
      );
      return 0;
    }
    if (exited !== undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(state.logFile)
    ? readFileSync(state.logFile, 'utf8').trim().split('\n').slice(-10)
    : [];
  for (const line of tail) o.io.stderr.write(`${line}\n`);
  if (exited === undefined && child.pid) process.kill(child.pid, 'SIGTERM');
  throw new DevError('WATCH_BACKGROUND', 'the background watch did not start', {
    hint: `its log: ${state.logFile}`,
  });
}

/** Stops the background watch by its pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopBackgroundWatch(
  state: WatchState,
  graceMs = 10_000,
): Promise<WatchRecord | undefined> {
  const record = runningWatch(state);
  if (!record) return undefined;
  process.kill(record.pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && isAlive(record.pid); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  rmSync(state.pidFile, { force: true });
  return record;
}

/** The global flags that make the child load the same project. */
function globalArgs(project: string, g: GlobalOptions): string[] {
  if (g.file?.includes('-')) {
    throw new DevError('USAGE', 'a background watch cannot read the compose file from stdin', {
      hint: 'write it to a file and pass -f <file>',
    });
  }
  return [
    ...(g.file ?? []).flatMap((f) => ['-f', f]),
    '-p',
    project,
    ...(g.projectDirectory ? ['--project-directory', g.projectDirectory] : []),
    ...(g.envFile ?? []).flatMap((f) => ['--env-file', f]),
    ...(g.profile ?? []).flatMap((p) => ['--profile', p]),
    ...(g.engine ? ['--engine', g.engine] : []),
    '--ansi',
    'never',
  ];
}

/** Whether `pid` runs and is a dev watch (a recycled pid of another program is not). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('watch');
  } catch {
    // No /proc (macOS): trust the signal probe.
    return true;
  }
}
