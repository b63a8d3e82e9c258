/**
 * Waits until every container of a service meets a `depends_on` condition (or `up --wait`),
 * and fails with what a person needs to fix it: the state, the last health-check output and
 * the last log lines of the container that did not get there.
 */
import { DevError } from '../model/errors.js';
import type { WaitServiceStep } from '../planner/plan.js';
import type { ContainerDetails, Engine } from './engine.js';
import type { ActionContext } from './step-actions.js';

/** A service that exited, got unhealthy, or ran out of time. */
export class ServiceNotReadyError extends DevError {
  readonly service: string;
  readonly container: string;
  /** Last health-check output, trimmed. */
  readonly healthOutput: string | undefined;
  /** Last log lines of the container. */
  readonly logTail: string[];

  constructor(
    fields: { service: string; container: string; why: string; healthOutput?: string; logTail: string[] },
    hint?: string,
  ) {
    super('SERVICE_NOT_READY', `service "${fields.service}" ${fields.why} (container ${fields.container})`, {
      hint: hint ?? `see \`dev logs ${fields.service}\``,
    });
    this.name = 'ServiceNotReadyError';
    this.service = fields.service;
    this.container = fields.container;
    this.healthOutput = fields.healthOutput;
    this.logTail = fields.logTail;
  }
}

type Verdict = { kind: 'ready'; outcome: string } | { kind: 'waiting' } | { kind: 'failed'; why: string };

/** Resolves with the outcome word once the condition holds; rejects with ServiceNotReadyError. */
export async function waitForService(step: WaitServiceStep, ctx: ActionContext): Promise<string> {
  const containers = ctx.containers[step.service] ?? [];
  const deadline = ctx.waitTimeoutMs === undefined ? undefined : Date.now() + ctx.waitTimeoutMs;
  let outcome = 'Started';
  for (const container of containers) {
    let delay = 50;
    for (;;) {
      const details = await ctx.engine.inspectContainer(container.id);
      const verdict = judge(step.condition, details);
      if (verdict.kind === 'ready') {
        outcome = verdict.outcome;
        break;
      }
      if (verdict.kind === 'failed')
        throw await notReady(ctx.engine, step.service, container, details, verdict.why);
      if (deadline !== undefined && Date.now() > deadline) {
        const seconds = Math.round((ctx.waitTimeoutMs ?? 0) / 1000);
        throw await notReady(
          ctx.engine,
          step.service,
          container,
          details,
          `was not ${wanted(step.condition)} after ${seconds}s (${describeState(details)})`,
        );
      }
      if (ctx.signal?.aborted)
        throw new DevError('INTERRUPTED', `waiting for ${step.service} was interrupted`);
      await sleep(delay, ctx.signal);
      delay = Math.min(delay * 2, ctx.pollMs ?? 500);
    }
  }
  return outcome;
}

function judge(condition: WaitServiceStep['condition'], c: ContainerDetails | undefined): Verdict {
  if (!c) return { kind: 'failed', why: 'has no container any more' };
  switch (condition) {
    case 'service_healthy':
      if (c.health === 'healthy') return { kind: 'ready', outcome: 'Healthy' };
      if (c.health === 'unhealthy') return { kind: 'failed', why: 'is unhealthy' };
      if (c.state === 'exited' || c.state === 'dead') {
        return { kind: 'failed', why: `exited with code ${c.exitCode ?? '?'} before it was healthy` };
      }
      if (c.health === undefined && c.state === 'running') {
        return { kind: 'failed', why: 'has no healthcheck, so it can never be healthy' };
      }
      return { kind: 'waiting' };
    case 'service_completed_successfully':
      if (c.state === 'exited' || c.state === 'dead') {
        return c.exitCode === 0
          ? { kind: 'ready', outcome: 'Exited' }
          : { kind: 'failed', why: `didn't complete successfully: exit ${c.exitCode ?? '?'}` };
      }
      return { kind: 'waiting' };
    default:
      if (c.state === 'running')
        return { kind: 'ready', outcome: c.health === 'healthy' ? 'Healthy' : 'Running' };
      if (c.state === 'exited' || c.state === 'dead') {
        return c.exitCode === 0 && c.restartCount === 0
          ? { kind: 'ready', outcome: 'Exited' }
          : { kind: 'failed', why: `exited with code ${c.exitCode ?? '?'}` };
      }
      return { kind: 'waiting' };
  }
}

async function notReady(
  engine: Engine,
  service: string,
  container: { id: string; name: string },
  details: ContainerDetails | undefined,
  why: string,
): Promise<ServiceNotReadyError> {
  const health = details?.healthLog?.at(-1)?.output.trim();
  const logTail: string[] = [];
  try {
    for await (const line of engine.logs(container.id, { tail: 10 })) logTail.push(line.text);
  } catch {
    // logs are a courtesy here; the error itself matters more
  }
  return new ServiceNotReadyError({
    service,
    container: container.name,
    why,
    ...(health ? { healthOutput: health } : {}),
    logTail,
  });
}

function wanted(condition: WaitServiceStep['condition']): string {
  return condition === 'service_healthy'
    ? 'healthy'
    : condition === 'service_completed_successfully'
      ? 'completed'
      : 'running';
}

function describeState(c: ContainerDetails | undefined): string {
  if (!c) return 'gone';
  return c.health ? `${c.state}, ${c.health}` : c.state;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
