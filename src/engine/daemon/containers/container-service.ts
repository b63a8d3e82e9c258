/**
 * Containers of the bundled engine: records, lifecycle, streams, files and what the API shows
 * of them. One instance per daemon; every operation takes a name, id or id prefix as dockerd
 * resolves them. The work is in the modules beside this one; this is their public face.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { conflict } from '../api/api-error.js';
import type { ContainersView } from '../daemon-context.js';
import type { ContainerConfig } from '../images/image-types.js';
import type { ContainerStats, TopResult } from '../runtime/index.js';
import { apiErrorOf } from './api-errors.js';
import {
  killContainer,
  pauseContainer,
  restartContainer,
  startContainer,
  stopContainer,
  unpauseContainer,
} from './container-control.js';
import { ContainerCore, type Context, type CoreOptions } from './container-core.js';
import { handleExit } from './container-exit.js';
import { containerChanges, exportContainer, getArchive, putArchive, statPath } from './container-files.js';
import {
  type AttachHandle,
  type AttachOptions,
  attachContainer,
  containerLogs,
  createExec,
  type LogsOptions,
  resizeExec,
  startExec,
} from './container-io.js';
import { connectNetwork, disconnectNetwork } from './container-networks.js';
import { recoverContainers } from './container-recovery.js';
import { pruneContainers, removeContainer, renameContainer } from './container-remove.js';
import type { CreateRequest, EndpointRequest, HostConfig } from './container-types.js';
import { updateContainer } from './container-update.js';
import { inspectContainer, type ListQuery, listContainers } from './container-views.js';
import { createContainer } from './create-container.js';
import { type ExecConfig, execInspectView } from './exec-registry.js';
import { OpenStreams } from './http/hijack-stream.js';
import { randomContainerName } from './random-name.js';

export type { AttachHandle, AttachOptions, ListQuery, LogsOptions };

export interface ContainerServiceOptions extends CoreOptions {
  randomId?: () => string;
  random?: () => number;
  hostHostname?: string;
}

/** The engine's containers. */
export class ContainerService implements ContainersView {
  readonly core: ContainerCore;
  /** Attach and exec connections, cut when the daemon stops. */
  readonly streams = new OpenStreams();
  private readonly randomId: () => string;
  private readonly random: () => number;
  private readonly hostHostname: string;
  private unsubscribe: (() => void) | undefined;

  constructor(
    readonly ctx: Context,
    options: ContainerServiceOptions = {},
  ) {
    this.core = new ContainerCore(ctx, options);
    this.randomId = options.randomId ?? (() => randomBytes(32).toString('hex'));
    this.random = options.random ?? Math.random;
    this.hostHostname = options.hostHostname ?? hostname();
    this.core.exitHooks = {
      autoRemove: (live) => removeContainer(this.core, live, { force: true, volumes: true }),
    };
  }

  /** Finds the containers on disk again after a daemon restart and starts following exits. */
  async recover(): Promise<void> {
    this.unsubscribe ??= this.ctx.runtime.onExit((info) => handleExit(this.core, info, this.core.exitHooks));
    await recoverContainers(this.core, this.core.exitHooks);
  }

  summaries(): ReturnType<ContainersView['summaries']> {
    return [...this.core.live.values()].map((live) => ({
      id: live.record.id,
      name: live.record.name,
      imageId: live.record.image,
      running: this.core.isRunning(live),
      volumes: live.record.mounts.filter((m) => m.type === 'volume').map((m) => m.source),
    }));
  }

  /** For POST /commit: the container's id, Config and whether it runs; undefined when unknown. */
  commitSource(ref: string): { id: string; config: ContainerConfig; running: boolean } | undefined {
    try {
      const live = this.core.get(ref);
      return { id: live.record.id, config: live.record.config, running: this.core.isRunning(live) };
    } catch {
      return undefined;
    }
  }

  /** For GET /system/df: every container as the list shows it, with sizes. */
  async diskUsage(): Promise<Record<string, unknown>[]> {
    return listContainers(this.core, { all: true, limit: 0, size: true, filters: {} });
  }

