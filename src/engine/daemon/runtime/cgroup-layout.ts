/**
 * Where the cgroup hierarchies are mounted (v1, hybrid, or v2 unified), read from
 * /proc/self/mountinfo, and which cgroup directories a process sits in.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** One mounted hierarchy: its mount point and the cgroup path its root shows. */
export interface CgroupMount {
  mountpoint: string;
  root: string;
}

/** The host's cgroup mounts. `version` 2 only when the unified hierarchy is the only one. */
export interface CgroupLayout {
  version: 1 | 2;
  /** The cgroup2 mount (on v2 /sys/fs/cgroup; on hybrid hosts often /sys/fs/cgroup/unified). */
  unified?: CgroupMount;
  /** v1 hierarchies by controller (`memory`, `cpuacct`, `name=systemd`, ...). */
  controllers: Record<string, CgroupMount>;
}

/** The cgroup directories of one process: the unified one and one per v1 controller. */
export interface CgroupDirs {
  unified?: string;
  controllers: Record<string, string>;
}

/** Parses mountinfo text (injected for tests; default /proc/self/mountinfo). */
export function readCgroupLayout(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): CgroupLayout {
  const controllers: Record<string, CgroupMount> = {};
  let unified: CgroupMount | undefined;
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const left = line.slice(0, separator).split(' ');
    const [fstype, , superOptions = ''] = line
      .slice(separator + 3)
      .split(' ')
      .filter(Boolean);
    const root = unescapeMountPath(left[3] ?? '/');
    const mountpoint = unescapeMountPath(left[4] ?? '');
    if (fstype === 'cgroup2') {
      unified ??= { mountpoint, root };
    } else if (fstype === 'cgroup') {
      for (const option of superOptions.split(',')) {
        if (isControllerOption(option)) controllers[option] ??= { mountpoint, root };
      }
    }
  }
  const version = unified && Object.keys(controllers).length === 0 ? 2 : 1;
  return unified ? { version, unified, controllers } : { version, controllers };
}

/** Reads /proc/<pid>/cgroup and maps each entry to its directory under the mounts. */
export function cgroupDirsOf(layout: CgroupLayout, pid: number, procDir = '/proc'): CgroupDirs {
  const text = readFileSync(join(procDir, String(pid), 'cgroup'), 'utf8');
  return mapCgroupFile(layout, text);
}

/** Maps /proc/<pid>/cgroup text to directories. */
export function mapCgroupFile(layout: CgroupLayout, text: string): CgroupDirs {
  const dirs: CgroupDirs = { controllers: {} };
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const names = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (names === '') {
      if (layout.unified) dirs.unified = underMount(layout.unified, path);
      continue;
    }
    for (const name of names.split(',')) {
      const mount = layout.controllers[name];
      if (mount) dirs.controllers[name] = underMount(mount, path);
    }
  }
  return dirs;
}

/** The directories a cgroup path (`/dev-engine/<id>`) has under every mounted hierarchy. */
export function cgroupDirsForPath(layout: CgroupLayout, path: string): CgroupDirs {
  const dirs: CgroupDirs = { controllers: {} };
  if (layout.unified) dirs.unified = posix.join(layout.unified.mountpoint, path);
  for (const [name, mount] of Object.entries(layout.controllers)) {
    dirs.controllers[name] = posix.join(mount.mountpoint, path);
  }
  return dirs;
}

function underMount(mount: CgroupMount, path: string): string {
  const relative = mount.root === '/' ? path : posix.relative(mount.root, path);
  // A path outside the mount's root (another cgroup namespace) is shown as-is under the mount.
  return posix.join(mount.mountpoint, relative.startsWith('..') ? path : relative);
}

function isControllerOption(option: string): boolean {
  return /^(name=\w+|cpu|cpuacct|cpuset|memory|devices|freezer|net_cls|net_prio|blkio|perf_event|hugetlb|pids|rdma|misc)$/.test(
    option,
  );
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
