/** What a command may touch of the process: streams, cwd, env; tests pass their own. */
import { readFileSync } from 'node:fs';

export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readStdin: () => string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The real process. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readFileSync(0, 'utf8'),
    cwd: process.cwd(),
    env: process.env,
  };
}

export type AnsiMode = 'auto' | 'always' | 'never';

/** Text styles, empty when colour is off (`--ansi never`, NO_COLOR, not a terminal). */
export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function createStyle(
  io: CliIO,
  mode: AnsiMode = 'auto',
  stream: 'stdout' | 'stderr' = 'stderr',
): Style {
  const on =
    mode === 'always' ||
    (mode === 'auto' && !!io[stream].isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (s: string) =>
    on ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
