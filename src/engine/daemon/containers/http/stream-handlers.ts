/**
 * The container routes that stream: logs (framed unless TTY, optional timestamps, follow),
 * stats (a JSON line a second, or one sample), archive get/head/put, export and wait.
 */

import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../../api/api-error.js';
import { frame, queryBool, sendJson } from '../../api/http-io.js';
import type { ContainerStats } from '../../runtime/index.js';
import { parseTimeFilter } from '../../runtime/index.js';
import { encodePathStat } from '../archive-out.js';
import type { ContainerService } from '../container-service.js';
import { readNetworkCounters, statsView } from '../stats-view.js';

const RAW = 'application/vnd.docker.raw-stream';

/** Writes with backpressure; false when the client went away. */
async function write(res: ServerResponse, chunk: Buffer | string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/** GET /containers/{id}/logs. */
export async function serveLogs(
  containers: ContainerService,
  id: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const stdout = queryBool(query, 'stdout');
  const stderr = queryBool(query, 'stderr');
  if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
  const tailText = query.get('tail') ?? 'all';
  const tail = tailText === 'all' || tailText === '' || Number(tailText) < 0 ? undefined : Number(tailText);
  if (tail !== undefined && Number.isNaN(tail)) throw badRequest(`invalid tail value ${tailText}`);
  const since = timeQuery(query, 'since');
  const until = timeQuery(query, 'until');
  const timestamps = queryBool(query, 'timestamps');
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const { tty, entries } = containers.logs(id, {
    stdout,
    stderr,
    follow: queryBool(query, 'follow'),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(tail !== undefined ? { tail } : {}),
    signal: abort.signal,
  });
  res.writeHead(200, { 'Content-Type': RAW });
  res.flushHeaders();
  for await (const e of entries) {
    const data = timestamps ? Buffer.concat([Buffer.from(`${goTime(e.time)} `), e.data]) : e.data;
    if (!(await write(res, tty ? data : frame(e.stream === 'stderr' ? 2 : 1, data)))) break;
  }
  res.end();
}

function timeQuery(query: URLSearchParams, name: string): bigint | undefined {
  const value = query.get(name);
  if (!value || value === '0') return undefined;
  try {
    return parseTimeFilter(value);
  } catch {
    throw badRequest(`invalid value for "${name}": ${value}`);
  }
}

/** RFC 3339 with nanoseconds, trailing zeros dropped, as Go's RFC3339Nano prints. */
export function goTime(time: string): string {
  return time.replace(/\.(\d*?)0+Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/** GET /containers/{id}/stats. */
export async function serveStats(
  containers: ContainerService,
  id: string,
  query: URLSearchParams,
  res: ServerResponse,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const stream = queryBool(query, 'stream', true);
  const oneShot = queryBool(query, 'one-shot');
  const sample = () => {
    const s = containers.stats(id);
    return { ...s, networks: s.pid ? readNetworkCounters(s.pid) : undefined };
  };
  const view = (current: ReturnType<typeof sample>, previous: ContainerStats | undefined) =>
    statsView({
      id: current.id,
      name: current.name,
      current: current.sample,
      previous,
      networks: current.networks,
    });
  let first = sample();
  if (!stream) {
    let previous: ContainerStats | undefined;
    if (!oneShot && first.sample) {
      previous = first.sample;
      await sleep(1000);
      first = sample();
    }
    sendJson(res, 200, view(first, previous));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  let previous: ContainerStats | undefined;
  for (;;) {
    const current = previous === undefined ? first : sample();
    if (!(await write(res, `${JSON.stringify(view(current, previous))}\n`))) return;
    if (!current.sample) break;
    previous = current.sample;
    await sleep(1000);
    if (res.destroyed) return;
  }
  res.end();
}

/** GET and HEAD /containers/{id}/archive. */
export async function serveArchive(
  containers: ContainerService,
  id: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = query.get('path');
  if (!path) throw badRequest('Path cannot be empty');
  if (req.method === 'HEAD') {
    const stat = await containers.statPath(id, path);
    res.writeHead(200, {
      'X-Docker-Container-Path-Stat': encodePathStat(stat),
      'Content-Type': 'application/x-tar',
    });
    res.end();
    return;
  }
  const { stat, tar } = await containers.getArchive(id, path);
  res.writeHead(200, {
    'X-Docker-Container-Path-Stat': encodePathStat(stat),
    'Content-Type': 'application/x-tar',
  });
  await pipeChunks(tar, res);
}

/** PUT /containers/{id}/archive. */
export async function receiveArchive(
  containers: ContainerService,
  id: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = query.get('path');
  if (!path) throw badRequest('Path cannot be empty');
  await containers.putArchive(id, path, req as AsyncIterable<Buffer>, {
    noOverwriteDirNonDir: queryBool(query, 'noOverwriteDirNonDir'),
  });
  res.writeHead(200);
  res.end();
}

/** GET /containers/{id}/export. */
export async function serveExport(
  containers: ContainerService,
  id: string,
  res: ServerResponse,
): Promise<void> {
  const tar = await containers.export(id);
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  await pipeChunks(tar, res);
}

async function pipeChunks(chunks: AsyncGenerator<Buffer>, res: ServerResponse): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (!(await write(res, chunk))) {
        await chunks.return(undefined);
        return;
      }
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}

/** POST /containers/{id}/wait: the header at once (so `docker run` may start meanwhile), the body when done. */
export async function serveWait(
  containers: ContainerService,
  id: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const condition = query.get('condition') || 'not-running';
  if (condition !== 'not-running' && condition !== 'next-exit' && condition !== 'removed') {
    throw badRequest(`invalid condition: "${condition}"`);
  }
  const gone = new AbortController();
  const done = containers.wait(id, condition, gone.signal);
  res.once('close', () => gone.abort());
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const code = await done;
  if (!gone.signal.aborted) res.end(`${JSON.stringify({ Error: null, StatusCode: code })}\n`);
}
