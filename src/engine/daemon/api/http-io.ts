/** Reading requests and writing answers the way Docker's API does. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './api-error.js';

/** The JSON body (`{}` when empty); 400 when it is not JSON. Bodies over `limit` bytes are refused. */
export async function readJson<T = Record<string, unknown>>(
  req: IncomingMessage,
  limit = 16 * 1024 * 1024,
): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw badRequest(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '' || text === 'null') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw badRequest('invalid JSON in the request body');
  }
}

/** A JSON answer. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** 204 No Content. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Docker's booleans in queries: `1`, `true`, `True`; absent → `fallback`. */
export function queryBool(query: URLSearchParams, name: string, fallback = false): boolean {
  const v = query.get(name);
  if (v === null) return fallback;
  return v === '1' || v.toLowerCase() === 'true';
}

/** `filters={"label":["a=b"]}` (or the old `{"label":{"a=b":true}}`) as key → values. */
export function queryFilters(query: URLSearchParams): Record<string, string[]> {
  const raw = query.get('filters');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest(`invalid filters: ${raw}`);
  }
  const out: Record<string, string[]> = {};
  if (!parsed || typeof parsed !== 'object') return out;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object')
      out[k] = Object.keys(v as object).filter((x) => (v as Record<string, unknown>)[x]);
  }
  return out;
}

/** Starts a stream of JSON lines (progress, events); returns a writer. */
export function startJsonStream(res: ServerResponse, status = 200): (value: unknown) => void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (value) => {
    res.write(`${JSON.stringify(value)}\r\n`);
  };
}

/** One frame of Docker's multiplexed stream: stream id (0 stdin, 1 stdout, 2 stderr), size, data. */
export function frame(stream: 0 | 1 | 2, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const head = Buffer.alloc(8);
  head.writeUInt8(stream, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
