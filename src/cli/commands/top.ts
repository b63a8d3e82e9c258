/** `dev top`: the processes running in each container of the selected services. */
import type { CommandContext } from '../program.js';
import { formatTable } from '../render/table.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';

export async function runTop(ctx: CommandContext<{ engine?: string }>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const containers = await projectContainers(engine, session.project, { services: ctx.args });
  const tops = await Promise.all(containers.map((c) => engine.top(c.id)));
  containers.forEach((c, i) => {
    const top = tops[i];
    if (!top) return;
    io.stdout.write(`${i > 0 ? '\n' : ''}${c.name}\n${formatTable(top.titles, top.processes)}`);
  });
  return 0;
}
