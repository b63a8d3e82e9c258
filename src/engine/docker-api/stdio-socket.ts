/**
 * A socket-like stream over a child process's stdin/stdout: how `ssh host docker system
 * dial-stdio` carries HTTP to a remote engine, exactly as the docker CLI does. It offers the
 * few socket methods node's HTTP client and keep-alive agent call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { EngineConnectionError } from '../engine.js';

/** A command to run: the program and its arguments. */
export interface StdioCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Duplex over a spawned process; destroying it kills the process. */
export class StdioSocket extends Duplex {
  private readonly child: ChildProcess;
  private stderrText = '';
  private timer: NodeJS.Timeout | undefined;
  private idleMs = 0;

  constructor(
    command: StdioCommand,
    private readonly endpoint: string,
  ) {
    super({ allowHalfOpen: true });
    this.child = spawn(command.command, command.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: command.env ?? process.env,
    });
    const { stdin, stdout, stderr } = this.child;
    stdout?.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) stdout.pause();
    });
    stderr?.on('data', (chunk: Buffer) => {
      // Kept for the error message only, bounded.
      if (this.stderrText.length < 4096) this.stderrText += chunk.toString('utf8');
    });
    stdin?.on('error', () => {
      // EPIPE when the process died first: reported through 'close'.
    });
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `${command.command} is not installed` : error.message;
      this.destroy(new EngineConnectionError(this.endpoint, why, { cause: error }));
    });
    // 'close' comes once the process has exited and its output is drained: only then is it
    // known whether the end of output is a clean close or ssh failing (say, an unknown host).
    this.child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) {
        this.push(null);
        return;
      }
      const detail = this.stderrText.trim().split('\n').pop()?.trim();
      const why =
        detail ||
        (signal ? `${command.command} killed by ${signal}` : `${command.command} exited with ${code}`);
      this.destroy(new EngineConnectionError(this.endpoint, why));
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) {
      callback(new EngineConnectionError(this.endpoint, 'connection closed'));
      return;
    }
    // A failed write (EPIPE) means the process is going away: 'close' reports why, with its stderr.
    stdin.write(chunk, encoding, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Half-close: the remote end sees EOF on its stdin, as CloseWrite on a socket.
    this.child.stdin?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    callback(error);
  }

  /** No-op: there is no TCP keep-alive to set on a pipe. */
  setKeepAlive(): this {
    return this;
  }

  /** No-op, as for setKeepAlive. */
  setNoDelay(): this {
    return this;
  }

  /** Emits 'timeout' after `ms` without traffic, as net.Socket does; 0 turns it off. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    if (onTimeout) this.once('timeout', onTimeout);
    this.touch();
    return this;
  }

  /** Lets the process exit while this connection idles in a keep-alive pool. */
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (s as unknown as { unref?: () => void } | null)?.unref?.();
    }
    this.timer?.unref();
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (s as unknown as { ref?: () => void } | null)?.ref?.();
    }
    this.timer?.ref();
    return this;
  }

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.idleMs > 0) this.timer = setTimeout(() => this.emit('timeout'), this.idleMs);
  }
}
