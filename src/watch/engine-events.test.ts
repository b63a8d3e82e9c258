import { describe, expect, it } from 'vitest';
import type { Engine, EngineEvent } from '../engine/engine.js';
import { systemClock } from './debounce.js';
import { followEngineEvents } from './engine-events.js';

describe('followEngineEvents', () => {
  it('opens the stream again after it breaks, saying when the engine went and came back', async () => {
    const log: string[] = [];
    let opened = 0;
    const stop = new AbortController();
    const engine = {
      events: (_f: unknown, signal: AbortSignal) =>
        (async function* (): AsyncGenerator<EngineEvent> {
          opened++;
          if (opened === 1) throw new Error('connection reset');
          yield { type: 'container', action: 'start', id: 'c1', attributes: {}, time: 0 };
          if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        })(),
      listContainers: async () => [],
    } as unknown as Engine;
    await followEngineEvents({
      engine,
      project: 'p',
      clock: systemClock,
      signal: stop.signal,
      onEvent: (e) => {
        log.push(`event ${e.action}`);
        stop.abort();
      },
      onLost: (e) => log.push(`lost: ${e.message}`),
      onBack: () => log.push('back'),
    });
    expect(log).toEqual(['lost: connection reset', 'back', 'event start']);
    expect(opened).toBe(2);
  });
});
