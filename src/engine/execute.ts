/**
 * Walks a plan's DAG against an engine: each step starts once the steps it waits for are done,
 * at most `concurrency` at a time. A failed step skips everything that depends on it (saying
 * why) while other branches go on; an optional dependency (`required: false`) that fails only
 * warns. Aborting (Ctrl-C) starts no new step and lets the running ones finish, so the engine
 * is never left between two halves of one step.
 */
import type { Plan, Step } from '../planner/plan.js';
import type { Engine } from './engine.js';
import { type ActionContext, runStep } from './step-actions.js';

export type ExecutionEvent =
  | { kind: 'started'; step: Step }
  | { kind: 'progress'; step: Step; message: string }
  | { kind: 'done'; step: Step; outcome: string; ms: number }
  | { kind: 'failed'; step: Step; error: Error; ms: number }
  | { kind: 'skipped'; step: Step; reason: string }
  | { kind: 'warning'; step?: Step; message: string };

export interface ExecuteOptions
  extends Omit<ActionContext, 'emit' | 'containers' | 'imageIds' | 'replaced' | 'signal'> {
  engine: Engine;
  /** Steps running at once; Compose runs unbounded, a bound keeps big projects from flooding the engine. */
  concurrency?: number;
  onEvent?: (event: ExecutionEvent) => void;
  signal?: AbortSignal;
}

export interface ExecuteResult {
  ok: boolean;
  failed: { step: Step; error: Error }[];
  skipped: { step: Step; reason: string }[];
  /** Containers of each service after the run (created, started or kept), by number. */
  containers: Record<string, { id: string; name: string; number: number }[]>;
  interrupted: boolean;
}

/** Executes `plan`; never throws for a step's failure (see ExecuteResult.failed). */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ExecuteResult> {
  const emit = options.onEvent ?? (() => {});
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const step of plan.steps) {
    const after = step.after.filter((id) => byId.has(id));
    waiting.set(step.id, after.length);
    for (const id of after) dependents.set(id, [...(dependents.get(id) ?? []), step.id]);
  }
  const ctx: ActionContext = {
    ...options,
    emit,
    containers: seedContainers(plan),
    imageIds: new Map(),
    replaced: new Set(),
    signal: options.signal,
  };
  const result: ExecuteResult = {
    ok: true,
    failed: [],
    skipped: [],
    containers: ctx.containers,
    interrupted: false,
  };
  const settled = new Set<string>();
  const blocked = new Map<string, string>();
  const ready: Step[] = plan.steps.filter((s) => waiting.get(s.id) === 0);
  const limit = Math.max(1, options.concurrency ?? 16);
  let running = 0;

  return new Promise<ExecuteResult>((resolve) => {
    const finish = () => {
      result.ok = result.failed.length === 0 && !result.interrupted;
      resolve(result);
    };
    const release = (step: Step, failure?: string) => {
      settled.add(step.id);
      for (const next of dependents.get(step.id) ?? []) {
        if (failure && !blocked.has(next)) blocked.set(next, failure);
        const left = (waiting.get(next) ?? 1) - 1;
        waiting.set(next, left);
        if (left === 0) {
          const s = byId.get(next);
          if (s) ready.push(s);
        }
      }
    };
    const pump = () => {
      while (ready.length > 0 && running < limit) {
        const step = ready.shift() as Step;
        const why = blocked.get(step.id);
        if (why !== undefined || options.signal?.aborted) {
          const reason = why ?? 'interrupted';
          if (options.signal?.aborted) result.interrupted = true;
          result.skipped.push({ step, reason });
          emit({ kind: 'skipped', step, reason });
          release(step, why ?? 'interrupted');
          continue;
        }
        running++;
        const started = Date.now();
        emit({ kind: 'started', step });
        runStep(step, ctx).then(
          (outcome) => {
            running--;
            emit({ kind: 'done', step, outcome, ms: Date.now() - started });
            release(step);
            pump();
          },
          (error: unknown) => {
            running--;
            const err = error instanceof Error ? error : new Error(String(error));
            const optional = step.kind === 'wait-service' && !step.required;
            if (options.signal?.aborted) {
              // Ctrl-C cut a wait short: not the step's fault.
              result.interrupted = true;
              result.skipped.push({ step, reason: 'interrupted' });
              emit({ kind: 'skipped', step, reason: 'interrupted' });
              release(step, 'interrupted');
            } else if (optional) {
              emit({ kind: 'warning', step, message: `${err.message} (optional dependency: going on)` });
              emit({ kind: 'done', step, outcome: 'Skipped', ms: Date.now() - started });
              release(step);
            } else {
              result.failed.push({ step, error: err });
              emit({ kind: 'failed', step, error: err, ms: Date.now() - started });
              release(step, `${describeStep(step)} failed`);
            }
            pump();
          },
        );
      }
      if (running === 0 && ready.length === 0) finish();
    };
    pump();
  });
}

/** What a step acts on, as people say it: `container trio-web-1`, `network trio_default`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'pull-image':
    case 'build-image':
    case 'remove-image':
      return `image ${step.image}`;
    case 'create-network':
    case 'remove-network':
      return `network ${step.name}`;
    case 'create-volume':
    case 'remove-volume':
      return `volume ${step.name}`;
    case 'wait-service':
      return `service ${step.service}`;
    default:
      return `container ${step.name}`;
  }
}

/** Containers the plan keeps as they are, so waits and later steps know them. */
function seedContainers(plan: Plan): ExecuteResult['containers'] {
  const out: ExecuteResult['containers'] = {};
  for (const step of plan.steps) {
    if (
      step.kind === 'keep-container' ||
      step.kind === 'start-container' ||
      step.kind === 'restart-container'
    ) {
      const list = out[step.service] ?? [];
      list.push({ id: step.containerId, name: step.name, number: step.number });
      out[step.service] = list;
    }
  }
  return out;
}
