/**
 * The runtime's in-memory view of its containers: the record of each, its status, and the
 * bookkeeping of exits (per-run promises, listeners). Exits are applied here once, whichever
 * way they are noticed (inotify notice, a check after start, recovery).
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupLayout, cgroupDirsForPath } from './cgroup-layout.js';
import type { ContainerPaths, ContainerRecord, RuntimeLayout } from './container-record.js';
import { ContainerNotFoundError } from './runtime-errors.js';
import type { StdinBridge } from './stdin-bridge.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'stopped';

/** A snapshot of one container. */
export interface ContainerState {
  id: string;
  status: ContainerStatus;
  /** Init pid while running or paused. */
  pid?: number;
  conmonPid?: number;
  /** Of the last run, once it ended (128+n when killed by signal n). */
  exitCode?: number;
  oomKilled: boolean;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** How many times it was started. */
  runs: number;
  /** The bundle directory. */
  bundle: string;
  logPath: string;
  /** What create adjusted to the host (capped ulimits, dropped limits). */
  warnings: string[];
  /** The init binary bound in for `init: true`. */
  init?: { path: string; found: string };
  /** Why the last start failed. */
  startError?: string;
  /** Host path of its /dev/shm when IPC-shareable: what joiners pass as JoinNamespace.shmPath. */
  shmPath?: string;
}

/** How a run ended. */
export interface ExitInfo {
  id: string;
  exitCode: number;
  oomKilled: boolean;
  finishedAt: string;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** One container's live bookkeeping. */
export interface ContainerEntry {
  record: ContainerRecord;
  paths: ContainerPaths;
  status: ContainerStatus;
  /** True between spawning the shim and recording the start: exits are applied after. */
  starting: boolean;
  /** Resolves at the end of the current run, or of the next one when not running. */
  nextExit: Deferred<ExitInfo>;
  /** Inputs attached before start, connected once the shim is up. */
  pendingStdin: ((bridge: StdinBridge) => void)[];
  bridges: Set<StdinBridge>;
  /** Serialises start, stop, pause, resume and delete. */
  lock: Promise<unknown>;
}

/** Container entries by id, with exit handling. */
export class ContainerTable {
  private readonly entries = new Map<string, ContainerEntry>();
  private readonly listeners = new Set<(info: ExitInfo) => void>();

  constructor(
    private readonly layout: RuntimeLayout,
    private readonly clock: () => Date,
    private readonly cgroup?: CgroupLayout,
  ) {}

  add(record: ContainerRecord, status: ContainerStatus): ContainerEntry {
    const entry: ContainerEntry = {
      record,
      paths: this.layout.paths(record.id),
      status,
      starting: false,
      nextExit: deferred(),
      pendingStdin: [],
      bridges: new Set(),
      lock: Promise.resolve(),
    };
    this.entries.set(record.id, entry);
    return entry;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The entry of `id`; ContainerNotFoundError when unknown. */
  get(id: string): ContainerEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new ContainerNotFoundError(id);
    return entry;
  }

  /** Forgets `id`; whoever still waits for its exit gets ContainerNotFoundError. */
  remove(id: string): void {
    this.entries.get(id)?.nextExit.reject(new ContainerNotFoundError(id));
    this.entries.delete(id);
  }

