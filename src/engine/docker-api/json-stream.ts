/**
 * Streams of JSON messages (pull, push, build, load progress; events). Engines write one object
 * per line, but some write them back to back; this splits on object boundaries either way.
 */
import type { ProgressEvent } from '../engine.js';
import { EngineError } from '../engine.js';
import type { Operation } from './api-error.js';
import { oneLine } from './api-error.js';

/** The JSON values in a byte stream, one by one. */
export async function* readJsonStream(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const splitter = new JsonSplitter();
  for await (const chunk of stream)
    yield* splitter.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  yield* splitter.end();
}

/** Finds where top-level JSON objects end, across chunk boundaries. */
export class JsonSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  /** Feeds text; returns the values completed by it. */
  push(text: string): unknown[] {
    this.buffer += text;
    const out: unknown[] = [];
    let start = 0;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if ((c === '}' || c === ']') && --this.depth === 0) {
        out.push(JSON.parse(this.buffer.slice(start, i + 1)));
        start = i + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
    this.scanned = this.buffer.length;
    if (this.depth === 0) {
      this.buffer = this.buffer.trimStart();
      this.scanned = this.buffer.length;
    }
    return out;
  }

  /** Whatever is left must be whitespace; anything else is a truncated message. */
  end(): unknown[] {
    const rest = this.buffer.trim();
    if (rest !== '') throw new SyntaxError(`truncated JSON message: ${rest.slice(0, 80)}`);
    return [];
  }
}

/** One progress message as engines write it. */
export interface ProgressMessage {
  id?: string;
  status?: string;
  stream?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: Record<string, unknown>;
}

/**
 * Reads a progress stream to its end, reporting each message; throws EngineError
 * `ENGINE_STREAM_FAILED` at the first `errorDetail`/`error`. Returns the `aux` payloads seen.
 */
export async function followProgress(
  stream: AsyncIterable<Buffer | string>,
  op: Operation,
  onProgress?: (event: ProgressEvent) => void,
  onMessage?: (message: ProgressMessage) => void,
): Promise<Record<string, unknown>[]> {
  const aux: Record<string, unknown>[] = [];
  for await (const value of readJsonStream(stream)) {
    if (!value || typeof value !== 'object') continue;
    const message = value as ProgressMessage;
    onMessage?.(message);
    if (message.errorDetail || message.error) {
      const text = message.errorDetail?.message ?? message.error ?? 'failed';
      throw new EngineError('ENGINE_STREAM_FAILED', op.operation, op.resource, oneLine(text));
    }
    if (message.aux) aux.push(message.aux);
    const status = message.status ?? message.stream?.replace(/\n$/, '');
    if (onProgress && status !== undefined && status !== '') {
      const detail = message.progressDetail;
      onProgress({
        status,
        ...(message.id ? { id: message.id } : {}),
        ...(detail?.current !== undefined ? { current: detail.current } : {}),
        ...(detail?.total !== undefined ? { total: detail.total } : {}),
      });
    }
  }
  return aux;
}
