/** `dev plan` output: one line per step in plan order, then orphans and warnings. */
import type { Plan } from './plan.js';
import { stepDetail, stepLabel } from './step-label.js';

export { planToJson } from './plan-to-json.js';

/** The plan as text, one line per step (`keep     container trio-db-1 (up to date)`); stable for a given plan. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  for (const step of plan.steps) {
    const { verb, object } = stepLabel(step);
    lines.push(`${verb.padEnd(8)} ${object} (${stepDetail(step)})`);
  }
  const removed = new Set(plan.steps.flatMap((s) => (s.kind === 'remove-container' ? [s.containerId] : [])));
  for (const orphan of plan.orphans) {
    if (!removed.has(orphan.id))
      lines.push(`${'orphan'.padEnd(8)} container ${orphan.name} (service ${orphan.service})`);
  }
  if (plan.steps.length === 0) lines.push('nothing to do');
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