  all(): ContainerEntry[] {
    return [...this.entries.values()];
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` after the entry's earlier locked operations. */
  locked<T>(entry: ContainerEntry, fn: () => Promise<T>): Promise<T> {
    const run = entry.lock.then(fn, fn);
    entry.lock = run.catch(() => {});
    return run;
  }

  /**
   * Applies the exit of a running container if conmon has recorded one; returns it.
   * Safe to call any time: without an exit file, or when not running, it does nothing.
   */
  applyExit(id: string): ExitInfo | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.starting || (entry.status !== 'running' && entry.status !== 'paused'))
      return undefined;
    const code = readExitCode(entry.paths.exitFile) ?? readExitCode(entry.paths.exitNotice);
    if (code === undefined) return undefined;
    return this.finish(entry, code, fileTime(entry.paths.exitFile) ?? this.clock());
  }

  /**
   * Ends the run of a live container whose conmon died without writing an exit code (killed,
   * or gone with a reboot) once its process is gone too: exit code 255, as Docker reports.
   */
  applyLost(id: string): ExitInfo | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.starting || (entry.status !== 'running' && entry.status !== 'paused'))
      return undefined;
    const { conmonPid, pid } = entry.record;
    // conmon writes the exit file before it exits: check it is dead first, then the file.
    if (conmonPid === undefined || isAlive(conmonPid)) return undefined;
    const exit = this.applyExit(id);
    if (exit) return exit;
    if (pid !== undefined && isAlive(pid)) return undefined;
    return this.finish(entry, LOST_EXIT_CODE, this.clock());
  }

  /** Records that the run ended with `exitCode` at `finishedAt`, persists it and tells the waiters. */
  finish(entry: ContainerEntry, exitCode: number, finishedAt: Date): ExitInfo {
    const info: ExitInfo = {
      id: entry.record.id,
      exitCode,
      oomKilled: existsSync(entry.paths.oomFile) || this.cgroupSawOomKill(entry),
      finishedAt: finishedAt.toISOString(),
    };
    entry.record = {
      ...entry.record,
      exitCode,
      oomKilled: info.oomKilled,
      finishedAt: info.finishedAt,
      paused: false,
    };
    delete entry.record.pid;
    entry.status = 'stopped';
    this.layout.writeRecord(entry.record);
    rmSync(entry.paths.exitNotice, { force: true });
    for (const bridge of entry.bridges) bridge.close();
    entry.bridges.clear();
    const done = entry.nextExit;
    entry.nextExit = deferred();
    done.resolve(info);
    for (const listener of this.listeners) {
      try {
        listener(info);
      } catch {
        // a listener's failure is its own
      }
    }
    return info;
  }

  /**
   * conmon notices an OOM kill through an event it registers after the process started; one
   * that comes sooner still shows in the cgroup's counter, which lasts until `runc delete`.
   */
  private cgroupSawOomKill(entry: ContainerEntry): boolean {
    if (!this.cgroup) return false;
    const dirs = cgroupDirsForPath(this.cgroup, entry.record.cgroupsPath);
    const files = [
      ...(dirs.controllers.memory ? [join(dirs.controllers.memory, 'memory.oom_control')] : []),
      ...(dirs.unified ? [join(dirs.unified, 'memory.events')] : []),
    ];
    return files.some((file) => {
      try {
        return Number(/^oom_kill (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0) > 0;
      } catch {
        return false;
      }
    });
  }

  /** A snapshot of the entry. */
  state(entry: ContainerEntry): ContainerState {
    const r = entry.record;
    const live = entry.status === 'running' || entry.status === 'paused';
    return {
      id: r.id,
      status: entry.status,
      ...(live && r.pid !== undefined ? { pid: r.pid } : {}),
      ...(live && r.conmonPid !== undefined ? { conmonPid: r.conmonPid } : {}),
      ...(entry.status === 'stopped' && r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      oomKilled: entry.status === 'stopped' && r.oomKilled === true,
      createdAt: r.createdAt,
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(entry.status === 'stopped' && r.finishedAt ? { finishedAt: r.finishedAt } : {}),
      runs: r.runs ?? 0,
      bundle: entry.paths.dir,
      logPath: entry.paths.log,
      warnings: r.warnings,
      ...(r.init ? { init: r.init } : {}),
      ...(r.startError ? { startError: r.startError } : {}),
      ...(r.spec.namespaces?.ipc?.kind === 'shareable' ? { shmPath: entry.paths.shm } : {}),
    };
  }
}

/** Exit code reported when neither the process nor its shim left one (as Docker does). */
export const LOST_EXIT_CODE = 255;

/** Whether a process exists (a zombie counts until reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the container's process exists (running or paused). */
export function isLive(entry: ContainerEntry): boolean {
  return entry.status === 'running' || entry.status === 'paused';
}

/** A promise to settle later; a rejection nobody awaits is not reported as unhandled. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The number conmon wrote to an exit file; undefined when there is none (yet). */
export function readExitCode(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^-?\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

function fileTime(path: string): Date | undefined {
  try {
    return statSync(path).mtime;
  } catch {
    return undefined;
  }
}
