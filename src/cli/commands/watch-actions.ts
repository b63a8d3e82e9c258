/**
 * The watch's rebuild and re-plan, done with `dev up`'s own helpers (planUp, applyPlan), so a
 * container a watch recreates is exactly the one `dev up` would create.
 */
import type { Engine } from '../../engine/engine.js';
import { Labels } from '../../model/labels.js';
import type { Plan, Step } from '../../planner/plan.js';
import type { ReconcileOptions } from '../../planner/reconcile-options.js';
import type { RebuildOutcome, ReloadOutcome, WatchHost } from '../../watch/watch-host.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from '../program.js';
import { openProject, type ProjectSession } from '../session.js';
import { applyPlan, imageOf, planUp } from './apply.js';

export interface WatchActionsOptions {
  engine: Engine;
  session: ProjectSession;
  options: GlobalOptions;
  io: CliIO;
  /** The services `up` was asked for (none: all); a re-plan covers the same. */
  services: string[];
}

/** A WatchHost over the CLI's plan-and-apply; `session()` is the project as last loaded. */
export function createWatchActions(o: WatchActionsOptions): WatchHost & { session(): ProjectSession } {
  let session = o.session;
  // Warnings of the plans (orphans, …) were shown by `up`; a watch repeating them is noise.
  const io: CliIO = { ...o.io, stderr: { write: () => true } };
  return {
    session: () => session,

    async rebuild(service: string): Promise<RebuildOutcome> {
      const project = session.project;
      const build: Plan = {
        project: project.name,
        steps: [
          {
            kind: 'build-image',
            id: `image:build:${service}`,
            after: [],
            reason: 'watched files changed',
            service,
            image: imageOf(project, service),
          },
        ],
        orphans: [],
        warnings: [],
      };
      await applyPlan({ engine: o.engine, session, plan: build, io, progress: 'quiet' });
      // The service and the services that asked to restart with it; their other dependencies stay.
      const dependents = Object.entries(project.services)
        .filter(([, s]) => s.depends_on?.[service]?.restart === true)
        .map(([name]) => name);
      const before = new Set(
        (await o.engine.listContainers({ labels: [`${Labels.project}=${project.name}`] })).map((c) => c.id),
      );
      const plan = await planUp(o.engine, session, { services: [service, ...dependents], noDeps: true });
      const result = await applyPlan({ engine: o.engine, session, plan, io, progress: 'quiet' });
      const recreated = (result.containers[service] ?? [])
        .filter((c) => !before.has(c.id))
        .map((c) => c.name);
      const restarted =
        recreated.length > 0
          ? plan.steps.filter((s) => s.kind === 'restart-container').map((s) => (s as { name: string }).name)
          : [];
      return { recreated, restarted };
    },

    async reload(): Promise<ReloadOutcome> {
      const next = await openProject(o.options, o.io, o.services.length > 0 ? { services: o.services } : {});
      const options: ReconcileOptions = o.services.length > 0 ? { services: o.services } : {};
      const plan = await planUp(o.engine, next, options);
      const changes = plan.steps.filter((s) => s.kind !== 'keep-container' && s.kind !== 'wait-service');
      if (changes.length > 0)
        await applyPlan({ engine: o.engine, session: next, plan, io, progress: 'quiet' });
      session = next;
      return { project: next.project, projectFiles: projectFiles(next), applied: changes.map(describe) };
    },
  };
}

/** The compose files and env files a project was read from. */
export function projectFiles(session: ProjectSession): string[] {
  return [...(session.loaded?.files ?? []), ...(session.loaded?.envFiles ?? [])].filter((f) =>
    f.startsWith('/'),
  );
}

function describe(step: Step): string {
  switch (step.kind) {
    case 'create-container':
      return step.replaces ? `recreated ${step.name}` : `created ${step.name}`;
    case 'start-container':
      return `started ${step.name}`;
    case 'restart-container':
      return `restarted ${step.name}`;
    case 'stop-container':
      return `stopped ${step.name}`;
    case 'remove-container':
      return `removed ${step.name}`;
    case 'build-image':
      return `built ${step.image}`;
    case 'pull-image':
      return `pulled ${step.image}`;
    case 'create-network':
    case 'create-volume':
      return `created ${step.kind === 'create-network' ? 'network' : 'volume'} ${step.name}`;
    default:
      return `${step.kind} ${step.id}`;
  }
}
