/**
 * The OCI runtime's command line (runc or crun, which share it): start, kill, pause, resume,
 * delete, state, list, each one process. `create` is not here: conmon runs it, to hold stdio.
 */
import { execFile } from 'node:child_process';
import { constants, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { basename, join } from 'node:path';
import { OciRuntimeError } from './runtime-errors.js';

/** What `runc state` reports. */
export interface OciState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
  created: string;
}

export interface OciRuntimeCliOptions {
  /** The runc or crun binary. */
  path: string;
  /** Its state directory (`--root`), private to this engine. */
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Start runc containers by releasing their exec fifo instead of running `runc start`; default true. */
  fastStart?: boolean;
}

/** How long to wait for a created container's init to take its exec fifo before asking runc. */
const FIFO_WAIT_MS = 2000;

/** Runs OCI runtime commands against one state root. */
export class OciRuntimeCli {
  readonly path: string;
  readonly root: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly fastStart: boolean;

  constructor(options: OciRuntimeCliOptions) {
    this.path = options.path;
    this.root = options.root;
    this.env = options.env ?? process.env;
    this.fastStart = options.fastStart !== false && basename(options.path) === 'runc';
  }

  /** Global arguments that must precede a subcommand (conmon passes them as --runtime-arg). */
  globalArgs(): string[] {
    return ['--root', this.root];
  }

  /**
   * Lets a created container's process run. For runc this is what `runc start` does, without
   * its process: a created container's init waits to open `<root>/<id>/exec.fifo` for writing;
   * opening it for reading lets the init write one byte and exec; removing the fifo marks the
   * container running. Anything unexpected falls back to `runc start`.
   */
  async start(id: string): Promise<void> {
    if (this.fastStart && (await releaseExecFifo(join(this.root, id, 'exec.fifo')))) return;
    await this.run('start', id, ['start', id]);
  }

  /** Sends `signal` (a name such as SIGTERM, or a number) to the init process, or all with `all`. */
  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run('kill', id, ['kill', ...(all ? ['--all'] : []), id, signal]);
  }

  async pause(id: string): Promise<void> {
    await this.run('pause', id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.run('resume', id, ['resume', id]);
  }

  /** Removes the container's runtime state and cgroups; `force` kills a live one first. Missing is fine. */
  async delete(id: string, force = false): Promise<void> {
    try {
      await this.run('delete', id, ['delete', ...(force ? ['--force'] : []), id]);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }

  /** The container's state; undefined when the runtime does not know it. */
  async state(id: string): Promise<OciState | undefined> {
    try {
      return JSON.parse(await this.run('state', id, ['state', id])) as OciState;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every container under the root, in one process. */
  async list(): Promise<OciState[]> {
    const text = await this.run('list', '*', ['list', '--format', 'json']);
    const parsed = JSON.parse(text.trim() || '[]') as OciState[] | null;
    return parsed ?? [];
  }

  private run(operation: string, id: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.path,
        [...this.globalArgs(), ...args],
        { env: this.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error)
            reject(
              new OciRuntimeError(operation, id, runtimeMessage(stderr) || error.message, { cause: error }),
            );
          else resolve(stdout);
        },
      );
    });
  }
}

/** Reads the exec fifo to its end; true when the init took it (then the fifo is removed). */
function releaseExecFifo(path: string): Promise<boolean> {
  let fd: number;
  try {
    // Non-blocking: opening a fifo for reading blocks until a writer comes otherwise.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = new Socket({ fd, readable: true, writable: false });
    let received = 0;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (ok) unlinkSync(path);
      resolve(ok);
    };
    // An init that died before taking the fifo never writes: let `runc start` say so.
    const timer = setTimeout(() => finish(false), FIFO_WAIT_MS);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on('end', () => finish(received > 0));
    socket.on('error', () => finish(false));
  });
}

/** The human part of runc's (`time=… level=error msg="…"`) or crun's (`crun: …`) error output. */
export function runtimeMessage(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const messages = lines.map((line) => {
    const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    if (msg !== undefined) return msg.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    return line.replace(/^(crun|runc):\s*/, '').trim();
  });
  return messages.join('; ');
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof OciRuntimeError && /does not exist|not exist|no such file|not found/i.test(error.message)
  );
}
