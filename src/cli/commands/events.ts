/** `dev events`: the engine's container events for the project as they happen (text or `--json`). */
import { Labels } from '../../model/labels.js';
import { installInterrupt } from '../interrupt.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';

export async function runEvents(ctx: CommandContext<{ json?: boolean; engine?: string }>): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const interrupt = installInterrupt();
  const services = new Set(ctx.args);
  try {
    for await (const e of engine.events(
      { labels: [`${Labels.project}=${session.project.name}`] },
      interrupt.signal,
    )) {
      const service = e.attributes[Labels.service] ?? '';
      if (services.size > 0 && !services.has(service)) continue;
      const time = new Date(Math.floor(e.time / 1e6)).toISOString();
      if (o.json) {
        io.stdout.write(
          `${JSON.stringify({ time, type: e.type, action: e.action, id: e.id, service, attributes: e.attributes })}\n`,
        );
      } else {
        const name = e.attributes.name ?? e.id.slice(0, 12);
        const attrs = Object.entries(e.attributes)
          .filter(([k]) => !k.startsWith('com.docker.compose.') && !k.startsWith('dev.'))
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        io.stdout.write(`${time} ${e.type} ${e.action} ${name}${attrs ? ` (${attrs})` : ''}\n`);
      }
    }
  } finally {
    interrupt.dispose();
  }
  return 0;
}
