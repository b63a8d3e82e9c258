/**
 * Progress of a plan as it runs, in the form `--progress` asks for: listr2 on a terminal,
 * plain (timestamped when not a terminal or in CI) lines, JSON lines, or nothing.
 */
import type { ExecutionEvent } from '../../engine/execute.js';
import type { Step } from '../../planner/plan.js';
import type { CliIO } from '../io.js';
import { plainProgress } from './progress-plain.js';
import { ttyProgress } from './progress-tty.js';

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'json' | 'quiet';

/** Receives execution events; `close` flushes and waits for the renderer to finish. */
export interface ProgressRenderer {
  onEvent(event: ExecutionEvent): void;
  close(): Promise<void>;
}

/** Steps worth a line on a terminal: all but the waits of `dev up --no-start`-like plans. */
export function visibleSteps(steps: Step[]): Step[] {
  return steps;
}

/** The renderer for `mode`, resolving `auto` from the terminal and the CI variable. */
export function createProgress(mode: ProgressMode, io: CliIO, steps: Step[]): ProgressRenderer {
  const resolved = resolveMode(mode, io);
  if (resolved === 'quiet') return { onEvent: () => {}, close: async () => {} };
  if (resolved === 'json') {
    return {
      onEvent: (e) => io.stdout.write(`${JSON.stringify(eventToJson(e))}\n`),
      close: async () => {},
    };
  }
  if (resolved === 'tty') return ttyProgress(io, visibleSteps(steps));
  const timestamps = !io.stderr.isTTY || isCi(io.env);
  return plainProgress(io, { timestamps });
}

/** auto → tty on a terminal outside CI, plain otherwise. */
export function resolveMode(mode: ProgressMode, io: CliIO): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return io.stderr.isTTY && !isCi(io.env) && io.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

export function isCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** A stable JSON shape of an event for `--progress json`. */
export function eventToJson(e: ExecutionEvent): Record<string, unknown> {
  const base = { time: new Date().toISOString(), event: e.kind };
  const step = 'step' in e && e.step ? { id: e.step.id, kind: e.step.kind } : {};
  switch (e.kind) {
    case 'done':
      return { ...base, ...step, outcome: e.outcome, ms: e.ms };
    case 'failed':
      return { ...base, ...step, error: e.error.message, ms: e.ms };
    case 'skipped':
      return { ...base, ...step, reason: e.reason };
    case 'progress':
    case 'warning':
      return { ...base, ...step, message: e.message };
    default:
      return { ...base, ...step };
  }
}
