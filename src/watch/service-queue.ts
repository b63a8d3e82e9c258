/**
 * One service's work, one round at a time: what arrives while a round runs is merged and runs
 * next, so a burst of edits never queues a sync per event, and a rebuild waits until its
 * triggers have been quiet for a while: a burst that asks for a rebuild gets one. Syncs do not
 * wait for a pending rebuild; a restart does (the rebuild replaces the container anyway).
 */
import type { Clock } from './debounce.js';
import { emptyWork, isEmptyWork, mergeWork, type ServiceWork } from './rules.js';

/** What one round does: the merged work, and the containers to catch up. */
export interface Round {
  work: ServiceWork;
  /** Container ids whose files are compared with the host's. */
  catchUp: string[];
}

export interface ServiceQueueOptions {
  clock: Clock;
  /** A rebuild starts once no trigger came for this long. */
  rebuildQuietMs: number;
  /** Runs a round; reports its own failures (a rejection is only logged by the caller's onError). */
  run: (round: Round) => Promise<void>;
  onError?: (error: unknown) => void;
}

/** A serial queue that coalesces work. */
export class ServiceQueue {
  private pending: ServiceWork = emptyWork();
  private catchUp = new Set<string>();
  private running: Promise<void> | undefined;
  private lastRebuildAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly o: ServiceQueueOptions) {}

  /** Adds work; it runs as soon as the queue is free (a rebuild: once its triggers are quiet). */
  add(work: ServiceWork): void {
    if (this.closed || isEmptyWork(work)) return;
    if (work.rebuild) this.lastRebuildAt = this.o.clock.now();
    mergeWork(this.pending, work);
    this.pump();
  }

  /** Asks for a catch-up of a container in the next round. */
  requestCatchUp(containerId: string): void {
    if (this.closed) return;
    this.catchUp.add(containerId);
    this.pump();
  }

  /** Resolves when nothing is running or waiting (a rebuild waiting for quiet counts as waiting). */
  idle(): Promise<void> {
    if (!this.running && !this.hasWork()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops taking work; resolves when the running round ends. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.pending = emptyWork();
    this.catchUp.clear();
    await this.running;
    this.settleWaiters();
  }

  private hasWork(): boolean {
    return !isEmptyWork(this.pending) || this.catchUp.size > 0;
  }

  private pump(): void {
    if (this.running || this.closed) return;
    if (this.timer !== undefined) {
      this.o.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.hasWork()) {
      this.settleWaiters();
      return;
    }
    let take: ServiceWork;
    const wait = this.pending.rebuild ? this.lastRebuildAt + this.o.rebuildQuietMs - this.o.clock.now() : 0;
    if (wait > 0) {
      this.timer = this.o.clock.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      // Syncs, commands and catch-ups go now; the rebuild (and any restart) waits.
      take = { ...emptyWork(), sync: this.pending.sync, exec: this.pending.exec };
      this.pending = { ...emptyWork(), rebuild: true, restart: this.pending.restart };
      if (isEmptyWork(take) && this.catchUp.size === 0) return;
    } else {
      take = this.pending;
      this.pending = emptyWork();
    }
    const catchUp = [...this.catchUp];
    this.catchUp.clear();
    this.running = this.o
      .run({ work: take, catchUp })
      .catch((error: unknown) => this.o.onError?.(error))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private settleWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
