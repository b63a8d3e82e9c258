import { describe, expect, it } from 'vitest';
import { nextDelay, RestartScheduler, shouldRestart, type TimerApi } from './restart-policy.js';

describe('shouldRestart', () => {
  const base = { exitCode: 1, manuallyStopped: false, restartCount: 0 };
  it('follows each policy', () => {
    expect(shouldRestart({ ...base, policy: { Name: 'no' } })).toBe(false);
    expect(shouldRestart({ ...base, policy: { Name: 'always' }, exitCode: 0 })).toBe(true);
    expect(shouldRestart({ ...base, policy: { Name: 'unless-stopped' } })).toBe(true);
    expect(shouldRestart({ ...base, policy: { Name: 'on-failure' }, exitCode: 0 })).toBe(false);
    expect(shouldRestart({ ...base, policy: { Name: 'on-failure' } })).toBe(true);
    expect(
      shouldRestart({ ...base, policy: { Name: 'on-failure', MaximumRetryCount: 2 }, restartCount: 1 }),
    ).toBe(true);
    expect(
      shouldRestart({ ...base, policy: { Name: 'on-failure', MaximumRetryCount: 2 }, restartCount: 2 }),
    ).toBe(false);
  });
  it('never restarts what the user stopped', () => {
    for (const Name of ['always', 'unless-stopped', 'on-failure'])
      expect(shouldRestart({ ...base, manuallyStopped: true, policy: { Name } })).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles from 100 ms to a minute, and starts over after a 10 s run', () => {
    const delays: number[] = [];
    let d = 0;
    for (let i = 0; i < 12; i++) {
      d = nextDelay(d, 50);
      delays.push(d);
    }
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 1600]);
    expect(delays.at(-1)).toBe(60_000);
    expect(nextDelay(60_000, 10_000)).toBe(100);
  });

  it('schedules with the delays and cancels', () => {
    const pending: { fn: () => void; ms: number }[] = [];
    const timers: TimerApi = {
      setTimeout: (fn, ms) => pending.push({ fn, ms }) - 1,
      clearTimeout: (h) => {
        const entry = pending[h as number];
        if (entry) entry.fn = () => {};
      },
    };
    const scheduler = new RestartScheduler(timers);
    let runs = 0;
    expect(scheduler.schedule('c', 0, () => runs++)).toBe(100);
    pending[0]?.fn();
    expect(scheduler.schedule('c', 0, () => runs++)).toBe(200);
    expect(scheduler.isPending('c')).toBe(true);
    expect(scheduler.cancel('c')).toBe(true);
    pending[1]?.fn();
    expect(runs).toBe(1);
    scheduler.forget('c');
    expect(scheduler.schedule('c', 0, () => runs++)).toBe(100);
  });
});
