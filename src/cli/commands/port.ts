/** `dev port`: the host address a container port of a service is published on. */
import { DevError } from '../../model/errors.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';

export async function runPort(
  ctx: CommandContext<{ index?: string; protocol?: string; engine?: string }>,
): Promise<number> {
  const { options: o, io } = ctx;
  const [service, port] = ctx.args;
  if (!service || !port || !/^\d+$/.test(port)) {
    throw new DevError('USAGE', 'port needs a service and a container port', { hint: 'dev port web 80' });
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const containers = await projectContainers(engine, session.project, { services: [service] });
  const index = Number(o.index ?? 1);
  const c = containers.find((x) => x.number === index);
  if (!c) throw new DevError('NOT_RUNNING', `service "${service}" has no running container number ${index}`);
  const details = await engine.inspectContainer(c.id);
  const bindings = details?.ports[`${port}/${o.protocol ?? 'tcp'}`] ?? [];
  if (bindings.length === 0) {
    throw new DevError('NOT_PUBLISHED', `port ${port}/${o.protocol ?? 'tcp'} of ${c.name} is not published`, {
      hint: 'publish it under `ports:` in the compose file',
    });
  }
  // As Compose: the first binding (IPv4 before the IPv6 twin dockerd adds).
  const b = bindings.find((x) => !x.hostIp.includes(':')) ?? bindings[0];
  if (b) io.stdout.write(`${b.hostIp || '0.0.0.0'}:${b.hostPort}\n`);
  return 0;
}
