/**
 * `dev up --wait`: waits until every container of the project is running, and healthy where a
 * healthcheck is set (or completed, for one-shot services others wait on), streaming progress,
 * and ends with a per-service summary (text, or `--format json`).
 */
import type { Engine } from '../../engine/engine.js';
import type { ExecuteResult } from '../../engine/execute.js';
import { ServiceNotReadyError, waitForService } from '../../engine/wait-service.js';
import type { Project } from '../../model/project.js';
import type { WaitServiceStep } from '../../planner/plan.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIO } from '../io.js';

export interface WaitProjectOptions {
  engine: Engine;
  project: Project;
  containers: ExecuteResult['containers'];
  services: string[];
  io: CliIO;
  json: boolean;
  signal: AbortSignal;
  timeoutMs?: number;
}

interface ServiceSummary {
  service: string;
  containers: number;
  status: string;
  ms: number;
  error?: string;
}

/** Waits; returns 0 when all got there, 1 (after printing why) when one did not. */
export async function waitForProject(o: WaitProjectOptions): Promise<number> {
  const started = Date.now();
  const completers = new Set<string>();
  for (const s of Object.values(o.project.services)) {
    for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
      if (d.condition === 'service_completed_successfully') completers.add(dep);
    }
  }
  const results = await Promise.all(
    o.services.map(async (service): Promise<ServiceSummary> => {
      const count = o.containers[service]?.length ?? 0;
      const hc = o.project.services[service]?.healthcheck;
      const healthy = hc && !hc.disable && hc.test?.[0] !== 'NONE';
      const condition: WaitServiceStep['condition'] = completers.has(service)
        ? 'service_completed_successfully'
        : healthy
          ? 'service_healthy'
          : 'service_started';
      const step: WaitServiceStep = {
        kind: 'wait-service',
        id: `wait:${service}`,
        after: [],
        reason: '--wait',
        service,
        condition,
        required: true,
      };
      if (!o.json) o.io.stderr.write(`Service ${service}  Waiting\n`);
      try {
        const status = await waitForService(step, {
          engine: o.engine,
          project: o.project,
          containers: o.containers,
          imageIds: new Map(),
          replaced: new Set(),
          emit: () => {},
          signal: o.signal,
          containerSpec: () => {
            throw new Error('not used');
          },
          buildSpec: () => {
            throw new Error('not used');
          },
          waitTimeoutMs:
            o.timeoutMs === undefined ? undefined : Math.max(0, o.timeoutMs - (Date.now() - started)),
        });
        if (!o.json) o.io.stderr.write(`Service ${service}  ${status}\n`);
        return { service, containers: count, status, ms: Date.now() - started };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!o.json) o.io.stderr.write(`Service ${service}  Error: ${message}\n`);
        if (error instanceof ServiceNotReadyError) printDetails(o.io, error);
        return { service, containers: count, status: 'failed', ms: Date.now() - started, error: message };
      }
    }),
  );
  const failed = results.filter((r) => r.error);
  if (o.json) {
    o.io.stdout.write(`${JSON.stringify({ ok: failed.length === 0, services: results }, null, 2)}\n`);
  } else {
    const width = Math.max(...results.map((r) => r.service.length), 7);
    o.io.stdout.write(`${'SERVICE'.padEnd(width)}  STATUS     TIME\n`);
    for (const r of results) {
      o.io.stdout.write(`${r.service.padEnd(width)}  ${r.status.padEnd(9)}  ${(r.ms / 1000).toFixed(1)}s\n`);
    }
  }
  if (o.signal.aborted) return ExitCode.interrupted;
  if (failed.length > 0) {
    o.io.stderr.write(`error: ${failed.map((f) => f.error).join('; ')}\n`);
    return ExitCode.failure;
  }
  return ExitCode.ok;
}

/** The last health-check output and log lines of a service that did not get ready. */
export function printDetails(io: CliIO, error: ServiceNotReadyError): void {
  if (error.healthOutput)
    io.stderr.write(`  last health check: ${error.healthOutput.split('\n').join('\n    ')}\n`);
  if (error.logTail.length > 0) {
    io.stderr.write(`  last log lines of ${error.container}:\n`);
    for (const line of error.logTail) io.stderr.write(`    ${line}\n`);
  }
}
