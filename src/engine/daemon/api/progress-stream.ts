/**
 * Docker's JSON message streams (pull, push, load, import) as dockerd sends them: the response
 * head goes out with the first message, so a failure before any output is a plain HTTP error
 * (404 for a missing image, 401 for refused credentials) that clients map to a typed error;
 * a failure after that is one last `errorDetail` line, which is how clients learn of it then.
 */
import type { ServerResponse } from 'node:http';
import { errorResponse } from './api-error.js';

/** A progress stream on one response. */
export interface ProgressStream {
  /** Writes one message (the head first, if not yet sent). */
  write(message: object): void;
  /** Whether the head has been sent. */
  readonly started: boolean;
  /** Aborted when the client goes away before the end: give it to long work. */
  readonly signal: AbortSignal;
  /** Ends the stream (sending an empty 200 when nothing was written). */
  end(): void;
  /**
   * After a failure: rethrows it while nothing was sent (the server answers with its status),
   * else writes it as the stream's last message and ends.
   */
  fail(error: unknown): void;
}

/** Starts a lazy progress stream on `res`. */
export function progressStream(res: ServerResponse): ProgressStream {
  const controller = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) controller.abort(new Error('the client went away'));
  });
  const start = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
  };
  const write = (message: object) => {
    if (res.writableEnded || res.destroyed) return;
    start();
    res.write(`${JSON.stringify(message)}\r\n`);
  };
  const end = () => {
    finished = true;
    if (res.writableEnded) return;
    start();
    res.end();
  };
  return {
    get started() {
      return res.headersSent;
    },
    signal: controller.signal,
    write,
    end,
    fail(error) {
      if (!res.headersSent) {
        finished = true;
        throw error;
      }
      const { message } = errorResponse(error);
      write({ errorDetail: { message }, error: message });
      end();
    },
  };
}
