/**
 * Restart policies as dockerd's restart manager applies them (restartmanager/restartmanager.go):
 * after each exit the delay doubles from 100 ms up to a minute, back to 100 ms once a run lasted
 * 10 s; `always` restarts unless stopped through the API, `unless-stopped` likewise,
 * `on-failure[:n]` after a non-zero exit while fewer than n restarts happened. Pure but for
 * the timer, which comes in.
 */

export const INITIAL_DELAY_MS = 100;
export const MAX_DELAY_MS = 60_000;
/** A run this long resets the delay. */
export const RESET_AFTER_MS = 10_000;

export interface RestartPolicy {
  Name?: string;
  MaximumRetryCount?: number;
}

/** Whether a container with `policy` should start again after this exit. */
export function shouldRestart(options: {
  policy: RestartPolicy;
  exitCode: number;
  manuallyStopped: boolean;
  /** Restarts done so far (Docker's RestartCount). */
  restartCount: number;
}): boolean {
  const { policy, manuallyStopped } = options;
  if (manuallyStopped) return false;
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy.MaximumRetryCount ?? 0;
      return options.exitCode !== 0 && (max === 0 || options.restartCount < max);
    }
    default:
      return false;
  }
}

/** The next delay after `previous` (0 for none yet), given how long the last run lasted. */
export function nextDelay(previousMs: number, runMs: number): number {
  const previous = runMs >= RESET_AFTER_MS ? 0 : previousMs;
  if (previous === 0) return INITIAL_DELAY_MS;
  return Math.min(previous * 2, MAX_DELAY_MS);
}

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TimerApi = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Pending restarts of one engine: one timer per container, cancelled by stop, kill and remove. */
export class RestartScheduler {
  private readonly pending = new Map<string, unknown>();
  private readonly delays = new Map<string, number>();

  constructor(private readonly timers: TimerApi = systemTimers) {}

  /** Schedules `run` after the backoff delay; returns the delay used. */
  schedule(id: string, runMs: number, run: () => void): number {
    this.cancel(id);
    const delay = nextDelay(this.delays.get(id) ?? 0, runMs);
    this.delays.set(id, delay);
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(id);
      run();
    }, delay);
    this.pending.set(id, handle);
    return delay;
  }

  /** True when a restart was waiting (and is now cancelled). */
  cancel(id: string): boolean {
    const handle = this.pending.get(id);
    if (handle === undefined) return false;
    this.timers.clearTimeout(handle);
    this.pending.delete(id);
    return true;
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /** Forgets the backoff of a removed container. */
  forget(id: string): void {
    this.cancel(id);
    this.delays.delete(id);
  }

  /** Cancels every pending restart (daemon shutdown; they resume at the next start). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }
}
