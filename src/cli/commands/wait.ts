/** `dev wait`: blocks until the selected services' containers stop, printing each exit code; exits with the first. */
import { DevError } from '../../model/errors.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';

export async function runWait(
  ctx: CommandContext<{ downProject?: boolean; engine?: string }>,
): Promise<number> {
  const { options: o, io } = ctx;
  if (ctx.args.length === 0)
    throw new DevError('USAGE', 'wait needs at least one service', { hint: 'dev wait migrate' });
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const containers = await projectContainers(engine, session.project, { services: ctx.args, all: true });
  if (containers.length === 0) throw new DevError('NOT_RUNNING', `no containers for ${ctx.args.join(', ')}`);
  const first = await Promise.race(
    containers.map(async (c) => ({ c, code: await engine.waitContainer(c.id) })),
  );
  const rest = await Promise.all(containers.map((c) => engine.waitContainer(c.id)));
  io.stdout.write(`${first.code}\n`);
  if (o.downProject) {
    const { runDown } = await import('./down.js');
    await runDown({ ...ctx, args: [] });
  }
  return first.code || rest.find((c) => c !== 0) || 0;
}
