/**
 * Streaming a session (attach, exec) over a hijacked connection: output as Docker's 8-byte
 * framed stream (raw with a TTY), input piped to the session's stdin (a half-close of the
 * client ends it), the connection ended when the output ends, the session closed when the
 * client goes. Also: reading a request body that an Upgrade request left in the socket.
 */
import type { Readable, Writable } from 'node:stream';
import { frame } from '../../api/http-io.js';
import type { HijackedConnection } from '../../api/router.js';
import type { OutputChunk } from '../../runtime/index.js';
import { DetachKeyFilter } from './detach-keys.js';

export interface StreamedSession {
  tty: boolean;
  output: AsyncIterable<OutputChunk>;
  stdin?: Writable;
  close(): void;
}

/** Open hijacked connections, so a daemon that stops can cut them (they would keep it waiting). */
export class OpenStreams {
  private readonly open = new Set<() => void>();

  add(cut: () => void): () => void {
    this.open.add(cut);
    return () => this.open.delete(cut);
  }

  /** Cuts every open stream. */
  closeAll(): void {
    for (const cut of [...this.open]) cut();
    this.open.clear();
  }
}

/** Pumps until the output ends or the client goes (or detaches with `detachKeys` on a terminal). */
export async function pumpSession(
  conn: HijackedConnection,
  session: StreamedSession,
  detachKeys?: number[],
  streams?: OpenStreams,
): Promise<void> {
  const untrack = streams?.add(() => {
    session.close();
    (conn.input as { destroy?: () => void }).destroy?.();
  });
  let finished = false;
  let detach: () => void = () => {};
  const detached = new Promise<'detached'>((resolve) => {
    detach = () => resolve('detached');
  });
  void conn.closed.then(() => {
    if (!finished) session.close();
  });
  const input = conn.input as Readable;
  let source: Readable = input;
  if (session.stdin) {
    const stdin = session.stdin;
    stdin.on('error', () => {});
    input.on('error', () => {});
    if (session.tty && detachKeys?.length) {
      const filter = new DetachKeyFilter(detachKeys);
      filter.once('detach', () => {
        input.unpipe(filter);
        detach();
      });
      input.pipe(filter);
      source = filter;
    }
    source.pipe(stdin);
  } else {
    input.on('error', () => {});
    input.resume();
  }
  const iterator = session.output[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), detached]);
      if (next === 'detached' || next.done) break;
      const chunk = next.value;
      const bytes = session.tty ? chunk.data : frame(chunk.stream === 'stderr' ? 2 : 1, chunk.data);
      if (!conn.write(bytes)) await drained(conn);
    }
  } catch {
    // the client went away, or the session failed: end what is left
  } finally {
    finished = true;
    untrack?.();
    if (session.stdin) source.unpipe(session.stdin);
    session.close();
    conn.end();
  }
}

/** Waits until the connection can take more (the socket's drain), or it closes. */
function drained(conn: HijackedConnection): Promise<void> {
  const target = conn.input as unknown as { once?: (event: string, fn: () => void) => void; write?: unknown };
  return new Promise((resolve) => {
    void conn.closed.then(resolve);
    if (typeof target.write === 'function' && typeof target.once === 'function')
      target.once('drain', resolve);
    else setImmediate(resolve);
  });
}

/**
 * The first `length` bytes of `input` (a request body before the stream), the rest left in it.
 * Without a length, reads nothing (a hijacked stream has no end to wait for).
 */
export function takeBody(input: NodeJS.ReadableStream, length: number): Promise<Buffer> {
  const stream = input as Readable;
  if (!(length > 0)) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (all: Buffer) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      resolve(all);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < length) return;
      stream.pause();
      const all = Buffer.concat(chunks);
      if (all.length > length) stream.unshift(all.subarray(length));
      finish(all.subarray(0, length));
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = (error: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
