/**
 * `dev down` as a plan: each service's containers are stopped and removed after those of the
 * services depending on it; then the networks the project made, named volumes (`volumes`)
 * and images (`rmi`). Shared resources go only once no container of the project is left.
 */
import { Labels } from '../model/labels.js';
import type { ObservedContainer, ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import { compare } from './graph.js';
import { findImage, serviceImageRef } from './image-ref.js';
import { findOrphans } from './orphans.js';
import type {
  Plan,
  RemoveContainerStep,
  RemoveImageStep,
  RemoveNetworkStep,
  RemoveVolumeStep,
  Step,
} from './plan.js';
import { checkServiceNames, dependencyGraph } from './select-services.js';

/** What to take down besides the services' containers. */
export interface PlanDownOptions {
  /** Only these services and the services depending on them (none: the whole project). */
  services?: string[];
  /** Also orphans and `dev run` containers. */
  removeOrphans?: boolean;
  /** Named volumes of the project, and containers' anonymous volumes. */
  volumes?: boolean;
  /** `local`: images built without an `image:` tag; `all`: every image the services use. */
  rmi?: 'local' | 'all';
  /** Services profiles disable: their containers are the project's, not orphans. */
  disabledServices?: string[];
}

/** Plans `down`; throws PlanError for an unknown service and DependencyCycleError on a cycle. */
export function planDown(project: Project, observed: ObservedState, options: PlanDownOptions = {}): Plan {
  const graph = dependencyGraph(project);
  const named = options.services ?? [];
  checkServiceNames(project, named);
  const selected = named.length > 0 ? graph.closure(named, 'dependents') : new Set(graph.nodes());
  const disabled = named.length > 0 ? [] : [...new Set(options.disabledServices ?? [])].sort(compare);
  // One-off (`dev run`) containers go only with --remove-orphans, as in Compose.
  const byService = new Map<string, ObservedContainer[]>();
  for (const c of [...observed.containers].sort((a, b) => compare(a.name, b.name))) {
    if (c.oneoff && !options.removeOrphans) continue;
    byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  }
  const containersOf = (service: string) => byService.get(service) ?? [];

  const steps: Step[] = [];
  const warnings: string[] = [];
  const removed = new Set<string>();
  const remove = (c: ObservedContainer, reason: string, after: string[], volumes: boolean): string => {
    const step: RemoveContainerStep = {
      kind: 'remove-container',
      id: `container:${c.name}:remove`,
      after,
      reason,
      service: c.service,
      name: c.name,
      containerId: c.id,
      ...(volumes ? { volumes: true } : {}),
    };
    steps.push(step);
    removed.add(c.id);
    return step.id;
  };

  const orphans = findOrphans(project, observed, options.disabledServices);
  if (options.removeOrphans) {
    for (const c of orphans) remove(c, 'orphan', [], false);
    const known = new Set([...Object.keys(project.services), ...(options.disabledServices ?? [])]);
    for (const c of observed.containers
      .filter((o) => o.oneoff && !known.has(o.service))
      .sort((a, b) => compare(a.name, b.name))) {
      remove(c, 'orphan (one-off)', [], false);
    }
  } else if (orphans.length > 0) {
    warnings.push(
      `orphan containers (${orphans.map((c) => c.name).join(', ')}) are kept; \`--remove-orphans\` removes them`,
    );
  }
  for (const service of disabled) {
    for (const c of containersOf(service))
      remove(c, 'down (service disabled by a profile)', [], options.volumes === true);
  }
  // A service's containers go after its dependents'; a dependent without containers passes on its own wait.
  const ids = new Map<string, string[]>();
  const frontier = new Map<string, string[]>();
  const waitFor = (service: string): string[] => {
    const out = new Set<string>();
    for (const d of graph.dependentsOf(service)) {
      if (!selected.has(d)) continue;
      const own = ids.get(d) ?? [];
      for (const id of own.length > 0 ? own : (frontier.get(d) ?? [])) out.add(id);
    }
    return [...out].sort(compare);
  };
  for (const service of graph.reverseOrder().filter((s) => selected.has(s))) {
    const after = waitFor(service);
    frontier.set(service, after);
    const deps = graph.dependenciesOf(service).filter((d) => selected.has(d));
    const reason = named.length === 0 || named.includes(service) ? 'down' : `depends on ${deps.join(', ')}`;
    ids.set(
      service,
      containersOf(service).map((c) => remove(c, reason, after, options.volumes === true)),
    );
  }

  const all = steps.map((s) => s.id);
  const left = observed.containers.filter((c) => !removed.has(c.id));
  if (left.length === 0) steps.push(...sharedResources(project, observed, options, all));
  else if (named.length === 0) {
    warnings.push(
      `networks${options.volumes ? ' and volumes' : ''} are kept: containers ${left
        .map((c) => c.name)
        .sort(compare)
        .join(', ')} still exist`,
    );
  }
  steps.push(...images(project, observed, { options, selected, after: all, left }));
  return {
    project: project.name,
    steps,
    orphans: orphans.map((c) => ({ id: c.id, name: c.name, service: c.service })),
    warnings,
  };
}

/** The project's own networks, and named volumes with `volumes`: found by name and project label. */
function sharedResources(
  project: Project,
  observed: ObservedState,
  options: PlanDownOptions,
  after: string[],
): (RemoveNetworkStep | RemoveVolumeStep)[] {
  const ours = (r: { name: string; labels: Record<string, string> }, name: string) =>
    r.name === name && r.labels[Labels.project] === project.name;
  const out: (RemoveNetworkStep | RemoveVolumeStep)[] = [];
  for (const key of Object.keys(project.networks).sort(compare)) {
    const n = project.networks[key];
    if (!n || n.external || !observed.networks.some((o) => ours(o, n.name))) continue;
    out.push({
      kind: 'remove-network',
      id: `network:remove:${n.name}`,
      after: [...after],
      reason: 'down',
      name: n.name,
    });
  }
  if (!options.volumes) return out;
  for (const key of Object.keys(project.volumes).sort(compare)) {
    const v = project.volumes[key];
    if (!v || v.external || !observed.volumes.some((o) => ours(o, v.name))) continue;
    out.push({
      kind: 'remove-volume',
      id: `volume:remove:${v.name}`,
      after: [...after],
      reason: '--volumes',
      name: v.name,
    });
  }
  return out;
}

interface ImagesInput {
  options: PlanDownOptions;
  selected: Set<string>;
  after: string[];
  /** Containers that stay: an image one of them runs is kept. */
  left: ObservedContainer[];
}

/** `--rmi local` removes the images dev built under its default tag; `--rmi all` every image used. */
function images(project: Project, observed: ObservedState, input: ImagesInput): RemoveImageStep[] {
  const { rmi } = input.options;
  if (!rmi) return [];
  const refs = new Set<string>();
  for (const name of [...input.selected].sort(compare)) {
    const service = project.services[name];
    if (!service) continue;
    if (rmi === 'all' || (service.build && service.image === undefined))
      refs.add(serviceImageRef(project, name));
  }
  const inUse = new Set(input.left.map((c) => c.imageId));
  const out: RemoveImageStep[] = [];
  for (const ref of [...refs].sort(compare)) {
    const found = findImage(observed, ref);
    if (!found || inUse.has(found.id)) continue;
    out.push({
      kind: 'remove-image',
      id: `image:remove:${ref}`,
      after: [...input.after],
      reason: `--rmi ${rmi}`,
      image: ref,
    });
  }
  return out;
}
