/**
 * More container settings, checked from inside real containers: joined and host namespaces,
 * sysctls, devices, /dev/shm size, OOM score, CPU quota, masked paths, the stop signal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirsOf } from './cgroup-layout.js';
import type { RuntimeSpec } from './runtime-spec.js';
import { collectLogs, runToExit, waitUntil } from './testing/run-helpers.js';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const skip = runtimeSkipReason();

describe.skipIf(skip !== undefined)(`container settings${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let f: RuntimeFixture;
  beforeAll(async () => {
    f = new RuntimeFixture('settings');
    await f.runtime.recover();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  const run = (label: string, spec: Omit<RuntimeSpec, 'id' | 'rootfs'>) =>
    runToExit(f.runtime, { id: f.id(label), rootfs: f.rootfs, ...spec });

  it('joins another container’s pid and IPC namespaces, /dev/shm included', async () => {
    const owner = f.id('owner');
    await f.runtime.create({
      id: owner,
      rootfs: f.rootfs,
      namespaces: { ipc: { kind: 'shareable' } },
      process: { args: ['sh', '-c', 'echo shared > /dev/shm/note; echo ready; exec sleep 600'] },
    });
    const { pid, shmPath } = await f.runtime.start(owner);
    expect(shmPath).toBeDefined();
    await waitUntil(
      async () => (await collectLogs(f.runtime.logs(owner))).stdout,
      (out) => out.includes('ready'),
    );
    const guest = await run('guest', {
      namespaces: { pid: { kind: 'container', pid }, ipc: { kind: 'container', pid, shmPath } },
      process: { args: ['sh', '-c', 'cat /dev/shm/note; ps -o args | grep -c "^sleep 600"'] },
    });
    expect(guest.stdout).toBe('shared\n1\n');
    await f.runtime.delete(owner, { force: true });
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(shmPath);
  });

  it('uses the host network namespace when asked', async () => {
    const hostLinks = readFileSync('/proc/net/dev', 'utf8').split('\n').length;
    const own = await run('netns', { process: { args: ['cat', '/proc/net/dev'] } });
    const host = await run('hostnet', {
      namespaces: { network: { kind: 'host' } },
      process: { args: ['cat', '/proc/net/dev'] },
    });
    expect(own.stdout).toContain('lo:');
    expect(own.stdout.split('\n').length).toBeLessThanOrEqual(hostLinks);
    expect(host.stdout.split('\n').length).toBe(hostLinks);
  });

  it('sets namespaced sysctls, the OOM score, /dev/shm size and device nodes', async () => {
    const result = await run('knobs', {
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80', 'kernel.shmmni': '1000' },
      resources: { oomScoreAdj: 321 },
      shmSize: 2 * 1024 * 1024,
      devices: [{ hostPath: '/dev/zero', containerPath: '/dev/myzero', permissions: 'r' }],
      process: {
        args: [
          'sh',
          '-c',
          [
            'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni /proc/self/oom_score_adj',
            'df -k /dev/shm | tail -1',
            'head -c 5 /dev/myzero | wc -c',
          ].join('; '),
        ],
      },
    });
    const [port, shmmni, oom, df, zeros] = result.stdout.trim().split('\n');
    expect([port, shmmni, oom]).toEqual(['80', '1000', '321']);
    expect(df?.split(/\s+/)[1]).toBe('2048');
    expect(zeros?.trim()).toBe('5');
  });

  it('hides masked paths and keeps read-only ones read-only', async () => {
    const result = await run('masked', {
      // /proc/timer_list is masked (bound to /dev/null); /proc/sys is read-only.
      process: {
        args: ['sh', '-c', 'wc -c < /proc/timer_list; echo x > /proc/sys/kernel/domainname || echo refused'],
      },
    });
    expect(result.stdout).toBe('0\nrefused\n');
    expect(result.stderr).toMatch(/Read-only file system/i);
  });

  it('sets the CPU quota and shares in the cgroup', async () => {
    const id = f.id('cpu');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      resources: { nanoCpus: 500_000_000, cpuShares: 256 },
      process: { args: ['sleep', '600'] },
    });
    const { pid } = await f.runtime.start(id);
    const dirs = cgroupDirsOf(f.runtime.host.cgroup, pid as number);
    if (dirs.controllers.cpu) {
      expect(readFileSync(join(dirs.controllers.cpu, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('50000');
      expect(readFileSync(join(dirs.controllers.cpu, 'cpu.shares'), 'utf8').trim()).toBe('256');
    } else {
      expect(readFileSync(join(dirs.unified as string, 'cpu.max'), 'utf8').trim()).toBe('50000 100000');
    }
    await f.runtime.delete(id, { force: true });
  });

  it('stops with the container’s own stop signal', async () => {
    const id = f.id('stopsig');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      stopSignal: 'SIGUSR1',
      process: { args: ['sh', '-c', "trap 'exit 21' USR1; echo ready; while :; do sleep 0.1; done"] },
    });
    await f.runtime.start(id);
    await waitUntil(
      async () => (await collectLogs(f.runtime.logs(id))).stdout,
      (out) => out.includes('ready'),
    );
    expect(await f.runtime.stop(id, { timeoutSeconds: 30 })).toBe(true);
    expect(f.runtime.state(id).exitCode).toBe(21);
  });
});
