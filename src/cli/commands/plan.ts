/** `dev plan`: what `dev up` would do and why, without doing it (text, JSON, dot or mermaid). */
import { formatGraph } from '../../planner/format-graph.js';
import { formatPlan, planToJson } from '../../planner/format-plan.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { planUp } from './apply.js';
import { parseScale, type UpOptions } from './up.js';

export interface PlanOptions extends UpOptions {
  format?: 'text' | 'json';
  graph?: 'dot' | 'mermaid';
}

export async function runPlan(ctx: CommandContext<PlanOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { services: ctx.args });
  const engine = await openEngine(o, io);
  const plan = await planUp(engine, session, {
    ...(ctx.args.length ? { services: ctx.args } : {}),
    ...(o.deps === false ? { noDeps: true } : {}),
    ...(o.forceRecreate ? { forceRecreate: true } : {}),
    ...(o.recreate === false ? { noRecreate: true } : {}),
    ...(o.removeOrphans ? { removeOrphans: true } : {}),
    ...(o.build === true
      ? { build: 'always' as const }
      : o.build === false
        ? { build: 'never' as const }
        : {}),
    ...(o.pull ? { pull: o.pull } : {}),
    ...(o.scale?.length ? { scale: parseScale(o.scale) } : {}),
  });
  const text =
    o.graph !== undefined
      ? formatGraph(plan, o.graph)
      : o.format === 'json'
        ? JSON.stringify(planToJson(plan), null, 2)
        : formatPlan(plan);
  io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  return 0;
}
