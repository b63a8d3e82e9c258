/**
 * The mounts of a container, in the order runc must perform them: Docker's defaults (/proc,
 * /dev, /dev/pts, /sys, cgroups, mqueue, /dev/shm), the files the runtime provides, the init
 * binary, then the user's mounts, parents before children. A user mount on a default's target
 * replaces the default.
 */
import type { OciMount } from './oci-spec.js';
import type { MountSpec, RuntimeSpec } from './runtime-spec.js';

/** Where the init binary appears inside the container (Docker's path). */
export const INIT_TARGET = '/sbin/docker-init';

/** Default /dev/shm size, as Docker: 64 MiB. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface BuildMountsInput {
  spec: RuntimeSpec;
  /** Host paths of the provided files, by their container path (`/etc/hosts` → `<dir>/hosts`). */
  providedFiles: Record<string, string>;
  /** Host path of the init binary, when `spec.init`. */
  initPath?: string;
  /** Host path of the container's own shared /dev/shm (IPC shareable). */
  shmPath?: string;
}

/** The ordered OCI mounts for `spec`. */
export function buildMounts(input: BuildMountsInput): OciMount[] {
  const { spec } = input;
  const privileged = spec.privileged === true;
  const readOnly = spec.readonlyRootfs === true;
  const user = [...(spec.mounts ?? [])].sort((a, b) => depth(a.target) - depth(b.target)).map(toOciMount);
  const userTargets = new Set(user.map((m) => normalizeTarget(m.destination)));

  const defaults: OciMount[] = [
    mount('/proc', 'proc', 'proc', ['nosuid', 'noexec', 'nodev']),
    mount('/dev', 'tmpfs', 'tmpfs', ['nosuid', 'strictatime', 'mode=755', 'size=65536k']),
    mount('/dev/pts', 'devpts', 'devpts', [
      'nosuid',
      'noexec',
      'newinstance',
      'ptmxmode=0666',
      'mode=0620',
      'gid=5',
    ]),
    mount('/sys', 'sysfs', 'sysfs', ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro']),
    mount('/sys/fs/cgroup', 'cgroup', 'cgroup', [
      'nosuid',
      'noexec',
      'nodev',
      'relatime',
      privileged ? 'rw' : 'ro',
    ]),
  ];
  const ipc = spec.namespaces?.ipc ?? { kind: 'private' };
  if (ipc.kind === 'host') {
    defaults.push(bind('/dev/mqueue', '/dev/mqueue', ['rbind', 'rprivate']));
    defaults.push(bind('/dev/shm', '/dev/shm', ['rbind', 'rprivate']));
  } else {
    defaults.push(mount('/dev/mqueue', 'mqueue', 'mqueue', ['nosuid', 'noexec', 'nodev']));
    // POSIX shared memory lives in /dev/shm: sharing IPC means sharing that tmpfs too.
    const shared =
      ipc.kind === 'shareable' ? input.shmPath : ipc.kind === 'container' ? ipc.shmPath : undefined;
    if (shared) {
      defaults.push(bind(shared, '/dev/shm', ['rbind', 'rprivate']));
    } else {
      const size = spec.shmSize ?? DEFAULT_SHM_SIZE;
      defaults.push(
        mount('/dev/shm', 'tmpfs', 'shm', ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${size}`]),
      );
    }
  }

  const provided = Object.entries(input.providedFiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([target, source]) => bind(source, target, ['rbind', 'rprivate', readOnly ? 'ro' : 'rw']));
  const init = input.initPath ? [bind(input.initPath, INIT_TARGET, ['bind', 'rprivate', 'ro'])] : [];

  return [...defaults, ...provided, ...init].filter((m) => !userTargets.has(m.destination)).concat(user);
}

/** `rshared`/`rslave` for the rootfs when a bind mount asks for that propagation. */
export function rootfsPropagationFor(mounts: MountSpec[] | undefined): string | undefined {
  const wanted = (mounts ?? []).flatMap((m) => (m.kind === 'bind' && m.propagation ? [m.propagation] : []));
  if (wanted.some((p) => p === 'shared' || p === 'rshared')) return 'rshared';
  if (wanted.some((p) => p === 'slave' || p === 'rslave')) return 'rslave';
  return undefined;
}

function toOciMount(m: MountSpec): OciMount {
  if (m.kind === 'bind') {
    const options = [
      m.recursive === false ? 'bind' : 'rbind',
      m.propagation ?? 'rprivate',
      m.readOnly ? 'ro' : 'rw',
    ];
    return bind(m.source, normalizeTarget(m.target), options);
  }
  const options = [...(m.options ?? ['nosuid', 'nodev', 'noexec'])];
  if (m.size !== undefined) options.push(`size=${m.size}`);
  if (m.mode !== undefined) options.push(`mode=${m.mode.toString(8).padStart(4, '0')}`);
  if (m.readOnly) options.push('ro');
  return mount(normalizeTarget(m.target), 'tmpfs', 'tmpfs', options);
}

function mount(destination: string, type: string, source: string, options: string[]): OciMount {
  return { destination, type, source, options };
}

function bind(source: string, destination: string, options: string[]): OciMount {
  return { destination, type: 'bind', source, options };
}

function normalizeTarget(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function depth(path: string): number {
  return normalizeTarget(path).split('/').filter(Boolean).length;
}
