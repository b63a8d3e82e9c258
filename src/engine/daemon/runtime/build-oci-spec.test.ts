import { describe, expect, it } from 'vitest';
import { type BuildOciSpecInput, buildOciSpec } from './build-oci-spec.js';
import type { HostInfo } from './host-probe.js';
import { serializeOciSpec } from './oci-spec.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { RuntimeSpec } from './runtime-spec.js';

const host: HostInfo = {
  cgroup: { version: 1, controllers: {} },
  hardLimits: { nofile: 20000, nproc: 5000 },
  capLastCap: 40,
  arch: 'x64',
  memTotal: 8 * 1024 ** 3,
  onlineCpus: 2,
  swapLimit: true,
  blkioWeight: false,
};

function build(spec: Partial<RuntimeSpec> = {}, extra: Partial<BuildOciSpecInput> = {}) {
  return buildOciSpec({
    spec: { id: 'abcdef0123456789', rootfs: '/images/rootfs', process: { args: ['sh'] }, ...spec },
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    host,
    cgroupsPath: '/dev-engine/abcdef0123456789',
    providedFiles: { '/etc/hosts': '/state/c/hosts', '/etc/hostname': '/state/c/hostname' },
    devices: [],
    ...extra,
  });
}

describe('buildOciSpec', () => {
  it('has Docker’s defaults: env, hostname, namespaces, mounts, masked paths, seccomp', () => {
    const { spec, warnings } = build();
    expect(warnings).toEqual([]);
    expect(spec.process.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=abcdef012345',
      'HOME=/root',
    ]);
    expect(spec.hostname).toBe('abcdef012345');
    expect(spec.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'pid', 'network', 'ipc', 'uts']);
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/sys',
      '/sys/fs/cgroup',
      '/dev/mqueue',
      '/dev/shm',
      '/etc/hostname',
      '/etc/hosts',
    ]);
    expect(spec.mounts.find((m) => m.destination === '/dev/shm')?.options).toContain('size=67108864');
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.readonlyPaths).toContain('/proc/sys');
    expect(spec.linux.seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(spec.process.capabilities.bounding).toHaveLength(14);
    expect(spec.linux.resources.devices[0]).toEqual({ allow: false, access: 'rwm' });
  });

  it('uses the host namespaces it is told to, and joins others by path', () => {
    const { spec } = build({
      namespaces: {
        network: { kind: 'host' },
        ipc: { kind: 'container', pid: 42 },
        pid: { kind: 'host' },
        uts: 'host',
      },
    });
    expect(spec.linux.namespaces).toEqual([{ type: 'mount' }, { type: 'ipc', path: '/proc/42/ns/ipc' }]);
    expect(spec.hostname).toBeUndefined();
    expect(spec.mounts.find((m) => m.destination === '/dev/shm')?.source).toBe('shm');
    const joined = build({
      namespaces: { ipc: { kind: 'container', pid: 42, shmPath: '/state/other/shm' } },
    });
    expect(joined.spec.mounts.find((m) => m.destination === '/dev/shm')?.source).toBe('/state/other/shm');
    const shareable = build({ namespaces: { ipc: { kind: 'shareable' } } }, { shmPath: '/state/c/shm' });
    expect(shareable.spec.mounts.find((m) => m.destination === '/dev/shm')).toMatchObject({
      type: 'bind',
      source: '/state/c/shm',
    });
    expect(
      build({}, { host: { ...host, cgroup: { version: 2, controllers: {} } } }).spec.linux.namespaces.at(-1),
    ).toEqual({
      type: 'cgroup',
    });
  });

  it('checks sysctls against the namespaces', () => {
    expect(
      build({ sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1024' } }).spec.linux.sysctl,
    ).toEqual({
      'net.ipv4.ip_forward': '1',
      'kernel.shmmax': '1024',
    });
    expect(() =>
      build({ sysctls: { 'net.core.somaxconn': '1' }, namespaces: { network: { kind: 'host' } } }),
    ).toThrow(/network=host/);
    expect(() => build({ sysctls: { 'vm.overcommit_memory': '1' } })).toThrow(/not namespaced/);
  });

  it('maps resources, with Docker’s checks and defaults', () => {
    const { spec, warnings } = build({
      resources: {
        memory: 256 * 1024 * 1024,
        nanoCpus: 1.5e9,
        pidsLimit: 100,
        cpuShares: 512,
        blkioWeight: 300,
      },
    });
    expect(spec.linux.resources.memory).toEqual({ limit: 268435456, swap: 536870912 });
    expect(spec.linux.resources.cpu).toEqual({ period: 100000, quota: 150000, shares: 512 });
    expect(spec.linux.resources.pids).toEqual({ limit: 100 });
    expect(spec.linux.resources.blockIO).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/block I\/O weight/)]);
    expect(() => build({ resources: { memory: 1024 } })).toThrow(/6MB/);
    expect(() => build({ resources: { nanoCpus: 1e9, cpuQuota: 5000 } })).toThrow(/conflicting/);
    const noSwap = build(
      { resources: { memory: 64 * 1024 * 1024, memorySwap: -1 } },
      { host: { ...host, swapLimit: false } },
    );
    expect(noSwap.spec.linux.resources.memory).toEqual({ limit: 67108864 });
    expect(noSwap.warnings).toEqual([expect.stringMatching(/swap/)]);
  });

  it('caps ulimits at the host hard limits, with a warning', () => {
    const { spec, warnings } = build({
      ulimits: [
        { name: 'nofile', soft: 65536, hard: 1048576 },
        { name: 'core', soft: -1, hard: -1 },
      ],
    });
    expect(spec.process.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
      { type: 'RLIMIT_CORE', soft: -1, hard: -1 },
    ]);
    expect(warnings).toHaveLength(2);
    expect(serializeOciSpec(spec)).toContain(
      '{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}',
    );
    expect(() => build({ ulimits: [{ name: 'nofile', soft: 10, hard: 5 }] })).toThrow(RuntimeSpecError);
    expect(() => build({ ulimits: [{ name: 'files', soft: 1, hard: 1 }] })).toThrow(/unknown ulimit/);
  });

  it('runs the init first, bound read-only', () => {
    const { spec } = build(
      { init: true, process: { args: ['node', 'server.js'] } },
      { initPath: '/usr/bin/tini-static' },
    );
    expect(spec.process.args).toEqual(['/sbin/docker-init', '--', 'node', 'server.js']);
    expect(spec.mounts.at(-1)).toEqual({
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/bin/tini-static',
      options: ['bind', 'rprivate', 'ro'],
    });
  });

  it('orders user mounts by depth and lets them replace defaults', () => {
    const { spec } = build({
      readonlyRootfs: true,
      mounts: [
        { kind: 'bind', source: '/src/app/cache', target: '/app/cache', readOnly: true },
        { kind: 'bind', source: '/src/app', target: '/app/', propagation: 'rshared' },
        { kind: 'tmpfs', target: '/dev/shm', size: 1024, mode: 0o1777 },
      ],
    });
    const tail = spec.mounts.slice(-3);
    expect(tail.map((m) => m.destination)).toEqual(['/app', '/app/cache', '/dev/shm']);
    expect(tail[0]?.options).toEqual(['rbind', 'rshared', 'rw']);
    expect(tail[1]?.options).toEqual(['rbind', 'rprivate', 'ro']);
    expect(tail[2]?.options).toEqual(['nosuid', 'nodev', 'noexec', 'size=1024', 'mode=1777']);
    expect(spec.mounts.filter((m) => m.destination === '/dev/shm')).toHaveLength(1);
    expect(spec.mounts.find((m) => m.destination === '/etc/hosts')?.options).toContain('ro');
    expect(spec.linux.rootfsPropagation).toBe('rshared');
    expect(spec.root).toEqual({ path: '/images/rootfs', readonly: true });
  });

  it('gives privileged containers everything, unconfined', () => {
    const { spec } = build(
      { privileged: true },
      {
        devices: [
          {
            containerPath: '/dev/fuse',
            type: 'c',
            major: 10,
            minor: 229,
            fileMode: 0o666,
            uid: 0,
            gid: 0,
            permissions: 'rwm',
          },
        ],
      },
    );
    expect(spec.process.capabilities.bounding).toHaveLength(41);
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.linux.devices?.[0]?.path).toBe('/dev/fuse');
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('rw');
  });

  it('refuses relative working directories and mount paths', () => {
    expect(() => build({ process: { args: ['sh'], cwd: 'app' } })).toThrow(/not absolute/);
    expect(() => build({ mounts: [{ kind: 'tmpfs', target: 'tmp' }] })).toThrow(/not absolute/);
    expect(() => build({ mounts: [{ kind: 'bind', source: './src', target: '/src' }] })).toThrow(
      /absolute host path/,
    );
  });

  it('keeps the caller’s environment over the defaults and adds TERM for a tty', () => {
    const { spec } = build({ process: { args: ['sh'], tty: true, env: ['PATH=/bin', 'HOME=/data'] } });
    expect(spec.process.env).toEqual(['HOSTNAME=abcdef012345', 'TERM=xterm', 'PATH=/bin', 'HOME=/data']);
    expect(spec.process.terminal).toBe(true);
  });
});
