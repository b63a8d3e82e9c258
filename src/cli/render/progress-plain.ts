/** Plain progress: one line per change, as CI logs want them; timestamped when asked. */
import type { ExecutionEvent } from '../../engine/execute.js';
import type { CliIO } from '../io.js';
import type { ProgressRenderer } from './progress.js';
import { stepActiveWord, stepLabel } from './step-label.js';

export function plainProgress(io: CliIO, options: { timestamps: boolean }): ProgressRenderer {
  const write = (text: string) =>
    io.stderr.write(`${options.timestamps ? `${new Date().toISOString()} ` : ''}${text}\n`);
  let lastProgress = new Map<string, number>();
  return {
    onEvent(e: ExecutionEvent) {
      switch (e.kind) {
        case 'started':
          if (e.step.kind !== 'keep-container' && e.step.kind !== 'wait-service') {
            write(`${stepLabel(e.step)}  ${stepActiveWord(e.step)}`);
          }
          break;
        case 'progress': {
          // Pull and build progress comes many times a second: one line a second is enough.
          const now = Date.now();
          if (now - (lastProgress.get(e.step.id) ?? 0) < 1000) break;
          lastProgress.set(e.step.id, now);
          write(`${stepLabel(e.step)}  ${e.message}`);
          break;
        }
        case 'done':
          write(`${stepLabel(e.step)}  ${e.outcome}${e.ms >= 100 ? ` (${(e.ms / 1000).toFixed(1)}s)` : ''}`);
          break;
        case 'failed':
          write(`${stepLabel(e.step)}  Error: ${e.error.message}`);
          break;
        case 'skipped':
          write(`${stepLabel(e.step)}  Skipped: ${e.reason}`);
          break;
        case 'warning':
          write(`warning: ${e.message}`);
          break;
      }
    },
    close: async () => {
      lastProgress = new Map();
    },
  };
}
