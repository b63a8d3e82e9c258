/** Streaming container I/O over the Docker Engine API: logs, exec, attach, archives, events. */
import type { Readable } from 'node:stream';
import type { AttachStreams, EngineEvent, ExecSpec, LogLine, LogOptions, PathStat } from '../engine.js';
import { NotFoundError } from '../engine.js';
import { segment } from './docker-client.js';
import { inspectRaw } from './engine-containers.js';
import type { EngineContext } from './engine-context.js';
import { readJsonStream } from './json-stream.js';
import { LogLineAssembler } from './log-lines.js';
import { pumpFrames, readFrames } from './multiplexed-stream.js';

/** Log lines of a container; with `follow`, until it stops or `signal` aborts (then iteration just ends). */
export async function* containerLogs(
  ctx: EngineContext,
  id: string,
  options: LogOptions,
  signal?: AbortSignal,
): AsyncGenerator<LogLine> {
  const raw = await inspectRaw(ctx, id);
  if (!raw) throw new NotFoundError('read logs of', id, 'no such container');
  const res = await ctx.client
    .send({
      path: `/containers/${segment(id)}/logs`,
      query: {
        stdout: true,
        stderr: true,
        follow: options.follow || undefined,
        timestamps: options.timestamps || undefined,
        tail: options.tail === undefined ? undefined : String(options.tail),
        since: options.since,
        until: options.until,
      },
      ...(signal ? { signal } : {}),
      operation: 'read logs of',
      resource: id,
    })
    .catch((error: unknown) => {
      if (signal?.aborted) return undefined;
      throw error;
    });
  if (!res) return;
  const lines = new LogLineAssembler(options.timestamps ?? false);
  try {
    for await (const frame of readFrames(res as AsyncIterable<Buffer>, raw.Config?.Tty ?? false)) {
      yield* lines.push(frame);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    res.destroy();
  }
  yield* lines.end();
}

/** Runs a command in a container, streaming its stdio; resolves with its exit code. */
export async function execInContainer(ctx: EngineContext, id: string, spec: ExecSpec): Promise<number> {
  const env = Object.entries(spec.environment ?? {}).map(([k, v]) => `${k}=${v}`);
  const created = await ctx.client.json<{ Id: string }>({
    method: 'POST',
    path: `/containers/${segment(id)}/exec`,
    body: {
      AttachStdin: Boolean(spec.stdin),
      AttachStdout: true,
      AttachStderr: true,
      Tty: spec.tty ?? false,
      Cmd: spec.command,
      ...(env.length > 0 ? { Env: env } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.privileged ? { Privileged: true } : {}),
    },
    operation: 'exec in container',
    resource: id,
  });
  const conn = await ctx.client.hijack({
    method: 'POST',
    path: `/exec/${segment(created.Id)}/start`,
    body: { Detach: false, Tty: spec.tty ?? false },
    operation: 'exec in container',
    resource: id,
  });
  await pipeConnection(conn, spec.tty ?? false, spec);
  return execExitCode(ctx, created.Id, id);
}

/** Attaches stdio to a running container until it exits or `signal` aborts. */
export async function attachContainer(
  ctx: EngineContext,
  id: string,
  streams: AttachStreams,
  signal?: AbortSignal,
): Promise<void> {
  const conn = await ctx.client.hijack({
    method: 'POST',
    path: `/containers/${segment(id)}/attach`,
    query: { stream: true, stdin: Boolean(streams.stdin), stdout: true, stderr: true },
    operation: 'attach to container',
    resource: id,
  });
  const abort = () => conn.close();
  if (signal?.aborted) return abort();
  signal?.addEventListener('abort', abort, { once: true });
  streams.onAttached?.();
  try {
    await pipeConnection(conn, streams.tty, streams);
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** HEAD /containers/{id}/archive: what is at `path` (from the X-Docker-Container-Path-Stat header). */
export async function statPath(ctx: EngineContext, id: string, path: string): Promise<PathStat | undefined> {
  try {
    const res = await ctx.client.send({
      method: 'HEAD',
      path: `/containers/${segment(id)}/archive`,
      query: { path },
      operation: 'stat in container',
      resource: `${id}:${path}`,
    });
    const header = res.headers['x-docker-container-path-stat'];
    res.resume();
    if (typeof header !== 'string') return undefined;
    const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Omit<PathStat, 'isDirectory'>;
    return { ...stat, isDirectory: (stat.mode & (2 ** 31)) !== 0 };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** GET /containers/{id}/archive: a tar stream of `path`. */
export async function getArchive(
  ctx: EngineContext,
  id: string,
  path: string,
): Promise<NodeJS.ReadableStream> {
  return ctx.client.send({
    path: `/containers/${segment(id)}/archive`,
    query: { path },
    operation: 'copy from container',
    resource: `${id}:${path}`,
  });
}

/** PUT /containers/{id}/archive: extracts a tar into the directory `path`. */
export async function putArchive(
  ctx: EngineContext,
  id: string,
  path: string,
  tar: NodeJS.ReadableStream | Buffer,
): Promise<void> {
  await ctx.client.call({
    method: 'PUT',
    path: `/containers/${segment(id)}/archive`,
    query: { path },
    body: tar as Readable | Buffer,
    headers: { 'Content-Type': 'application/x-tar' },
    operation: 'copy into container',
    resource: `${id}:${path}`,
  });
}

/** Engine events matching the filters, until `signal` aborts (then iteration just ends). */
export async function* engineEvents(
  ctx: EngineContext,
  filters: { labels?: string[]; since?: string; until?: string },
  signal?: AbortSignal,
): AsyncGenerator<EngineEvent> {
  const res = await ctx.client
    .send({
      path: '/events',
      query: {
        since: filters.since,
        until: filters.until,
        filters: filters.labels?.length ? { label: filters.labels } : undefined,
      },
      ...(signal ? { signal } : {}),
      operation: 'watch',
      resource: 'events',
    })
    .catch((error: unknown) => {
      if (signal?.aborted) return undefined;
      throw error;
    });
  if (!res) return;
  try {
    for await (const value of readJsonStream(res as AsyncIterable<Buffer>)) {
      const e = value as {
        Type?: string;
        Action?: string;
        status?: string;
        id?: string;
        Actor?: { ID?: string; Attributes?: Record<string, string> };
        time?: number;
        timeNano?: number;
      };
      yield {
        type: e.Type ?? '',
        action: e.Action ?? e.status ?? '',
        id: e.Actor?.ID ?? e.id ?? '',
        attributes: e.Actor?.Attributes ?? {},
        time: e.timeNano ?? (e.time ?? 0) * 1e9,
      };
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    res.destroy();
  }
}

/** Feeds stdin (half-closing at its end) and writes the output until the engine closes it. */
async function pipeConnection(
  conn: Awaited<ReturnType<EngineContext['client']['hijack']>>,
  tty: boolean,
  io: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream },
): Promise<void> {
  const input = conn.input;
  const stdin = io.stdin;
  // pipe() keeps to the connection's pace and ends it (a half-close) when stdin ends.
  if (stdin && input) {
    input.on('error', () => {
      // Writing after the engine closed: the output side reports what matters.
    });
    stdin.pipe(input);
  }
  try {
    await pumpFrames(conn.output as AsyncIterable<Buffer>, tty, {
      ...(io.stdout ? { stdout: io.stdout } : {}),
      ...(io.stderr ? { stderr: io.stderr } : {}),
    });
  } finally {
    if (stdin) {
      if (input) stdin.unpipe(input);
      // A TTY's stdin (process.stdin) paused again so the process can exit.
      (stdin as { pause?: () => void }).pause?.();
    }
    conn.close();
  }
}

async function execExitCode(ctx: EngineContext, execId: string, container: string): Promise<number> {
  // The stream closes as the process exits; the engine may record the code a moment later.
  for (let attempt = 0; ; attempt++) {
    const info = await ctx.client.json<{ Running?: boolean; ExitCode?: number | null }>({
      path: `/exec/${segment(execId)}/json`,
      operation: 'inspect exec in container',
      resource: container,
    });
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    if (attempt >= 100) return info.ExitCode ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
