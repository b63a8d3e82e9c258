/**
 * `dev up` in the foreground: service-prefixed logs of the attached containers until they all
 * exit; Ctrl-C stops the project gracefully (a second Ctrl-C kills it);
 * `--abort-on-container-exit` stops everything when one container exits.
 */
import type { Engine } from '../../engine/engine.js';
import type { ExecuteResult } from '../../engine/execute.js';
import { executePlan } from '../../engine/execute.js';
import type { Project } from '../../model/project.js';
import { ExitCode } from '../exit-codes.js';
import { type FollowTarget, followLogs } from '../follow-logs.js';
import type { Interrupt } from '../interrupt.js';
import type { CliIO } from '../io.js';
import { LogPrinter, type LogPrinterOptions, shortName } from '../render/log-printer.js';
import { createProgress, type ProgressMode } from '../render/progress.js';
import { stopPlan } from './stop-plan.js';

export interface AttachOptions {
  engine: Engine;
  project: Project;
  containers: ExecuteResult['containers'];
  services: string[];
  io: CliIO;
  interrupt: Interrupt;
  printer: LogPrinterOptions;
  progress: ProgressMode;
  /** Unix seconds: show what containers printed from then on. */
  since?: number;
  abortOnExit?: boolean;
  exitCodeFrom?: string;
  stopTimeout?: number;
}

/** Follows until done and returns the exit code `up` ends with. */
export async function attachProject(o: AttachOptions): Promise<number> {
  const oneShot = new Set(
    Object.values(o.project.services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );
  const targets: (FollowTarget & { service: string })[] = [];
  for (const service of o.services) {
    for (const c of o.containers[service] ?? []) {
      targets.push({ id: c.id, label: shortName(o.project.name, c.name), service });
    }
  }
  const all = Object.values(o.containers).flat();
  const printer = new LogPrinter(o.io, o.printer);
  o.io.stdout.write(`Attaching to ${targets.map((t) => t.label).join(', ')}\n`);
  const stopAll = async (kill: boolean) => {
    if (kill) {
      await Promise.allSettled(all.map((c) => o.engine.killContainer(c.id)));
      return;
    }
    await stopProject(o);
  };
  let firstExit: number | undefined;
  let stopping: Promise<void> | undefined;
  const follow = new AbortController();
  o.interrupt.signal.addEventListener(
    'abort',
    () => {
      o.io.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      stopping = stopAll(false);
      void stopping.then(() => follow.abort());
    },
    { once: true },
  );
  o.interrupt.onForce(() => {
    o.io.stderr.write('Killing...\n');
    void stopAll(true).then(() => follow.abort());
  });
  await followLogs(targets, {
    engine: o.engine,
    project: o.project.name,
    printer,
    log: { tail: 'all', ...(o.since ? { since: String(o.since) } : {}) },
    signal: follow.signal,
    onExit: (t, code) => {
      if (!o.abortOnExit) return false;
      // One-shot dependencies are meant to exit; only their failure aborts.
      if (code === 0 && t.service && oneShot.has(t.service)) return false;
      firstExit ??= code;
      if (!stopping) {
        o.io.stderr.write(`Aborting on container exit...\n`);
        stopping = stopAll(false);
      }
      return true;
    },
  });
  if (stopping) await stopping;
  if (o.interrupt.signal.aborted) return ExitCode.interrupted;
  if (o.exitCodeFrom) {
    const c = o.containers[o.exitCodeFrom]?.[0];
    const details = c ? await o.engine.inspectContainer(c.id) : undefined;
    return details?.exitCode ?? ExitCode.failure;
  }
  return firstExit ?? ExitCode.ok;
}

/** Stops the containers, dependents first, with progress. */
export async function stopProject(o: {
  engine: Engine;
  project: Project;
  containers: ExecuteResult['containers'];
  io: CliIO;
  progress: ProgressMode;
  stopTimeout?: number;
}): Promise<void> {
  const plan = stopPlan(o.project, o.containers);
  const progress = createProgress(o.progress, o.io, plan.steps);
  await executePlan(plan, {
    engine: o.engine,
    project: o.project,
    onEvent: (e) => progress.onEvent(e),
    containerSpec: () => {
      throw new Error('a stop plan creates nothing');
    },
    buildSpec: () => {
      throw new Error('a stop plan builds nothing');
    },
    stopTimeout: o.stopTimeout,
  });
  await progress.close();
}
