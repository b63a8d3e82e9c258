/**
 * Locates the programs the runtime uses: the OCI runtime (runc, or crun where the host allows),
 * conmon, a stdin bridge (socat or python3) and a static init for `init: true`.
 */
import { accessSync, closeSync, constants, openSync, readSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CgroupLayout } from './cgroup-layout.js';

/** Where Debian, Fedora and upstream installs put the binaries. */
const SEARCH_DIRS = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/libexec/podman',
];

/** Init binaries that run as PID 1 and reap zombies: Docker's, Debian's tini, Podman's. */
export const INIT_CANDIDATES = [
  '/usr/bin/docker-init',
  '/usr/libexec/docker/docker-init',
  '/usr/bin/tini-static',
  '/usr/bin/catatonit',
  '/usr/libexec/podman/catatonit',
  '/usr/bin/tini',
  '/sbin/tini',
];

/** The first executable `name` on PATH or in the usual directories; undefined when absent. */
export function findBinary(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  const dirs = [...envPath.split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

/** The OCI runtime to use: crun on cgroup v2 when installed (it starts faster), else runc. */
export function chooseOciRuntime(
  cgroup: CgroupLayout,
  find: (name: string) => string | undefined = (name) => findBinary(name),
): { name: 'runc' | 'crun'; path: string } | undefined {
  // crun refuses hybrid cgroup v1 hosts ("cgroups in hybrid mode not supported"); runc copes.
  if (cgroup.version === 2) {
    const crun = find('crun');
    if (crun) return { name: 'crun', path: crun };
  }
  const runc = find('runc');
  return runc ? { name: 'runc', path: runc } : undefined;
}

/** A static init binary among `candidates`: the real path of the first statically linked one. */
export function findInitBinary(
  candidates: readonly string[] = INIT_CANDIDATES,
): { path: string; found: string } | undefined {
  for (const candidate of candidates) {
    if (!isExecutable(candidate)) continue;
    const real = realpathSync(candidate);
    // It runs inside any image, which may have no libc: only static binaries qualify.
    if (isStaticElf(real)) return { path: real, found: candidate };
  }
  return undefined;
}

/** True for an ELF executable without a PT_INTERP program header (no dynamic loader). */
export function isStaticElf(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = header[4] === 2;
    const little = header[5] === 1;
    const u16 = (b: Buffer, o: number) => (little ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64
      ? Number(little ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32))
      : u32(header, 28);
    const phentsize = u16(header, is64 ? 54 : 42);
    const phnum = u16(header, is64 ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i += 1) {
      if (u32(table, i * phentsize) === 3) return false; // PT_INTERP
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
