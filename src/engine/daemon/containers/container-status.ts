/**
 * A container's state as the API shows it, derived from its record and the runtime: the
 * `State` object of inspect, the `State` word and `Status` sentence of the list ("Up 3
 * minutes (healthy)", "Exited (0) 2 seconds ago"), as dockerd's container/state.go words them.
 */
import { type ContainerRecord, type HealthRecord, ZERO_TIME } from './container-types.js';

export type StatusWord = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Everything the views need about the current state. */
export interface ContainerStateView {
  status: StatusWord;
  running: boolean;
  paused: boolean;
  restarting: boolean;
  removing: boolean;
  dead: boolean;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  health?: HealthRecord;
}

/** Inspect's `State`. */
export function stateObject(s: ContainerStateView): Record<string, unknown> {
  return {
    Status: s.status,
    Running: s.running || s.restarting,
    Paused: s.paused,
    Restarting: s.restarting,
    OOMKilled: s.oomKilled,
    Dead: s.dead,
    Pid: s.running ? s.pid : 0,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
    ...(s.health ? { Health: s.health } : {}),
  };
}

/** The list's `Status` sentence at `now`. */
export function statusSentence(s: ContainerStateView, now: Date): string {
  const since = (time: string) => humanDuration(now.getTime() - Date.parse(time));
  if (s.restarting) return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`;
  if (s.removing) return 'Removal In Progress';
  if (s.running) {
    if (s.paused) return `Up ${since(s.startedAt)} (Paused)`;
    if (s.health) {
      const h = s.health.Status === 'starting' ? 'health: starting' : s.health.Status;
      return `Up ${since(s.startedAt)} (${h})`;
    }
    return `Up ${since(s.startedAt)}`;
  }
  if (s.dead) return 'Dead';
  if (s.startedAt === ZERO_TIME) return 'Created';
  if (s.finishedAt === ZERO_TIME) return '';
  return `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`;
}

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** The record's state when the runtime has nothing (never started, or gone). */
export function recordedState(record: ContainerRecord): ContainerStateView {
  const s = record.state;
  const started = s.startedAt !== ZERO_TIME;
  return {
    status: started ? 'exited' : 'created',
    running: false,
    paused: false,
    restarting: false,
    removing: false,
    dead: false,
    pid: 0,
    exitCode: s.exitCode,
    error: s.error,
    oomKilled: s.oomKilled,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    ...(s.health ? { health: s.health } : {}),
  };
}
