/** Runs mount(8) or umount(8) for a volume; failures become VolumeError with the tool's first stderr line. */
import { spawn } from 'node:child_process';
import { VolumeError } from './volume-errors.js';

/** Runs `binary args`; rejects with VOLUME_MOUNT_FAILED naming `volume`. */
export function runMountCommand(binary: string, args: string[], volume: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    const fail = (why: string): void =>
      reject(
        new VolumeError(
          'VOLUME_MOUNT_FAILED',
          `${binary} for volume ${volume} failed: ${why.split('\n')[0]}`,
          {
            hint: 'check the volume driver options (type, o, device); mounting needs root',
          },
        ),
      );
    child.on('error', (error) => fail(error.message));
    child.on('close', (code) =>
      code === 0 ? resolve() : fail(Buffer.concat(errors).toString('utf8').trim() || `exit ${code}`),
    );
  });
}
