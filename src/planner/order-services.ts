/** Service order for commands that act service by service (`start`, `stop`, `restart`, `kill`). */
import type { Project } from '../model/project.js';
import { checkServiceNames, dependencyGraph } from './select-services.js';

/**
 * `services` (none: all of the project) in `depends_on` order: `dependencies-first` for start,
 * `dependents-first` for stop; ties by name. Adds no service; throws PlanError for an unknown one.
 */
export function orderServices(
  project: Project,
  services: string[] | undefined,
  direction: 'dependencies-first' | 'dependents-first',
): string[] {
  const graph = dependencyGraph(project);
  checkServiceNames(project, services ?? []);
  const wanted = services && services.length > 0 ? new Set(services) : undefined;
  const order = direction === 'dependencies-first' ? graph.order() : graph.reverseOrder();
  return wanted ? order.filter((s) => wanted.has(s)) : order;
}
