/**
 * Mounting overlayfs with util-linux `mount`, run with its working directory at the store root
 * so lower dirs can be given as short relative links (`l/ABC...`): the whole option string must
 * fit in one page, which is what limits the number of layers (Docker's overlay2 does the same).
 * Features that would put data outside the upper dir (index, redirect_dir, metacopy) are
 * turned off when the kernel knows them, so an upper dir always holds the full diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ImageError } from './errors.js';
import type { FsTools } from './fs-tools.js';

export interface OverlayMountOptions {
  tools: FsTools;
  /** Directory the relative paths are relative to (the store root). */
  cwd: string;
  /** Lower dirs, top first, relative to `cwd` (or absolute). */
  lower: readonly string[];
  /** Upper and work dirs; without them the mount is read-only. */
  upper?: string;
  work?: string;
  /** Absolute mount point. */
  target: string;
  /** Bytes allowed for the option string (one page). */
  pageSize?: number;
  /** Where the kernel lists overlay module parameters (for tests). */
  parametersDir?: string;
}

const OFF_WHEN_KNOWN = ['index', 'redirect_dir', 'metacopy'];

/** Mounts an overlay at `target`; ImageError when the options are too long or mount fails. */
export async function mountOverlay(options: OverlayMountOptions): Promise<void> {
  const parts = [`lowerdir=${options.lower.join(':')}`];
  if (options.upper && options.work) parts.push(`upperdir=${options.upper}`, `workdir=${options.work}`);
  const parameters = options.parametersDir ?? '/sys/module/overlay/parameters';
  for (const name of OFF_WHEN_KNOWN) if (existsSync(`${parameters}/${name}`)) parts.push(`${name}=off`);
  const data = parts.join(',');
  const limit = (options.pageSize ?? 4096) - 1;
  if (Buffer.byteLength(data) > limit) {
    throw new ImageError(
      'IMAGE_UNSUPPORTED',
      `overlay mount options are ${data.length} bytes, over the ${limit} limit`,
      {
        hint: `the image has too many layers (${options.lower.length}); squash some layers`,
      },
    );
  }
  const args = ['-t', 'overlay', 'overlay', '-o', data, options.target];
  try {
    await options.tools.run(options.tools.paths.mount, args, { cwd: options.cwd });
  } catch (error) {
    throw new ImageError(
      'IMAGE_TOOL_FAILED',
      `cannot mount the overlay at ${options.target}: ${(error as Error).message}`,
      {
        hint: 'mounting needs root, and the engine root must be on ext4 or xfs (not on overlayfs itself); see dmesg',
        cause: error,
      },
    );
  }
}

/** Unmounts `target` (detaching it, as Docker does, so a busy mount never blocks removal). */
export async function unmountOverlay(tools: FsTools, target: string): Promise<void> {
  if (!isMountPoint(target)) return;
  await tools.run(tools.paths.umount, ['-l', target]);
}

/** True when `path` is a mount point in this process's mount namespace. */
export function isMountPoint(path: string, mountinfo = '/proc/self/mountinfo'): boolean {
  const text = readFileSync(mountinfo, 'utf8');
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field !== undefined && unescapeMountPath(field) === path) return true;
  }
  return false;
}

/** mountinfo escapes space, tab, newline and backslash as `\ooo`. */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
