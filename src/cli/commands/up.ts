/**
 * `dev up`: plan and apply the project, then (unless detached) follow the logs of its
 * containers until they exit or Ctrl-C stops them; `--wait` waits for running/healthy instead.
 */
import { DevError } from '../../model/errors.js';
import type { ReconcileOptions } from '../../planner/reconcile-options.js';
import { ExitCode } from '../exit-codes.js';
import { installInterrupt } from '../interrupt.js';
import type { CliIO } from '../io.js';
import type { CommandContext } from '../program.js';
import { openEngine, openProject, type ProjectSession } from '../session.js';
import { applyPlan, planUp } from './apply.js';
import { attachProject, stopProject } from './up-attached.js';
import { waitForProject } from './up-wait.js';

export interface UpOptions {
  detach?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  build?: boolean;
  pull?: 'always' | 'missing' | 'never' | 'build';
  forceRecreate?: boolean;
  recreate?: boolean;
  deps?: boolean;
  start?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  timeout?: string;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  attachDependencies?: boolean;
  color?: boolean;
  logPrefix?: boolean;
  timestamps?: boolean;
  format?: 'text' | 'json';
  engine?: string;
  /** `--watch`: watch the files afterwards (attached: with the logs; detached: in the background). */
  watch?: boolean;
}

export async function runUp(ctx: CommandContext<UpOptions>): Promise<number> {
  const { options: o, io } = ctx;
  const services = ctx.args;
  const startedAt = Math.floor(Date.now() / 1000) - 1;
  if (o.exitCodeFrom) o.abortOnContainerExit = true;
  if (o.detach && o.abortOnContainerExit) {
    throw new DevError('USAGE', '--abort-on-container-exit and --exit-code-from need attached mode', {
      hint: 'drop -d',
    });
  }
  // Flags are checked before anything is touched.
  const stopTimeout = timeoutFlag(o.timeout);
  const waitTimeout = o.waitTimeout === undefined ? undefined : seconds(o.waitTimeout, '--wait-timeout');
  const planOptions = reconcileOptions(o, services);
  const session = await openProject(o, io, { services });
  if (o.exitCodeFrom && !session.project.services[o.exitCodeFrom]) {
    throw new DevError('USAGE', `--exit-code-from: no service "${o.exitCodeFrom}" in the project`);
  }
  if (o.watch) await checkWatch(o, session, services);
  const engine = await openEngine(o, io);
  const plan = await planUp(engine, session, planOptions);
  const interrupt = installInterrupt();
  try {
    const result = await applyPlan({
      engine,
      session,
      plan,
      io,
      progress: o.progress,
      signal: interrupt.signal,
      allowInterrupt: true,
      ...(stopTimeout === undefined ? {} : { stopTimeout }),
    });
    if (result.interrupted) {
      // Attached, Ctrl-C means "stop the project"; detached, it only cancels what was left to do.
      if (!o.detach)
        await stopProject({
          engine,
          project: session.project,
          containers: result.containers,
          io,
          progress: o.progress,
          ...(stopTimeout !== undefined ? { stopTimeout } : {}),
        });
      return ExitCode.interrupted;
    }
    if (o.wait) {
      const timeout = waitTimeout;
      const waited = await waitForProject({
        engine,
        project: session.project,
        containers: result.containers,
        services: plan.services ?? Object.keys(session.project.services),
        io,
        json: o.format === 'json',
        signal: interrupt.signal,
        ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
      });
      if (waited !== ExitCode.ok || !o.watch) return waited;
    }
    if (o.watch) {
      const { watchInBackground, attachWithWatch } = await import('./watch-up.js');
      if (o.detach) return await watchInBackground(o, session, services, io);
      return await attachWithWatch({
        engine,
        session,
        options: o,
        io,
        interrupt,
        services,
        attached: attachedServices(session.project.services, services, o.attachDependencies, plan.services),
        printer: { color: useColor(o, io), prefix: o.logPrefix !== false, timestamps: o.timestamps === true },
        progress: o.progress,
        since: startedAt,
        ...(stopTimeout !== undefined ? { stopTimeout } : {}),
      });
    }
    if (o.detach || o.start === false) return ExitCode.ok;
    return await attachProject({
      engine,
      project: session.project,
      containers: result.containers,
      services: attachedServices(session.project.services, services, o.attachDependencies, plan.services),
      io,
      interrupt,
      progress: o.progress,
      since: startedAt,
      printer: { color: useColor(o, io), prefix: o.logPrefix !== false, timestamps: o.timestamps === true },
      ...(o.abortOnContainerExit ? { abortOnExit: true } : {}),
      ...(o.exitCodeFrom ? { exitCodeFrom: o.exitCodeFrom } : {}),
      ...(stopTimeout !== undefined ? { stopTimeout } : {}),
    });
  } finally {
    interrupt.dispose();
  }
}

/** `--watch` needs started containers and valid rules: checked before anything starts. */
async function checkWatch(o: UpOptions, session: ProjectSession, services: string[]): Promise<void> {
  if (o.start === false || o.abortOnContainerExit) {
    throw new DevError('USAGE', '--watch cannot go with --no-start or --abort-on-container-exit');
  }
  (await import('./watch.js')).checkWatchRules(session, services);
}

/** Colours in logs: not with --no-color, --ansi never, NO_COLOR, or when stdout is not a terminal. */
export function useColor(o: { color?: boolean; ansi: string }, io: CliIO): boolean {
  if (o.color === false || o.ansi === 'never') return false;
  if (o.ansi === 'always') return true;
  return !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
}

function reconcileOptions(o: UpOptions, services: string[]): ReconcileOptions {
  const r: ReconcileOptions = {};
  if (services.length > 0) r.services = services;
  if (o.deps === false) r.noDeps = true;
  if (o.forceRecreate) r.forceRecreate = true;
  if (o.recreate === false) r.noRecreate = true;
  if (o.forceRecreate && o.recreate === false) {
    throw new DevError('USAGE', '--force-recreate and --no-recreate cannot go together');
  }
  if (o.removeOrphans) r.removeOrphans = true;
  if (o.build === true) r.build = 'always';
  if (o.build === false) r.build = 'never';
  if (o.pull) r.pull = o.pull;
  if (o.start === false) r.noStart = true;
  if (o.scale?.length) r.scale = parseScale(o.scale);
  return r;
}

/** `--scale web=3` flags as a map; a bad one is a usage error. */
export function parseScale(flags: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const flag of flags) {
    const m = /^([^=]+)=(\d+)$/.exec(flag);
    if (!m?.[1] || !m[2]) {
      throw new DevError('USAGE', `--scale ${flag}: expected SERVICE=NUMBER`, { hint: 'e.g. --scale web=3' });
    }
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** `-t/--timeout` in seconds, when given. */
export function timeoutFlag(value: string | undefined): number | undefined {
  return value === undefined ? undefined : seconds(value, '--timeout');
}

/** A number of seconds from a flag; a bad one is a usage error. */
export function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new DevError('USAGE', `${flag} ${value}: expected a number of seconds`);
  return n;
}

function attachedServices(
  all: Record<string, { attach?: boolean }>,
  targets: string[],
  withDeps: boolean | undefined,
  planned: string[] | undefined,
): string[] {
  const chosen = targets.length > 0 && !withDeps ? targets : (planned ?? Object.keys(all));
  return chosen.filter((s) => all[s]?.attach !== false);
}
