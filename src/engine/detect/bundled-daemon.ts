/**
 * Starting, stopping and asking after dev's bundled engine as a process: `node dev-engine.cjs`
 * detached into its own session (it outlives the `dev` that started it), found again through
 * its pid file and socket. Starting is idempotent and safe to race: the daemon takes a lock
 * on its root, so of two started at once one serves and the other exits.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevError } from '../../model/errors.js';
import { type DaemonPathOptions, type DaemonPaths, daemonPaths } from '../daemon/daemon-paths.js';
import { pingSocket } from './socket-http.js';

/** Where the engine is and how to run it. */
export interface BundledDaemonOptions extends DaemonPathOptions {
  /** The daemon script; default DEV_ENGINE_SCRIPT, else dist/dev-engine.cjs beside the running CLI. */
  script?: string;
  /** Milliseconds to wait for it to answer after a start, or to exit after a stop (default 30000). */
  timeout?: number;
  /** The user id to check for root (default the process's). */
  uid?: number;
}

/** What is known of a bundled engine. */
export interface BundledDaemonState {
  paths: DaemonPaths;
  /** The daemon's pid, when its pid file names a live dev-engine process. */
  pid?: number;
  /** Whether `_ping` answers on its socket. */
  answering: boolean;
}

/** Thrown when the bundled engine cannot run here; `dev engine doctor` says more. */
export class BundledEngineError extends DevError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, { hint });
    this.name = 'BundledEngineError';
  }
}

/** The engine's pid (if alive) and whether it answers. */
export async function bundledDaemonState(options: BundledDaemonOptions = {}): Promise<BundledDaemonState> {
  const paths = daemonPaths(options);
  const pid = livePid(paths.pidFile);
  const answering = await pingSocket(paths.socket);
  return { paths, ...(pid ? { pid } : {}), answering };
}

/** Starts the engine unless it answers already; resolves once it answers `_ping`. */
export async function startBundledDaemon(
  options: BundledDaemonOptions = {},
): Promise<BundledDaemonState & { started: boolean }> {
  const paths = daemonPaths(options);
  if (await pingSocket(paths.socket)) return { paths, ...pidField(paths), answering: true, started: false };
  checkCanRun(options);
  const script = daemonScript(options.env ?? process.env, options.script);
  mkdirSync(paths.root, { recursive: true, mode: 0o711 });
  const logFd = openSync(paths.logFile, 'a', 0o600);
  const child = spawn(
    process.execPath,
    // a small young generation keeps an idle daemon's memory low; it is not a hot allocator
    [
      '--max-semi-space-size=1',
      script,
      '--root',
      paths.root,
      '--socket',
      paths.socket,
      '--prefix',
      paths.prefix,
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...(options.env ?? process.env), MALLOC_ARENA_MAX: '2' },
    },
  );
  closeSync(logFd);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  child.once('error', (error) => {
    spawnError = error;
  });
  child.unref();
  const deadline = Date.now() + (options.timeout ?? 30_000);
  while (Date.now() < deadline) {
    if (await pingSocket(paths.socket, 500)) {
      // its pid file is written just after it starts to answer
      const pid = exit ? pidField(paths) : child.pid ? { pid: child.pid } : {};
      return { paths, ...pid, answering: true, started: !exit };
    }
    if (spawnError) throw startFailed(paths, spawnError.message);
    // exit 3: another daemon holds the root; it is starting too, so wait for it
    if (exit && exit.code !== 3)
      throw startFailed(paths, `it exited with ${exit.signal ?? `code ${exit.code}`}`);
    await sleep(50);
  }
  throw startFailed(paths, `it did not answer on ${paths.socket} within ${options.timeout ?? 30_000} ms`);
}

/** Stops the engine (SIGTERM; containers keep running) and waits for it to exit. */
export async function stopBundledDaemon(
  options: BundledDaemonOptions = {},
): Promise<{ paths: DaemonPaths; pid?: number; stopped: boolean }> {
  const paths = daemonPaths(options);
  const pid = livePid(paths.pidFile);
  if (!pid) {
    // a pid file left by a crash names nobody (or somebody else by now)
    rmSync(paths.pidFile, { force: true });
    return { paths, stopped: false };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + (options.timeout ?? 30_000);
  while (Date.now() < deadline) {
    if (!alive(pid)) return { paths, pid, stopped: true };
    await sleep(50);
  }
  throw new BundledEngineError(
    'ENGINE_BUNDLED_STOP_TIMEOUT',
    `the bundled engine (pid ${pid}) did not stop within ${options.timeout ?? 30_000} ms`,
    `see ${paths.logFile}; \`kill -9 ${pid}\` stops it at once (containers keep running)`,
  );
}

/** The pid in `pidFile` when it is a live dev-engine process. */
export function livePid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    // pids are reused: only a process running dev-engine counts
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dev-engine')) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/** The daemon script to run, or a DevError saying how to get it. */
export function daemonScript(env: Record<string, string | undefined>, given?: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [given, env.DEV_ENGINE_SCRIPT, join(here, 'dev-engine.cjs')].filter(
    (c): c is string => !!c,
  );
  // from the sources (tests, tsx): the repository's dist/
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      candidates.push(join(dir, 'dist/dev-engine.cjs'));
      break;
    }
  }
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw new BundledEngineError(
    'ENGINE_BUNDLED_MISSING',
    `the bundled engine's program is missing (looked for ${candidates.join(', ')})`,
    'build dev again (`npm run build`), or set DEV_ENGINE_SCRIPT to dist/dev-engine.cjs',
  );
}

/** Linux and root, or a clear error. */
export function checkCanRun(options: { uid?: number } = {}): void {
  if (process.platform !== 'linux') {
    throw new BundledEngineError(
      'ENGINE_BUNDLED_UNSUPPORTED',
      `the bundled engine runs on Linux only (this is ${process.platform})`,
      'use Docker Desktop, Colima or Podman here, or set DOCKER_HOST',
    );
  }
  const uid = options.uid ?? process.getuid?.();
  if (uid !== 0) {
    throw new BundledEngineError(
      'ENGINE_BUNDLED_NEEDS_ROOT',
      'the bundled engine needs root on this machine (rootless is not supported yet)',
      'run dev as root (sudo), or use Docker or Podman',
    );
  }
}

function startFailed(paths: DaemonPaths, why: string): BundledEngineError {
  const tail = logTail(paths.logFile);
  return new BundledEngineError(
    'ENGINE_BUNDLED_START_FAILED',
    `the bundled engine did not start: ${why}${tail ? `; its log ends: ${tail}` : ''}`,
    `see ${paths.logFile}; \`dev engine doctor\` checks what it needs`,
  );
}

function logTail(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    return lines
      .slice(-3)
      .map((l) => l.replace(/^\S+Z /, ''))
      .join(' | ');
  } catch {
    return '';
  }
}

function pidField(paths: DaemonPaths): { pid?: number } {
  const pid = livePid(paths.pidFile);
  return pid ? { pid } : {};
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
