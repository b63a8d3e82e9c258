/**
 * `dev up --watch` in the foreground: the containers' logs and the watch's status lines in one
 * stream (`watch | web: synced 3 files in 38 ms`). Containers the watch recreates are followed
 * as they come; Ctrl-C stops the watch, then the project (a second Ctrl-C kills it).
 */
import type { Engine } from '../../engine/engine.js';
import { Labels } from '../../model/labels.js';
import type { WatchSession } from '../../watch/watch-session.js';
import { ExitCode } from '../exit-codes.js';
import { type FollowTarget, followLogs } from '../follow-logs.js';
import type { Interrupt } from '../interrupt.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from '../program.js';
import { LogPrinter, type LogPrinterOptions, shortName } from '../render/log-printer.js';
import type { ProgressMode } from '../render/progress.js';
import type { ProjectSession } from '../session.js';
import { stopProject } from './up-attached.js';
import { startWatch, type WatchOptions } from './watch.js';

export interface AttachWatchOptions {
  engine: Engine;
  session: ProjectSession;
  options: GlobalOptions & WatchOptions;
  io: CliIO;
  interrupt: Interrupt;
  /** Services `up` was asked for (the watch covers the same). */
  services: string[];
  /** Services whose logs are shown. */
  attached: string[];
  printer: LogPrinterOptions;
  progress: ProgressMode;
  /** Unix seconds: logs from then on. */
  since: number;
  stopTimeout?: number;
}

/** Follows logs and watches until Ctrl-C; returns `up`'s exit code. */
export async function attachWithWatch(o: AttachWatchOptions): Promise<number> {
  const project = o.session.project;
  const printer = new LogPrinter(o.io, o.printer);
  const follow = new AbortController();
  const followed = new Set<string>();
  const streams: Promise<void>[] = [];
  const followNew = async (later = false) => {
    const list = await o.engine.listContainers({ labels: [`${Labels.project}=${project.name}`] });
    const fresh: FollowTarget[] = list
      .filter((c) => !c.oneoff && o.attached.includes(c.service) && !followed.has(c.id))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((c) => ({ id: c.id, label: shortName(project.name, c.name), service: c.service }));
    if (fresh.length === 0 || follow.signal.aborted) return fresh;
    for (const t of fresh) followed.add(t.id);
    streams.push(
      followLogs(fresh, {
        engine: o.engine,
        project: project.name,
        printer,
        // A container that came later is new: all it printed is news.
        log: later ? { tail: 'all' } : { tail: 'all', since: String(o.since) },
        signal: follow.signal,
        untilAborted: true,
      }),
    );
    return fresh;
  };
  const first = await followNew();
  o.io.stdout.write(`Attaching to ${first.map((t) => t.label).join(', ')}\n`);
  printer.add('watch');
  let watch: WatchSession | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = async () => {
    await watch?.close();
    const list = await o.engine.listContainers({ labels: [`${Labels.project}=${project.name}`] });
    const containers: Record<string, { id: string; name: string; number: number }[]> = {};
    for (const c of list.filter((c) => !c.oneoff)) {
      containers[c.service] = [...(containers[c.service] ?? []), c];
    }
    await stopProject({
      engine: o.engine,
      project,
      containers,
      io: o.io,
      progress: o.progress,
      ...(o.stopTimeout !== undefined ? { stopTimeout: o.stopTimeout } : {}),
    });
    follow.abort();
  };
  o.interrupt.signal.addEventListener(
    'abort',
    () => {
      o.io.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      stopping = stopAll();
    },
    { once: true },
  );
  o.interrupt.onForce(() => {
    o.io.stderr.write('Killing...\n');
    void o.engine
      .listContainers({ labels: [`${Labels.project}=${project.name}`] })
      .then((list) => Promise.allSettled(list.map((c) => o.engine.killContainer(c.id))))
      .finally(() => follow.abort());
  });
  try {
    watch = await startWatch({
      engine: o.engine,
      session: o.session,
      options: o.options,
      io: o.io,
      services: o.services,
      print: (text) => printer.line('watch', { stream: 'stdout', text }),
      onEvent: (e) => {
        // Recreated containers are new ones: follow them from their start.
        if (e.kind === 'rebuilt' || e.kind === 'replanned') void followNew(true).catch(() => undefined);
      },
    });
  } catch (error) {
    if (!o.interrupt.signal.aborted) {
      follow.abort();
      await Promise.allSettled(streams);
      throw error;
    }
  }
  // Ctrl-C during the start: stopAll ran before the watch existed.
  if (o.interrupt.signal.aborted) await watch?.close();
  await new Promise<void>((resolve) => {
    if (follow.signal.aborted) resolve();
    follow.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await stopping;
  await Promise.allSettled(streams);
  return ExitCode.interrupted;
}
