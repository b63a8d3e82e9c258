/**
 * What each kind of plan step does to the engine. The planner decided everything; these only
 * act, and report the outcome word Compose users know (Created, Started, Recreated, Healthy).
 */
import { Labels } from '../model/labels.js';
import type { Project } from '../model/project.js';
import type { CreateContainerStep, Step } from '../planner/plan.js';
import type { BuildSpec, ContainerSpec, Engine } from './engine.js';
import { ConflictError, NotFoundError } from './engine.js';
import type { ExecutionEvent } from './execute.js';
import { networkCreateSpec, volumeCreateSpec } from './resource-specs.js';
import { waitForService } from './wait-service.js';

/** What the executor knows when it asks for a container's create request. */
export interface ContainerSpecInput {
  service: string;
  number: number;
  image: string;
  imageId?: string;
  /** Id of the container this one replaces (its anonymous volumes carry over). */
  replaces?: string;
  /** Containers of each service so far, by number: for `service:x` modes, `volumes_from`, links. */
  containerNames: Record<string, string[]>;
}

/** What the steps share while a plan runs. */
export interface ActionContext {
  engine: Engine;
  project: Project;
  emit: (event: ExecutionEvent) => void;
  /** Containers of each service as the run goes (filled with kept ones first). */
  containers: Record<string, { id: string; name: string; number: number }[]>;
  /** Image ids found after a pull or build, by reference. */
  imageIds: Map<string, string>;
  /** Ids of the create steps that did replace a container (conditional ones may not). */
  replaced: Set<string>;
  signal?: AbortSignal | undefined;
  /** The create request of one container of a service. */
  containerSpec: (input: ContainerSpecInput) => ContainerSpec;
  /** The build request of a service's image, tagged `tag`. */
  buildSpec: (service: string, tag: string) => BuildSpec;
  /** Seconds before SIGKILL when stopping (`-t`); undefined: each container's own. */
  stopTimeout?: number | undefined;
  /** Give up waiting for a service condition after this long; undefined: wait as long as it takes. */
  waitTimeoutMs?: number | undefined;
  /** How often a wait looks at the containers. */
  pollMs?: number | undefined;
}

/** Runs one step; resolves with its outcome word, rejects with why it failed. */
export async function runStep(step: Step, ctx: ActionContext): Promise<string> {
  const { engine } = ctx;
  const progress = (message: string) => ctx.emit({ kind: 'progress', step, message });
  switch (step.kind) {
    case 'pull-image': {
      await engine.pullImage(step.image, (e) => progress(progressText(e)));
      await rememberImage(ctx, step.image);
      return 'Pulled';
    }
    case 'build-image': {
      const id = await engine.buildImage(ctx.buildSpec(step.service, step.image), (e) =>
        progress(progressText(e)),
      );
      if (id) ctx.imageIds.set(step.image, id);
      else await rememberImage(ctx, step.image);
      return 'Built';
    }
    case 'create-network': {
      const config = ctx.project.networks[step.network];
      try {
        await engine.createNetwork(step.name, networkCreateSpec(ctx.project, step.network, config));
      } catch (error) {
        // Another `dev up` of the same project may have made it meanwhile.
        if (!(error instanceof ConflictError)) throw error;
      }
      return 'Created';
    }
    case 'create-volume': {
      const config = ctx.project.volumes[step.volume];
      await engine.createVolume(step.name, volumeCreateSpec(ctx.project, step.volume, config));
      return 'Created';
    }
    case 'create-container':
      return createContainer(step, ctx);
    case 'start-container':
      await engine.startContainer(step.containerId);
      return 'Started';
    case 'restart-container':
      if (step.onlyIfReplaced && !step.onlyIfReplaced.some((id) => ctx.replaced.has(id))) return 'Running';
      await engine.restartContainer(step.containerId, ctx.stopTimeout);
      return 'Restarted';
    case 'stop-container':
      await stopAndExplain(step, ctx);
      return 'Stopped';
    case 'remove-container':
      await ignoreMissing(() => stopAndExplain(step, ctx));
      await ignoreMissing(() =>
        engine.removeContainer(step.containerId, { force: true, volumes: step.volumes === true }),
      );
      forget(ctx, step.service, step.containerId);
      return 'Removed';
    case 'remove-network':
      await ignoreMissing(() => engine.removeNetwork(step.name));
      return 'Removed';
    case 'remove-volume':
      await ignoreMissing(() => engine.removeVolume(step.name));
      return 'Removed';
    case 'remove-image':
      await ignoreMissing(() => engine.removeImage(step.image));
      return 'Removed';
    case 'wait-service':
      return waitForService(step, ctx);
    case 'keep-container':
      return 'Running';
  }
}

