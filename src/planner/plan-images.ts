/**
 * Image steps: a pull per distinct missing (or always-pulled) image, a build per service whose
 * image must be (re)built. As in Compose, an image some selected service builds is never
 * pulled for the services that only use it, and a buildable service's missing image is built.
 */
import type { ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import type { ServiceConfig } from '../model/service.js';
import { compare, Graph } from './graph.js';
import { findImage, serviceImageRef } from './image-ref.js';
import type { BuildImageStep, PullImageStep } from './plan.js';
import { PlanError } from './plan-error.js';
import type { ReconcileOptions } from './reconcile-options.js';

/** What the image phase decided. */
export interface ImagePlan {
  steps: (PullImageStep | BuildImageStep)[];
  /** Service → id of the step that provides its image in this plan. */
  providers: Map<string, string>;
  /** Image ref → how this plan refreshes it; containers using it are then checked after the step. */
  refreshed: Map<string, 'pulled' | 'rebuilt'>;
  warnings: string[];
}

type Policy = 'always' | 'missing' | 'never' | 'build';

interface EffectivePolicy {
  policy: Policy;
  /** How the user said it: `--pull always`, `pull_policy: build`; empty for the default. */
  source: string;
  /** A policy dev reads as `missing`, explained. */
  note?: string;
}

/** Plans the pulls and builds the selected services need; throws PlanError for an image that cannot be had. */
export function planImages(
  project: Project,
  observed: ObservedState,
  services: string[],
  options: ReconcileOptions,
): ImagePlan {
  const plan: ImagePlan = { steps: [], providers: new Map(), refreshed: new Map(), warnings: [] };
  const users = new Map<string, string[]>();
  for (const name of [...services].sort(compare)) {
    const ref = serviceImageRef(project, name);
    users.set(ref, [...(users.get(ref) ?? []), name]);
  }
  const builds: BuildImageStep[] = [];
  for (const ref of [...users.keys()].sort(compare)) {
    const names = users.get(ref) ?? [];
    const present = findImage(observed, ref) !== undefined;
    const builders = names.filter((n) => project.services[n]?.build);
    const step =
      builders.length > 0
        ? decideBuildable(project, { ref, builders, present, options, warnings: plan.warnings })
        : decidePulled(project, { ref, names, present, options });
    if (!step) continue;
    if (step.kind === 'build-image') builds.push(step);
    else plan.steps.push({ ...step, services: names });
    plan.refreshed.set(ref, step.kind === 'build-image' ? 'rebuilt' : 'pulled');
    for (const n of names) plan.providers.set(n, step.id);
  }
  plan.steps.push(...orderBuilds(project, builds));
  return plan;
}

interface BuildableInput {
  ref: string;
  builders: string[];
  present: boolean;
  options: ReconcileOptions;
  warnings: string[];
}

function decideBuildable(
  project: Project,
  input: BuildableInput,
): BuildImageStep | PullImageStep | undefined {
  const { ref, builders, present, options } = input;
  const name = builders[0] as string;
  const service = project.services[name] as ServiceConfig;
  if (builders.length > 1) {
    input.warnings.push(
      `services ${builders.join(', ')} all build image ${ref}; dev builds it once, from "${name}"`,
    );
  }
  const { policy, source } = pullPolicy(service, options);
  const build = (reason: string): BuildImageStep => ({
    kind: 'build-image',
    id: `image:build:${name}`,
    after: [],
    reason,
    service: name,
    image: ref,
  });
  if (options.build === 'always') return build('--build');
  if (options.build !== 'never' && policy === 'build') return build(source);
  // Compose pulls a buildable service's named image when told to always pull.
  if (policy === 'always' && service.image !== undefined) return pull(ref, source, [name]);
  if (present) return undefined;
  if (options.build === 'never') {
    throw new PlanError(
      'IMAGE_MISSING',
      `image ${ref} of service "${name}" is missing and building is off (--no-build)`,
      {
        hint: `build it: \`dev up --build\` (or \`dev build ${name}\`)`,
      },
    );
  }
  return build('missing');
}

interface PulledInput {
  ref: string;
  names: string[];
  present: boolean;
  options: ReconcileOptions;
}

function decidePulled(project: Project, input: PulledInput): PullImageStep | undefined {
  const { ref, names, present, options } = input;
  const policies = names.map((n) => pullPolicy(project.services[n] as ServiceConfig, options));
  const always = policies.find((p) => p.policy === 'always');
  if (always) return pull(ref, always.source, names);
  if (present) return undefined;
  const allowed = policies.find((p) => p.policy !== 'never');
  if (!allowed) {
    throw new PlanError(
      'IMAGE_MISSING',
      `image ${ref} is missing and pulling is off (${policies[0]?.source}) for ${names.join(', ')}`,
      {
        hint: `pull it (\`dev pull\` or \`docker pull ${ref}\`), or let dev pull missing images (\`--pull missing\`)`,
      },
    );
  }
  return pull(ref, allowed.note ? `missing; ${allowed.note}` : 'missing', names);
}

function pull(ref: string, reason: string, services: string[]): PullImageStep {
  return { kind: 'pull-image', id: `image:pull:${ref}`, after: [], reason, image: ref, services };
}

/** The policy that decides for one service: `--pull` wins over its `pull_policy`. */
function pullPolicy(service: ServiceConfig, options: ReconcileOptions): EffectivePolicy {
  if (options.pull) return { policy: options.pull, source: `--pull ${options.pull}` };
  const written = service.pull_policy;
  switch (written) {
    case undefined:
    case 'missing':
    case 'if_not_present':
      return { policy: 'missing', source: written ? `pull_policy: ${written}` : '' };
    case 'always':
    case 'never':
    case 'build':
      // `build` without a build section can only mean: use the image if it is there.
      return {
        policy: written === 'build' && !service.build ? 'missing' : written,
        source: `pull_policy: ${written}`,
      };
    default:
      // daily, weekly, every_<duration>, refresh: dev keeps no pull times, so these mean "missing".
      return {
        policy: 'missing',
        source: `pull_policy: ${written}`,
        note: `pull_policy ${written} is treated as missing`,
      };
  }
}

/** Builds in an order where `additional_contexts: service:<x>` comes after x's build. */
function orderBuilds(project: Project, builds: BuildImageStep[]): BuildImageStep[] {
  const byService = new Map(builds.map((b) => [b.service, b]));
  const graph = new Graph('additional_contexts');
  for (const b of builds) {
    graph.addNode(b.service);
    const contexts = project.services[b.service]?.build?.additional_contexts ?? {};
    for (const value of Object.values(contexts)) {
      const dep = value.startsWith('service:') ? value.slice('service:'.length) : undefined;
      const depStep = dep === undefined ? undefined : byService.get(dep);
      if (depStep && dep !== b.service) {
        graph.addEdge(b.service, depStep.service);
        if (!b.after.includes(depStep.id)) b.after.push(depStep.id);
      }
    }
    b.after.sort(compare);
  }
  return graph.order().map((s) => byService.get(s) as BuildImageStep);
}
