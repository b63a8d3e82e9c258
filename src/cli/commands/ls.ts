/** `dev ls`: the projects the engine runs (by Compose's project label), with their state and files. */
import { Labels } from '../../model/labels.js';
import type { CommandContext } from '../program.js';
import { formatTable } from '../render/table.js';
import { openEngine } from '../session.js';

export async function runLs(
  ctx: CommandContext<{
    all?: boolean;
    quiet?: boolean;
    format?: string;
    filter?: string[];
    engine?: string;
  }>,
): Promise<number> {
  const { options: o, io } = ctx;
  const engine = await openEngine(o, io);
  const containers = await engine.listContainers({ labels: [Labels.project], all: true });
  const projects = new Map<string, { states: Map<string, number>; files: Set<string> }>();
  for (const c of containers) {
    const name = c.labels[Labels.project];
    if (!name) continue;
    const p = projects.get(name) ?? { states: new Map(), files: new Set() };
    p.states.set(c.state, (p.states.get(c.state) ?? 0) + 1);
    const files = c.labels[Labels.configFiles];
    if (files) p.files.add(files);
    projects.set(name, p);
  }
  const nameFilter = (o.filter ?? []).map((f) => /^name=(.*)$/.exec(f)?.[1]).filter((x): x is string => !!x);
  const rows = [...projects]
    .filter(([, p]) => o.all || p.states.has('running'))
    .filter(([name]) => nameFilter.length === 0 || nameFilter.some((n) => name.includes(n)))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, p]) => ({
      name,
      status: [...p.states]
        .sort()
        .map(([s, n]) => `${s}(${n})`)
        .join(', '),
      files: [...p.files].join(','),
    }));
  if (o.quiet) io.stdout.write(rows.map((r) => `${r.name}\n`).join(''));
  else if (o.format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        rows.map((r) => ({ Name: r.name, Status: r.status, ConfigFiles: r.files })),
        null,
        2,
      )}\n`,
    );
  } else
    io.stdout.write(
      formatTable(
        ['NAME', 'STATUS', 'CONFIG FILES'],
        rows.map((r) => [r.name, r.status, r.files]),
      ),
    );
  return 0;
}
