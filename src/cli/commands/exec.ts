/** `dev exec`: a command in a running container of a service, with a TTY when on a terminal (`-T` turns it off). */
import { DevError } from '../../model/errors.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';
import { runAttached } from './tty.js';

export interface ExecOptions {
  detach?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
  env?: string[];
  index?: string;
  privileged?: boolean;
  engine?: string;
}

export async function runExec(ctx: CommandContext<ExecOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const [service, ...command] = ctx.args;
  if (!service || command.length === 0) {
    throw new DevError('USAGE', 'exec needs a service and a command', { hint: 'dev exec web sh' });
  }
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const containers = await projectContainers(engine, session.project, { services: [service] });
  const index = o.index === undefined ? 1 : Number(o.index);
  const target =
    containers.find((c) => c.number === index) ?? (o.index === undefined ? containers[0] : undefined);
  if (target?.state !== 'running') {
    throw new DevError(
      'NOT_RUNNING',
      `service "${service}" has no running container${o.index ? ` number ${index}` : ''}`,
      {
        hint: `start it with \`dev up -d ${service}\``,
      },
    );
  }
  const tty = o.tty !== false && !o.detach && !!process.stdin.isTTY && !!process.stdout.isTTY;
  const spec = {
    command,
    tty,
    ...(o.user ? { user: o.user } : {}),
    ...(o.workdir ? { workingDir: o.workdir } : {}),
    ...(o.privileged ? { privileged: true } : {}),
    ...(o.env?.length ? { environment: parseEnv(o.env, io.env) } : {}),
  };
  if (o.detach) {
    void engine.exec(target.id, spec);
    return 0;
  }
  return runAttached(tty, (streams) => engine.exec(target.id, { ...spec, ...streams }));
}

/** `-e K=V` and `-e K` (value from the shell) as a map. */
export function parseEnv(flags: string[], env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const i = flag.indexOf('=');
    if (i < 0) {
      const v = env[flag];
      if (v !== undefined) out[flag] = v;
    } else {
      out[flag.slice(0, i)] = flag.slice(i + 1);
    }
  }
  return out;
}