/**
 * Creates (or recreates) one container. A recreate stops the old container and renames it out
 * of the way before the new one is made, and removes it only once the new one exists, so an
 * interrupted run leaves containers a second `dev up` recognises (by labels) and heals.
 */
async function createContainer(step: CreateContainerStep, ctx: ActionContext): Promise<string> {
  const { engine } = ctx;
  const service = ctx.project.services[step.service];
  const image = service?.image ?? `${ctx.project.name}-${step.service}`;
  const imageId = ctx.imageIds.get(image) ?? (await engine.inspectImage(image))?.id;
  if (step.onlyIfImageChanged && step.replaces) {
    const old = await engine.inspectContainer(step.replaces.id);
    if (old && imageId && old.imageId === imageId) {
      remember(ctx, step.service, { id: old.id, name: old.name, number: step.number });
      if (old.state !== 'running' && step.start) {
        await engine.startContainer(old.id);
        return 'Started';
      }
      return 'Running';
    }
  }
  if (step.replaces) {
    await ignoreMissing(() => engine.stopContainer((step.replaces as { id: string }).id, ctx.stopTimeout));
    const aside = `${step.replaces.id.slice(0, 12)}_${step.name}`;
    if (step.replaces.name !== aside) {
      await ignoreMissing(() => engine.renameContainer((step.replaces as { id: string }).id, aside));
    }
  }
  const spec = ctx.containerSpec({
    service: step.service,
    number: step.number,
    image,
    ...(imageId ? { imageId } : {}),
    ...(step.replaces ? { replaces: step.replaces.id } : {}),
    containerNames: Object.fromEntries(
      Object.entries(ctx.containers).map(([service, list]) => [service, list.map((c) => c.name)]),
    ),
  });
  if (imageId) spec.labels[Labels.image] = imageId;
  if (step.replaces) spec.labels[Labels.replace] = step.replaces.id;
  const id = await engine.createContainer(spec);
  remember(ctx, step.service, { id, name: spec.name, number: step.number });
  if (step.start) await engine.startContainer(id);
  if (step.replaces) {
    await ignoreMissing(() => engine.removeContainer((step.replaces as { id: string }).id, { force: true }));
    return 'Recreated';
  }
  return step.start ? 'Started' : 'Created';
}

/**
 * Stops a container and, when it only stopped because the timeout ran out (killed, exit 137),
 * says why that usually happens: PID 1 of a shell-form command or without an init ignores SIGTERM.
 */
async function stopAndExplain(
  step: { containerId: string; name: string; service: string },
  ctx: ActionContext,
): Promise<void> {
  const service = ctx.project.services[step.service];
  const timeout = ctx.stopTimeout ?? goSeconds(service?.stop_grace_period) ?? 10;
  const started = Date.now();
  await ctx.engine.stopContainer(step.containerId, ctx.stopTimeout);
  if (timeout < 1 || Date.now() - started < timeout * 900) return;
  const details = await ctx.engine.inspectContainer(step.containerId).catch(() => undefined);
  if (details?.exitCode === 137 && !details.oomKilled) {
    ctx.emit({
      kind: 'warning',
      message: `${step.name} ignored ${service?.stop_signal ?? 'SIGTERM'} for ${timeout}s and was killed: its PID 1 does not handle the signal; add \`init: true\` to service "${step.service}" or use the exec form of its command (["prog", "arg"])`,
    });
  }
}

/** Seconds of a Go duration such as `1m30s`; undefined when absent or unreadable. */
function goSeconds(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  let matched = '';
  for (let m = re.exec(duration); m; m = re.exec(duration)) {
    total += Number(m[1]) * (units[m[2] ?? 's'] ?? 1);
    matched += m[0];
  }
  return matched === duration ? total : undefined;
}

async function rememberImage(ctx: ActionContext, ref: string): Promise<void> {
  const found = await ctx.engine.inspectImage(ref);
  if (found) ctx.imageIds.set(ref, found.id);
}

function remember(
  ctx: ActionContext,
  service: string,
  container: { id: string; name: string; number: number },
): void {
  const list = (ctx.containers[service] ?? []).filter((c) => c.number !== container.number);
  list.push(container);
  list.sort((a, b) => a.number - b.number);
  ctx.containers[service] = list;
}

function forget(ctx: ActionContext, service: string, id: string): void {
  const list = ctx.containers[service];
  if (list) ctx.containers[service] = list.filter((c) => c.id !== id);
}

async function ignoreMissing(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

function progressText(e: { id?: string; status: string; current?: number; total?: number }): string {
  const amount = e.total ? ` ${Math.round(((e.current ?? 0) / e.total) * 100)}%` : '';
  return `${e.id ? `${e.id}: ` : ''}${e.status}${amount}`.trim();
}
