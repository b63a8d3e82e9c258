/**
 * Keeps shims out of the daemon's cgroup. systemd stops a service by killing every process in
 * its cgroup; conmon started by the daemon would sit there and die with it, taking the
 * container's stdio and exit code along. So each conmon is moved, before it forks, into
 * `<parent>/_conmon` of the hierarchies systemd tracks: the unified one and v1's name=systemd.
 */
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { CgroupLayout } from './cgroup-layout.js';

/** Best-effort mover of shim processes into a cgroup of their own. */
export class ShimCgroup {
  readonly dirs: string[];
  /** The last failure to move a shim (e.g. a read-only cgroup file system), for diagnostics. */
  lastError: string | undefined;

  constructor(layout: CgroupLayout, parent: string) {
    // `_conmon` cannot collide with a container: container ids start with a letter or digit.
    const relative = posix.join('/', parent, '_conmon');
    const dirs: string[] = [];
    if (layout.unified) dirs.push(posix.join(layout.unified.mountpoint, relative));
    const systemd = layout.controllers['name=systemd'];
    if (layout.version === 1 && systemd) dirs.push(posix.join(systemd.mountpoint, relative));
    this.dirs = dirs;
  }

  /** Moves `pid` into the shim cgroup in each hierarchy; failures are remembered, not thrown. */
  adopt(pid: number): void {
    for (const dir of this.dirs) {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(posix.join(dir, 'cgroup.procs'), String(pid));
      } catch (error) {
        this.lastError = `${dir}: ${(error as Error).message}`;
      }
    }
  }

  /** Removes the shim cgroups if no shim is left in them (and their parents when empty). */
  remove(): void {
    for (const dir of this.dirs) {
      for (const path of [dir, posix.dirname(dir)]) {
        try {
          rmdirSync(path);
        } catch {
          break; // busy or gone
        }
      }
    }
  }
}
