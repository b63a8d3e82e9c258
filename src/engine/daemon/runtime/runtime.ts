/**
 * The container runtime the daemon's API layer calls: OCI bundles run by runc (crun where the
 * host allows) under one conmon shim per container, so containers, their logs and their exit
 * codes outlive the daemon. State lives under `rootDir`; `recover()` rebuilds the view after a
 * restart. Hot path: create writes files only; start spawns conmon (which runs `runc create`)
 * and `runc start`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AttachOptions, type AttachSession, openAttach } from './attach-session.js';
import type { ContainerStats } from './cgroup-stats.js';
import { RuntimeLayout } from './container-record.js';
import {
  type ContainerEntry,
  type ContainerState,
  ContainerTable,
  type ExitInfo,
  isLive,
} from './container-table.js';
import { writeControl } from './control-fifo.js';
import { type ExecSession, type ExecSpec, startExec } from './exec-session.js';
import { ExitWatcher } from './exit-watcher.js';
import { chooseOciRuntime, findBinary } from './find-binaries.js';
import { type HostInfo, probeHost } from './host-probe.js';
import { containerStats, containerTop } from './inspect-container.js';
import type { LogEntry } from './k8s-log.js';
import type { TopResult } from './list-processes.js';
import { type ReadLogsOptions, readLogs } from './log-reader.js';
import { OciRuntimeCli } from './oci-runtime-cli.js';
import { prepareBundle } from './prepare-bundle.js';
import { type RecoverResult, recoverContainers } from './recover-containers.js';
import { ContainerStateError, RuntimeUnavailableError } from './runtime-errors.js';
import type { CreateResult, RuntimeOptions, StopOptions } from './runtime-options.js';
import type { RuntimeSpec } from './runtime-spec.js';
import { ShimCgroup } from './shim-cgroup.js';
import { normalizeSignal } from './signals.js';
import { startContainer } from './start-container.js';
import { type BridgeTool, findBridgeTool } from './stdin-bridge.js';
import { removeContainer, sharesPidNamespace, stopContainer } from './stop-container.js';

/** How often live containers are checked for an exit the watcher did not report. */
const SWEEP_MS = 5000;

/** Runs containers; see the module comment. Call `recover()` once before use. */
export class Runtime {
  readonly host: HostInfo;
  readonly layout: RuntimeLayout;
  readonly ociRuntime: OciRuntimeCli | undefined;
  readonly conmonPath: string | undefined;
  readonly bridge: BridgeTool | undefined;
  private readonly table: ContainerTable;
  private readonly watcher: ExitWatcher;
  private readonly sweep: NodeJS.Timeout;
  private readonly shimCgroup: ShimCgroup | undefined;
  private readonly cgroupParent: string;
  private readonly clock: () => Date;

