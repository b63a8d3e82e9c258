/**
 * The OCI runtime's command line (runc or crun, which share it): start, kill, pause, resume,
 * delete, state, list, each one process. `create` is not here: conmon runs it, to hold stdio.
 */
import { execFile } from 'node:child_process';
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
}

/** Runs OCI runtime commands against one state root. */
export class OciRuntimeCli {
  readonly path: string;
  readonly root: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: OciRuntimeCliOptions) {
    this.path = options.path;
    this.root = options.root;
    this.env = options.env ?? process.env;
  }

  /** Global arguments that must precede a subcommand (conmon passes them as --runtime-arg). */
  globalArgs(): string[] {
    return ['--root', this.root];
  }

  /** Lets a created container's process run. */
  async start(id: string): Promise<void> {
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
