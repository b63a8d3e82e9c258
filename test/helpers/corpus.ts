/** The shared public corpus (../shared/corpus); suites using it skip with a message when it is absent. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = resolve(projectRoot, '../shared/corpus');
export const hasCorpus = existsSync(join(corpusDir, 'README.md'));

if (!hasCorpus) console.warn(`corpus not found at ${corpusDir}, skipping corpus tests`);

/**
 * `describe` that is skipped, saying so, when the corpus is missing; then its body is not run
 * at all (a skipped describe still runs its body to collect tests, and bodies read the corpus).
 */
export const describeCorpus: (name: string, body: () => void) => void = hasCorpus
  ? describe
  : (name) =>
      describe.skip(name, () => {
        it.skip(`needs the corpus at ${corpusDir}`, () => {});
      });

/** Absolute path of a file in the corpus. */
export function corpusPath(...parts: string[]): string {
  return join(corpusDir, ...parts);
}
