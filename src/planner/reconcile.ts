/**
 * reconcile: from the project and one snapshot of the engine to the plan that makes them agree.
 * Pure and deterministic (inputs are read in sorted order), and it decides everything, so the
 * executor only executes. The DAG: image and network/volume steps first, then each service's
 * containers after the waits of its dependencies, and a service's waits after its containers.
 */
import { configDigests } from '../model/config-digest.js';
import { configHash } from '../model/config-hash.js';
import type { ObservedContainer, ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import type { DependsOn, ServiceConfig } from '../model/service.js';
import { compare } from './graph.js';
import { findImage, serviceImageRef } from './image-ref.js';
import { findOrphans } from './orphans.js';
import type { Plan, RemoveContainerStep, RestartContainerStep, Step, WaitServiceStep } from './plan.js';
import { PlanError } from './plan-error.js';
import { planImages } from './plan-images.js';
import { planResources } from './plan-resources.js';
import { planServiceContainers, type ServiceContainerStep } from './plan-service-containers.js';
import type { ReconcileOptions } from './reconcile-options.js';
import { selectServices } from './select-services.js';

export type { ReconcileOptions } from './reconcile-options.js';

type Condition = WaitServiceStep['condition'];
const CONDITIONS: readonly string[] = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];
/** Fields whose `service:<x>` value shares a namespace of x's container (lost when it is recreated). */
const NAMESPACES = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

/** A step that replaces or restarts a service's containers; conditional ones may turn out to do nothing. */
interface Trigger {
  id: string;
  conditional: boolean;
  kind: 'recreated' | 'restarted';
}

/** Plans `dev up` for `project` against `observed`; throws PlanError / DependencyCycleError when it cannot. */
export function reconcile(project: Project, observed: ObservedState, options: ReconcileOptions = {}): Plan {
  if (options.forceRecreate && options.noRecreate) {
    throw new PlanError('INVALID_OPTIONS', '--force-recreate and --no-recreate cannot be used together', {
      hint: 'pick one of them',
    });
  }
  checkScale(project, options.scale ?? {});
  const selection = selectServices(project, options.services, options.noDeps === true);
  const counts = new Map(selection.order.map((s) => [s, desiredCount(project, s, options)]));
  const active = selection.order.filter((s) => (counts.get(s) ?? 0) > 0);
  const images = planImages(project, observed, active, options);
  const resources = planResources(project, observed, active);
  const warnings = [...selection.warnings, ...images.warnings, ...resources.warnings];
  const steps: Step[] = [...images.steps, ...resources.steps];

  const orphans = findOrphans(project, observed, options.disabledServices);
  if (options.removeOrphans) {
    for (const c of orphans) steps.push(removeStep(c, 'orphan'));
  } else if (orphans.length > 0) {
    warnings.push(
      `orphan containers (${orphans.map((c) => c.name).join(', ')}) belong to services no longer in the project; \`--remove-orphans\` removes them`,
    );
  }

  const start = options.noStart !== true;
  const waits = start
    ? neededWaits(project, selection.order, counts, warnings)
    : { byDependent: new Map(), byService: new Map() };
  const byService = containersByService(observed.containers);
  const triggers = new Map<string, Trigger[]>();
  const containerSteps = new Map<string, string[]>();
  for (const name of selection.order) {
    const config = project.services[name] as ServiceConfig;
    const deps = selectedDependencies(config, selection.selected);
    // Without starting, nothing can be waited for: containers are only created in order.
    const depAfter = start
      ? (waits.byDependent.get(name) ?? [])
      : deps.flatMap(([d]) => containerSteps.get(d) ?? []);
    const ref = serviceImageRef(project, name);
    const planned = planServiceContainers({
      project: project.name,
      service: name,
      config,
      containers: byService.get(name) ?? [],
      count: counts.get(name) ?? 1,
      desired: {
        configHash: configHash(config),
        configDigests: configDigests(config),
        imageId: findImage(observed, ref)?.id,
        devVersion: options.devVersion,
        namespaceGone: lostNamespace(config, triggers),
      },
      recreate: recreatePolicy(name, selection.targets, options),
      imageRefreshed: images.refreshed.get(ref),
      start,
    });
    steps.push(...planned.removals);
    const own: Trigger[] = [];
    const ids: string[] = [];
    for (const step of planned.steps) {
      const restart = start && planned.running.has(step.id) ? restartFor(step, deps, triggers) : undefined;
      const final: ServiceContainerStep | RestartContainerStep = restart ?? step;
      if (final.kind === 'create-container') {
        const image = images.providers.get(name);
        final.after = [...(image ? [image] : []), ...(resources.needs.get(name) ?? []), ...depAfter];
        if (final.replaces)
          own.push({ id: final.id, conditional: final.onlyIfImageChanged === true, kind: 'recreated' });
      } else if (final.kind === 'start-container') {
        final.after = [...depAfter];
      } else if (final.kind === 'restart-container') {
        final.after = [...depAfter];
        own.push({ id: final.id, conditional: final.onlyIfReplaced !== undefined, kind: 'restarted' });
      }
      steps.push(final);
      ids.push(final.id);
    }
    triggers.set(name, own);
    containerSteps.set(name, ids);
    for (const wait of waits.byService.get(name) ?? []) {
      wait.after = [...ids];
      steps.push(wait);
    }
  }
  return {
    project: project.name,
    steps,
    services: selection.order,
    orphans: orphans.map((c) => ({ id: c.id, name: c.name, service: c.service })),
    warnings: [...new Set(warnings)],
  };
}

