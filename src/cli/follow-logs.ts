/**
 * Follows the logs of a set of containers until they have all exited (or `signal` aborts),
 * following a container again when it restarts, and noting each exit: what `dev up` in the
 * foreground and `dev logs -f` show.
 */
import type { Engine, LogOptions } from '../engine/engine.js';
import { Labels } from '../model/labels.js';
import type { LogPrinter } from './render/log-printer.js';

export interface FollowTarget {
  id: string;
  /** Name shown in the prefix (`web-1`). */
  label: string;
  service?: string;
}

export interface FollowOptions {
  engine: Engine;
  project: string;
  printer: LogPrinter;
  log: Omit<LogOptions, 'follow'>;
  signal: AbortSignal;
  /** Called when a container exits; return true to stop following everything. */
  onExit?: (target: FollowTarget, exitCode: number) => boolean | undefined;
  /** Keep following after every container exited (`logs -f` waits for restarts). */
  untilAborted?: boolean;
}

/** Resolves when every target has exited for good, or the signal aborted, or onExit said stop. */
export async function followLogs(targets: FollowTarget[], options: FollowOptions): Promise<void> {
  const { engine, printer } = options;
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal.addEventListener('abort', abort, { once: true });
  for (const t of targets) printer.add(t.label);
  const running = new Set<string>();
  const streams = new Map<string, Promise<void>>();
  const byId = new Map(targets.map((t) => [t.id, t]));
  /** Containers that started again while their previous stream was still closing. */
  const restarted = new Map<string, string>();

  const checkAllDone = async () => {
    // A container with a restart policy comes back: give it a moment before deciding.
    await new Promise((r) => setTimeout(r, 300));
    if (running.size > 0 || stop.signal.aborted || options.untilAborted) return;
    const states = await Promise.all(
      targets.map((t) => engine.inspectContainer(t.id).catch(() => undefined)),
    );
    if (states.every((s) => !s || (s.state !== 'running' && s.state !== 'restarting'))) stop.abort();
  };
  const follow = (t: FollowTarget, since?: string) => {
    running.add(t.id);
    const log: LogOptions = { ...options.log, follow: true, ...(since ? { since, tail: 'all' } : {}) };
    const p = (async () => {
      try {
        for await (const line of engine.logs(t.id, log, stop.signal)) printer.line(t.label, line);
      } catch {
        // the stream ends with the container, or with our abort
      }
      // The stream ends when the container stops; a restart (seen in the events) follows again.
      running.delete(t.id);
      const again = restarted.get(t.id);
      if (again !== undefined && !stop.signal.aborted) {
        restarted.delete(t.id);
        follow(t, again);
      } else void checkAllDone();
    })();
    streams.set(t.id, p);
  };
  for (const t of targets) follow(t);

  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  if (stop.signal.aborted) settle();
  stop.signal.addEventListener('abort', () => settle(), { once: true });

  // Exits and restarts come from the engine's events, so a restarting container is followed again.
  const events = (async () => {
    try {
      for await (const e of engine.events(
        { labels: [`${Labels.project}=${options.project}`] },
        stop.signal,
      )) {
        if (e.type !== 'container') continue;
        const t = byId.get(e.id);
        if (!t) continue;
        if (e.action === 'die') {
          const code = Number(e.attributes.exitCode ?? '0');
          printer.note(t.label, `exited with code ${code}`);
          if (options.onExit?.(t, code)) stop.abort();
        } else if (e.action === 'start') {
          const since = String(Math.floor(e.time / 1e9));
          if (running.has(t.id)) restarted.set(t.id, since);
          else follow(t, since);
        }
      }
    } catch {
      // aborted
    }
  })();

  await done;
  stop.abort();
  options.signal.removeEventListener('abort', abort);
  await Promise.allSettled([...streams.values(), events]);
}
