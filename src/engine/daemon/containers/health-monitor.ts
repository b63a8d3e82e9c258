/**
 * Health checks as dockerd runs them (daemon/health.go): after each interval (the start
 * interval while starting within the start period) the test runs in the container; exit 0 is
 * healthy, anything else (a timeout is -1) a failure, which counts toward `retries` unless the
 * container is still in its start period and never was healthy. The last five results are
 * kept. Timers and the probe come in, so the logic runs without a container.
 */
import type { HealthConfig } from '../images/image-types.js';
import type { HealthLogEntry, HealthRecord } from './container-types.js';
import type { TimerApi } from './restart-policy.js';

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
/** Results kept in State.Health.Log. */
export const MAX_LOG_ENTRIES = 5;
/** Bytes of a probe's output kept. */
export const MAX_OUTPUT = 4096;

export interface ProbeResult {
  exitCode: number;
  output: string;
}

export interface HealthMonitorOptions {
  config: HealthConfig;
  /** When the current run started (ms): the start period counts from here. */
  startedAtMs: number;
  /** Runs the test once; must settle within `timeoutMs` (the caller kills what overruns). */
  probe: (command: string[], timeoutMs: number) => Promise<ProbeResult>;
  /** After every result; `changed` when the status changed. */
  onResult: (health: HealthRecord, changed: boolean) => void;
  /** Skip a round (paused containers). */
  skip?: () => boolean;
  now?: () => Date;
  timers: TimerApi;
  /** `/bin/sh -c` unless the image says otherwise. */
  shell?: string[];
}

/** The command a health test runs, or undefined for none (`NONE`, empty). */
export function healthCommand(
  test: string[] | undefined,
  shell: string[] = ['/bin/sh', '-c'],
): string[] | undefined {
  if (!test || test.length === 0) return undefined;
  const [kind, ...rest] = test;
  if (kind === 'NONE') return undefined;
  if (kind === 'CMD') return rest.length > 0 ? rest : undefined;
  if (kind === 'CMD-SHELL') return [...shell, rest.join(' ')];
  return undefined;
}

/** Probes one container run; `stop()` ends it. */
export class HealthMonitor {
  readonly health: HealthRecord;
  private handle: unknown;
  private stopped = false;
  private readonly command: string[] | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly options: HealthMonitorOptions,
    previous?: HealthRecord,
  ) {
    this.now = options.now ?? (() => new Date());
    this.command = healthCommand(options.config.Test, options.shell);
    // A new run starts over, keeping the log (dockerd's initHealthMonitor).
    this.health = { Status: 'starting', FailingStreak: 0, Log: [...(previous?.Log ?? [])] };
  }

  /** Whether the config asks for probes at all. */
  get enabled(): boolean {
    return this.command !== undefined;
  }

  start(): void {
    if (this.enabled) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== undefined) this.options.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.handle = this.options.timers.setTimeout(() => void this.round(), this.intervalMs());
  }

  private intervalMs(): number {
    const c = this.options.config;
    const interval = nsToMs(c.Interval) || DEFAULT_INTERVAL_MS;
    const startPeriod = nsToMs(c.StartPeriod);
    const inStart = this.now().getTime() - this.options.startedAtMs < startPeriod;
    // Without a start interval, probes keep the normal interval during the start period, as
    // dockerd before 25 does: a `interval: 1s` service must not wait 5 s for its first probe.
    if (inStart && this.health.Status === 'starting') return nsToMs(c.StartInterval) || interval;
    return interval;
  }

  private async round(): Promise<void> {
    this.handle = undefined;
    if (this.stopped || !this.command) return;
    if (this.options.skip?.()) return this.schedule();
    const timeoutMs = nsToMs(this.options.config.Timeout) || DEFAULT_TIMEOUT_MS;
    const start = this.now();
    let result: ProbeResult;
    try {
      result = await this.options.probe(this.command, timeoutMs);
    } catch (error) {
      result = { exitCode: -1, output: (error as Error).message };
    }
    if (this.stopped) return;
    this.record(start, result);
    this.schedule();
  }

  /** Applies one result (exported for tests through the class). */
  record(start: Date, result: ProbeResult): void {
    const entry: HealthLogEntry = {
      Start: start.toISOString(),
      End: this.now().toISOString(),
      ExitCode: result.exitCode,
      Output: result.output.length > MAX_OUTPUT ? result.output.slice(0, MAX_OUTPUT) : result.output,
    };
    const h = this.health;
    const before = h.Status;
    h.Log.push(entry);
    if (h.Log.length > MAX_LOG_ENTRIES) h.Log.splice(0, h.Log.length - MAX_LOG_ENTRIES);
    if (result.exitCode === 0) {
      h.FailingStreak = 0;
      h.Status = 'healthy';
    } else {
      const startPeriod = nsToMs(this.options.config.StartPeriod);
      const inStart = h.Status === 'starting' && start.getTime() - this.options.startedAtMs < startPeriod;
      if (!inStart) {
        h.FailingStreak += 1;
        const retries = this.options.config.Retries || DEFAULT_RETRIES;
        if (h.FailingStreak >= retries) h.Status = 'unhealthy';
      }
    }
    this.options.onResult(h, h.Status !== before);
  }
}

/** Nanoseconds (Docker's durations) to milliseconds; 0 for unset. */
export function nsToMs(ns: number | undefined): number {
  return ns && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : 0;
}

/** A duration as Go prints it (`30s`, `1.5s`, `500ms`, `1m30s`). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number((totalSeconds % 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