/** `--scale` names services of the project, and never more than one of a fixed `container_name`. */
function checkScale(project: Project, scale: Record<string, number>): void {
  for (const [name, n] of Object.entries(scale)) {
    const service = project.services[name];
    if (!service) {
      throw new PlanError('INVALID_SCALE', `--scale ${name}=${n}: no service "${name}" in the project`, {
        hint: `services: ${Object.keys(project.services).sort().join(', ')}`,
      });
    }
    if (service.container_name && n > 1) {
      throw new PlanError(
        'INVALID_SCALE',
        `--scale ${name}=${n}: service "${name}" has container_name "${service.container_name}", and container names are unique`,
        { hint: `remove container_name from service "${name}" to run more than one` },
      );
    }
  }
}

/** `--scale`, else `deploy.replicas`, else `scale`, else 1. */
function desiredCount(project: Project, name: string, options: ReconcileOptions): number {
  const service = project.services[name];
  const n = options.scale?.[name] ?? service?.deploy?.replicas ?? service?.scale ?? 1;
  if (!Number.isInteger(n) || n < 0) {
    throw new PlanError(
      'INVALID_SCALE',
      `service "${name}": scale must be a whole number of 0 or more, not ${n}`,
      {
        hint: `e.g. \`--scale ${name}=2\``,
      },
    );
  }
  return n;
}

/** Compose's recreate strategy: targets follow --force-recreate, dependencies --always-recreate-deps. */
function recreatePolicy(
  name: string,
  targets: Set<string>,
  options: ReconcileOptions,
): { policy: 'diverged' | 'force' | 'never'; source: string } {
  if (options.noRecreate) return { policy: 'never', source: '--no-recreate' };
  if (targets.has(name)) {
    return options.forceRecreate
      ? { policy: 'force', source: '--force-recreate' }
      : { policy: 'diverged', source: '' };
  }
  return options.alwaysRecreateDeps
    ? { policy: 'force', source: '--always-recreate-deps' }
    : { policy: 'diverged', source: '' };
}

/** The wait steps selected services need: one per (dependency, condition, required). */
interface NeededWaits {
  /** Dependent → ids of the waits its containers come after. */
  byDependent: Map<string, string[]>;
  /** Dependency → its wait steps, sorted by id. */
  byService: Map<string, WaitServiceStep[]>;
}

