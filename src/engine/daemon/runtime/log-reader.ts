/**
 * Reads a container's k8s-file log as Docker's logs and attach need it: from a byte offset,
 * the end (new output only) or the last N lines; filtered by stream and time; optionally
 * joining partial chunks into whole lines; and following the file as it grows (inotify on its
 * directory, with a slow timer as a safety net) until the container is done.
 */
import { type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type LogEntry, parseK8sLogLine } from './k8s-log.js';

export interface ReadLogsOptions {
  /** Keep reading as the file grows, until `done` settles (then read what is left) or `signal` aborts. */
  follow?: boolean;
  done?: Promise<unknown>;
  signal?: AbortSignal;
  /** Only entries at or after this time (epoch nanoseconds). */
  since?: bigint;
  /** Stop at the first entry after this time. */
  until?: bigint;
  /** Start at the last `tail` complete lines of the selected streams. */
  tail?: number;
  stdout?: boolean;
  stderr?: boolean;
  /** Byte offset to start at, or `end` for new output only; default 0. Ignored with `tail`. */
  from?: number | 'end';
  /** Join partial chunks into whole lines (logs); attach wants them raw. */
  mergePartial?: boolean;
}

const CHUNK = 64 * 1024;
const MAX_MERGED = 1024 * 1024;
const NEWLINE = 0x0a;
/** Safety net for missed inotify events (a log replaced, a directory created late). */
const POLL_MS = 1000;

/** Yields the log entries `options` select, in file order. */
export async function* readLogs(path: string, options: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  const accept = (e: LogEntry) =>
    e.stream === 'stdout' ? options.stdout !== false : options.stderr !== false;
  let offset: number;
  let tail: TailStart | undefined;
  if (options.tail !== undefined) {
    tail = await findTailOffset(path, options.tail, accept);
    offset = tail.offset;
  } else if (options.from === 'end') offset = await fileSize(path);
  else offset = options.from ?? 0;

  let doneSettled = false;
  void options.done?.then(
    () => {
      doneSettled = true;
    },
    () => {
      doneSettled = true;
    },
  );
  const changes = options.follow ? new ChangeWatcher(path) : undefined;
  const merger = new PartialMerger(options.mergePartial === true);
  try {
    for (;;) {
      const lastRound = !options.follow || doneSettled || options.signal?.aborted === true;
      for await (const { entry, next } of readLines(path, offset)) {
        const start = offset;
        offset = next;
        if (!entry || !accept(entry)) continue;
        if (tail && start < tail.keepFrom && !tail.partials.has(start)) continue;
        if (options.since !== undefined && entry.timeNs < options.since) continue;
        if (options.until !== undefined && entry.timeNs > options.until) {
          yield* merger.flush();
          return;
        }
        yield* merger.push(entry);
      }
      if (lastRound || !changes) break;
      await changes.wait([options.done, abortPromise(options.signal)]);
    }
    yield* merger.flush();
  } finally {
    changes?.close();
  }
}

/** Complete lines from `offset` to the end of the file, each with the offset after it. */
async function* readLines(path: string, offset: number): AsyncGenerator<{ entry?: LogEntry; next: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return;
  }
  try {
    const size = (await handle.stat()).size;
    // A log shorter than where we were was truncated or replaced: start over.
    let position = size < offset ? 0 : offset;
    let buffer = Buffer.alloc(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      const chunk = buffer.subarray(0, bytesRead);
      const last = chunk.lastIndexOf(NEWLINE);
      if (last < 0) {
        if (bytesRead < buffer.length) return; // an incomplete last line: wait for its end
        buffer = Buffer.alloc(buffer.length * 2); // a line longer than the buffer
        continue;
      }
      let start = 0;
      while (start <= last) {
        const end = chunk.indexOf(NEWLINE, start);
        const entry = parseK8sLogLine(chunk.subarray(start, end));
        yield entry ? { entry, next: position + end + 1 } : { next: position + end + 1 };
        start = end + 1;
      }
      position += last + 1;
    }
  } finally {
    await handle.close();
  }
}

/** Where the last `count` accepted complete lines start. */
export interface TailStart {
  /** Offset to read from: the first kept line, or partial chunks of kept lines before it. */
  offset: number;
  /** The first kept line; before it only the partial chunks in `partials` are kept. */
  keepFrom: number;
  /** Start offsets of partial chunks before `keepFrom` that begin a kept line. */
  partials: Set<number>;
}

/**
 * Finds where the last `count` accepted complete lines start. Chunks of a split line may sit
 * before that point, between lines of the other stream; those are kept too: walking back, each
 * stream's partial chunks count until that stream's previous complete line.
 */
