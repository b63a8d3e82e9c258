/**
 * After a daemon (re)start: every container is known again from its record, its liveness
 * from the runtime (which recovered first). Running ones get their health checks back; those
 * that exited while no daemon watched go through the exit path (events, restart policy,
 * AutoRemove); pending restarts are scheduled again. What a crash left half done is finished:
 * creates without a record are undone, removals completed, runtime bundles without a
 * container deleted, sandboxes and volume mounts of stopped containers released.
 */
import type { ContainerCore } from './container-core.js';
import { type ExitHooks, handleExit, releaseRun, restartByPolicy } from './container-exit.js';
import { startHealthMonitor } from './container-health.js';
import { destroy } from './container-remove.js';

/** Loads and reconciles every container; returns how many were found. */
export async function recoverContainers(core: ContainerCore, hooks: ExitHooks): Promise<number> {
  const { ctx } = core;
  const { records, orphans } = core.store.loadAll();
  const inRuntime = new Set(ctx.runtime.list().map((s) => s.id));
  for (const id of orphans) {
    if (inRuntime.has(id)) await ctx.runtime.delete(id, { force: true }).catch(() => {});
    await ctx.images.snapshots.remove(id).catch(() => {});
    await ctx.volumes.releaseContainer(id, { removeAnonymous: true }).catch(() => {});
    core.store.remove(id);
  }
  const known = new Set(records.map((r) => r.id));
  for (const id of inRuntime) {
    if (!known.has(id) && !orphans.includes(id))
      await ctx.runtime.delete(id, { force: true }).catch(() => {});
  }
  for (const record of records.sort((a, b) => a.created.localeCompare(b.created))) {
    let live: ReturnType<typeof core.add>;
    try {
      live = core.add(record, inRuntime.has(record.id));
    } catch (error) {
      // two records with one name (a crash during a rename): keep the older, say so
      ctx.log(`container ${record.id.slice(0, 12)}: not loaded: ${(error as Error).message}`);
      continue;
    }
    if (record.removing) {
      await destroy(core, live, record.removing.volumes).catch((error: unknown) =>
        ctx.log(`container ${record.id.slice(0, 12)}: finishing its removal: ${(error as Error).message}`),
      );
      continue;
    }
    const rt = core.runtimeState(live);
    const s = record.state;
    if (rt && (rt.status === 'running' || rt.status === 'paused')) {
      if (!s.running || s.pid !== (rt.pid ?? 0) || s.paused !== (rt.status === 'paused')) {
        s.running = true;
        s.restarting = false;
        s.pid = rt.pid ?? 0;
        s.paused = rt.status === 'paused';
        if (rt.startedAt) s.startedAt = rt.startedAt;
        core.save(live);
      }
      startHealthMonitor(core, live);
      continue;
    }
    if (s.running) {
      // It ended while no daemon watched: the exit as if seen now.
      handleExit(
        core,
        {
          id: record.id,
          exitCode: rt?.exitCode ?? 255,
          oomKilled: rt?.oomKilled ?? false,
          finishedAt: rt?.finishedAt ?? core.now().toISOString(),
        },
        hooks,
      );
      continue;
    }
    await releaseStale(core, record.id, live);
    if (s.restarting) core.restarts.schedule(record.id, 0, () => void restartByPolicy(core, live, hooks));
  }
  return core.live.size;
}

/** A stopped container's sandbox or volume mounts left by a crash. */
async function releaseStale(
  core: ContainerCore,
  id: string,
  live: Parameters<typeof releaseRun>[1],
): Promise<void> {
  const { ctx } = core;
  const mountedVolume = live.record.mounts.some((m) => {
    if (m.type !== 'volume') return false;
    try {
      return ctx.volumes.get(m.source).mountedBy.includes(id);
    } catch {
      return false;
    }
  });
  if (ctx.networks.sandbox(id) || mountedVolume) await releaseRun(core, live, false).catch(() => {});
}
