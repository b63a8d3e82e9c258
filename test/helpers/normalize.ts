/** Shared helpers of the normalize tests: YAML text through normalizeProject. */
import { parse } from 'yaml';
import { type NormalizeOptions, normalizeProject } from '../../src/compose/normalize.js';
import { ComposeFileError } from '../../src/model/errors.js';
import type { Project } from '../../src/model/project.js';
import type { ServiceConfig } from '../../src/model/service.js';

/** Variables `lookup` knows in these tests. */
export const TEST_ENV: Record<string, string> = { FROM_ENV: 'looked-up', GIT_COMMIT: 'cdc3b19', EMPTY: '' };

/** Normalises a YAML document as project `demo` in /work/app, home /home/me. */
export function loadYaml(yaml: string, options: Partial<NormalizeOptions> = {}): Project {
  return normalizeProject(parse(yaml), {
    projectName: 'demo',
    workingDir: '/work/app',
    homeDir: '/home/me',
    lookup: (name) => TEST_ENV[name],
    ...options,
  });
}

/** The normalised service `s` whose attributes are `body` (YAML, unindented). */
export function loadService(body: string, options: Partial<NormalizeOptions> = {}): ServiceConfig {
  const indented = body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return loadYaml(`services:\n  s:\n${indented}\n`, options).services.s as ServiceConfig;
}

/** The issues (pointer and message) of the ComposeFileError `fn` throws. */
export function issuesOf(fn: () => unknown): { pointer: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ComposeFileError)
      return error.issues.map(({ pointer, message }) => ({ pointer, message }));
    throw error;
  }
  throw new Error('expected a ComposeFileError');
}
