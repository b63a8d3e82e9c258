/**
 * `docker attach` (and the attach half of `docker run`): the container's output from now on
 * (or from the beginning with `logs`), followed until the run ends, and its stdin. Attaching
 * to a created container works too: input and output connect when it starts.
 */
import { statSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import type { ContainerEntry } from './container-table.js';
import type { OutputChunk } from './exec-session.js';
import { readLogs } from './log-reader.js';
import { type BridgeTool, openStdinBridge, type StdinBridge } from './stdin-bridge.js';

export interface AttachOptions {
  /** Connect an input stream (only for containers created with openStdin). */
  stdin?: boolean;
  /** Default true. */
  stdout?: boolean;
  /** Default true. */
  stderr?: boolean;
  /** Replay the log from its start first. */
  logs?: boolean;
  /** Follow new output until the run ends; default true. */
  stream?: boolean;
  /**
   * For a stopped container, follow its next run instead of ending at once (stdin connects
   * when it starts): `docker start -a` attaches before it starts the container.
   */
  nextRun?: boolean;
  signal?: AbortSignal;
}

export interface AttachSession {
  /** Input to the container; end() detaches it (and closes stdin when the container has stdinOnce). */
  stdin?: Writable;
  /** Output chunks as written (partial lines as they come, e.g. a shell prompt). */
  output: AsyncIterable<OutputChunk>;
  /** Detaches: ends the output and the input. */
  close(): void;
}

/** Opens an attach session on `entry`. */
export function openAttach(
  entry: ContainerEntry,
  options: AttachOptions,
  bridgeTool: BridgeTool | undefined,
): AttachSession {
  const live = entry.status === 'running' || entry.status === 'paused';
  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  // Taken now, not when the caller starts reading: output from here on belongs to this attach.
  const from = options.logs ? 0 : fileSize(entry.paths.log);
  const waitsForRun = entry.status === 'created' || (entry.status === 'stopped' && options.nextRun === true);
  const done = entry.status === 'stopped' && !waitsForRun ? Promise.resolve() : entry.nextExit.promise;
  const follow = options.stream !== false;
  const path = entry.paths.log;

  async function* output(): AsyncGenerator<OutputChunk> {
    if (!follow && !options.logs) return;
    const entries = readLogs(path, {
      follow,
      done,
      from,
      signal: abort.signal,
      stdout: options.stdout !== false,
      stderr: options.stderr !== false,
    });
    for await (const e of entries) yield { stream: e.stream, data: e.data };
  }

  let input: PassThrough | undefined;
  if (options.stdin && entry.record.spec.process.openStdin && bridgeTool && (live || waitsForRun)) {
    const stream = new PassThrough();
    input = stream;
    const connect = (bridge: StdinBridge) => {
      entry.bridges.add(bridge);
      const forget = () => entry.bridges.delete(bridge);
      bridge.done.then(forget, forget);
      stream.pipe(bridge.stdin);
    };
    if (live) connect(openStdinBridge(bridgeTool, entry.paths.dir));
    else entry.pendingStdin.push(connect);
  }

  return {
    ...(input ? { stdin: input } : {}),
    output: output(),
    close() {
      abort.abort();
      input?.end();
    },
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
