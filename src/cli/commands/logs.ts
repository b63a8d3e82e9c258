/**
 * `dev logs`: the project's container logs, service-prefixed. Without `-f`, lines of all
 * containers are merged in time order (a clearer story than one container after another);
 * with `-f`, they follow until the containers exit.
 */
import type { LogLine, LogOptions } from '../../engine/engine.js';
import { DevError } from '../../model/errors.js';
import { followLogs } from '../follow-logs.js';
import { installInterrupt } from '../interrupt.js';
import type { CommandContext } from '../program.js';
import { LogPrinter, shortName } from '../render/log-printer.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';
import { useColor } from './up.js';

export interface LogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  color?: boolean;
  logPrefix?: boolean;
  index?: string;
  engine?: string;
}

export async function runLogs(ctx: CommandContext<LogsOptions>): Promise<number> {
  const { options: o, io } = ctx;
  if (o.tail !== undefined && o.tail !== 'all' && !/^\d+$/.test(o.tail)) {
    throw new DevError('USAGE', `--tail ${o.tail}: expected a number of lines or "all"`, {
      hint: 'e.g. --tail 100',
    });
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  let containers = await projectContainers(engine, session.project, {
    services: ctx.args,
    all: true,
    oneoff: true,
  });
  if (o.index) containers = containers.filter((c) => c.number === Number(o.index));
  const printer = new LogPrinter(io, {
    color: useColor(o, io),
    prefix: o.logPrefix !== false,
    timestamps: o.timestamps === true,
  });
  const log: Omit<LogOptions, 'follow'> = {
    timestamps: true,
    ...(o.tail !== undefined && o.tail !== 'all' ? { tail: Number(o.tail) } : {}),
    ...(o.since ? { since: o.since } : {}),
    ...(o.until ? { until: o.until } : {}),
  };
  const targets = containers.map((c) => ({ id: c.id, label: shortName(session.project.name, c.name) }));
  for (const t of targets) printer.add(t.label);
  if (o.follow) {
    const interrupt = installInterrupt();
    try {
      await followLogs(targets, {
        engine,
        project: session.project.name,
        printer,
        log,
        signal: interrupt.signal,
      });
    } finally {
      interrupt.dispose();
    }
    return 0;
  }
  const all: { label: string; line: LogLine; order: number }[] = [];
  const batches = await Promise.all(
    targets.map(async (t) => {
      const lines: LogLine[] = [];
      for await (const line of engine.logs(t.id, log)) lines.push(line);
      return { t, lines };
    }),
  );
  for (const { t, lines } of batches) {
    for (const [i, line] of lines.entries()) all.push({ label: t.label, line, order: i });
  }
  // Stable by time; lines of one container keep their order.
  all.sort((a, b) => {
    const ta = sortKey(a.line.timestamp);
    const tb = sortKey(b.line.timestamp);
    return ta < tb ? -1 : ta > tb ? 1 : a.label === b.label ? a.order - b.order : 0;
  });
  for (const { label, line } of all) printer.line(label, line);
  return 0;
}

/** RFC 3339 times with their fraction padded to nanoseconds, so that they sort as strings. */
function sortKey(timestamp: string | undefined): string {
  if (!timestamp) return '';
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(timestamp);
  if (!m) return timestamp;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}`;
}
