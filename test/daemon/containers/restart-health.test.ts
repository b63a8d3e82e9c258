/**
 * Restart policies and health checks of the bundled engine, on real containers (in this
 * process): on-failure with a retry limit, always, unless-stopped and no, none of them after an
 * explicit stop or kill; health checks turning healthy, unhealthy and timing out, the start
 * period, the last five results, and the events dockerd publishes for them. Waits poll the
 * engine's state; nothing asserts on how long anything took.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEventMessage } from '../../../src/engine/daemon/events/event-bus.js';
import { type BundledDaemon, startBundledDaemon } from './helpers/bundled-daemon.js';
import { bundledSkipReason, TEST_IMAGE } from './helpers/host-cleanup.js';

interface Inspect {
  RestartCount: number;
  State: {
    Status: string;
    ExitCode: number;
    Restarting: boolean;
    Health?: { Status: string; FailingStreak: number; Log: { ExitCode: number; Output: string }[] };
  };
}

async function until<T>(check: () => T | undefined, what: string, limit = 600): Promise<T> {
  for (let i = 0; i < limit; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(bundledSkipReason !== undefined)(
  `restart policies and health checks${bundledSkipReason ? ` (skipped: ${bundledSkipReason})` : ''}`,
  () => {
    let b: BundledDaemon;
    const events: EngineEventMessage[] = [];
    const inspect = (id: string) => b.containers.inspect(id) as unknown as Inspect;
    const run = async (name: string, body: Record<string, unknown>) => {
      const { Id } = await b.containers.create(name, {
        Image: TEST_IMAGE,
        HostConfig: { NetworkMode: 'none' },
        ...body,
      });
      await b.containers.start(Id);
      return Id;
    };
    const actions = (id: string) => events.filter((e) => e.Actor.ID === id).map((e) => e.Action);

    beforeAll(async () => {
      b = await startBundledDaemon('policies');
      b.daemon.context.events.subscribe((e) => events.push(e));
    }, 60_000);

    afterAll(async () => {
      await b?.stop();
    }, 60_000);

    it('on-failure:2 restarts twice, then stays exited', async () => {
      const id = await run('fails', {
        Cmd: ['sh', '-c', 'exit 3'],
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } },
      });
      await until(
        () => (actions(id).filter((a) => a === 'die').length === 3 ? true : undefined),
        'three exits',
      );
      const c = await until(() => {
        const i = inspect(id);
        return i.State.Status === 'exited' ? i : undefined;
      }, 'exited');
      expect(c.RestartCount).toBe(2);
      expect(c.State.ExitCode).toBe(3);
      expect(actions(id).filter((a) => a === 'start')).toHaveLength(3);
      const die = events.find((e) => e.Actor.ID === id && e.Action === 'die');
      expect(die?.Actor.Attributes).toMatchObject({ exitCode: '3', name: 'fails', image: TEST_IMAGE });
    });

    it('on-failure does not restart after a clean exit; no never restarts', async () => {
      const clean = await run('clean', {
        Cmd: ['true'],
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'on-failure' } },
      });
      const never = await run('never', { Cmd: ['sh', '-c', 'exit 1'] });
      expect(await b.containers.wait(clean, 'not-running')).toBe(0);
      expect(await b.containers.wait(never, 'not-running')).toBe(1);
      expect(inspect(clean).RestartCount).toBe(0);
      expect(inspect(never).RestartCount).toBe(0);
    });

    it('always restarts an exiting container until it is stopped; the count resets on start', async () => {
      const id = await run('always', {
        Cmd: ['sh', '-c', 'sleep 0.1'],
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } },
      });
      await until(() => (inspect(id).RestartCount >= 2 ? true : undefined), 'two restarts');
      await b.containers.stop(id, { timeout: 1 });
      const stopped = inspect(id);
      expect(stopped.State.Status).toBe('exited');
      expect(stopped.State.Restarting).toBe(false);
      const dies = actions(id).filter((a) => a === 'die').length;
      // a restart would have come within the backoff; the record says stopped by the user
      expect(b.containers.core.live.get(id)?.record.state.manuallyStopped).toBe(true);
      expect(b.containers.core.restarts.isPending(id)).toBe(false);
      await b.containers.start(id);
      expect(inspect(id).RestartCount).toBe(0);
      await b.containers.stop(id, { timeout: 1 });
      expect(actions(id).filter((a) => a === 'die').length).toBeGreaterThan(dies);
    });

    it('unless-stopped and always leave a killed container alone', async () => {
      const id = await run('unless', {
        Cmd: ['sleep', '3600'],
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'unless-stopped' } },
      });
      await b.containers.kill(id);
      const c = inspect(id);
      expect(c.State).toMatchObject({ Status: 'exited', ExitCode: 137, Restarting: false });
      expect(b.containers.core.restarts.isPending(id)).toBe(false);
      expect(actions(id)).toEqual(['create', 'start', 'kill', 'die']);
    });

    it('turns healthy, keeps five results, and publishes health_status', async () => {
      const id = await run('healthy', {
        Cmd: ['sleep', '3600'],
        Healthcheck: {
          Test: ['CMD-SHELL', 'echo probing; exit 0'],
          Interval: 50e6,
          Timeout: 5e9,
          Retries: 3,
        },
      });
      expect(inspect(id).State.Health?.Status).toBe('starting');
      await until(
        () => (actions(id).filter((a) => a === 'exec_die').length >= 6 ? true : undefined),
        'six probes',
      );
      const health = inspect(id).State.Health;
      expect(health).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
      expect(health?.Log).toHaveLength(5);
      expect(health?.Log[0]).toMatchObject({ ExitCode: 0, Output: 'probing\n' });
      expect(actions(id)).toContain('health_status: healthy');
      expect(actions(id).some((a) => a.startsWith('exec_create: /bin/sh -c echo probing'))).toBe(true);
      const list = b.containers.list({ all: false, limit: 0, size: false, filters: { health: ['healthy'] } });
      expect(list.map((c) => c.Id)).toContain(id);
      expect(String(list.find((c) => c.Id === id)?.Status)).toMatch(/^Up .* \(healthy\)$/);
    });

    it('turns unhealthy after the retries, and reports timeouts as -1', async () => {
      const failing = await run('unhealthy', {
        Cmd: ['sleep', '3600'],
        Healthcheck: { Test: ['CMD', 'sh', '-c', 'echo no; exit 1'], Interval: 50e6, Retries: 2 },
      });
      const slow = await run('slow', {
        Cmd: ['sleep', '3600'],
        Healthcheck: { Test: ['CMD', 'sleep', '30'], Interval: 50e6, Timeout: 100e6, Retries: 1 },
      });
      const bad = await until(() => {
        const h = inspect(failing).State.Health;
        return h?.Status === 'unhealthy' ? h : undefined;
      }, 'unhealthy');
      expect(bad.FailingStreak).toBeGreaterThanOrEqual(2);
      expect(bad.Log.at(-1)).toMatchObject({ ExitCode: 1, Output: 'no\n' });
      expect(actions(failing)).toContain('health_status: unhealthy');
      const timedOut = await until(() => {
        const h = inspect(slow).State.Health;
        return h?.Status === 'unhealthy' ? h : undefined;
      }, 'a timed-out probe');
      expect(timedOut.Log.at(-1)).toMatchObject({
        ExitCode: -1,
        Output: 'Health check exceeded timeout (100ms)',
      });
    });

    it('does not count failures in the start period, probing at the start interval', async () => {
      const id = await run('starting', {
        Cmd: ['sleep', '3600'],
        Healthcheck: {
          Test: ['CMD', 'false'],
          Interval: 3600e9,
          StartPeriod: 3600e9,
          StartInterval: 50e6,
          Retries: 1,
        },
      });
      await until(
        () => ((inspect(id).State.Health?.Log.length ?? 0) >= 3 ? true : undefined),
        'three probes',
      );
      expect(inspect(id).State.Health).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    });
  },
);
