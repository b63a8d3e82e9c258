/**
 * The runtime's errors as Docker's API answers (404, 409, 400, 500), start failures with the
 * exit codes dockerd records for them (127 command not found, 126 not executable, 128 else),
 * and signal names and numbers as the API takes and reports them.
 */
import { constants } from 'node:os';
import { ApiError, badRequest } from '../api/api-error.js';
import {
  ContainerNotFoundError,
  ContainerStateError,
  OciRuntimeError,
  RuntimeSpecError,
  RuntimeUnavailableError,
} from '../runtime/index.js';

/** An ApiError for a runtime failure (others pass through). */
export function apiErrorOf(error: unknown, containerRef: string): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof ContainerNotFoundError) return new ApiError(404, `No such container: ${containerRef}`);
  if (error instanceof ContainerStateError) return new ApiError(409, error.message);
  if (error instanceof RuntimeSpecError) return new ApiError(400, error.message);
  if (error instanceof OciRuntimeError || error instanceof RuntimeUnavailableError) {
    return new ApiError(500, error.message);
  }
  return error;
}

/** What a failed start records and answers, as dockerd's translateContainerdStartErr decides. */
export function startFailure(error: unknown): { exitCode: number; error: ApiError } {
  const mapped = apiErrorOf(error, '');
  const message = mapped instanceof Error ? mapped.message : String(mapped);
  if (/executable file not found|no such file or directory|not found in \$PATH/i.test(message)) {
    return { exitCode: 127, error: new ApiError(400, message) };
  }
  if (/permission denied|is a directory/i.test(message))
    return { exitCode: 126, error: new ApiError(400, message) };
  const status = mapped instanceof ApiError ? mapped.status : 500;
  return { exitCode: 128, error: new ApiError(status, message) };
}

const NUMBERS = constants.signals as Record<string, number>;

/** `SIGTERM`, `TERM`, `15` → `SIGTERM` (or the number for real-time ones); 400 when unknown. */
export function signalName(signal: string | number): string {
  const text = String(signal).trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > 64) throw badRequest(`Invalid signal: ${signal}`);
    const name = Object.keys(NUMBERS).find((k) => NUMBERS[k] === n);
    return name ?? String(n);
  }
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  if (NUMBERS[name] !== undefined) return name;
  throw badRequest(`Invalid signal: ${signal}`);
}

/** The number of a signal name (events carry numbers). */
export function signalNumber(signal: string): number {
  return /^\d+$/.test(signal) ? Number(signal) : (NUMBERS[signal] ?? 0);
}
