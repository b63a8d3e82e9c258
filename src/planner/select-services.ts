/**
 * Which services a plan touches: the targets (all when none are named) and, unless `noDeps`,
 * everything they depend on. Checks the names and the `depends_on` graph of the whole project.
 */
import { DependencyCycleError } from '../model/errors.js';
import type { Project } from '../model/project.js';
import { compare, Graph } from './graph.js';
import { PlanError } from './plan-error.js';

/** The selection and the dependency graph it came from. */
export interface ServiceSelection {
  /** Selected services, dependencies first (ties by name). */
  order: string[];
  selected: Set<string>;
  /** The services named (all of them when none were). */
  targets: Set<string>;
  /** `depends_on` over every service of the project; edges point to dependencies. */
  graph: Graph;
  warnings: string[];
}

/** Builds the `depends_on` graph of the project; throws on a missing required dependency or a cycle. */
export function dependencyGraph(project: Project): Graph {
  const graph = new Graph('depends_on');
  const names = Object.keys(project.services).sort(compare);
  for (const name of names) graph.addNode(name);
  for (const name of names) {
    const deps = project.services[name]?.depends_on ?? {};
    for (const dep of Object.keys(deps).sort(compare)) {
      if (project.services[dep]) {
        graph.addEdge(name, dep);
      } else if (deps[dep]?.required !== false) {
        throw new PlanError(
          'DEPENDENCY_MISSING',
          `service "${name}" depends on "${dep}", which is not in the project`,
          {
            hint: `define "${dep}", enable its profile, or mark the dependency \`required: false\``,
          },
        );
      }
    }
  }
  const cycle = graph.findCycle();
  if (cycle) {
    throw new DependencyCycleError('depends_on', cycle, {
      hint: 'remove one of the depends_on entries in the cycle',
    });
  }
  return graph;
}

/** Throws PlanError (NO_SUCH_SERVICE, listing the project's services) for a name the project lacks. */
export function checkServiceNames(project: Project, names: string[]): void {
  for (const name of names) {
    if (project.services[name]) continue;
    const all = Object.keys(project.services).sort(compare);
    throw new PlanError('NO_SUCH_SERVICE', `no such service: ${name}`, {
      hint: all.length > 0 ? `services of this project: ${all.join(', ')}` : 'the project has no services',
    });
  }
}

/** The selected services; throws PlanError for an unknown target. */
export function selectServices(
  project: Project,
  targets: string[] | undefined,
  noDeps: boolean,
): ServiceSelection {
  const graph = dependencyGraph(project);
  const all = graph.nodes();
  checkServiceNames(project, targets ?? []);
  const named = targets && targets.length > 0 ? new Set(targets) : new Set(all);
  const selected = noDeps ? new Set(named) : graph.closure(named, 'dependencies');
  const order = graph.order().filter((s) => selected.has(s));
  const warnings: string[] = [];
  for (const name of order) {
    for (const [dep, d] of Object.entries(project.services[name]?.depends_on ?? {}).sort(([a], [b]) =>
      compare(a, b),
    )) {
      if (!project.services[dep] && d.required === false) {
        warnings.push(
          `service "${name}": optional dependency "${dep}" is not in the project; going on without it`,
        );
      }
    }
  }
  return { order, selected, targets: named, graph, warnings };
}
