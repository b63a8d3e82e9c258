/**
 * conmon, the shim: one small C process per container (and per exec session) that runs
 * `runc create`/`runc exec`, holds the container's stdio or terminal, writes its log
 * (k8s-file), records its exit code in a file and outlives the daemon. It reports over a
 * "sync pipe" (fd 3): first `{"data": <pid>}` (or -1 and a message on failure), and for exec
 * sessions then `{"data": <exit code>}`. It waits on a "start pipe" (fd 4) before forking, which
 * lets the caller move it into another cgroup first.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { OciRuntimeCli } from './oci-runtime-cli.js';
import { runtimeMessage } from './oci-runtime-cli.js';
import { OciRuntimeError } from './runtime-errors.js';

interface SyncMessage {
  data: number;
  message?: string;
}

interface CommonOptions {
  conmonPath: string;
  runtime: OciRuntimeCli;
  logPath: string;
  terminal: boolean;
  stdin: boolean;
  /** Called with conmon's pid while it waits on the start pipe (before it forks). */
  beforeStart?: (pid: number) => void;
  env?: NodeJS.ProcessEnv;
  /** Give up waiting for the first report after this long; default 60 s. */
  timeoutMs?: number;
}

export interface ConmonCreateOptions extends CommonOptions {
  id: string;
  /** The bundle (container directory): config.json, and where conmon puts attach, ctl, exit, oom. */
  bundle: string;
  /** Directory conmon writes `<id>` into with the exit code (watched by the daemon). */
  exitDir: string;
  /** Keep stdin open when an attached client leaves (Docker's !StdinOnce). */
  leaveStdinOpen: boolean;
  /** Truncate the log past this size. */
  logSizeMax?: number;
}

export interface ConmonCreateResult {
  /** The container's init pid. */
  pid: number;
  /** The daemonised conmon's pid. */
  conmonPid?: number;
}

/** Runs `runc create` under a new conmon; resolves once the container exists (status created). */
export async function conmonCreate(options: ConmonCreateOptions): Promise<ConmonCreateResult> {
  const args = [
    '--api-version',
    ...commonArgs(options),
    '--cid',
    options.id,
    '--cuuid',
    options.id,
    '--name',
    options.id,
    '--bundle',
    options.bundle,
    '--full-attach',
    '--container-pidfile',
    join(options.bundle, 'pidfile'),
    '--conmon-pidfile',
    join(options.bundle, 'conmon.pid'),
    '--persist-dir',
    options.bundle,
    '--exit-dir',
    options.exitDir,
    ...(options.leaveStdinOpen ? ['--leave-stdin-open'] : []),
    ...(options.logSizeMax !== undefined && options.logSizeMax > 0
      ? ['--log-size-max', String(options.logSizeMax)]
      : []),
  ];
  const session = startConmon(options, args, options.bundle, options.id, 'create');
  try {
    const first = await session.next();
    const pid = checkPid(first, 'create', options.id);
    return { pid, conmonPid: readNumberFile(join(options.bundle, 'conmon.pid')) };
  } finally {
    // Nothing more comes for a container; holding the pipe would only keep a descriptor open.
    session.close();
  }
}

export interface ConmonExecOptions extends CommonOptions {
  containerId: string;
  execId: string;
  /** The exec session's directory: its attach socket, ctl fifo, pid file and exit file. */
  execDir: string;
  /** An OCI `process` object, written as JSON. */
  processSpecPath: string;
}

export interface ConmonExecResult {
  pid: number;
  /** Resolves with the exit code once the process has exited and its output is logged. */
  exit: Promise<number>;
}

