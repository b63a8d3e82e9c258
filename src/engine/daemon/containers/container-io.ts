/**
 * A container's streams: attach (to a running container at once; to any other after its next
 * start, as `docker run` and `docker start -a` attach before they start), logs, and exec
 * instances (create, start, inspect, resize) with dockerd's events.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Writable } from 'node:stream';
import { ApiError, badRequest, conflict } from '../api/api-error.js';
import type { AttachSession, ExecSession, LogEntry, OutputChunk } from '../runtime/index.js';
import { apiErrorOf } from './api-errors.js';
import type { ContainerCore, LiveContainer, PendingAttach } from './container-core.js';
import type { ExecConfig } from './exec-registry.js';

/** An open attach. */
export interface AttachHandle {
  tty: boolean;
  output: AsyncIterable<OutputChunk>;
  stdin?: Writable;
  close(): void;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  stream: boolean;
}

/** POST /containers/{id}/attach. */
export function attachContainer(
  core: ContainerCore,
  live: LiveContainer,
  options: AttachOptions,
): AttachHandle {
  const r = live.record;
  const state = core.state(live);
  if (state.paused) throw conflict(`container ${r.id} is paused, unpause the container before attach`);
  if (state.restarting)
    throw conflict(`container ${r.id} is restarting, wait until the container is running`);
  const tty = r.config.Tty === true;
  const stdin = options.stdin && r.config.OpenStdin === true;
  const streams = { stdout: options.stdout, stderr: options.stderr };
  core.publish(live, 'attach');
  if (state.running) {
    const session = core.ctx.runtime.attach(r.id, {
      ...streams,
      stdin,
      logs: options.logs,
      stream: options.stream,
    });
    return {
      tty,
      output: session.output,
      ...(session.stdin ? { stdin: session.stdin } : {}),
      close: () => session.close(),
    };
  }
  const input = stdin ? new PassThrough() : undefined;
  let settle: (session: AttachSession | undefined) => void = () => {};
  const connected = new Promise<AttachSession | undefined>((resolve) => {
    settle = resolve;
  });
  let closed = false;
  let session: AttachSession | undefined;
  const pending: PendingAttach = {
    options: { stdin, ...streams },
    connect(s) {
      if (closed) return s.close();
      session = s;
      if (input && s.stdin) input.pipe(s.stdin);
      settle(s);
    },
    abandon: () => settle(undefined),
  };
  if (options.stream) live.pendingAttach.add(pending);
  const replay = options.logs && live.inRuntime;
  async function* output(): AsyncGenerator<OutputChunk> {
    if (replay) yield* core.ctx.runtime.attach(r.id, { ...streams, logs: true, stream: false }).output;
    if (!options.stream) return;
    const s = await connected;
    if (s) yield* s.output;
  }
  return {
    tty,
    output: output(),
    ...(input ? { stdin: input } : {}),
    close() {
      closed = true;
      live.pendingAttach.delete(pending);
      session?.close();
      settle(undefined);
      input?.end();
    },
  };
}

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  since?: bigint;
  until?: bigint;
  tail?: number;
  signal?: AbortSignal;
}

/** GET /containers/{id}/logs: entries (empty before the first start). */
export function containerLogs(
  core: ContainerCore,
  live: LiveContainer,
  options: LogsOptions,
): { tty: boolean; entries: AsyncIterable<LogEntry> } {
  const tty = live.record.config.Tty === true;
  if (!live.inRuntime) return { tty, entries: (async function* () {})() };
  const entries = core.ctx.runtime.logs(live.record.id, {
    follow: options.follow,
    stdout: options.stdout,
    stderr: options.stderr,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { tty, entries };
}

/** POST /containers/{id}/exec: the new instance's id. */
export function createExec(core: ContainerCore, live: LiveContainer, config: ExecConfig): string {
  const r = live.record;
  requireRunning(core, live);
  if (!config.Cmd?.length) throw badRequest('No exec command specified');
  const id = randomBytes(32).toString('hex');
  core.execs.add({ id, containerId: r.id, config, started: false, running: false, exitCode: null, pid: 0 });
  core.publish(live, `exec_create: ${config.Cmd.join(' ')}`, { execID: id });
  return id;
}

/** POST /exec/{id}/start: runs the process; the caller streams the session. */
export async function startExec(
  core: ContainerCore,
  execId: string,
): Promise<{ tty: boolean; session: ExecSession }> {
  const instance = core.execs.get(execId);
  const live = core.live.get(instance.containerId);
  if (!live) throw new ApiError(404, `No such container: ${instance.containerId}`);
  requireRunning(core, live);
  core.execs.claim(execId);
  const c = instance.config;
  const [height = 0, width = 0] = c.ConsoleSize ?? [];
  let session: ExecSession;
  try {
    session = await core.ctx.runtime.exec(live.record.id, {
      args: c.Cmd ?? [],
      ...(c.Env?.length ? { env: c.Env } : {}),
      ...(c.User ? { user: c.User } : {}),
      ...(c.WorkingDir ? { cwd: c.WorkingDir } : {}),
      tty: c.Tty === true,
      stdin: c.AttachStdin === true,
      ...(c.Privileged ? { privileged: true } : {}),
      ...(height > 0 && width > 0 ? { consoleSize: { height, width } } : {}),
    });
  } catch (error) {
    instance.exitCode = 126;
    throw apiErrorOf(error, live.record.id);
  }
  instance.running = true;
  instance.pid = session.pid;
  instance.session = session;
  const text = (c.Cmd ?? []).join(' ');
  core.publish(live, `exec_start: ${text}`, { execID: execId });
  const finish = (code: number) => {
    instance.running = false;
    instance.exitCode = code;
    delete instance.session;
    core.publish(live, 'exec_die', { execID: execId, exitCode: String(code) });
  };
  session.exit.then(finish, () => finish(-1));
  return { tty: c.Tty === true, session };
}

/** POST /exec/{id}/resize. */
export function resizeExec(
  core: ContainerCore,
  execId: string,
  size: { height: number; width: number },
): void {
  const instance = core.execs.get(execId);
  if (!instance.session) throw conflict(`Exec ${execId} is not running`);
  instance.session.resize(size);
}

function requireRunning(core: ContainerCore, live: LiveContainer): void {
  const state = core.state(live);
  if (!state.running || state.restarting) throw conflict(`Container ${live.record.id} is not running`);
  if (state.paused)
    throw conflict(`Container ${live.record.id} is paused, unpause the container before exec`);
}