  constructor(private readonly options: RuntimeOptions) {
    this.host = options.host ?? probeHost();
    this.clock = options.clock ?? (() => new Date());
    this.layout = new RuntimeLayout(options.rootDir);
    this.cgroupParent = options.cgroupParent ?? 'dev-engine';
    const env = options.env ?? process.env;
    const find = (name: string) => findBinary(name, env.PATH);
    const ociPath = options.ociRuntimePath ?? chooseOciRuntime(this.host.cgroup, find)?.path;
    const stateDir = options.runtimeStateDir ?? join(options.rootDir, 'runc');
    this.ociRuntime = ociPath ? new OciRuntimeCli({ path: ociPath, root: stateDir, env }) : undefined;
    this.conmonPath = options.conmonPath ?? find('conmon');
    this.bridge = options.bridge === null ? undefined : (options.bridge ?? findBridgeTool(find));
    this.shimCgroup =
      options.shimCgroup === false ? undefined : new ShimCgroup(this.host.cgroup, this.cgroupParent);
    mkdirSync(this.layout.containersDir, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    this.table = new ContainerTable(this.layout, this.clock, this.host.cgroup);
    // Watch before recover() scans, so no exit falls between the scan and the watch.
    this.watcher = new ExitWatcher(this.layout.exitsDir, (id) => {
      if (this.table.has(id)) this.table.applyExit(id);
    });
    // Insurance against a lost inotify event (queue overflow) and a conmon killed outright.
    this.sweep = setInterval(() => {
      for (const entry of this.table.all()) if (isLive(entry)) this.table.applyLost(entry.record.id);
    }, options.exitSweepMs ?? SWEEP_MS);
    this.sweep.unref();
  }

  /** Rebuilds the view from the container directories and the OCI runtime's state. */
  async recover(): Promise<RecoverResult> {
    return recoverContainers({ table: this.table, layout: this.layout, oci: this.oci(), clock: this.clock });
  }

  /** Writes the bundle; nothing runs yet. */
  async create(spec: RuntimeSpec): Promise<CreateResult> {
    if (this.table.has(spec.id))
      throw new ContainerStateError(spec.id, 'existing', 'a container with this id exists');
    const record = prepareBundle({
      layout: this.layout,
      spec,
      host: this.host,
      cgroupParent: this.cgroupParent,
      now: this.clock(),
      ...(this.options.initCandidates ? { initCandidates: this.options.initCandidates } : {}),
    });
    this.table.add(record, 'created');
    return { id: spec.id, warnings: record.warnings, ...(record.init ? { init: record.init } : {}) };
  }

  /** Starts a created or stopped container; resolves once its process runs. */
  async start(id: string): Promise<ContainerState> {
    const entry = this.table.get(id);
    return this.table.locked(entry, async () => {
      if (isLive(entry)) throw new ContainerStateError(id, entry.status, 'already started');
      await startContainer({
        entry,
        oci: this.oci(),
        conmonPath: this.conmon(),
        layout: this.layout,
        bridge: this.bridge,
        clock: this.clock,
        ...this.beforeStart(),
      });
      this.table.applyExit(id); // a process quicker than our bookkeeping
      return this.table.state(entry);
    });
  }

  /** A snapshot of one container. */
  state(id: string): ContainerState {
    const entry = this.table.get(id);
    this.table.applyExit(id);
    return this.table.state(entry);
  }

  /** Snapshots of all containers, by creation time. */
  list(): ContainerState[] {
    return this.table
      .all()
      .map((e) => this.table.state(e))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Sends a signal (name or number; default SIGKILL) to the container's init process. */
  async kill(id: string, signal = 'SIGKILL'): Promise<void> {
    const entry = this.table.get(id);
    if (entry.status === 'paused') throw new ContainerStateError(id, 'paused', 'unpause it before killing');
    if (entry.status !== 'running') throw new ContainerStateError(id, entry.status, 'not running');
    const name = normalizeSignal(signal);
    await this.oci().kill(id, name, name === 'SIGKILL' && sharesPidNamespace(entry));
  }

  /** Stops a running container: stop signal, then SIGKILL after the timeout. False when it was not running. */
  async stop(id: string, options: StopOptions = {}): Promise<boolean> {
    const entry = this.table.get(id);
    return this.table.locked(entry, async () => {
      if (!isLive(entry)) return false;
      const spec = entry.record.spec;
      await stopContainer({
        entry,
        oci: this.oci(),
        signal: normalizeSignal(options.signal ?? spec.stopSignal ?? 'SIGTERM'),
        timeoutSeconds: options.timeoutSeconds ?? spec.stopTimeout ?? 10,
        thaw: () => this.thaw(entry),
      });
      return true;
    });
  }

  /** Freezes all processes of a running container. */
  async pause(id: string): Promise<void> {
    const entry = this.table.get(id);
    await this.table.locked(entry, async () => {
      if (entry.status !== 'running') throw new ContainerStateError(id, entry.status, 'not running');
      await this.oci().pause(id);
      entry.status = 'paused';
      entry.record = { ...entry.record, paused: true };
      this.layout.writeRecord(entry.record);
    });
  }

  /** Thaws a paused container. */
  async resume(id: string): Promise<void> {
    const entry = this.table.get(id);
    await this.table.locked(entry, async () => {
      if (entry.status !== 'paused') throw new ContainerStateError(id, entry.status, 'not paused');
      await this.thaw(entry);
    });
  }

  /** Removes a container and everything it left (runtime state, cgroups, files); `force` kills a live one. */
  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    const entry = this.table.get(id);
    await this.table.locked(entry, async () => {
      await removeContainer({
        entry,
        oci: this.oci(),
        cgroup: this.host.cgroup,
        force: options.force === true,
        thaw: () => this.thaw(entry),
      });
      this.table.remove(id);
    });
  }

  /**
   * Resolves when the container is not running: at once when created or stopped
   * (`not-running`), or at the end of the next run (`next-exit`).
   */
  async wait(id: string, condition: 'not-running' | 'next-exit' = 'not-running'): Promise<ExitInfo> {
    const entry = this.table.get(id);
    this.table.applyExit(id);
    if (condition === 'not-running' && (entry.status === 'created' || entry.status === 'stopped')) {
      const r = entry.record;
      return {
        id,
        exitCode: r.exitCode ?? 0,
        oomKilled: r.oomKilled === true,
        finishedAt: r.finishedAt ?? '',
      };
    }
    return entry.nextExit.promise;
  }

  /** Calls `listener` after every exit (for restart policies); returns an unsubscribe function. */
  onExit(listener: (info: ExitInfo) => void): () => void {
    return this.table.onExit(listener);
  }

  /** Starts a process in a running container. */
  async exec(id: string, spec: ExecSpec): Promise<ExecSession> {
    const entry = this.table.get(id);
    if (entry.status !== 'running')
      throw new ContainerStateError(id, entry.status, 'exec needs a running container');
    return startExec({
      containerId: id,
      paths: entry.paths,
      spec: entry.record.spec,
      exec: spec,
      conmonPath: this.conmon(),
      runtime: this.oci(),
      bridge: this.bridge,
      host: this.host,
      ...this.beforeStart(),
    });
  }

  /** Attaches to the container's stdio (see AttachOptions). */
  attach(id: string, options: AttachOptions = {}): AttachSession {
    return openAttach(this.table.get(id), options, this.bridge);
  }

  /** The container's log; `follow` ends when the current run ends. */
  logs(
    id: string,
    options: Omit<ReadLogsOptions, 'done' | 'from' | 'mergePartial'> = {},
  ): AsyncIterable<LogEntry> {
    const entry = this.table.get(id);
    const done = isLive(entry) ? entry.nextExit.promise : Promise.resolve();
    return readLogs(entry.paths.log, { ...options, done, mergePartial: true });
  }

  /** Resizes the container's terminal. */
  resize(id: string, size: { height: number; width: number }): void {
    const entry = this.table.get(id);
    if (!isLive(entry)) throw new ContainerStateError(id, entry.status, 'not running');
    writeControl(entry.paths.ctl, size);
  }

  /** Resource usage from the container's cgroup; zeros when it is not running. */
  stats(id: string): ContainerStats {
    return containerStats(this.table.get(id), this.host, this.clock());
  }

  /** The container's processes as `ps` shows them (default `ps -ef`). */
  async top(id: string, psArgs?: string[]): Promise<TopResult> {
    const psPath = this.options.psPath;
    return containerTop(this.table.get(id), this.host, {
      ...(psArgs ? { psArgs } : {}),
      ...(psPath ? { psPath } : {}),
    });
  }

  /** Stops watching; containers keep running (a new Runtime on the same root recovers them). */
  close(): void {
    this.watcher.close();
    clearInterval(this.sweep);
    for (const entry of this.table.all()) for (const bridge of entry.bridges) bridge.close();
  }

  /** Removes the shims' cgroup when no shim is left (tests and uninstall). */
  removeShimCgroup(): void {
    this.shimCgroup?.remove();
  }

  private async thaw(entry: ContainerEntry): Promise<void> {
    await this.oci().resume(entry.record.id);
    entry.status = 'running';
    entry.record = { ...entry.record, paused: false };
    this.layout.writeRecord(entry.record);
    this.table.applyExit(entry.record.id);
  }

  private beforeStart(): { beforeStart?: (pid: number) => void } {
    const shim = this.shimCgroup;
    return shim ? { beforeStart: (pid) => shim.adopt(pid) } : {};
  }

  private oci(): OciRuntimeCli {
    if (!this.ociRuntime) {
      throw new RuntimeUnavailableError(
        'an OCI runtime (runc or crun)',
        ['PATH'],
        'install runc (apt-get install runc)',
      );
    }
    return this.ociRuntime;
  }

  private conmon(): string {
    if (!this.conmonPath)
      throw new RuntimeUnavailableError('conmon', ['PATH'], 'install conmon (apt-get install conmon)');
    return this.conmonPath;
  }
}
