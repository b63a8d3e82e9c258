/** Before any test: the schema's standalone validator is built from the current schema. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './helpers/corpus.js';

export default function setup(): void {
  execFileSync(process.execPath, [join(projectRoot, 'scripts/build-schema.mjs')], { stdio: 'inherit' });
}
