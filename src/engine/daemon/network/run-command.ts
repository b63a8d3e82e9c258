/**
 * Runs one host tool (`ip`, `iptables-restore`, ...) with optional stdin and collects its
 * output. Batches go through stdin so one spawn does many operations.
 */
import { spawn } from 'node:child_process';
import { HostCommandError } from './network-errors.js';

export interface RunCommandOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `binary args`; throws HostCommandError when it cannot start or exits non-zero (unless allowed). */
export function runCommand(
  binary: string,
  args: string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  const display = [binary, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new HostCommandError(display, error.message, { cause: error })));
    child.on('close', (code, signal) => {
      const result = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) {
        const why = result.stderr || (signal ? `killed by ${signal}` : `exit code ${result.code}`);
        reject(new HostCommandError(display, why));
      } else {
        resolve(result);
      }
    });
    // a tool that exits before reading all its input raises EPIPE on stdin; the exit code tells the story
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
