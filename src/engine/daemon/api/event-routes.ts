/**
 * GET /events: recent events from `since` (replayed from the bus's buffer), then new ones as
 * they happen, each one JSON line, until `until` (the stream ends there) or the client leaves.
 */
import type { DaemonContext } from '../daemon-context.js';
import type { EngineEventMessage } from '../events/event-bus.js';
import { checkEventFilters, eventMatches, parseEventTime } from './event-filter.js';
import { queryFilters, startJsonStream } from './http-io.js';
import type { Router } from './router.js';

/** Registers /events; returns how many event streams are open (for /info). */
export function registerEventRoutes(router: Router, ctx: DaemonContext): () => number {
  let open = 0;
  router.on('GET', '/events', async ({ res, query }) => {
    const filters = queryFilters(query);
    checkEventFilters(filters);
    const now = Date.now();
    const sinceText = query.get('since');
    const untilText = query.get('until');
    const since = sinceText ? parseEventTime(sinceText, now) : undefined;
    const until = untilText ? parseEventTime(untilText, now) : undefined;
    const write = startJsonStream(res);
    const wanted = (e: EngineEventMessage) => {
      const ms = e.timeNano / 1e6;
      return (
        (since === undefined || ms >= since) &&
        (until === undefined || ms <= until) &&
        eventMatches(e, filters)
      );
    };
    open++;
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let unsubscribe: (() => void) | undefined;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        open--;
        if (timer) clearTimeout(timer);
        unsubscribe?.();
        if (!res.writableEnded) res.end();
        resolve();
      };
      res.once('close', finish);
      unsubscribe = ctx.events.subscribe(
        (e) => {
          if (!done && wanted(e)) write(e);
        },
        since === undefined ? undefined : since / 1000,
      );
      if (until !== undefined) {
        // replayed what was due; a past `until` ends now, a future one when it comes
        const wait = until - Date.now();
        if (wait <= 0) finish();
        // beyond a timer's range (~24 days) the stream simply lasts as long as the client stays
        else if (wait < 2 ** 31) timer = setTimeout(finish, wait);
      }
    });
  });
  return () => open;
}
