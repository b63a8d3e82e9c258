/**
 * Shared fixture of the runtime's tests: a busybox-static root file system in a temporary
 * directory, a Runtime on a temporary state root with its own cgroup parent, and cleanup of
 * every container and cgroup the test made. Tests skip, saying why, without root, runc,
 * conmon or /bin/busybox.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../find-binaries.js';
import { probeHost } from '../host-probe.js';
import { removeCgroups } from '../recover-containers.js';
import { Runtime } from '../runtime.js';
import type { RuntimeOptions } from '../runtime-options.js';

const BUSYBOX = '/bin/busybox';

/** Why the runtime tests cannot run here, or undefined when they can. */
export function runtimeSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!findBinary('runc') && !findBinary('crun')) return 'needs runc (apt-get install runc)';
  if (!findBinary('conmon')) return 'needs conmon (apt-get install conmon)';
  if (!existsSync(BUSYBOX)) return 'needs /bin/busybox (apt-get install busybox-static)';
  return undefined;
}

/** Builds a busybox root file system (applet symlinks, passwd, group) under `dir`. */
export function makeBusyboxRootfs(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const sub of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'home/app'])
    mkdirSync(join(dir, sub), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', join(dir, 'bin', applet));
  writeFileSync(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n');
  chmodSync(join(dir, 'tmp'), 0o1777);
  return dir;
}

/** A temporary world for one test file: rootfs, state root, a Runtime, and cleanup. */
export class RuntimeFixture {
  readonly dir: string;
  readonly rootfs: string;
  readonly stateDir: string;
  readonly cgroupParent: string;
  runtime: Runtime;
  private readonly extra: Partial<RuntimeOptions>;

  constructor(name: string, extra: Partial<RuntimeOptions> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), `dev-runtime-${name}-`));
    this.rootfs = makeBusyboxRootfs(join(this.dir, 'rootfs'));
    this.stateDir = join(this.dir, 'state');
    this.cgroupParent = `dev-engine-test-${name}-${process.pid}`;
    this.extra = extra;
    this.runtime = this.open();
  }

  /** A new Runtime on the same state root (the old one is dropped, as if the daemon died). */
  open(): Runtime {
    return new Runtime({ rootDir: this.stateDir, cgroupParent: this.cgroupParent, ...this.extra });
  }

  /** A fresh container id for this fixture. */
  id(label: string): string {
    return `${label}-${Math.random().toString(16).slice(2, 10)}`;
  }

  /** Deletes every container (forcefully), the cgroups and the temporary files. */
  async cleanup(): Promise<void> {
    const runtime = this.open();
    await runtime.recover();
    for (const state of runtime.list()) await runtime.delete(state.id, { force: true }).catch(() => {});
    runtime.close();
    this.runtime.close();
    const host = probeHost();
    for (let i = 0; i < 50 && !this.removeCgroupParent(runtime, host); i += 1)
      await new Promise((r) => setTimeout(r, 100));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private removeCgroupParent(runtime: Runtime, host: ReturnType<typeof probeHost>): boolean {
    runtime.removeShimCgroup();
    removeCgroups(host.cgroup, `/${this.cgroupParent}`);
    return !existsSync(join(host.cgroup.unified?.mountpoint ?? '/sys/fs/cgroup', this.cgroupParent));
  }
}