  /** POST /containers/create?name=. */
  async create(
    name: string | undefined,
    request: CreateRequest,
  ): Promise<{ Id: string; Warnings: string[] }> {
    const id = this.randomId();
    const chosen = name || this.freeName();
    this.core.names.reserve(chosen, id);
    try {
      const { record, warnings } = await createContainer(
        {
          images: this.ctx.images,
          volumes: this.ctx.volumes,
          networks: this.ctx.networks,
          store: this.core.store,
          resolveContainer: (ref) => this.core.get(ref).record.id,
          mountsOf: (ref) => this.core.get(ref).record.mounts.map((m) => ({ ...m })),
          hostHostname: this.hostHostname,
          host: this.ctx.runtime.host,
          now: this.core.now,
        },
        { id, name: chosen.replace(/^\//, ''), request },
      );
      const live = this.core.add(record, false);
      this.core.publish(live, 'create');
      return { Id: id, Warnings: warnings };
    } catch (error) {
      this.core.names.forget(id);
      throw apiErrorOf(error, chosen);
    }
  }

  private freeName(): string {
    for (let retry = 0; ; retry++) {
      const name = randomContainerName(this.random, retry);
      if (!this.core.names.has(name)) return name;
    }
  }

  /** The full id of `ref`. */
  resolve(ref: string): string {
    return this.core.get(ref).record.id;
  }

  inspect(ref: string, size = false): Record<string, unknown> {
    return inspectContainer(this.core, this.core.get(ref), size);
  }

  list(query: ListQuery): Record<string, unknown>[] {
    return listContainers(this.core, query);
  }

  start(ref: string): Promise<void> {
    return startContainer(this.core, this.core.get(ref));
  }

  stop(ref: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    return stopContainer(this.core, this.core.get(ref), options);
  }

  restart(ref: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    return restartContainer(this.core, this.core.get(ref), options);
  }

  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this.core, this.core.get(ref), signal);
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.core, this.core.get(ref));
  }

  unpause(ref: string): Promise<void> {
    return unpauseContainer(this.core, this.core.get(ref));
  }

  remove(ref: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return removeContainer(this.core, this.core.get(ref), options);
  }

  rename(ref: string, name: string): void {
    renameContainer(this.core, this.core.get(ref), name);
  }

  update(ref: string, body: HostConfig): Promise<{ Warnings: string[] }> {
    return updateContainer(this.core, this.core.get(ref), body);
  }

  prune(filters: Record<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    return pruneContainers(this.core, filters);
  }

  /**
   * POST /containers/{id}/wait: resolves with the exit code once `condition` holds. Checked at
   * once (404 before the answer starts); the promise settles later.
   */
  wait(
    ref: string,
    condition: 'not-running' | 'next-exit' | 'removed' = 'not-running',
    signal?: AbortSignal,
  ): Promise<number> {
    const live = this.core.get(ref);
    const state = this.core.state(live);
    if (condition === 'not-running' && !state.running && !state.restarting)
      return Promise.resolve(state.exitCode);
    return new Promise((resolve) => {
      const waiter = { condition, resolve };
      live.waiters.push(waiter);
      // a client that goes away stops waiting: its waiter must not stay behind
      signal?.addEventListener(
        'abort',
        () => {
          live.waiters = live.waiters.filter((w) => w !== waiter);
          resolve(-1);
        },
        { once: true },
      );
    });
  }

  attach(ref: string, options: AttachOptions): AttachHandle {
    return attachContainer(this.core, this.core.get(ref), options);
  }

  logs(ref: string, options: LogsOptions) {
    return containerLogs(this.core, this.core.get(ref), options);
  }

  /** POST /containers/{id}/resize. */
  resize(ref: string, size: { height: number; width: number }): void {
    const live = this.core.get(ref);
    if (!this.core.isRunning(live)) throw conflict(`Container ${live.record.id} is not running`);
    try {
      this.ctx.runtime.resize(live.record.id, size);
    } catch (error) {
      throw apiErrorOf(error, ref);
    }
  }

  async top(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    const live = this.core.get(ref);
    if (!this.core.isRunning(live)) throw conflict(`Container ${live.record.id} is not running`);
    let result: TopResult;
    try {
      result = await this.ctx.runtime.top(
        live.record.id,
        psArgs ? psArgs.split(/\s+/).filter(Boolean) : undefined,
      );
    } catch (error) {
      throw apiErrorOf(error, ref);
    }
    this.core.publish(live, 'top');
    return { Titles: result.titles, Processes: result.processes };
  }

  /** One stats sample (undefined while not running) and the pid for network counters. */
  stats(ref: string): { id: string; name: string; sample: ContainerStats | undefined; pid: number } {
    const live = this.core.get(ref);
    const rt = this.core.runtimeState(live);
    const running = rt?.status === 'running' || rt?.status === 'paused';
    return {
      id: live.record.id,
      name: live.record.name,
      sample: running ? this.ctx.runtime.stats(live.record.id) : undefined,
      pid: running ? (rt?.pid ?? 0) : 0,
    };
  }

  changes(ref: string) {
    return containerChanges(this.core, this.core.get(ref));
  }

  export(ref: string) {
    return exportContainer(this.core, this.core.get(ref));
  }

  statPath(ref: string, path: string) {
    return statPath(this.core, this.core.get(ref), path);
  }

  getArchive(ref: string, path: string) {
    return getArchive(this.core, this.core.get(ref), path);
  }

  putArchive(
    ref: string,
    path: string,
    source: AsyncIterable<Buffer>,
    options: { noOverwriteDirNonDir: boolean },
  ) {
    return putArchive(this.core, this.core.get(ref), path, source, options);
  }

  createExec(ref: string, config: ExecConfig): string {
    return createExec(this.core, this.core.get(ref), config);
  }

  startExec(execId: string) {
    return startExec(this.core, execId);
  }

  inspectExec(execId: string): Record<string, unknown> {
    return execInspectView(this.core.execs.get(execId));
  }

  execConfig(execId: string): ExecConfig {
    return this.core.execs.get(execId).config;
  }

  resizeExec(execId: string, size: { height: number; width: number }): void {
    resizeExec(this.core, execId, size);
  }

  /** For the network routes: `network connect` (running: live; stopped: at the next start). */
  connectNetwork(container: string, network: string, endpointConfig: EndpointRequest = {}): Promise<void> {
    return connectNetwork(this.core, this.core.get(container), network, endpointConfig);
  }

  /** For the network routes: `network disconnect`. */
  disconnectNetwork(container: string, network: string, force = false): Promise<void> {
    return disconnectNetwork(this.core, this.core.get(container), network, force);
  }

  /** Stops health checks and timers (containers keep running). */
  close(): void {
    this.core.closed = true;
    this.streams.closeAll();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.core.restarts.close();
    for (const live of this.core.live.values()) {
      live.health?.stop();
      live.health = undefined;
    }
  }
}
