/**
 * Container paths to host paths, symlinks evaluated in the scope of the container (an
 * absolute link restarts at the container's root, `..` stops there), through its mounts. A
 * running container is seen through `/proc/<pid>/root` (its own mount namespace: volumes,
 * tmpfs, /etc files); a stopped one through its root file system plus its binds and volumes.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** How the container's file tree is reached from the host. */
export interface ContainerFsView {
  root: string;
  /** Mounts on top of `root` (stopped containers), by container path. */
  mounts: { target: string; source: string; readOnly: boolean }[];
}

export interface ResolvedPath {
  /** Host path. */
  host: string;
  /** The container path it resolved to. */
  container: string;
  /** Inside a read-only mount. */
  readOnly: boolean;
}

const MAX_LINKS = 255;

/** Resolves `path`; `followLast` evaluates a symlink at its last element too. */
export function resolveInContainer(view: ContainerFsView, path: string, followLast = true): ResolvedPath {
  const pending = split(path);
  let current = '/';
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.' || part === '') continue;
    if (part === '..') {
      current = posix.dirname(current);
      continue;
    }
    const next = posix.join(current, part);
    if (pending.length === 0 && !followLast) {
      current = next;
      break;
    }
    const target = readLink(hostPathOf(view, next));
    if (target === undefined) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many links in ${path}`), { status: 400 });
    pending.unshift(...split(target));
    if (target.startsWith('/')) current = '/';
  }
  return { host: hostPathOf(view, current), container: current, readOnly: readOnlyAt(view, current) };
}

/** The host path of an already resolved container path (no symlinks evaluated). */
export function hostPathOf(view: ContainerFsView, containerPath: string): string {
  const mount = mountOf(view, containerPath);
  if (!mount) return posix.join(view.root, containerPath);
  const rest = containerPath.slice(mount.target.length);
  return posix.join(mount.source, rest);
}

/** The deepest mount holding `containerPath`. */
export function mountOf(
  view: ContainerFsView,
  containerPath: string,
): ContainerFsView['mounts'][number] | undefined {
  let best: ContainerFsView['mounts'][number] | undefined;
  for (const m of view.mounts) {
    if (containerPath === m.target || containerPath.startsWith(`${m.target}/`)) {
      if (!best || m.target.length > best.target.length) best = m;
    }
  }
  return best;
}

function readOnlyAt(view: ContainerFsView, containerPath: string): boolean {
  return mountOf(view, containerPath)?.readOnly ?? false;
}

function readLink(hostPath: string): string | undefined {
  try {
    if (!lstatSync(hostPath).isSymbolicLink()) return undefined;
    return readlinkSync(hostPath);
  } catch {
    return undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}
