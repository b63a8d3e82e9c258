/** Tar entry names made safe to join under a root directory. */
import { UnsafeArchiveError } from './errors.js';

/**
 * The components of a tar entry name, `.` and empty parts dropped (`./a//b/` → `a/b`); an empty
 * string for the root. Absolute names, `..` components and NUL bytes are refused: no entry can
 * name anything outside the directory it is unpacked into.
 */
export function cleanEntryPath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw new UnsafeArchiveError(name, `${what} name contains a NUL byte`);
  if (name.startsWith('/')) throw new UnsafeArchiveError(name, `${what} has an absolute path`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UnsafeArchiveError(name, `${what} has a ".." component (path traversal)`);
    parts.push(part);
  }
  return parts.join('/');
}
