/**
 * Batches a stream of items: a batch closes once `quietMs` pass without a new item, or
 * `maxWaitMs` after its first item (so a file written without pause still syncs). Items with
 * the same key collapse to the last one. The clock is injected, so tests drive time.
 */

/** Time and timers, as the debouncer and queues use them. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DebouncerOptions<T> {
  quietMs: number;
  maxWaitMs: number;
  flush: (items: T[]) => void;
  clock?: Clock;
}

/** Collects items and hands them over in batches. */
export class Debouncer<T> {
  private readonly items = new Map<string, T>();
  private readonly clock: Clock;
  private timer: unknown;
  private firstAt = 0;

  constructor(private readonly options: DebouncerOptions<T>) {
    this.clock = options.clock ?? systemClock;
  }

  /** Number of items waiting. */
  get size(): number {
    return this.items.size;
  }

  /** Adds an item; a later one with the same key replaces it (keeping its place in the batch). */
  push(key: string, item: T): void {
    const now = this.clock.now();
    if (this.items.size === 0) this.firstAt = now;
    this.items.delete(key);
    this.items.set(key, item);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const wait = Math.min(this.options.quietMs, Math.max(0, this.firstAt + this.options.maxWaitMs - now));
    this.timer = this.clock.setTimeout(() => this.flushNow(), wait);
  }

  /** Hands over what is waiting now. */
  flushNow(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.size === 0) return;
    const batch = [...this.items.values()];
    this.items.clear();
    this.options.flush(batch);
  }

  /** Drops what is waiting. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.items.clear();
  }
}
