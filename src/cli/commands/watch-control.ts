/** `dev watch status`, `dev watch logs [-f]`, `dev watch stop`: the background watch of a project. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { installInterrupt } from '../interrupt.js';
import type { CommandContext } from '../program.js';
import { openProject } from '../session.js';
import { runningWatch, stopBackgroundWatch, watchState } from './watch-background.js';

export interface WatchLogsOptions {
  follow?: boolean;
  tail?: string;
}

/** Prints whether a background watch runs; exit 1 when none does. */
export async function runWatchStatus(ctx: CommandContext): Promise<number> {
  const { project } = await openProject(ctx.options, ctx.io, { nameOnly: true });
  const state = watchState(project.name, ctx.io.env);
  const record = runningWatch(state);
  if (!record) {
    ctx.io.stdout.write(`not watching ${project.name} in the background\n`);
    return 1;
  }
  const since = new Date(record.started).toLocaleString();
  const ready = record.ready ? 'watching' : 'starting';
  ctx.io.stdout.write(
    `${ready} ${project.name} in the background: pid ${record.pid}, since ${since}\nlog: ${state.logFile}\n`,
  );
  return 0;
}

/** Stops the background watch by its pid. */
export async function runWatchStop(ctx: CommandContext): Promise<number> {
  const { project } = await openProject(ctx.options, ctx.io, { nameOnly: true });
  const record = await stopBackgroundWatch(watchState(project.name, ctx.io.env));
  ctx.io.stdout.write(
    record
      ? `stopped the background watch of ${project.name} (pid ${record.pid})\n`
      : `not watching ${project.name} in the background\n`,
  );
  return 0;
}

/** Prints the background watch's log; with -f, follows it until Ctrl-C or the watch ends. */
export async function runWatchLogs(ctx: CommandContext<WatchLogsOptions>): Promise<number> {
  const { project } = await openProject(ctx.options, ctx.io, { nameOnly: true });
  const state = watchState(project.name, ctx.io.env);
  if (!existsSync(state.logFile)) {
    ctx.io.stdout.write(`no watch log for ${project.name} yet\n`);
    return 0;
  }
  let offset = 0;
  const tail =
    ctx.options.tail === undefined || ctx.options.tail === 'all' ? undefined : Number(ctx.options.tail);
  const first = readFrom(state.logFile, 0);
  offset = first.length;
  const lines = first.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const shown = tail === undefined || !Number.isFinite(tail) ? lines : lines.slice(-tail);
  if (shown.length > 0) ctx.io.stdout.write(`${shown.join('\n')}\n`);
  if (!ctx.options.follow) return 0;
  const interrupt = installInterrupt();
  try {
    while (!interrupt.signal.aborted) {
      await new Promise((r) => setTimeout(r, 200));
      const size = statSync(state.logFile, { throwIfNoEntry: false })?.size ?? 0;
      if (size < offset) offset = 0;
      if (size > offset) {
        const more = readFrom(state.logFile, offset);
        offset += more.length;
        ctx.io.stdout.write(more.toString('utf8'));
      } else if (!runningWatch(state)) {
        break;
      }
    }
  } finally {
    interrupt.dispose();
  }
  return 0;
}

function readFrom(file: string, offset: number): Buffer {
  const size = statSync(file).size;
  const buffer = Buffer.alloc(Math.max(0, size - offset));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer;
}
