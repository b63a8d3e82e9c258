/** Project names as Compose accepts them: lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
import { DevError } from '../model/errors.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

/** A directory name made into a project name: lowercased, other characters dropped. */
export function projectNameFromDirectory(dir: string): string {
  const base = dir.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return base
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export function isValidProjectName(name: string): boolean {
  return VALID.test(name);
}

/** Throws a clear error when an explicit project name (flag, env or `name:`) is not valid. */
export function checkProjectName(name: string, from: string): string {
  if (!VALID.test(name)) {
    throw new DevError('PROJECT_NAME_INVALID', `project name "${name}" (from ${from}) is not valid`, {
      hint: 'use lowercase letters, digits, dashes and underscores, starting with a letter or digit',
    });
  }
  return name;
}
