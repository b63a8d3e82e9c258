/**
 * Resolves a path inside a container root file system the way the container would see it:
 * symlinks (absolute or relative) are followed but never lead outside the root.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

const MAX_LINKS = 40;

/**
 * The host path of `path` seen from inside `root`, with every symlink resolved within `root`.
 * Missing components are kept as written (so the result may not exist).
 */
export function resolveInRoot(root: string, path: string): string {
  const pending = posix.normalize(`/${path}`).split('/').filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // a missing component: keep the rest as written
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) throw new Error(`too many symlinks resolving ${path} in ${root}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return posix.join(root, ...resolved);
}
