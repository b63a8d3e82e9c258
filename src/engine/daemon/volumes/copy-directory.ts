/**
 * Copies a directory's content with everything that makes it the same tree: owners, modes,
 * timestamps, symlinks as links, hard links, special files, extended attributes. GNU `cp -a`
 * does all of it in one process and is on every Debian system; the target directory itself
 * takes the source directory's owner and mode, as Docker's copy-up does.
 */
import { spawn } from 'node:child_process';
import { VolumeError } from './volume-errors.js';

/** Copies `source/.` into `target` (an existing directory). */
export function copyDirectoryContents(source: string, target: string, cpBinary = 'cp'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cpBinary, ['-a', '--', `${source}/.`, `${target}/`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(copyFailed(source, error.message)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(copyFailed(source, Buffer.concat(errors).toString('utf8').trim() || `exit code ${code}`));
    });
  });
}

function copyFailed(source: string, why: string): VolumeError {
  return new VolumeError(
    'VOLUME_COPY_FAILED',
    `copying ${source} into the volume failed: ${why.split('\n')[0]}`,
    {
      hint: 'check free space under the engine state root',
    },
  );
}
