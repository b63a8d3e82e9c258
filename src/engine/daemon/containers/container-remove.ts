/**
 * DELETE /containers/{id} (with `force` and `v`), POST /containers/prune and /rename: a removal
 * kills a live container when forced, then takes away everything it had, in an order a crash
 * can interrupt anywhere (the record goes last but for its directory): runtime bundle,
 * sandbox, snapshot, volume uses (anonymous volumes with `v`), execs and names.
 */
import { badRequest, conflict } from '../api/api-error.js';
import { directorySize } from '../volumes/directory-size.js';
import { apiErrorOf } from './api-errors.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { releaseRun } from './container-exit.js';
import { stopHealthMonitor } from './container-health.js';
import { dropKeptLog } from './container-start.js';

/** Removes the container; 409 when it runs and `force` is not given. */
export async function removeContainer(
  core: ContainerCore,
  live: LiveContainer,
  options: { force?: boolean; volumes?: boolean } = {},
): Promise<void> {
  const r = live.record;
  if (live.removing) throw conflict(`removal of container ${r.id} is already in progress`);
  const state = core.state(live);
  if (!options.force) {
    if (state.paused) {
      throw conflict(
        `You cannot remove a paused container ${r.id}. Unpause and then stop the container before attempting removal or force remove`,
      );
    }
    if (state.restarting) {
      throw conflict(
        `You cannot remove a restarting container ${r.id}. Stop the container before attempting removal or force remove`,
      );
    }
    if (state.running) {
      throw conflict(
        `You cannot remove a running container ${r.id}. Stop the container before attempting removal or force remove`,
      );
    }
  }
  live.removing = true;
  try {
    await core.locked(live, async () => {
      core.restarts.forget(r.id);
      r.state.restarting = false;
      stopHealthMonitor(live);
      if (core.isRunning(live)) {
        r.state.manuallyStopped = true;
        core.publish(live, 'kill', { signal: '9' });
        await core.ctx.runtime.stop(r.id, { signal: 'SIGKILL', timeoutSeconds: 0 });
      }
      await live.cleanup;
      await destroy(core, live, options.volumes === true);
    });
  } catch (error) {
    live.removing = false;
    throw apiErrorOf(error, r.id);
  }
}

/** Takes away what is left of a stopped container (also a removal a crash interrupted). */
export async function destroy(core: ContainerCore, live: LiveContainer, volumes: boolean): Promise<void> {
  const { ctx } = core;
  const id = live.record.id;
  live.record.removing = { volumes };
  core.save(live);
  if (live.inRuntime) {
    await ctx.runtime.delete(id, { force: true }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'RUNTIME_CONTAINER_NOT_FOUND') throw error;
    });
    live.inRuntime = false;
  }
  await releaseRun(core, live, true);
  await ctx.images.snapshots.remove(id);
  await ctx.volumes.releaseContainer(id, { removeAnonymous: volumes });
  for (const pending of live.pendingAttach) pending.abandon();
  live.pendingAttach.clear();
  live.removed = true;
  dropKeptLog(core, id);
  core.store.remove(id);
  core.execs.forgetContainer(id);
  core.live.delete(id);
  core.names.forget(id);
  core.publish(live, 'destroy');
  core.settleWaiters(live, live.record.state.exitCode, () => true);
}

/** POST /containers/{id}/rename?name=. */
export function renameContainer(core: ContainerCore, live: LiveContainer, name: string): void {
  const r = live.record;
  if (!name) throw badRequest('Neither old nor new names may be empty');
  const bare = name.replace(/^\//, '');
  if (bare === r.name) throw conflict(`Renaming a container with the same name as its current name`);
  const old = r.name;
  core.names.reserve(bare, r.id);
  core.names.release(old);
  r.name = bare;
  core.save(live);
  core.publish(live, 'rename', { oldName: `/${old}` });
}

/** POST /containers/prune: stopped containers passing the `until` and `label` filters. */
export async function pruneContainers(
  core: ContainerCore,
  filters: Record<string, string[]>,
): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  for (const key of Object.keys(filters)) {
    if (key !== 'until' && key !== 'label' && key !== 'label!') throw badRequest(`invalid filter '${key}'`);
  }
  const now = core.now().getTime();
  const until = (filters.until ?? []).map((u) => untilMs(u, now));
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const live of [...core.live.values()]) {
    const r = live.record;
    if (live.removing || core.state(live).running || r.state.restarting) continue;
    const created = Date.parse(r.created);
    if (until.some((u) => created >= u)) continue;
    const labels = r.config.Labels ?? {};
    if (!(filters.label ?? []).every((f) => labelMatches(labels, f))) continue;
    if ((filters['label!'] ?? []).some((f) => labelMatches(labels, f))) continue;
    try {
      const size = upperSize(core, r.id);
      await removeContainer(core, live, {});
      deleted.push(r.id);
      reclaimed += size;
    } catch {
      // started or removed meanwhile
    }
  }
  return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
}

function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  return eq < 0 ? Object.hasOwn(labels, filter) : labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/** Bytes a container's own changes take. */
function upperSize(core: ContainerCore, id: string): number {
  try {
    return directorySize(core.ctx.images.snapshots.paths(id).upperDir);
  } catch {
    return 0;
  }
}

/** `until`: a timestamp (seconds, RFC 3339) or a Go duration before now (`24h`). */
function untilMs(value: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(\d+)(h|m|s)$/.exec(value);
  if (duration) {
    const unit = { h: 3_600_000, m: 60_000, s: 1000 }[duration[2] as 'h' | 'm' | 's'];
    return now - Number(duration[1]) * unit;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`invalid filter 'until=${value}'`);
  return ms;
}
