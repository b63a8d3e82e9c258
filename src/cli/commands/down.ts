/** `dev down`: stop and remove the project's containers and networks (volumes with -v, images with --rmi). */
import { DevError } from '../../model/errors.js';
import { planDown } from '../../planner/plan-down.js';
import { ExitCode } from '../exit-codes.js';
import { installInterrupt } from '../interrupt.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { applyPlan, resourceNames, serviceImages } from './apply.js';
import { timeoutFlag } from './up.js';

export interface DownOptions {
  volumes?: boolean;
  rmi?: string;
  removeOrphans?: boolean;
  timeout?: string;
  engine?: string;
}

export async function runDown(ctx: CommandContext<DownOptions>): Promise<number> {
  const { options: o, io } = ctx;
  if (o.rmi !== undefined && o.rmi !== 'local' && o.rmi !== 'all') {
    throw new DevError('USAGE', `--rmi ${o.rmi}: expected "local" or "all"`);
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const observed = await engine.observe(
    session.project.name,
    serviceImages(session.project),
    resourceNames(session.project),
  );
  const plan = planDown(session.project, observed, {
    volumes: o.volumes === true,
    removeOrphans: o.removeOrphans === true,
    ...(o.rmi ? { rmi: o.rmi as 'local' | 'all' } : {}),
  });
  const interrupt = installInterrupt();
  try {
    const stopTimeout = timeoutFlag(o.timeout);
    await applyPlan({
      engine,
      session,
      plan,
      io,
      progress: o.progress,
      signal: interrupt.signal,
      ...(stopTimeout === undefined ? {} : { stopTimeout }),
    });
  } finally {
    interrupt.dispose();
  }
  return ExitCode.ok;
}
