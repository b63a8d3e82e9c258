import { describe, expect, it } from 'vitest';
import { goDuration, HealthMonitor, healthCommand, type ProbeResult } from './health-monitor.js';
import type { TimerApi } from './restart-policy.js';

/** Timers run by hand; the clock moves with them. */
function fakeTime() {
  let now = 1_000_000;
  const queue: { at: number; fn: () => void; id: number }[] = [];
  let next = 0;
  const timers: TimerApi = {
    setTimeout: (fn, ms) => {
      queue.push({ at: now + ms, fn, id: ++next });
      return next;
    },
    clearTimeout: (id) => {
      const i = queue.findIndex((t) => t.id === id);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  return {
    timers,
    now: () => new Date(now),
    /** Runs the next timer; returns the delay it had. */
    async tick(): Promise<number> {
      queue.sort((a, b) => a.at - b.at);
      const t = queue.shift();
      if (!t) throw new Error('no timer');
      const delay = t.at - now;
      now = t.at;
      t.fn();
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return delay;
    },
  };
}

function monitor(config: Record<string, unknown>, results: ProbeResult[]) {
  const time = fakeTime();
  const changes: string[] = [];
  const m = new HealthMonitor({
    config: { Test: ['CMD', 'check'], ...config },
    startedAtMs: time.now().getTime(),
    probe: async () => results.shift() ?? { exitCode: 0, output: '' },
    onResult: (h, changed) => {
      if (changed) changes.push(h.Status);
    },
    now: time.now,
    timers: time.timers,
  });
  m.start();
  return { m, time, changes };
}

describe('HealthMonitor', () => {
  it('turns healthy on success and unhealthy after `retries` failures', async () => {
    const fail = { exitCode: 1, output: 'no' };
    const { m, time, changes } = monitor({ Interval: 1e9, Retries: 2 }, [
      { exitCode: 0, output: 'ok' },
      fail,
      fail,
      fail,
    ]);
    expect(m.health.Status).toBe('starting');
    expect(await time.tick()).toBe(1000);
    expect(m.health).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
    await time.tick();
    expect(m.health).toMatchObject({ Status: 'healthy', FailingStreak: 1 });
    await time.tick();
    expect(m.health).toMatchObject({ Status: 'unhealthy', FailingStreak: 2 });
    expect(changes).toEqual(['healthy', 'unhealthy']);
  });

  it('keeps the last five results and uses the defaults (30 s, 3 retries)', async () => {
    const { m, time } = monitor(
      {},
      Array.from({ length: 7 }, (_, i) => ({ exitCode: 1, output: `r${i}` })),
    );
    expect(await time.tick()).toBe(30_000);
    for (let i = 0; i < 6; i++) await time.tick();
    expect(m.health.Log.map((l) => l.Output)).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
    expect(m.health.Status).toBe('unhealthy');
    expect(m.health.FailingStreak).toBe(7);
  });

  it('does not count failures while starting in the start period, probing at the start interval', async () => {
    const fail = { exitCode: 1, output: '' };
    const { m, time } = monitor({ Interval: 10e9, StartPeriod: 3e9, StartInterval: 1e9, Retries: 1 }, [
      fail,
      fail,
      fail,
      fail,
    ]);
    expect(await time.tick()).toBe(1000);
    expect(m.health).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    await time.tick();
    expect(await time.tick()).toBe(1000);
    // past the start period: failures count, and the interval is the normal one
    expect(m.health).toMatchObject({ Status: 'unhealthy', FailingStreak: 1 });
    expect(await time.tick()).toBe(10_000);
  });

  it('stops probing when stopped, and knows NONE and CMD-SHELL', async () => {
    const { m, time } = monitor({ Interval: 1e9 }, []);
    m.stop();
    await expect(time.tick()).rejects.toThrow(/no timer/);
    expect(healthCommand(['NONE'])).toBeUndefined();
    expect(healthCommand([])).toBeUndefined();
    expect(healthCommand(['CMD-SHELL', 'curl -f x'])).toEqual(['/bin/sh', '-c', 'curl -f x']);
    expect(healthCommand(['CMD', 'a', 'b'])).toEqual(['a', 'b']);
    expect(goDuration(30_000)).toBe('30s');
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(200)).toBe('200ms');
    expect(goDuration(90_000)).toBe('1m30s');
  });
});
