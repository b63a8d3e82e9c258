/**
 * Runs aardvark-dns (Debian's 1.4, from podman) as the engine's DNS server: one process for
 * all networks, configured by files in a directory, reloaded with SIGHUP. It daemonizes by
 * itself, so it keeps answering while the engine's daemon restarts.
 *
 * Quirks of 1.4 met here: it forks and the parent exits when the child serves, but the child
 * keeps the parent's stdio, so it is started with stdio ignored and waited for by exit, not
 * by stream close; a reload rebinds every listener, so for a moment queries get the old
 * answer or none (callers wait for a new name with `waitForName`); a file it cannot parse
 * makes it exit, so files are written elsewhere and renamed in, never seen half-written;
 * it answers UDP only; it answers a query sent to a network's gateway with that network's
 * names even from a stranger, so the firewall lets only the network's own bridge reach it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryA } from './dns-query.js';
import { HostCommandError } from './network-errors.js';

export interface AardvarkDnsOptions {
  /** Config directory (one file per network, plus aardvark.pid). */
  configDir: string;
  /** A directory on the same file system for files being written. */
  stagingDir: string;
  binary?: string;
  port?: number;
}

const PID_FILE = 'aardvark.pid';

/** The aardvark-dns process and its config directory. */
export class AardvarkDns {
  private readonly configDir: string;
  private readonly stagingDir: string;
  private readonly binary: string;
  readonly port: number;

  constructor(options: AardvarkDnsOptions) {
    this.configDir = options.configDir;
    this.stagingDir = options.stagingDir;
    this.binary = options.binary ?? '/usr/lib/podman/aardvark-dns';
    this.port = options.port ?? 53;
  }

  /** Makes the config files exactly `files` (name → text), then reloads, starts or stops the server. */
  async sync(files: Map<string, string>): Promise<void> {
    mkdirSync(this.configDir, { recursive: true });
    mkdirSync(this.stagingDir, { recursive: true });
    let changed = false;
    for (const name of readdirSync(this.configDir)) {
      if (name === PID_FILE || files.has(name)) continue;
      rmSync(join(this.configDir, name), { force: true });
      changed = true;
    }
    for (const [name, text] of files) {
      const path = join(this.configDir, name);
      if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
      const staged = join(this.stagingDir, name);
      writeFileSync(staged, text, { mode: 0o644 });
      renameSync(staged, path);
      changed = true;
    }
    const pid = this.runningPid();
    if (files.size === 0) {
      if (pid !== undefined) await this.stop(pid);
    } else if (pid === undefined) {
      await this.start();
    } else if (changed) {
      process.kill(pid, 'SIGHUP');
    }
  }

  /** Polls `server` until `name` resolves to `address`; false when it does not within `timeoutMs`. */
  async waitForName(server: string, name: string, address: string, timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await queryA({ server, port: this.port, name, timeoutMs: 5 });
      if (answer?.includes(address)) return true;
      if (answer) await new Promise((r) => setTimeout(r, 2));
    }
    return false;
  }

  /** The server's pid when it runs (read from its pid file, checked in /proc). */
  runningPid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(join(this.configDir, PID_FILE), 'utf8').trim());
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      // a recycled pid belongs to someone else: only ours names our config directory
      return cmdline.includes('aardvark') && cmdline.includes(this.configDir) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private start(): Promise<void> {
    const args = ['--config', this.configDir, '-p', String(this.port), 'run'];
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: 'ignore', detached: true });
      child.on('error', (error) => {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const hint = missing
          ? 'install aardvark-dns (Debian: apt-get install aardvark-dns) for container names'
          : undefined;
        reject(new HostCommandError(this.binary, error.message, { cause: error, ...(hint ? { hint } : {}) }));
      });
      child.on('exit', (code) => {
        if (code === 0) resolve();
        else reject(new HostCommandError(`${this.binary} ${args.join(' ')}`, `exit code ${code}`));
      });
    });
  }

  /** Stops the server and waits until it is gone, so a new one can bind the same addresses. */
  private async stop(pid: number): Promise<void> {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 5));
    rmSync(join(this.configDir, PID_FILE), { force: true });
  }
}

/** Alive: not gone and not a zombie (a zombie holds no sockets; its reaping may lag behind). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
