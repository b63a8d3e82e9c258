/**
 * Containers run for real (runc + conmon, as root): exit codes, process settings, file
 * systems, limits, capabilities, ulimits, init.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirsOf } from './cgroup-layout.js';
import type { RuntimeSpec } from './runtime-spec.js';
import { collectLogs, runToExit, waitUntil } from './testing/run-helpers.js';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const skip = runtimeSkipReason();
if (skip) console.warn(`runtime tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)(`running containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let f: RuntimeFixture;
  beforeAll(async () => {
    f = new RuntimeFixture('run');
    await f.runtime.recover();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  const run = (label: string, spec: Omit<RuntimeSpec, 'id' | 'rootfs'>) =>
    runToExit(f.runtime, { id: f.id(label), rootfs: f.rootfs, ...spec });

  it('runs a process and reports its exit code and output by stream', async () => {
    const result = await run('exit', { process: { args: ['sh', '-c', 'echo out; echo err >&2; exit 7'] } });
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toBe('err\n');
    expect(result.state.status).toBe('stopped');
    expect(result.state.startedAt).toBeDefined();
  });

  it('applies env, user (by name), groups, working directory and hostname', async () => {
    const result = await run('proc', {
      hostname: 'box',
      process: {
        args: ['sh', '-c', 'echo "$FOO|$(id -u)|$(id -g)|$(id -G)|$(pwd)|$(hostname)|$HOME|$HOSTNAME"'],
        env: ['FOO=bar'],
        user: 'app',
        groupAdd: ['nogroup'],
        cwd: '/tmp',
      },
    });
    expect(result.stdout.trim()).toBe('bar|1000|1000|1000 50 65534|/tmp|box|/home/app|box');
  });

  it('runs as uid:gid given as numbers', async () => {
    const result = await run('uidgid', {
      process: { args: ['sh', '-c', 'echo $(id -u):$(id -g)'], user: '4242:50' },
    });
    expect(result.stdout.trim()).toBe('4242:50');
  });

  it('keeps a read-only root file system read-only, with a writable tmpfs', async () => {
    const result = await run('ro', {
      readonlyRootfs: true,
      mounts: [{ kind: 'tmpfs', target: '/scratch', size: 1024 * 1024, mode: 0o1777 }],
      process: {
        args: [
          'sh',
          '-c',
          'touch /x 2>/dev/null && echo root-writable; touch /scratch/y && echo tmpfs-ok; grep " /scratch " /proc/mounts',
        ],
      },
    });
    expect(result.stdout).not.toContain('root-writable');
    expect(result.stdout).toContain('tmpfs-ok');
    expect(result.stdout).toMatch(/tmpfs \/scratch tmpfs .*size=1024k/);
  });

  it('binds host directories read-only and read-write', async () => {
    const ro = join(f.dir, 'ro-data');
    const rw = join(f.dir, 'rw-data');
    mkdirSync(ro);
    mkdirSync(rw);
    writeFileSync(join(ro, 'hello.txt'), 'from the host\n');
    const result = await run('bind', {
      mounts: [
        { kind: 'bind', source: ro, target: '/ro', readOnly: true },
        { kind: 'bind', source: rw, target: '/rw' },
      ],
      process: {
        args: [
          'sh',
          '-c',
          'cat /ro/hello.txt; touch /ro/no 2>/dev/null || echo ro-refused; echo made > /rw/made.txt',
        ],
      },
    });
    expect(result.stdout).toBe('from the host\nro-refused\n');
    expect(existsSync(join(ro, 'no'))).toBe(false);
    expect(readFileSync(join(rw, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('writes the provided /etc files', async () => {
    const result = await run('files', {
      hostname: 'web',
      files: { hosts: '127.0.0.1 localhost\n10.0.0.5 db\n', resolvConf: 'nameserver 10.0.0.1\n' },
      process: { args: ['sh', '-c', 'cat /etc/hosts /etc/resolv.conf /etc/hostname'] },
    });
    expect(result.stdout).toBe('127.0.0.1 localhost\n10.0.0.5 db\nnameserver 10.0.0.1\nweb\n');
  });

  it('sets memory and pids limits in the container cgroup', async () => {
    const id = f.id('limits');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      resources: { memory: 64 * 1024 * 1024, pidsLimit: 50 },
      process: { args: ['sleep', '600'] },
    });
    const state = await f.runtime.start(id);
    try {
      const dirs = cgroupDirsOf(f.runtime.host.cgroup, state.pid as number);
      const memory = dirs.controllers.memory
        ? readFileSync(join(dirs.controllers.memory, 'memory.limit_in_bytes'), 'utf8')
        : readFileSync(join(dirs.unified as string, 'memory.max'), 'utf8');
      const pids = readFileSync(join(dirs.controllers.pids ?? (dirs.unified as string), 'pids.max'), 'utf8');
      expect(Number(memory)).toBe(64 * 1024 * 1024);
      expect(pids.trim()).toBe('50');
      const stats = f.runtime.stats(id);
      expect(stats.memory.limit).toBe(64 * 1024 * 1024);
      expect(stats.pids).toMatchObject({ current: 1, limit: 50 });
      expect(stats.memory.usage).toBeGreaterThan(0);
    } finally {
      await f.runtime.delete(id, { force: true });
    }
  });

  it('reports a container killed for exceeding its memory limit as OOM-killed', async () => {
    const result = await run('oom', {
      resources: { memory: 16 * 1024 * 1024, memorySwap: 16 * 1024 * 1024 },
      // dd fills a 64 MiB buffer from /dev/zero: four times the limit.
      process: { args: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'] },
    });
    expect(result.exitCode).toBe(137);
    expect(result.state.oomKilled).toBe(true);
  });

  it('drops capabilities: chown fails without CAP_CHOWN', async () => {
    const script = 'touch /tmp/f && chown 1000 /tmp/f && echo chowned; grep CapEff /proc/self/status';
    const allowed = await run('caps', { process: { args: ['sh', '-c', script] } });
    const dropped = await run('nocaps', { capDrop: ['chown'], process: { args: ['sh', '-c', script] } });
    expect(allowed.stdout).toContain('chowned');
    expect(allowed.stdout).toContain('CapEff:\t00000000a80425fb');
    expect(dropped.stdout).not.toContain('chowned');
    expect(dropped.stderr).toContain('Operation not permitted');
    expect(dropped.stdout).toContain('CapEff:\t00000000a80425fa');
  });

  it('filters syscalls with the default seccomp profile, unless unconfined or privileged', async () => {
    const status = 'grep -E "^(Seccomp|CapEff):" /proc/self/status; ls /dev | wc -l';
    const confined = await run('seccomp', { process: { args: ['sh', '-c', status] } });
    const unconfined = await run('unconfined', {
      seccomp: 'unconfined',
      process: { args: ['sh', '-c', status] },
    });
    const privileged = await run('privileged', { privileged: true, process: { args: ['sh', '-c', status] } });
    expect(confined.stdout).toMatch(/^Seccomp:\t2$/m);
    expect(unconfined.stdout).toMatch(/^Seccomp:\t0$/m);
    expect(privileged.stdout).toMatch(/^Seccomp:\t0$/m);
    const host = f.runtime.host;
    const all = BigInt(`0x${host.capBounding ?? 'f'.repeat(16)}`) & (2n ** BigInt(host.capLastCap + 1) - 1n);
    expect(privileged.stdout).toContain(`CapEff:\t${all.toString(16).padStart(16, '0')}`);
    // The host's device nodes appear in a privileged container only.
    const devices = (r: { stdout: string }) => Number(r.stdout.trim().split('\n').at(-1));
    expect(devices(privileged)).toBeGreaterThan(devices(confined));
  });

  it('caps ulimits at the host hard limit, with a warning', async () => {
    const hostHard = f.runtime.host.hardLimits.nofile as number;
    const result = await run('ulimit', {
      ulimits: [{ name: 'nofile', soft: hostHard * 100, hard: hostHard * 100 }],
      process: { args: ['sh', '-c', 'echo $(ulimit -Sn) $(ulimit -Hn)'] },
    });
    expect(result.stdout.trim()).toBe(`${hostHard} ${hostHard}`);
    expect(result.state.warnings.join('\n')).toMatch(/ulimit nofile hard limit .* capped to/);
  });

  it('runs an init as PID 1 that reaps orphaned zombies', async () => {
    const id = f.id('init');
    const created = await f.runtime.create({
      id,
      rootfs: f.rootfs,
      init: true,
      // The background sleep is orphaned at once; when it ends only PID 1 can reap it.
      process: { args: ['sh', '-c', '(sleep 0.2 &); exec sleep 600'] },
    });
    expect(created.init?.path).toMatch(/tini|docker-init|catatonit/);
    await f.runtime.start(id);
    try {
      const ps = async () => {
        const session = await f.runtime.exec(id, { args: ['ps', '-o', 'pid,stat,args'] });
        return (await collectLogs(session.output)).stdout;
      };
      const orphan = (out: string) => out.split('\n').some((line) => line.trim().endsWith(' sleep 0.2'));
      const listing = await waitUntil(ps, (out) => !orphan(out));
      const pid1 = listing.split('\n').find((l) => /^\s*1 /.test(l)) ?? '';
      expect(pid1).toMatch(/docker-init|tini|catatonit/);
      expect(listing).not.toMatch(/\sZ/);
    } finally {
      await f.runtime.delete(id, { force: true });
    }
  });

  it('leaves the zombie unreaped without an init (the control case)', async () => {
    const id = f.id('noinit');
    await f.runtime.create({
      id,
      rootfs: f.rootfs,
      process: { args: ['sh', '-c', '(sleep 0.2 &); exec sleep 600'] },
    });
    await f.runtime.start(id);
    try {
      const ps = async () => {
        const session = await f.runtime.exec(id, { args: ['ps', '-o', 'pid,stat,args'] });
        return (await collectLogs(session.output)).stdout;
      };
      const listing = await waitUntil(ps, (out) => /^\s*\d+ Z/m.test(out));
      expect(listing).toMatch(/^\s*1 S\s+sleep 600/m);
    } finally {
      await f.runtime.delete(id, { force: true });
    }
  });

  it('reports a start failure and leaves the container created', async () => {
    const id = f.id('bad');
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['/no/such/binary'] } });
    await expect(f.runtime.start(id)).rejects.toThrow(/no such file|not found|exec/i);
    const state = f.runtime.state(id);
    expect(state.status).toBe('created');
    expect(state.startError).toBeDefined();
    await f.runtime.delete(id);
  });
});
