import { describe, expect, it } from 'vitest';
import { emptyWork, type ServiceWork } from './rules.js';
import { type Round, ServiceQueue } from './service-queue.js';
import { FakeClock } from './testing-clock.js';

const sync = (...paths: string[]): ServiceWork => ({
  ...emptyWork(),
  sync: new Map(paths.map((p) => [p, { hostPath: `/h${p}`, containerPath: p }])),
});
const rebuild = (): ServiceWork => ({ ...emptyWork(), rebuild: true });
const flush = () => new Promise((r) => setImmediate(r));

function setup() {
  const clock = new FakeClock();
  const rounds: Round[] = [];
  let release: () => void = () => {};
  let hold = false;
  const q = new ServiceQueue({
    clock,
    rebuildQuietMs: 500,
    run: async (round) => {
      rounds.push(round);
      if (hold) await new Promise<void>((r) => (release = r));
    },
  });
  return { clock, rounds, q, hold: (on: boolean) => (hold = on), release: () => release() };
}

describe('ServiceQueue', () => {
  it('merges work that arrives while a round runs into one next round', async () => {
    const s = setup();
    s.hold(true);
    s.q.add(sync('/a'));
    await flush();
    s.q.add(sync('/b'));
    s.q.add(sync('/c'));
    s.hold(false);
    s.release();
    await s.q.idle();
    expect(s.rounds.map((r) => [...r.work.sync.keys()])).toEqual([['/a'], ['/b', '/c']]);
  });

  it('makes one rebuild of a burst: it waits until triggers are quiet, syncs go first', async () => {
    const s = setup();
    s.q.add(rebuild());
    s.clock.advance(200);
    s.q.add({ ...rebuild(), restart: true });
    s.q.add(sync('/a'));
    await flush();
    expect(
      s.rounds.map((r) => ({ rebuild: r.work.rebuild, restart: r.work.restart, n: r.work.sync.size })),
    ).toEqual([{ rebuild: false, restart: false, n: 1 }]);
    s.clock.advance(400);
    await flush();
    expect(s.rounds.length).toBe(1);
    s.clock.advance(100);
    await s.q.idle();
    expect(s.rounds.length).toBe(2);
    expect(s.rounds[1]?.work).toMatchObject({ rebuild: true, restart: true });
  });

  it('passes catch-up requests with the next round, once each', async () => {
    const s = setup();
    s.hold(true);
    s.q.add(sync('/a'));
    await flush();
    s.q.requestCatchUp('c1');
    s.q.requestCatchUp('c1');
    s.q.requestCatchUp('c2');
    s.hold(false);
    s.release();
    await s.q.idle();
    expect(s.rounds.map((r) => r.catchUp)).toEqual([[], ['c1', 'c2']]);
  });

  it('takes nothing after close', async () => {
    const s = setup();
    await s.q.close();
    s.q.add(sync('/a'));
    await s.q.idle();
    expect(s.rounds).toEqual([]);
  });
});
