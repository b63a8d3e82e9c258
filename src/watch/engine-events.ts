/**
 * The project's container events, followed for as long as the watch runs: when the stream
 * breaks (the engine restarted, the connection dropped) it is opened again with a growing
 * pause, and the caller hears about the loss and the return (then it catches up).
 */
import type { Engine, EngineEvent } from '../engine/engine.js';
import { Labels } from '../model/labels.js';
import type { Clock } from './debounce.js';

export interface FollowEventsOptions {
  engine: Engine;
  project: string;
  clock: Clock;
  signal: AbortSignal;
  onEvent: (event: EngineEvent) => void;
  onLost: (error: Error) => void;
  onBack: () => void;
}

/** Runs until `signal` aborts. */
export async function followEngineEvents(o: FollowEventsOptions): Promise<void> {
  let pause = 500;
  let lost = false;
  while (!o.signal.aborted) {
    try {
      const stream = o.engine.events({ labels: [`${Labels.project}=${o.project}`] }, o.signal);
      let first = true;
      for await (const event of stream) {
        if (first && lost) {
          lost = false;
          pause = 500;
          o.onBack();
        }
        first = false;
        o.onEvent(event);
      }
      if (o.signal.aborted) return;
      throw new Error('the event stream ended');
    } catch (error) {
      if (o.signal.aborted) return;
      if (!lost) o.onLost(error instanceof Error ? error : new Error(String(error)));
      lost = true;
    }
    await sleep(o.clock, pause, o.signal);
    pause = Math.min(pause * 2, 10_000);
    if (lost && !o.signal.aborted) {
      // Back when the engine answers again, even before an event comes.
      const back = await o.engine.listContainers({ labels: [`${Labels.project}=${o.project}`] }).then(
        () => true,
        () => false,
      );
      if (back) {
        lost = false;
        pause = 500;
        o.onBack();
      }
    }
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clock.clearTimeout(timer);
      resolve();
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
