/** Engine answers and socket failures as dev's typed errors. Pure. */
import { ConflictError, EngineConnectionError, EngineError, NotFoundError } from '../engine.js';

/** What a request does, for error messages: `start container` + `web-1`. */
export interface Operation {
  operation: string;
  resource: string;
}

/** The error for an HTTP error status; `body` is the raw response body. */
export function errorFromStatus(status: number, body: string, op: Operation): EngineError {
  const message = messageFromBody(body) || `HTTP ${status}`;
  if (status === 404) return new NotFoundError(op.operation, op.resource, message);
  if (status === 409) return new ConflictError(op.operation, op.resource, message);
  // Podman answers 500 where Docker says 409 (a name in use, a resource still used).
  if (status === 500 && /already in use|is being used|in use by/i.test(message))
    return new ConflictError(op.operation, op.resource, message);
  const code =
    status === 400
      ? 'ENGINE_BAD_REQUEST'
      : status === 401 || status === 403
        ? 'ENGINE_DENIED'
        : status === 501
          ? 'ENGINE_UNSUPPORTED'
          : 'ENGINE_FAILED';
  return new EngineError(code, op.operation, op.resource, message, {
    status,
    hint: hintFor(status, message),
  });
}

/** The engine's `{"message": …}`, or the body itself when it is short plain text; one line. */
export function messageFromBody(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (parsed && typeof parsed.message === 'string') return oneLine(parsed.message);
  } catch {
    // plain text
  }
  return oneLine(text.length > 500 ? `${text.slice(0, 500)}…` : text);
}

/** Collapses a multi-line message to one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

/** A socket-level failure, naming the endpoint. */
export function connectionError(endpoint: string, error: NodeJS.ErrnoException): EngineConnectionError {
  const why =
    {
      ENOENT: 'no socket there',
      ECONNREFUSED: 'connection refused',
      EACCES: 'permission denied (is your user allowed to use the socket?)',
      EPERM: 'permission denied',
      ETIMEDOUT: 'timed out',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ENOTFOUND: 'unknown host',
      EAI_AGAIN: 'host name lookup failed',
      ECONNRESET: 'connection reset',
      ENOTSOCK: 'not a socket',
    }[error.code ?? ''] ?? oneLine(error.message);
  return new EngineConnectionError(endpoint, why, { cause: error });
}

function hintFor(status: number, message: string): string | undefined {
  if (status === 401 || status === 403)
    return 'check your registry login (docker login) or engine permissions';
  if (/pull access denied|repository does not exist/i.test(message))
    return 'check the image name, or log in to its registry';
  return undefined;
}
