/**
 * Terminal progress with listr2: one task per step, driven by execution events (the executor
 * runs the plan; listr2 only draws), written to stderr as Compose does.
 */
import { Listr, type ListrTask, ProcessOutput } from 'listr2';
import type { ExecutionEvent } from '../../engine/execute.js';
import type { Step } from '../../planner/plan.js';
import type { CliIO } from '../io.js';
import type { ProgressRenderer } from './progress.js';
import { stepActiveWord, stepLabel } from './step-label.js';

interface Pending {
  resolve: (outcome: string, ms: number) => void;
  reject: (error: Error) => void;
  skip: (reason: string) => void;
  output: (text: string) => void;
  title: (text: string) => void;
}

export function ttyProgress(io: CliIO, steps: Step[]): ProgressRenderer {
  const pending = new Map<string, Pending>();
  const finished = new Set<string>();
  const early = new Map<string, ExecutionEvent>();
  const tasks: ListrTask[] = steps.map((step) => ({
    title: `${stepLabel(step)}  Waiting`,
    task: (_ctx, task) =>
      new Promise<void>((resolve, reject) => {
        const p: Pending = {
          resolve: (outcome, ms) => {
            task.title = `${stepLabel(step)}  ${outcome}${ms >= 100 ? `  ${(ms / 1000).toFixed(1)}s` : ''}`;
            resolve();
          },
          reject,
          skip: (reason) => {
            task.skip(`${stepLabel(step)}  Skipped: ${reason}`);
            resolve();
          },
          output: (text) => {
            task.output = text;
          },
          title: (text) => {
            task.title = text;
          },
        };
        pending.set(step.id, p);
        const seen = early.get(step.id);
        if (seen) apply(seen);
      }),
  }));
  const stderr = io.stderr as unknown as NodeJS.WriteStream;
  const listr = new Listr(tasks, {
    concurrent: true,
    exitOnError: false,
    collectErrors: false,
    registerSignalListeners: false,
    rendererOptions: {
      collapseErrors: false,
      showErrorMessage: true,
    } as never,
    ...({ processOutput: new ProcessOutput(stderr, stderr) } as object),
  });
  const running = listr.run().catch(() => {});

  function apply(e: ExecutionEvent): void {
    if (!('step' in e) || !e.step) return;
    if (e.kind === 'done' || e.kind === 'failed' || e.kind === 'skipped') finished.add(e.step.id);
    const p = pending.get(e.step.id);
    if (!p) {
      // listr2 starts tasks on its next tick; keep what arrives before that.
      if (e.kind !== 'progress') early.set(e.step.id, e);
      return;
    }
    switch (e.kind) {
      case 'progress':
        p.output(e.message);
        break;
      case 'done':
        p.resolve(e.outcome, e.ms);
        break;
      case 'failed':
        p.reject(e.error);
        break;
      case 'skipped':
        p.skip(e.reason);
        break;
      case 'started':
        p.title(`${stepLabel(e.step)}  ${stepActiveWord(e.step)}`);
        break;
      default:
        break;
    }
  }

  return {
    onEvent: (e) => {
      if (e.kind === 'warning' && !e.step) {
        io.stderr.write(`warning: ${e.message}\n`);
        return;
      }
      apply(e);
    },
    close: async () => {
      // Steps that never ran (the run was interrupted) end as skipped so listr2 can finish.
      for (const step of steps) {
        if (finished.has(step.id)) continue;
        finished.add(step.id);
        const p = pending.get(step.id);
        if (p) p.skip('not run');
        else early.set(step.id, { kind: 'skipped', step, reason: 'not run' });
      }
      await running;
    },
  };
}
