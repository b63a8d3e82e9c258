/** `dev engine logs [-f] [-n N]`: the bundled engine's log file, its end, and what it appends. */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { daemonPaths } from '../../engine/daemon/daemon-paths.js';
import { DevError } from '../../model/errors.js';
import { ExitCode } from '../exit-codes.js';
import { installInterrupt } from '../interrupt.js';
import type { CommandContext } from '../program.js';
import type { EngineCommandOptions } from './engine-commands.js';

/** Prints the log (its last `--tail` lines), then with `-f` what is appended until Ctrl-C. */
export async function runEngineLogs(
  ctx: CommandContext<EngineCommandOptions & { follow?: boolean; tail?: string }>,
): Promise<number> {
  const { root, socket, follow, tail } = ctx.options;
  const paths = daemonPaths({ env: ctx.io.env, ...(root ? { root } : {}), ...(socket ? { socket } : {}) });
  const lines = tail === undefined || tail === 'all' ? undefined : Number(tail);
  if (lines !== undefined && !(Number.isInteger(lines) && lines >= 0))
    throw new DevError('USAGE', `--tail must be a number of lines or \`all\`, not ${tail}`, {
      hint: 'dev engine logs -n 50',
    });
  let text: string;
  try {
    text = readFileSync(paths.logFile, 'utf8');
  } catch {
    if (!follow) {
      throw new DevError('ENGINE_BUNDLED_NO_LOG', `the bundled engine has no log at ${paths.logFile}`, {
        hint: 'it has not run with this root yet: dev engine start',
      });
    }
    text = '';
  }
  ctx.io.stdout.write(lastLines(text, lines));
  if (!follow) return ExitCode.ok;
  let offset = Buffer.byteLength(text);
  const interrupt = installInterrupt();
  try {
    while (!interrupt.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      offset = printAppended(paths.logFile, offset, (chunk) => ctx.io.stdout.write(chunk));
    }
  } finally {
    interrupt.dispose();
  }
  return ExitCode.ok;
}

/** The last `n` lines of `text` (all when undefined), each ending in a newline. */
export function lastLines(text: string, n: number | undefined): string {
  if (text === '') return '';
  const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const kept = n === undefined ? all : n === 0 ? [] : all.slice(-n);
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}

/** Writes what was appended after `offset`; a log moved aside at a restart is read from its start. */
function printAppended(path: string, offset: number, write: (chunk: string) => void): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return offset;
  }
  const from = size < offset ? 0 : offset;
  if (size === from) return from;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    write(buffer.subarray(0, read).toString('utf8'));
    return from + read;
  } finally {
    closeSync(fd);
  }
}
