/**
 * The container steps of one service, without their edges (reconcile adds those): keep the
 * lowest-numbered containers up to the desired count, recreate or start what needs it, remove
 * the rest (highest number first), create the missing numbers (lowest free first).
 */
import type { ContainerState, ObservedContainer } from '../model/observed.js';
import type { ServiceConfig } from '../model/service.js';
import { containerDivergence, type DesiredContainer, type Divergence } from './container-divergence.js';
import { compare } from './graph.js';
import { containerName } from './image-ref.js';
import type {
  CreateContainerStep,
  KeepContainerStep,
  RemoveContainerStep,
  StartContainerStep,
} from './plan.js';

/** What one service asks and holds. */
export interface ServiceContainersInput {
  project: string;
  service: string;
  config: ServiceConfig;
  /** The service's non-oneoff containers, in any order. */
  containers: ObservedContainer[];
  /** Desired number of containers (0 allowed). */
  count: number;
  desired: DesiredContainer;
  /** `diverged`: recreate what differs; `force`: recreate all; `never`: keep all. `source` names the flag. */
  recreate: { policy: 'diverged' | 'force' | 'never'; source: string };
  /** How this plan refreshes the service's image, if it does. */
  imageRefreshed: 'pulled' | 'rebuilt' | undefined;
  /** false: create only (`--no-start`). */
  start: boolean;
}

export type ServiceContainerStep = CreateContainerStep | StartContainerStep | KeepContainerStep;

/** The steps, and which keep steps hold a running container (those a dependency may restart). */
export interface ServiceContainersPlan {
  removals: RemoveContainerStep[];
  steps: ServiceContainerStep[];
  running: Set<string>;
}

/** Plans one service's containers; pure and deterministic. */
export function planServiceContainers(input: ServiceContainersInput): ServiceContainersPlan {
  const { numbered, extra } = slots(input);
  const kept = numbered.slice(0, input.count);
  const surplus = numbered.slice(input.count);
  const scaled = `scaled ${numbered.length} → ${input.count}`;
  const removals: RemoveContainerStep[] = [
    ...surplus.map((c) => removal(input.service, c, scaled)),
    ...extra.map(({ container, why }) => removal(input.service, container, why)),
  ]
    .sort((a, b) => b.number - a.number || compare(a.step.name, b.step.name))
    .map((r) => r.step);

  const plan: ServiceContainersPlan = { removals, steps: [], running: new Set() };
  for (const container of kept) plan.steps.push(existing(input, container, plan.running));
  const used = new Set(kept.map((c) => c.number));
  const newReason = numbered.length === 0 ? 'missing' : scaled;
  for (let n = 1, made = kept.length; made < input.count; n++) {
    if (used.has(n)) continue;
    const name = containerName(input.project, input.service, input.config, n);
    plan.steps.push({
      kind: 'create-container',
      id: `container:${input.service}:${n}:create`,
      after: [],
      reason: newReason,
      service: input.service,
      number: n,
      name,
      start: input.start,
    });
    made++;
  }
  plan.steps.sort((a, b) => a.number - b.number);
  return plan;
}

/**
 * One container per number, lowest numbers first. Of containers sharing a number the one with
 * the expected name (else the newest) holds it; the others and unnumbered ones are extra.
 */
function slots(input: ServiceContainersInput): {
  numbered: ObservedContainer[];
  extra: { container: ObservedContainer; why: string }[];
} {
  const byNumber = new Map<number, ObservedContainer[]>();
  const extra: { container: ObservedContainer; why: string }[] = [];
  for (const c of input.containers) {
    if (c.number > 0 && Number.isInteger(c.number))
      byNumber.set(c.number, [...(byNumber.get(c.number) ?? []), c]);
    else extra.push({ container: c, why: 'no container number' });
  }
  const numbered: ObservedContainer[] = [];
  for (const n of [...byNumber.keys()].sort((a, b) => a - b)) {
    const expected = containerName(input.project, input.service, input.config, n);
    const [first, ...rest] = (byNumber.get(n) ?? []).sort(
      (a, b) =>
        Number(b.name === expected) - Number(a.name === expected) ||
        b.created - a.created ||
        compare(a.id, b.id),
    );
    if (!first) continue;
    numbered.push(first);
    for (const c of rest) extra.push({ container: c, why: `duplicate of container number ${n}` });
  }
  return { numbered, extra };
}

function removal(
  service: string,
  container: ObservedContainer,
  reason: string,
): { number: number; step: RemoveContainerStep } {
  return {
    number: container.number,
    step: {
      kind: 'remove-container',
      id: `container:${container.name}:remove`,
      after: [],
      reason,
      service,
      name: container.name,
      containerId: container.id,
    },
  };
}

/** The step for a container that holds one of the kept numbers. */
function existing(
  input: ServiceContainersInput,
  container: ObservedContainer,
  running: Set<string>,
): ServiceContainerStep {
  const n = container.number;
  const name = containerName(input.project, input.service, input.config, n);
  const { policy, source } = input.recreate;
  const divergence: Divergence | undefined =
    policy === 'force'
      ? { reason: source, changes: [] }
      : containerDivergence(container, name, input.desired);
  const base = { service: input.service, number: n, name };
  if (divergence && policy !== 'never') {
    return {
      kind: 'create-container',
      id: `container:${input.service}:${n}:create`,
      after: [],
      reason: divergence.reason,
      ...base,
      replaces: { id: container.id, name: container.name },
      changes: divergence.changes,
      ...(divergence.imageOnly ? { imageOnly: true } : {}),
      ...(divergence.toolUpgrade ? { toolUpgrade: true } : {}),
      start: input.start,
    };
  }
  if (!divergence && policy !== 'never' && input.imageRefreshed) {
    return {
      kind: 'create-container',
      id: `container:${input.service}:${n}:create`,
      after: [],
      reason: `image ${input.imageRefreshed}`,
      ...base,
      replaces: { id: container.id, name: container.name },
      changes: [],
      onlyIfImageChanged: true,
      start: input.start,
    };
  }
  // Under --no-recreate a diverged container is kept: say what it misses.
  const missed = divergence ? `${divergence.reason}, not recreated (${source})` : undefined;
  const held = { ...base, name: container.name, containerId: container.id };
  if (input.start && needsStart(container.state)) {
    return {
      kind: 'start-container',
      id: `container:${input.service}:${n}:start`,
      after: [],
      reason: missed ? `${stateWords(container)}; ${missed}` : stateWords(container),
      ...held,
    };
  }
  const id = `container:${input.service}:${n}:keep`;
  if (container.state === 'running') running.add(id);
  let reason = missed ?? 'up to date';
  if (needsStart(container.state))
    reason = `${stateWords(container)}, not started (--no-start)${missed ? `; ${missed}` : ''}`;
  else if (container.state !== 'running') reason = `${reason} (${container.state})`;
  return { kind: 'keep-container', id, after: [], reason, ...held };
}

function needsStart(state: ContainerState): boolean {
  return state === 'created' || state === 'exited';
}

function stateWords(container: ObservedContainer): string {
  if (container.state === 'created') return 'created, never started';
  return container.exitCode === undefined ? 'stopped' : `exited (${container.exitCode})`;
}
