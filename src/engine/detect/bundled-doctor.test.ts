import { describe, expect, it } from 'vitest';
import { type DoctorProbe, doctorChecks, missingPackages } from './bundled-doctor.js';

const V1 = [
  '30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory',
  '31 25 0:27 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids',
].join('\n');
const V2 = '30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw';

function probe(over: Partial<DoctorProbe> & { binaries?: string[] } = {}): DoctorProbe {
  const binaries = new Set(
    over.binaries ?? [
      'runc',
      'conmon',
      'iptables',
      'iptables-restore',
      'ip',
      'aardvark-dns',
      'setfattr',
      'getfattr',
      'mount',
      'mknod',
      'socat',
      'zstd',
      'xz',
    ],
  );
  return {
    platform: 'linux',
    uid: 0,
    nodeVersion: '20.11.0',
    kernel: '6.1.0',
    findBinary: (name) => (binaries.has(name) ? `/usr/bin/${name}` : undefined),
    findInit: () => '/usr/bin/docker-init',
    readFile: (path) =>
      path === '/proc/self/mountinfo' ? V1 : path === '/proc/filesystems' ? 'nodev\toverlay\n' : undefined,
    exists: () => false,
    ...over,
  };
}

describe('dev engine doctor checks', () => {
  it('passes on a host with everything', () => {
    const checks = doctorChecks(probe());
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.find((c) => c.name === 'cgroups')?.detail).toBe('v1: memory, pids');
  });

  it('names what is missing and the Debian packages, required apart from optional', () => {
    const checks = doctorChecks(
      probe({ binaries: ['runc', 'iptables', 'ip', 'mount', 'mknod'], findInit: () => undefined }),
    );
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(
      expect.arrayContaining([
        'conmon',
        'iptables-restore',
        'aardvark-dns',
        'setfattr',
        'getfattr',
        'socat or python3',
        'tini / docker-init',
      ]),
    );
    expect(missingPackages(checks, true)).toEqual(['conmon', 'iptables', 'aardvark-dns', 'attr', 'socat']);
    expect(missingPackages(checks, false)).toEqual(['tini', 'zstd', 'xz-utils']);
  });

  it('says root is needed, and that crun alone does not do on cgroup v1', () => {
    const checks = doctorChecks(probe({ uid: 1000, binaries: ['crun', 'conmon'] }));
    expect(checks.find((c) => c.name === 'root')).toMatchObject({
      ok: false,
      detail: 'the bundled engine needs root on this machine (rootless is not supported yet)',
    });
    expect(checks.find((c) => c.name === 'OCI runtime')?.ok).toBe(false);
    const v2 = doctorChecks(
      probe({ binaries: ['crun'], readFile: (p) => (p === '/proc/self/mountinfo' ? V2 : 'overlay') }),
    );
    expect(v2.find((c) => c.name === 'OCI runtime')).toMatchObject({
      ok: true,
      detail: 'crun /usr/bin/crun',
    });
    expect(v2.find((c) => c.name === 'cgroups')?.detail).toBe('v2 (unified)');
  });

  it('finds overlay as a module when the kernel has not loaded it yet', () => {
    const noOverlay = probe({ readFile: (p) => (p === '/proc/self/mountinfo' ? V1 : 'nodev\tproc\n') });
    expect(doctorChecks(noOverlay).find((c) => c.name === 'overlayfs')?.ok).toBe(false);
    const module = { ...noOverlay, exists: (p: string) => p === '/lib/modules/6.1.0/kernel/fs/overlayfs' };
    expect(doctorChecks(module).find((c) => c.name === 'overlayfs')?.ok).toBe(true);
  });
});