export async function findTailOffset(
  path: string,
  count: number,
  accept: (e: LogEntry) => boolean,
): Promise<TailStart> {
  const none: TailStart = { offset: 0, keepFrom: 0, partials: new Set() };
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return none;
  }
  try {
    const size = (await handle.stat()).size;
    if (count <= 0) return { offset: size, keepFrom: size, partials: new Set() };
    let found = 0;
    let result: TailStart | undefined;
    const waiting = new Set<string>(); // streams of kept lines whose earlier chunks may come
    for await (const { start, line } of backwardLines(handle, size)) {
      const entry = parseK8sLogLine(line);
      if (!entry || !accept(entry)) continue;
      if (result) {
        if (!waiting.has(entry.stream)) continue;
        if (!entry.partial) {
          waiting.delete(entry.stream);
          if (waiting.size === 0) return result;
          continue;
        }
        result.partials.add(start);
        result.offset = start;
        continue;
      }
      waiting.add(entry.stream);
      if (entry.partial) continue;
      found += 1;
      if (found === count) result = { offset: start, keepFrom: start, partials: new Set() };
    }
    return result ?? none;
  } finally {
    await handle.close();
  }
}

/** Complete lines from the end of the file backwards, with their start offsets. */
async function* backwardLines(
  handle: FileHandle,
  size: number,
): AsyncGenerator<{ start: number; line: Buffer }> {
  let position = size;
  let pending = Buffer.alloc(0); // bytes from `position` up to the last unprocessed line end
  let first = true;
  while (position > 0) {
    const length = Math.min(CHUNK, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, position);
    pending = Buffer.concat([chunk, pending]);
    if (first) {
      // Skip an incomplete last line: a writer is still on it.
      const lastNewline = pending.lastIndexOf(NEWLINE);
      if (lastNewline < 0) continue;
      pending = pending.subarray(0, lastNewline + 1);
      first = false;
    }
    let end = pending.length; // exclusive, includes the newline of the current line
    for (;;) {
      const previous = end >= 2 ? pending.lastIndexOf(NEWLINE, end - 2) : -1;
      if (previous < 0 && position > 0) break; // this line starts in an earlier chunk
      const start = previous + 1;
      if (end > start) yield { start: position + start, line: pending.subarray(start, end - 1) };
      end = start;
      if (start === 0) break;
    }
    pending = pending.subarray(0, end);
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const handle = await open(path, 'r');
    try {
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  } catch {
    return 0;
  }
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> | undefined {
  if (!signal) return undefined;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Wakes a follower when the log's directory reports a change to the log, or after POLL_MS. */
class ChangeWatcher {
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;
  private changed = false;

  constructor(path: string) {
    const name = basename(path);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.signal();
      });
      this.watcher.on('error', () => {});
    } catch {
      this.watcher = undefined; // no directory yet: the timer alone
    }
  }

  /** Resolves on the next change, when one of `also` settles, or after POLL_MS. */
  async wait(also: (Promise<unknown> | undefined)[]): Promise<void> {
    if (this.changed) {
      this.changed = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, POLL_MS);
    });
    const others = also.filter((p): p is Promise<unknown> => p !== undefined).map((p) => p.then(noop, noop));
    await Promise.race([woken, ...others]);
    clearTimeout(timer);
    this.wake = undefined;
    this.changed = false;
  }

  close(): void {
    this.watcher?.close();
    this.wake?.();
  }

  private signal(): void {
    if (this.wake) this.wake();
    else this.changed = true;
  }
}

/** Joins `P` chunks of one stream with the `F` that ends them (when enabled). */
class PartialMerger {
  private readonly pending = new Map<string, LogEntry[]>();

  constructor(private readonly enabled: boolean) {}

  *push(entry: LogEntry): Generator<LogEntry> {
    if (!this.enabled) {
      yield entry;
      return;
    }
    const parts = this.pending.get(entry.stream) ?? [];
    parts.push(entry);
    const size = parts.reduce((sum, p) => sum + p.data.length, 0);
    if (entry.partial && size < MAX_MERGED) {
      this.pending.set(entry.stream, parts);
      return;
    }
    this.pending.delete(entry.stream);
    yield join(parts, entry.partial);
  }

  *flush(): Generator<LogEntry> {
    for (const parts of this.pending.values()) yield join(parts, true);
    this.pending.clear();
  }
}

function join(parts: LogEntry[], partial: boolean): LogEntry {
  const first = parts[0] as LogEntry;
  if (parts.length === 1) return { ...first, partial };
  return { ...first, data: Buffer.concat(parts.map((p) => p.data)), partial };
}

function noop(): void {}