function neededWaits(
  project: Project,
  order: string[],
  counts: Map<string, number>,
  warnings: string[],
): NeededWaits {
  const selected = new Set(order);
  const steps = new Map<string, { step: WaitServiceStep; dependents: string[] }>();
  const byDependent = new Map<string, string[]>();
  for (const name of order) {
    const ids: string[] = [];
    for (const [dep, d] of selectedDependencies(project.services[name] as ServiceConfig, selected)) {
      // A dependency scaled to 0 has nothing to wait for (Compose skips it too).
      if ((counts.get(dep) ?? 0) === 0) continue;
      let condition = d.condition as Condition;
      if (!CONDITIONS.includes(condition)) {
        warnings.push(
          `service "${name}": unknown depends_on condition "${d.condition}" for "${dep}"; waiting until started`,
        );
        condition = 'service_started';
      }
      const required = d.required !== false;
      const id = `wait:${dep}:${condition}${required ? '' : ':optional'}`;
      const wait = steps.get(id) ?? {
        step: { kind: 'wait-service', id, after: [], reason: '', service: dep, condition, required },
        dependents: [],
      };
      wait.dependents.push(name);
      wait.step.reason = `needed by ${wait.dependents.join(', ')}`;
      steps.set(id, wait);
      if (!ids.includes(id)) ids.push(id);
    }
    byDependent.set(name, ids.sort(compare));
  }
  const byService = new Map<string, WaitServiceStep[]>();
  for (const id of [...steps.keys()].sort(compare)) {
    const { step } = steps.get(id) as { step: WaitServiceStep };
    byService.set(step.service, [...(byService.get(step.service) ?? []), step]);
  }
  return { byDependent, byService };
}

/** The service's dependencies that the plan touches, sorted by name. */
function selectedDependencies(config: ServiceConfig, selected: Set<string>): [string, DependsOn][] {
  return Object.entries(config.depends_on ?? {})
    .filter(([d]) => selected.has(d))
    .sort(([a], [b]) => compare(a, b));
}

/** A restart for a kept running container whose `restart: true` dependencies are recreated or restarted. */
function restartFor(
  step: ServiceContainerStep,
  deps: [string, DependsOn][],
  triggers: Map<string, Trigger[]>,
): RestartContainerStep | undefined {
  if (step.kind !== 'keep-container') return undefined;
  const causes: { dep: string; list: Trigger[] }[] = [];
  for (const [dep, d] of deps) {
    const list = d.restart ? (triggers.get(dep) ?? []) : [];
    if (list.length > 0) causes.push({ dep, list });
  }
  if (causes.length === 0) return undefined;
  const all = causes.flatMap((c) => c.list);
  const conditional = all.every((t) => t.conditional);
  const words = causes.map(({ dep, list }) => {
    const sure = list.filter((t) => !t.conditional);
    if (sure.length === 0) return `dependency ${dep} may be recreated with a new image`;
    return `dependency ${dep} ${sure.some((t) => t.kind === 'recreated') ? 'recreated' : 'restarted'}`;
  });
  return {
    kind: 'restart-container',
    id: `container:${step.service}:${step.number}:restart`,
    after: [],
    reason: words.join('; '),
    service: step.service,
    number: step.number,
    name: step.name,
    containerId: step.containerId,
    ...(conditional ? { onlyIfReplaced: all.map((t) => t.id).sort(compare) } : {}),
  };
}

/** `network_mode service:vpn recreated` when a namespace this service shares goes away. */
function lostNamespace(config: ServiceConfig, triggers: Map<string, Trigger[]>): string | undefined {
  for (const field of NAMESPACES) {
    const value = config[field];
    if (!value?.startsWith('service:')) continue;
    const dep = value.slice('service:'.length);
    if ((triggers.get(dep) ?? []).some((t) => t.kind === 'recreated' && !t.conditional)) {
      return `${field} service:${dep} recreated`;
    }
  }
  return undefined;
}

function containersByService(containers: ObservedContainer[]): Map<string, ObservedContainer[]> {
  const out = new Map<string, ObservedContainer[]>();
  for (const c of containers) {
    if (c.oneoff) continue;
    const list = out.get(c.service);
    if (list) list.push(c);
    else out.set(c.service, [c]);
  }
  return out;
}

function removeStep(c: ObservedContainer, reason: string): RemoveContainerStep {
  return {
    kind: 'remove-container',
    id: `container:${c.name}:remove`,
    after: [],
    reason,
    service: c.service,
    name: c.name,
    containerId: c.id,
  };
}
