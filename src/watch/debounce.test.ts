import { describe, expect, it } from 'vitest';
import { Debouncer } from './debounce.js';
import { FakeClock } from './testing-clock.js';

function setup(quietMs = 25, maxWaitMs = 250) {
  const clock = new FakeClock();
  const batches: string[][] = [];
  const d = new Debouncer<string>({ quietMs, maxWaitMs, clock, flush: (b) => batches.push(b) });
  return { clock, batches, d };
}

describe('Debouncer', () => {
  it('closes a batch once the window passes without a new item', () => {
    const { clock, batches, d } = setup();
    d.push('a', 'a');
    clock.advance(10);
    d.push('b', 'b');
    clock.advance(24);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('collapses items with the same key to the last, in its latest place', () => {
    const { clock, batches, d } = setup();
    d.push('a', 'a1');
    d.push('b', 'b1');
    d.push('a', 'a2');
    clock.advance(25);
    expect(batches).toEqual([['b1', 'a2']]);
  });

  it('hands a batch over after maxWait even while items keep coming', () => {
    const { clock, batches, d } = setup(25, 100);
    for (let t = 0; t < 150; t += 10) {
      d.push(`k${t}`, `k${t}`);
      clock.advance(10);
    }
    expect(batches.length).toBe(1);
    expect(batches[0]?.length).toBe(10);
    clock.advance(25);
    expect(batches.length).toBe(2);
  });

  it('cancel drops what waits; flushNow hands it over at once', () => {
    const { clock, batches, d } = setup();
    d.push('a', 'a');
    d.cancel();
    clock.advance(100);
    expect(batches).toEqual([]);
    d.push('b', 'b');
    d.flushNow();
    expect(batches).toEqual([['b']]);
    expect(clock.pending).toBe(0);
  });
});
