/**
 * Plan and apply, shared by `up`, `create`, `start`-like commands and `run`'s dependencies:
 * observe the engine once, reconcile, execute with progress, and report failures.
 */
import { buildContainerSpec } from '../../engine/container-spec.js';
import type { BuildSpec, Engine, ResourceNames } from '../../engine/engine.js';
import { type ExecuteResult, executePlan } from '../../engine/execute.js';
import type { ServiceNotReadyError } from '../../engine/wait-service.js';
import { DevError } from '../../model/errors.js';
import type { Project } from '../../model/project.js';
import type { Plan } from '../../planner/plan.js';
import { reconcile } from '../../planner/reconcile.js';
import type { ReconcileOptions } from '../../planner/reconcile-options.js';
import type { CliIO } from '../io.js';
import { createProgress, type ProgressMode } from '../render/progress.js';
import type { ProjectSession } from '../session.js';
import { VERSION } from '../version.js';

/** Image references a project's services run: their `image`, or the tag a build gives. */
export function serviceImages(project: Project): string[] {
  const refs = new Set<string>();
  for (const name of Object.keys(project.services)) refs.add(imageOf(project, name));
  return [...refs].sort();
}

/** Every network and volume name the project declares, so observe finds unlabelled ones too. */
export function resourceNames(project: Project): ResourceNames {
  return {
    networks: Object.values(project.networks).map((n) => n.name),
    volumes: Object.values(project.volumes).map((v) => v.name),
  };
}

/** The image a service runs: its `image`, else Compose v2's default tag `<project>-<service>`. */
export function imageOf(project: Project, service: string): string {
  return project.services[service]?.image ?? `${project.name}-${service}`;
}

/** Observes the engine and plans `up` for the session's project. */
export async function planUp(
  engine: Engine,
  session: ProjectSession,
  options: ReconcileOptions,
): Promise<Plan> {
  const observed = await engine.observe(
    session.project.name,
    serviceImages(session.project),
    resourceNames(session.project),
  );
  return reconcile(session.project, observed, {
    devVersion: VERSION,
    ...(session.loaded ? { disabledServices: session.loaded.disabledServices } : {}),
    ...options,
  });
}

export interface ApplyOptions {
  engine: Engine;
  session: ProjectSession;
  plan: Plan;
  io: CliIO;
  progress: ProgressMode;
  signal?: AbortSignal;
  stopTimeout?: number;
  waitTimeoutMs?: number;
  /** Return an interrupted result instead of throwing (the caller cleans up). */
  allowInterrupt?: boolean;
  /** Build without cache, pull base images (`build --no-cache --pull`). */
  build?: { noCache?: boolean; pull?: boolean };
}

/** Executes the plan with progress output; throws a DevError naming what failed. */
export async function applyPlan(o: ApplyOptions): Promise<ExecuteResult> {
  const { project, loaded } = o.session;
  const io = o.io;
  const progress = createProgress(o.progress, o.io, o.plan.steps);
  for (const w of o.plan.warnings) o.io.stderr.write(`warning: ${w}\n`);
  const result = await executePlan(o.plan, {
    engine: o.engine,
    project,
    containerSpec: ({ service, number, image, replaces, containerNames }) =>
      buildContainerSpec({
        project,
        service,
        number,
        image,
        containerNames,
        environment: io.env,
        ...(replaces ? { replaces } : {}),
        devVersion: VERSION,
        configFiles: loaded?.files ?? [],
        environmentFiles: loaded?.envFiles ?? [],
      }),
    buildSpec: (service, tag) => buildSpecOf(project, service, tag, o.build),
    stopTimeout: o.stopTimeout,
    waitTimeoutMs: o.waitTimeoutMs,
    onEvent: (e) => progress.onEvent(e),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  await progress.close();
  if (result.failed.length > 0) throw failureError(result);
  if (result.interrupted && !o.allowInterrupt) {
    throw new DevError('INTERRUPTED', 'interrupted; run the command again to finish');
  }
  return result;
}

function buildSpecOf(
  project: Project,
  service: string,
  tag: string,
  options: { noCache?: boolean; pull?: boolean } = {},
): BuildSpec {
  const build = project.services[service]?.build;
  if (!build) throw new DevError('BUILD_MISSING', `service "${service}" has no build section`);
  return {
    tag,
    build,
    labels: { 'com.docker.compose.project': project.name, 'com.docker.compose.service': service },
    ...(options.pull || build.pull ? { pull: true } : {}),
    ...(options.noCache || build.no_cache ? { noCache: true } : {}),
  };
}

/** One error for the run, its message the first failure, the others listed in the hint. */
function failureError(result: ExecuteResult): DevError {
  const [first, ...rest] = result.failed;
  if (!first) return new DevError('APPLY_FAILED', 'failed');
  const notReady = first.error as Partial<ServiceNotReadyError>;
  if (notReady.code === 'SERVICE_NOT_READY') return first.error as DevError;
  const hint =
    rest.length > 0
      ? `also failed: ${rest.map((f) => f.error.message).join('; ')}`
      : (first.error as DevError).hint;
  return new DevError('APPLY_FAILED', first.error.message, { ...(hint ? { hint } : {}), cause: first.error });
}
