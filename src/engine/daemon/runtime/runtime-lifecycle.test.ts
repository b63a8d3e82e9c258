/**
 * Lifecycle of real containers: stop (signal ignored → SIGKILL), kill, pause/resume, restart,
 * delete, state errors, exit events, and 50 containers created and started at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirsOf } from './cgroup-layout.js';
import type { ExitInfo } from './container-table.js';
import { ContainerNotFoundError, ContainerStateError } from './runtime-errors.js';
import { collectLogs, waitUntil } from './testing/run-helpers.js';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const skip = runtimeSkipReason();

describe.skipIf(skip !== undefined)(`container lifecycle${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let f: RuntimeFixture;
  beforeAll(async () => {
    f = new RuntimeFixture('life');
    await f.runtime.recover();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  /** Starts `sh -c script`; a script with a `trap` says `ready` once it is set, and we wait for that. */
  const sleeper = async (label: string, script = 'exec sleep 600') => {
    const id = f.id(label);
    const trapped = script.startsWith('trap');
    const full = trapped ? script.replace(/; /, '; echo ready; ') : script;
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['sh', '-c', full] } });
    await f.runtime.start(id);
    if (trapped) {
      await waitUntil(
        async () => (await collectLogs(f.runtime.logs(id))).stdout,
        (out) => out.includes('ready'),
      );
    }
    return id;
  };

  it('stops with SIGKILL after the timeout when the stop signal is ignored', async () => {
    const id = await sleeper('stop', "trap '' TERM; while :; do sleep 1; done");
    const events: ExitInfo[] = [];
    const off = f.runtime.onExit((info) => {
      if (info.id === id) events.push(info);
    });
    expect(await f.runtime.stop(id, { timeoutSeconds: 1 })).toBe(true);
    off();
    const state = f.runtime.state(id);
    expect(state.status).toBe('stopped');
    expect(state.exitCode).toBe(137);
    expect(events.map((e) => e.exitCode)).toEqual([137]);
    expect(await f.runtime.stop(id)).toBe(false);
    await f.runtime.delete(id);
  });

  it('stops gracefully with the stop signal when the process handles it', async () => {
    const id = await sleeper('graceful', "trap 'exit 42' TERM; while :; do sleep 0.1; done");
    expect(await f.runtime.stop(id, { timeoutSeconds: 30 })).toBe(true);
    expect(f.runtime.state(id).exitCode).toBe(42);
    await f.runtime.delete(id);
  });

  it('kills with a given signal and reports 128+n', async () => {
    const id = await sleeper('kill', "trap 'exit 5' USR1; while :; do sleep 0.1; done");
    await f.runtime.kill(id, 'USR1');
    expect((await f.runtime.wait(id, 'next-exit')).exitCode).toBe(5);
    const other = await sleeper('kill9');
    await f.runtime.kill(other);
    expect((await f.runtime.wait(other)).exitCode).toBe(137);
    await expect(f.runtime.kill(other, 'TERM')).rejects.toBeInstanceOf(ContainerStateError);
  });

  it('pauses (freezer) and resumes', async () => {
    const id = await sleeper('pause', "trap 'exit 3' TERM; while :; do sleep 0.1; done");
    await f.runtime.pause(id);
    const state = f.runtime.state(id);
    expect(state.status).toBe('paused');
    const dirs = cgroupDirsOf(f.runtime.host.cgroup, state.pid as number);
    const frozen = dirs.controllers.freezer
      ? readFileSync(join(dirs.controllers.freezer, 'freezer.state'), 'utf8').trim()
      : readFileSync(join(dirs.unified as string, 'cgroup.freeze'), 'utf8').trim();
    expect(['FROZEN', '1']).toContain(frozen);
    await expect(f.runtime.exec(id, { args: ['true'] })).rejects.toBeInstanceOf(ContainerStateError);
    await f.runtime.resume(id);
    expect(f.runtime.state(id).status).toBe('running');
    const session = await f.runtime.exec(id, { args: ['echo', 'awake'] });
    expect((await collectLogs(session.output)).stdout).toBe('awake\n');
    await expect(f.runtime.resume(id)).rejects.toBeInstanceOf(ContainerStateError);
    // A paused container stops too: the signal is delivered once thawed.
    await f.runtime.pause(id);
    expect(await f.runtime.stop(id, { timeoutSeconds: 30 })).toBe(true);
    expect(f.runtime.state(id)).toMatchObject({ status: 'stopped', exitCode: 3 });
  });

  it('keeps the shim out of the daemon’s cgroup', async () => {
    const id = await sleeper('shim');
    const conmonPid = f.runtime.state(id).conmonPid as number;
    const cgroups = readFileSync(`/proc/${conmonPid}/cgroup`, 'utf8');
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    const unified = (text: string) => /^0::(.*)$/m.exec(text)?.[1];
    if (f.runtime.host.cgroup.unified) {
      expect(unified(cgroups)).toBe(`/${f.cgroupParent}/_conmon`);
      expect(unified(own)).not.toBe(unified(cgroups));
    }
    await f.runtime.delete(id, { force: true });
  });

  it('tells a waiter when the container it waits for is deleted', async () => {
    const id = f.id('gone');
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['true'] } });
    const waiting = f.runtime.wait(id, 'next-exit');
    await f.runtime.delete(id);
    await expect(waiting).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('restarts a stopped container, appending to its log', async () => {
    const id = f.id('again');
    await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['sh', '-c', 'echo run'] } });
    await f.runtime.start(id);
    await f.runtime.wait(id);
    await f.runtime.start(id);
    const exit = await f.runtime.wait(id);
    expect(exit.exitCode).toBe(0);
    expect(f.runtime.state(id).runs).toBe(2);
    expect((await collectLogs(f.runtime.logs(id))).stdout).toBe('run\nrun\n');
  });

  it('refuses to delete a running container without force, and deletes everything with it', async () => {
    const id = await sleeper('delete');
    const { pid, bundle } = f.runtime.state(id);
    const dirs = cgroupDirsOf(f.runtime.host.cgroup, pid as number);
    await expect(f.runtime.delete(id)).rejects.toBeInstanceOf(ContainerStateError);
    await expect(f.runtime.start(id)).rejects.toBeInstanceOf(ContainerStateError);
    await f.runtime.delete(id, { force: true });
    expect(() => f.runtime.state(id)).toThrow(ContainerNotFoundError);
    expect(existsSync(bundle)).toBe(false);
    for (const dir of [dirs.unified, ...Object.values(dirs.controllers)]) {
      if (dir) expect(existsSync(dir)).toBe(false);
    }
    expect(await f.runtime.ociRuntime?.state(id)).toBeUndefined();
  });

  it('refuses duplicate ids and leaves nothing behind for invalid specs', async () => {
    const id = await sleeper('dup');
    await expect(
      f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['true'] } }),
    ).rejects.toBeInstanceOf(ContainerStateError);
    const bad = f.id('bad');
    await expect(
      f.runtime.create({ id: bad, rootfs: f.rootfs, process: { args: ['true'], user: 'nosuchuser' } }),
    ).rejects.toThrow(/unable to find user nosuchuser/);
    await expect(
      f.runtime.create({
        id: f.id('sysctl'),
        rootfs: f.rootfs,
        process: { args: ['true'] },
        sysctls: { 'vm.swappiness': '1' },
      }),
    ).rejects.toThrow(/not namespaced/);
    expect(existsSync(join(f.stateDir, 'containers', bad))).toBe(false);
    await f.runtime.delete(id, { force: true });
  });

  it('creates and starts 50 containers at once', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => f.id(`many${i}`));
    await Promise.all(
      ids.map(async (id, i) => {
        await f.runtime.create({
          id,
          rootfs: f.rootfs,
          process: { args: ['sh', '-c', `echo ${i}; exec sleep 600`] },
        });
        await f.runtime.start(id);
      }),
    );
    expect(ids.map((id) => f.runtime.state(id).status)).toEqual(ids.map(() => 'running'));
    const states = await f.runtime.ociRuntime?.list();
    expect(ids.every((id) => states?.some((s) => s.id === id && s.status === 'running'))).toBe(true);
    const first = await waitUntil(
      async () => (await collectLogs(f.runtime.logs(ids[7] as string))).stdout,
      (out) => out !== '',
    );
    expect(first).toBe('7\n');
    await Promise.all(ids.map((id) => f.runtime.delete(id, { force: true })));
    expect(ids.some((id) => existsSync(join(f.stateDir, 'containers', id)))).toBe(false);
  });
});
