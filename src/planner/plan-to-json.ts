/** `dev plan --json`: the plan as plain data with a fixed key order, so equal plans print equally. */
import { compare } from './graph.js';
import type { Plan, Step } from './plan.js';

/** One step: kind, id, after and reason first, then its own fields by name. */
export type StepJson = { kind: Step['kind']; id: string; after: string[]; reason: string } & Record<
  string,
  unknown
>;

export interface PlanJson {
  project: string;
  services?: string[];
  steps: StepJson[];
  orphans: Plan['orphans'];
  warnings: string[];
}

/** The plan as JSON-ready data (`JSON.stringify(planToJson(plan), null, 2)`). */
export function planToJson(plan: Plan): PlanJson {
  const steps = plan.steps.map((step) => {
    const { kind, id, after, reason, ...rest } = step;
    const out: StepJson = { kind, id, after: [...after], reason };
    for (const key of Object.keys(rest).sort(compare)) {
      const value = (rest as Record<string, unknown>)[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  });
  return {
    project: plan.project,
    ...(plan.services ? { services: [...plan.services] } : {}),
    steps,
    orphans: plan.orphans.map((o) => ({ id: o.id, name: o.name, service: o.service })),
    warnings: [...plan.warnings],
  };
}
