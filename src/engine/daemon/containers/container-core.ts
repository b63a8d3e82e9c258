/**
 * What the container operations share: the parts of the daemon, the records in memory with a
 * lock per container, names, pending restarts and exec instances, and the small helpers every
 * operation needs (resolve, save, publish an event, the current state).
 */
import { ApiError } from '../api/api-error.js';
import type { DaemonContext } from '../daemon-context.js';
import type { AttachSession, ExitInfo } from '../runtime/index.js';
import { type ContainerStateView, recordedState } from './container-status.js';
import { ContainerStore } from './container-store.js';
import type { ContainerRecord } from './container-types.js';
import { ExecRegistry } from './exec-registry.js';
import type { HealthMonitor } from './health-monitor.js';
import { NameIndex } from './name-index.js';
import { RestartScheduler, systemTimers, type TimerApi } from './restart-policy.js';

export type Context = Omit<DaemonContext, 'containers'>;

/** An attach waiting for the container's next start. */
export interface PendingAttach {
  options: { stdin: boolean; stdout: boolean; stderr: boolean };
  connect(session: AttachSession): void;
  /** The container is gone: end the attach. */
  abandon(): void;
}

type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** One container in memory. */
export interface LiveContainer {
  record: ContainerRecord;
  lock: Promise<unknown>;
  removing: boolean;
  removed: boolean;
  /** Exit clean-up in progress (network teardown, unmounts): starts and removals wait for it. */
  cleanup: Promise<void> | undefined;
  health: HealthMonitor | undefined;
  pendingAttach: Set<PendingAttach>;
  waiters: { condition: WaitCondition; resolve: (code: number) => void }[];
  /** The runtime holds a container for it. */
  inRuntime: boolean;
  /** Between asking the runtime to start it and recording the start. */
  starting: boolean;
  /** An exit reported while `starting` (a process quicker than the bookkeeping), applied after. */
  deferredExit: ExitInfo | undefined;
}

export interface CoreOptions {
  timers?: TimerApi;
  now?: () => Date;
}

/** Shared state of the container part. */
export class ContainerCore {
  readonly store: ContainerStore;
  readonly names = new NameIndex();
  readonly live = new Map<string, LiveContainer>();
  readonly restarts: RestartScheduler;
  readonly execs = new ExecRegistry();
  readonly timers: TimerApi;
  readonly now: () => Date;
  closed = false;
  /** What the exit path calls back into (set by the service). */
  exitHooks: { autoRemove: (live: LiveContainer) => Promise<void> } = { autoRemove: async () => {} };

  constructor(
    readonly ctx: Context,
    options: CoreOptions = {},
  ) {
    this.store = new ContainerStore(ctx.root);
    this.timers = options.timers ?? systemTimers;
    this.restarts = new RestartScheduler(this.timers);
    this.now = options.now ?? (() => new Date());
  }

  add(record: ContainerRecord, inRuntime: boolean): LiveContainer {
    this.names.reserve(record.name, record.id);
    const live: LiveContainer = {
      record,
      lock: Promise.resolve(),
      removing: false,
      removed: false,
      cleanup: undefined,
      health: undefined,
      pendingAttach: new Set(),
      waiters: [],
      inRuntime,
      starting: false,
      deferredExit: undefined,
    };
    this.live.set(record.id, live);
    return live;
  }

  /** The container `ref` names (id, name, prefix); 404 when none. */
  get(ref: string): LiveContainer {
    const live = this.live.get(this.names.resolve(ref));
    if (!live) throw new ApiError(404, `No such container: ${ref}`);
    return live;
  }

  /** Runs `fn` after the container's earlier locked operations. */
  locked<T>(live: LiveContainer, fn: () => Promise<T>): Promise<T> {
    const run = live.lock.then(fn, fn);
    live.lock = run.catch(() => {});
    return run;
  }

  save(live: LiveContainer): void {
    if (!live.removed) this.store.save(live.record);
  }

  /** Publishes a container event with the container's labels, name and image as attributes. */
  publish(live: LiveContainer, action: string, extra: Record<string, string> = {}): void {
    const r = live.record;
    this.ctx.events.publish('container', action, r.id, {
      ...(r.config.Labels ?? {}),
      image: r.config.Image ?? '',
      name: r.name,
      ...extra,
    });
  }

  /** The current state: the runtime for liveness, the record for the rest. */
  state(live: LiveContainer): ContainerStateView {
    // First: asking the runtime applies an exit it has not reported yet (to the record too).
    const rt = this.runtimeState(live);
    const base = recordedState(live.record);
    const s = live.record.state;
    base.removing = live.removing;
    if (s.restarting) return { ...base, status: 'restarting', restarting: true };
    if (rt && (rt.status === 'running' || rt.status === 'paused')) {
      return {
        ...base,
        status: live.removing ? 'removing' : rt.status,
        running: true,
        paused: rt.status === 'paused',
        pid: rt.pid ?? s.pid,
        ...(live.health ? { health: live.health.health } : {}),
      };
    }
    if (live.removing) base.status = 'removing';
    return base;
  }

  /** Running or paused in the runtime. */
  isRunning(live: LiveContainer): boolean {
    const rt = this.runtimeState(live);
    return rt?.status === 'running' || rt?.status === 'paused';
  }

  runtimeState(live: LiveContainer) {
    if (!live.inRuntime) return undefined;
    try {
      return this.ctx.runtime.state(live.record.id);
    } catch {
      live.inRuntime = false;
      return undefined;
    }
  }

  /** Resolves the waiters `accept` selects with `code`. */
  settleWaiters(live: LiveContainer, code: number, accept: (condition: WaitCondition) => boolean): void {
    const keep: LiveContainer['waiters'] = [];
    for (const w of live.waiters) {
      if (accept(w.condition)) w.resolve(code);
      else keep.push(w);
    }
    live.waiters = keep;
  }
}
