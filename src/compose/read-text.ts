/** Reading compose and env files, with one clear error for each way a path can be wrong. */
import { readFileSync, statSync } from 'node:fs';
import { DevError, type DevErrorOptions } from '../model/errors.js';
import { MAX_FILE_BYTES } from './parse-yaml.js';

/** A file that cannot be read; `reason` says why without the path (`not found`, `is a directory`). */
export class FileReadError extends DevError {
  readonly path: string;
  readonly what: string;
  readonly reason: string;

  constructor(code: string, what: string, path: string, reason: string, options: DevErrorOptions = {}) {
    super(code, `${what} ${path} ${reason}`, options);
    this.name = 'FileReadError';
    this.path = path;
    this.what = what;
    this.reason = reason;
  }
}

/** Reads a text file; `what` names it in errors ("compose file", "env file"). */
export function readTextFile(path: string, what: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      throw new FileReadError('FILE_IS_DIRECTORY', what, path, 'is a directory', {
        hint: 'pass the path of a file inside it',
      });
    }
    size = st.size;
  } catch (e) {
    if (e instanceof DevError) throw e;
    throw fileError(e, path, what);
  }
  if (size > MAX_FILE_BYTES) {
    throw new FileReadError(
      'FILE_TOO_LARGE',
      what,
      path,
      `is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
      { hint: 'is this the right file?' },
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(e, path, what);
  }
}

/** Reads all of standard input (`-f -`). */
export function readStdin(readAll: () => string = () => readFileSync(0, 'utf8')): string {
  try {
    return readAll();
  } catch (e) {
    throw new DevError('STDIN_UNREADABLE', 'could not read the compose file from standard input', {
      cause: e,
    });
  }
}

function fileError(e: unknown, path: string, what: string): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new FileReadError('FILE_NOT_FOUND', what, path, 'not found', { hint: 'check the path', cause: e });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new FileReadError('FILE_UNREADABLE', what, path, 'cannot be read: permission denied', {
      hint: 'check its permissions',
      cause: e,
    });
  }
  if (code === 'EISDIR')
    return new FileReadError('FILE_IS_DIRECTORY', what, path, 'is a directory', { cause: e });
  return new FileReadError('FILE_UNREADABLE', what, path, `cannot be read (${code ?? String(e)})`, {
    cause: e,
  });
}
