/** Prints errors and warnings: one line each, `file:line:col: error: what — what to do`; never a stack trace (unless DEV_DEBUG). */
import { relative } from 'node:path';
import { ComposeFileError, type ComposeIssue, DevError } from '../model/errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliIO, Style } from './io.js';

/** One issue as a line, with the file shown relative to `cwd`. */
export function formatIssueLine(issue: ComposeIssue, cwd: string, style: Style): string {
  const file = issue.position?.file ?? issue.file;
  const shown = file?.startsWith('/') ? relative(cwd, file) || file : file;
  const where = issue.position
    ? `${shown}:${issue.position.line}:${issue.position.column}: `
    : shown
      ? `${shown}: `
      : '';
  const label = issue.severity === 'error' ? style.red('error') : style.yellow('warning');
  const hint = issue.hint ? style.dim(` — ${shortenPaths(issue.hint, cwd)}`) : '';
  return `${where}${label}: ${shortenPaths(issue.message, cwd)}${hint}`;
}

/** Absolute paths under the working directory read better relative to it. */
export function shortenPaths(text: string, cwd: string): string {
  if (cwd === '/') return text;
  return text.replaceAll(`${cwd}/`, '').replace(new RegExp(`${escapeRegExp(cwd)}(?=$|[\\s,;:)])`, 'g'), '.');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes warnings to stderr. */
export function renderWarnings(warnings: ComposeIssue[], io: CliIO, style: Style): void {
  for (const w of warnings) io.stderr.write(`${formatIssueLine(w, io.cwd, style)}\n`);
}

/** Writes an error to stderr and returns the exit code it calls for. */
export function renderError(error: unknown, io: CliIO, style: Style): number {
  if (error instanceof ComposeFileError) {
    renderWarnings(error.warnings, io, style);
    for (const issue of error.issues) io.stderr.write(`${formatIssueLine(issue, io.cwd, style)}\n`);
    if (error.issues.length > 1) io.stderr.write(`${error.issues.length} problems found\n`);
    return ExitCode.invalidProject;
  }
  if (error instanceof DevError) {
    const hint = error.hint ? style.dim(` — ${shortenPaths(error.hint, io.cwd)}`) : '';
    io.stderr.write(`${style.red('error')}: ${shortenPaths(error.message, io.cwd)}${hint}\n`);
    writeDetails(error, io);
    debugStack(error, io);
    if (error.code === 'USAGE') return ExitCode.usage;
    if (error.code === 'INTERRUPTED') return ExitCode.interrupted;
    return error.code.startsWith('COMPOSE_') ||
      error.code.startsWith('ENV_FILE') ||
      error.code.startsWith('PROJECT_NAME')
      ? ExitCode.invalidProject
      : ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(
    `${style.red('error')}: ${message}${style.dim(' — this is a bug in dev; rerun with DEV_DEBUG=1 and report it')}\n`,
  );
  debugStack(error, io);
  return ExitCode.internal;
}

/** Errors that carry more for the user (a service's last health output and log lines). */
function writeDetails(error: DevError, io: CliIO): void {
  const e = error as DevError & { healthOutput?: string; logTail?: string[]; container?: string };
  if (e.healthOutput) io.stderr.write(`  last health check: ${e.healthOutput.split('\n').join('\n    ')}\n`);
  if (e.logTail && e.logTail.length > 0) {
    io.stderr.write(`  last log lines${e.container ? ` of ${e.container}` : ''}:\n`);
    for (const line of e.logTail) io.stderr.write(`    ${line}\n`);
  }
}

function debugStack(error: unknown, io: CliIO): void {
  if (io.env.DEV_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
}
