/**
 * `start`, `stop`, `restart`, `kill`, `pause`, `unpause`, `rm`: one action on the selected
 * services' existing containers, in dependency order (dependencies first when starting,
 * dependents first when stopping), with progress lines.
 */
import type { Engine } from '../../engine/engine.js';
import { DevError } from '../../model/errors.js';
import type { ObservedContainer } from '../../model/observed.js';
import { orderServices } from '../../planner/order-services.js';
import type { CliIO } from '../io.js';
import type { CommandContext } from '../program.js';
import { resolveMode } from '../render/progress.js';
import { openEngine, openProject } from '../session.js';
import { projectContainers } from './project-containers.js';
import { timeoutFlag } from './up.js';

export type LifecycleAction = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'rm';

export interface LifecycleOptions {
  timeout?: string;
  signal?: string;
  force?: boolean;
  stop?: boolean;
  volumes?: boolean;
  deps?: boolean;
  removeOrphans?: boolean;
  engine?: string;
}

const WORDS: Record<LifecycleAction, [string, string]> = {
  start: ['Starting', 'Started'],
  stop: ['Stopping', 'Stopped'],
  restart: ['Restarting', 'Restarted'],
  kill: ['Killing', 'Killed'],
  pause: ['Pausing', 'Paused'],
  unpause: ['Unpausing', 'Unpaused'],
  rm: ['Removing', 'Removed'],
};

export async function runLifecycle(
  action: LifecycleAction,
  ctx: CommandContext<LifecycleOptions>,
): Promise<number> {
  const { options: o, io } = ctx;
  const session = await openProject(o, io, { nameOnly: true });
  const engine = await openEngine(o, io);
  const project = session.project;
  const timeout = timeoutFlag(o.timeout);
  const all = await projectContainers(engine, project, { services: ctx.args, all: true });
  let targets = all.filter((c) => wants(action, c, o));
  if (action === 'rm' && o.stop) {
    await Promise.all(
      all.filter((c) => c.state === 'running').map((c) => engine.stopContainer(c.id, timeout)),
    );
    targets = all;
  }
  if (targets.length === 0) {
    if (action === 'rm') io.stderr.write('No stopped containers\n');
    return 0;
  }
  if (action === 'rm' && !o.force && !(await confirm(io, targets))) return 0;
  const direction = action === 'start' || action === 'unpause' ? 'dependencies-first' : 'dependents-first';
  const known = Object.keys(project.services);
  const order =
    known.length > 0
      ? orderServices(
          project,
          [...new Set(targets.map((c) => c.service))].filter((s) => known.includes(s)),
          direction,
        )
      : [];
  const rank = new Map(order.map((s, i) => [s, i]));
  const groups = new Map<number, ObservedContainer[]>();
  for (const c of targets) {
    const r = rank.get(c.service) ?? order.length;
    groups.set(r, [...(groups.get(r) ?? []), c]);
  }
  const plain = resolveMode(o.progress, io) !== 'quiet';
  const failures: string[] = [];
  for (const r of [...groups.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      (groups.get(r) ?? []).map(async (c) => {
        const [doing, done] = WORDS[action];
        if (plain) io.stderr.write(`Container ${c.name}  ${doing}\n`);
        try {
          await act(engine, action, c, { timeout, signal: o.signal, volumes: o.volumes });
          if (plain) io.stderr.write(`Container ${c.name}  ${done}\n`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(message);
          io.stderr.write(`Container ${c.name}  Error: ${message}\n`);
        }
      }),
    );
  }
  if (failures.length > 0)
    throw new DevError(
      'LIFECYCLE_FAILED',
      failures[0] ?? 'failed',
      failures.length > 1 ? { hint: `${failures.length - 1} more failed` } : {},
    );
  return 0;
}

function wants(action: LifecycleAction, c: ObservedContainer, o: LifecycleOptions): boolean {
  switch (action) {
    case 'start':
      return c.state !== 'running' && c.state !== 'paused';
    case 'stop':
    case 'kill':
      return c.state === 'running' || c.state === 'restarting' || c.state === 'paused';
    case 'restart':
      return true;
    case 'pause':
      return c.state === 'running';
    case 'unpause':
      return c.state === 'paused';
    case 'rm':
      return c.state !== 'running' || (o.force === true && o.stop === true);
  }
}

async function act(
  engine: Engine,
  action: LifecycleAction,
  c: ObservedContainer,
  o: { timeout: number | undefined; signal: string | undefined; volumes: boolean | undefined },
): Promise<void> {
  switch (action) {
    case 'start':
      return engine.startContainer(c.id);
    case 'stop':
      return engine.stopContainer(c.id, o.timeout);
    case 'restart':
      return engine.restartContainer(c.id, o.timeout);
    case 'kill':
      return engine.killContainer(c.id, o.signal ?? 'SIGKILL');
    case 'pause':
      return engine.pauseContainer(c.id);
    case 'unpause':
      return engine.unpauseContainer(c.id);
    case 'rm':
      return engine.removeContainer(c.id, { force: true, volumes: o.volumes === true });
  }
}

async function confirm(io: CliIO, targets: ObservedContainer[]): Promise<boolean> {
  io.stderr.write(`Going to remove ${targets.map((c) => c.name).join(', ')}\n`);
  if (!process.stdin.isTTY) {
    throw new DevError('USAGE', 'rm asks before removing, and there is no terminal to ask on', {
      hint: 'add -f',
    });
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Are you sure? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
