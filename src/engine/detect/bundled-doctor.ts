/**
 * `dev engine doctor`: whether this host has what the bundled engine runs on, and the Debian
 * packages that bring what is missing. Pure given the probe; the default probe reads /proc,
 * PATH and the usual directories, and spawns nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { readCgroupLayout } from '../daemon/runtime/cgroup-layout.js';
import { findBinary, findInitBinary } from '../daemon/runtime/find-binaries.js';

/** One check. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** The engine cannot run (or misses a core feature) without it. */
  required: boolean;
  /** What was found, or what it is needed for. */
  detail: string;
  /** Debian packages that provide it. */
  packages: string[];
}

/** What the checks look at; tests pass their own. */
export interface DoctorProbe {
  platform: string;
  uid: number | undefined;
  nodeVersion: string;
  kernel: string;
  findBinary(name: string): string | undefined;
  /** A static init (docker-init, tini-static, catatonit). */
  findInit(): string | undefined;
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
}

/** The real host. */
export function hostDoctorProbe(env: Record<string, string | undefined> = process.env): DoctorProbe {
  return {
    platform: process.platform,
    uid: process.getuid?.(),
    nodeVersion: process.versions.node,
    kernel: release(),
    findBinary: (name) => findBinary(name, env.PATH ?? ''),
    findInit: () => findInitBinary()?.found,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: existsSync,
  };
}

/** Runs every check. */
export function doctorChecks(probe: DoctorProbe): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const add = (name: string, ok: boolean, detail: string, packages: string[] = [], required = true) =>
    checks.push({ name, ok, required, detail, packages });
  const binary = (name: string, packages: string[], what: string, required = true) => {
    const path = probe.findBinary(name);
    add(name, path !== undefined, path ?? what, packages, required);
  };

  add(
    'Linux',
    probe.platform === 'linux',
    probe.platform === 'linux' ? `kernel ${probe.kernel}` : probe.platform,
  );
  add(
    'root',
    probe.uid === 0,
    probe.uid === 0
      ? 'running as root'
      : 'the bundled engine needs root on this machine (rootless is not supported yet)',
  );
  const major = Number(probe.nodeVersion.split('.')[0]);
  add('Node.js 20+', major >= 20, `node ${probe.nodeVersion}`, ['nodejs']);

  const layout = (() => {
    const mountinfo = probe.readFile('/proc/self/mountinfo');
    return mountinfo === undefined ? undefined : readCgroupLayout(mountinfo);
  })();
  const cgroupOk =
    layout !== undefined && (layout.version === 2 || Object.keys(layout.controllers).length > 0);
  add(
    'cgroups',
    cgroupOk,
    !layout
      ? 'cannot read /proc/self/mountinfo'
      : layout.version === 2
        ? 'v2 (unified)'
        : `v1${layout.unified ? ' (hybrid)' : ''}: ${Object.keys(layout.controllers).sort().join(', ') || 'no controllers mounted'}`,
  );
  const runc = probe.findBinary('runc');
  const crun = probe.findBinary('crun');
  const v2 = layout?.version === 2;
  add(
    'OCI runtime',
    runc !== undefined || (v2 && crun !== undefined),
    runc
      ? `runc ${runc}${crun && !v2 ? ' (crun is installed but does not work on cgroup v1 hosts)' : ''}`
      : v2 && crun
        ? `crun ${crun}`
        : 'runc is missing',
    ['runc'],
  );
  binary('conmon', ['conmon'], 'holds container stdio and exit codes');

  const filesystems = probe.readFile('/proc/filesystems') ?? '';
  const overlay =
    /\boverlay\b/.test(filesystems) ||
    probe.exists(`/lib/modules/${probe.kernel}/kernel/fs/overlayfs`) ||
    probe.exists(`/usr/lib/modules/${probe.kernel}/kernel/fs/overlayfs`);
  add(
    'overlayfs',
    overlay,
    overlay ? 'kernel has overlay' : 'the kernel has no overlay file system (modprobe overlay)',
  );

  binary('iptables', ['iptables'], 'NAT and published ports');
  binary('iptables-restore', ['iptables'], 'loads the engine’s rules');
  binary('ip', ['iproute2'], 'bridges, veths and network namespaces');
  const aardvark =
    probe.findBinary('aardvark-dns') ??
    (probe.exists('/usr/lib/podman/aardvark-dns') ? '/usr/lib/podman/aardvark-dns' : undefined);
  add('aardvark-dns', aardvark !== undefined, aardvark ?? 'service names in DNS', ['aardvark-dns']);
  binary('setfattr', ['attr'], 'extended attributes of image layers');
  binary('getfattr', ['attr'], 'extended attributes of image layers');
  binary('mount', ['mount'], 'overlay and volume mounts');
  binary('mknod', ['coreutils'], 'whiteouts of image layers');
  const bridge = probe.findBinary('socat') ?? probe.findBinary('python3');
  add('socat or python3', bridge !== undefined, bridge ?? 'stdin of attach and exec -i', ['socat']);

  const init = probe.findInit();
  add('tini / docker-init', init !== undefined, init ?? 'for `init: true`', ['tini'], false);
  binary('zstd', ['zstd'], 'zstd-compressed layers', false);
  binary('xz', ['xz-utils'], 'xz-compressed archives', false);
  return checks;
}

/** Packages to install for the failed checks (required first), without repeats. */
export function missingPackages(checks: DoctorCheck[], required: boolean): string[] {
  return [...new Set(checks.filter((c) => !c.ok && c.required === required).flatMap((c) => c.packages))];
}
