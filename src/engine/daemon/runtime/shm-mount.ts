/**
 * The host-side /dev/shm of an IPC-shareable container: a tmpfs in its directory, mounted by
 * the host's `mount` (Node has no mount(2)) and bound into the container, so that containers
 * joining its IPC namespace can bind the same one. Only `ipc: shareable` pays this process.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { OciRuntimeError } from './runtime-errors.js';

/** Whether `path` is a mount point (by /proc/self/mountinfo). */
export function isMountPoint(
  path: string,
  mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'),
): boolean {
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === path);
}

/** Mounts a tmpfs of `size` bytes at `path` unless one is there already. */
export async function mountShm(path: string, size: number, id: string): Promise<void> {
  if (isMountPoint(path)) return;
  const options = `nosuid,nodev,noexec,mode=1777,size=${size}`;
  await run(['mount', '-t', 'tmpfs', '-o', options, 'shm', path], id, 'mount /dev/shm');
}

/** Unmounts `path` if it is a mount point. */
export async function unmountShm(path: string, id: string): Promise<void> {
  if (!isMountPoint(path)) return;
  await run(['umount', path], id, 'unmount /dev/shm');
}

function run(argv: string[], id: string, operation: string): Promise<void> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(command, args, (error, _stdout, stderr) => {
      if (error) reject(new OciRuntimeError(operation, id, stderr.trim() || error.message));
      else resolve();
    });
  });
}