/** Runs `runc exec` under a new conmon; resolves once the process runs. */
export async function conmonExec(options: ConmonExecOptions): Promise<ConmonExecResult> {
  const args = [
    '--api-version',
    ...commonArgs(options),
    '--exec',
    '--exec-process-spec',
    options.processSpecPath,
    '--cid',
    options.containerId,
    '--cuuid',
    options.execId,
    '--name',
    options.containerId,
    '--bundle',
    options.execDir,
    '--full-attach',
    '--container-pidfile',
    join(options.execDir, 'pid'),
    '--exit-dir',
    options.execDir,
  ];
  const session = startConmon(options, args, options.execDir, options.containerId, 'exec');
  let first: SyncMessage;
  try {
    first = await session.next();
  } catch (error) {
    session.close();
    throw error;
  }
  const pid = checkPid(first, 'exec', options.containerId, session.close);
  const exit = session
    .next(0)
    .then((message) => message.data)
    .catch((error) => {
      // The pipe ended early (conmon killed): the exit file may still say how it ended.
      const code = readNumberFile(join(options.execDir, options.containerId));
      if (code !== undefined) return code;
      throw error;
    })
    .finally(session.close);
  return { pid, exit };
}

function commonArgs(options: CommonOptions): string[] {
  return [
    '--runtime',
    options.runtime.path,
    ...options.runtime.globalArgs().flatMap((arg) => ['--runtime-arg', arg]),
    '--log-path',
    `k8s-file:${options.logPath}`,
    ...(options.terminal ? ['--terminal'] : []),
    ...(options.stdin ? ['--stdin'] : []),
  ];
}

interface ConmonSession {
  /** The next sync-pipe message; rejects when the pipe ends first or after the timeout. */
  next(timeoutMs?: number): Promise<SyncMessage>;
  close(): void;
}

function startConmon(
  options: CommonOptions,
  args: string[],
  cwd: string,
  id: string,
  operation: string,
): ConmonSession {
  const env = { PATH: options.env?.PATH ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  const child = spawn(options.conmonPath, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' },
  });
  child.unref();
  const sync = child.stdio[3] as Readable;
  const start = child.stdio[4] as Writable;
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const messages: SyncMessage[] = [];
  const waiters: { resolve: (m: SyncMessage) => void; reject: (e: Error) => void }[] = [];
  let ended: Error | undefined;
  let buffer = '';
  const fail = (error: Error) => {
    ended ??= error;
    for (const w of waiters.splice(0)) w.reject(ended);
  };
  sync.setEncoding('utf8');
  sync.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line === '') continue;
      const message = JSON.parse(line) as SyncMessage;
      const waiter = waiters.shift();
      if (waiter) waiter.resolve(message);
      else messages.push(message);
    }
  });
  sync.on('error', () => {});
  sync.on('close', () => {
    const said = runtimeMessage(stderr) || stderr.trim();
    fail(new OciRuntimeError(operation, id, said ? `conmon: ${said}` : 'conmon exited without reporting'));
  });
  child.on('error', (error) =>
    fail(new OciRuntimeError(operation, id, `cannot run conmon: ${error.message}`)),
  );
  child.on('spawn', () => {
    try {
      if (child.pid !== undefined) options.beforeStart?.(child.pid);
    } finally {
      start.end('0');
    }
  });
  start.on('error', () => {});

  return {
    next(timeoutMs = options.timeoutMs ?? 60_000) {
      const queued = messages.shift();
      if (queued) return Promise.resolve(queued);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        const timer =
          timeoutMs > 0
            ? setTimeout(
                () => reject(new OciRuntimeError(operation, id, 'conmon did not report in time')),
                timeoutMs,
              )
            : undefined;
        timer?.unref();
        waiters.push({
          resolve: (m) => {
            if (timer) clearTimeout(timer);
            resolve(m);
          },
          reject: (e) => {
            if (timer) clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    close() {
      sync.destroy();
      start.destroy();
      child.stderr?.destroy();
    },
  };
}

function checkPid(message: SyncMessage, operation: string, id: string, onError?: () => void): number {
  if (message.data > 0) return message.data;
  onError?.();
  const detail = runtimeMessage(message.message ?? '') || message.message?.trim() || `status ${message.data}`;
  throw new OciRuntimeError(operation, id, detail);
}

function readNumberFile(path: string): number | undefined {
  try {
    const value = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
