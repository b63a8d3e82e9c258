/**
 * A plan that stops the given containers, dependents before what they depend on (as Compose
 * stops a project on Ctrl-C), so the executor shows progress and explains slow stops.
 */
import type { Project } from '../../model/project.js';
import type { Plan, Step } from '../../planner/plan.js';

export function stopPlan(
  project: Project,
  containers: Record<string, { id: string; name: string }[]>,
  kind: 'stop-container' | 'remove-container' = 'stop-container',
): Plan {
  const idsOf = (service: string) => (containers[service] ?? []).map((c) => `${kind}:${c.id}`);
  const steps: Step[] = [];
  for (const [service, list] of Object.entries(containers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Wait for the containers of every service that depends on this one.
    const after = Object.entries(project.services)
      .filter(([, s]) => s.depends_on && service in s.depends_on)
      .flatMap(([name]) => idsOf(name));
    for (const c of list) {
      steps.push({
        kind,
        id: `${kind}:${c.id}`,
        after,
        reason: 'stopping the project',
        service,
        name: c.name,
        containerId: c.id,
      });
    }
  }
  return { project: project.name, steps, orphans: [], warnings: [] };
}
