/** The shared public corpus (../shared/corpus); suites using it skip with a message when it is absent. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = resolve(projectRoot, '../shared/corpus');
export const hasCorpus = existsSync(join(corpusDir, 'README.md'));

if (!hasCorpus) console.warn(`corpus not found at ${corpusDir}, skipping corpus tests`);

/** `describe` that is skipped, saying so, when the corpus is missing. */
export const describeCorpus = hasCorpus ? describe : describe.skip;

/** Absolute path of a file in the corpus. */
export function corpusPath(...parts: string[]): string {
  return join(corpusDir, ...parts);
}
