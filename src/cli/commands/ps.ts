/** `dev ps`: the project's containers, as a table (Compose's columns), JSON, ids or service names. */

import { DevError } from '../../model/errors.js';
import type { ObservedContainer } from '../../model/observed.js';
import type { CommandContext } from '../program.js';
import { formatTable } from '../render/table.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';

export interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
  status?: string[];
  filter?: string[];
  format?: string;
  engine?: string;
}

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

export async function runPs(ctx: CommandContext<PsOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const statuses = [...(o.status ?? []), ...(o.filter ?? []).map(parseFilter)];
  for (const s of statuses) {
    if (!STATES.includes(s))
      throw new DevError('USAGE', `--status ${s}: expected one of ${STATES.join(', ')}`);
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  let list = await projectContainers(engine, session.project, {
    services: ctx.args,
    all: o.all === true || statuses.length > 0,
  });
  if (statuses.length > 0) list = list.filter((c) => statuses.includes(c.state));
  if (o.quiet) {
    io.stdout.write(list.map((c) => `${c.id}\n`).join(''));
  } else if (o.services) {
    io.stdout.write([...new Set(list.map((c) => c.service))].map((s) => `${s}\n`).join(''));
  } else if (o.format === 'json') {
    for (const c of list) io.stdout.write(`${JSON.stringify(toJson(c))}\n`);
  } else {
    const rows = list.map((c) => [
      c.name,
      c.image,
      quoteCommand(c.command),
      c.service,
      ago(c.created),
      c.status ?? c.state,
      ports(c),
    ]);
    io.stdout.write(formatTable(['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'], rows));
  }
  return 0;
}

function parseFilter(f: string): string {
  const m = /^status=(.+)$/.exec(f);
  if (!m?.[1]) throw new DevError('USAGE', `--filter ${f}: only status=<state> is supported`);
  return m[1];
}

function toJson(c: ObservedContainer): Record<string, unknown> {
  return {
    ID: c.id,
    Name: c.name,
    Image: c.image,
    Command: c.command ?? '',
    Project: c.labels['com.docker.compose.project'] ?? '',
    Service: c.service,
    Created: c.created,
    State: c.state,
    Status: c.status ?? c.state,
    Health: c.health ?? '',
    ExitCode: c.exitCode ?? 0,
    Publishers: (c.ports ?? []).map((p) => ({
      URL: p.ip ?? '',
      TargetPort: p.privatePort,
      PublishedPort: p.publicPort ?? 0,
      Protocol: p.type,
    })),
    Labels: c.labels,
  };
}

function quoteCommand(command: string | undefined): string {
  if (!command) return '""';
  const short = command.length > 20 ? `${command.slice(0, 19)}…` : command;
  return `"${short}"`;
}

/** `0.0.0.0:8080->80/tcp, 443/tcp` as Docker shows ports. */
export function ports(c: ObservedContainer): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of c.ports ?? []) {
    const text = p.publicPort
      ? `${p.ip ?? '0.0.0.0'}:${p.publicPort}->${p.privatePort}/${p.type}`
      : `${p.privatePort}/${p.type}`;
    if (!seen.has(text)) out.push(text);
    seen.add(text);
  }
  return out.join(', ');
}

/** `5 minutes ago` from unix seconds. */
export function ago(unixSeconds: number, now = Date.now()): string {
  const s = Math.max(0, Math.round(now / 1000 - unixSeconds));
  const units: [number, string][] = [
    [86400 * 30, 'month'],
    [86400 * 7, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}
