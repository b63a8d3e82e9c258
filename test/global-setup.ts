/** Before any test: the CLI is built (schema validator included) from the current sources. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './helpers/corpus.js';

export default function setup(): void {
  execFileSync(process.execPath, [join(projectRoot, 'scripts/build.mjs')], { stdio: 'inherit' });
}
