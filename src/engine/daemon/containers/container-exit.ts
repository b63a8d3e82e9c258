/**
 * What happens when a container's process ends (dockerd's handleContainerExit): the exit is
 * recorded, `oom` and `die` published, waiters told, the sandbox and mounts released, then
 * either a restart is scheduled by the restart policy (with backoff) or, for AutoRemove
 * containers, the container removed.
 */
import type { ExitInfo } from '../runtime/index.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { stopHealthMonitor } from './container-health.js';
import { startContainerNow } from './container-start.js';
import { shouldRestart } from './restart-policy.js';

export interface ExitHooks {
  /** Removes an AutoRemove container (force, with its anonymous volumes). */
  autoRemove: (live: LiveContainer) => Promise<void>;
}

/** Applies one exit reported by the runtime. */
export function handleExit(core: ContainerCore, info: ExitInfo, hooks: ExitHooks): void {
  const live = core.live.get(info.id);
  if (!live || live.removed) return;
  if (live.starting) {
    live.deferredExit = info;
    return;
  }
  const r = live.record;
  const s = r.state;
  const runMs = Date.parse(info.finishedAt) - Date.parse(s.startedAt);
  stopHealthMonitor(live);
  s.running = false;
  s.paused = false;
  s.pid = 0;
  s.exitCode = info.exitCode;
  s.oomKilled = info.oomKilled;
  s.finishedAt = info.finishedAt;
  const restart =
    !core.closed &&
    !live.removing &&
    shouldRestart({
      policy: r.hostConfig.RestartPolicy ?? {},
      exitCode: info.exitCode,
      manuallyStopped: s.manuallyStopped,
      restartCount: s.restartCount,
    });
  if (restart) {
    s.restartCount += 1;
    s.restarting = true;
  }
  core.save(live);
  if (info.oomKilled) core.publish(live, 'oom');
  core.publish(live, 'die', { exitCode: String(info.exitCode) });
  core.settleWaiters(live, info.exitCode, (c) => c === 'next-exit' || (!restart && c === 'not-running'));
  const cleanup = releaseRun(core, live, !restart).catch((error: unknown) =>
    core.ctx.log(`container ${r.id.slice(0, 12)}: clean-up after exit: ${(error as Error).message}`),
  );
  live.cleanup = cleanup;
  void cleanup.finally(() => {
    if (live.cleanup === cleanup) live.cleanup = undefined;
  });
  if (restart) {
    core.restarts.schedule(
      r.id,
      Number.isFinite(runMs) ? runMs : 0,
      () => void restartByPolicy(core, live, hooks),
    );
  } else if (r.hostConfig.AutoRemove && !live.removing) {
    void cleanup.then(() => hooks.autoRemove(live)).catch(() => {});
  }
}

/** Releases what a run held: its sandbox, volume mounts and (unless it restarts) its root file system. */
export async function releaseRun(
  core: ContainerCore,
  live: LiveContainer,
  unmountRootfs: boolean,
): Promise<void> {
  const { ctx } = core;
  const id = live.record.id;
  await ctx.networks.tearDownContainer(id);
  for (const m of live.record.mounts) {
    if (m.type === 'volume') await ctx.volumes.unmount(m.source, id).catch(() => {});
  }
  if (unmountRootfs && !core.isRunning(live)) await ctx.images.snapshots.unmount(id).catch(() => {});
}

async function restartByPolicy(core: ContainerCore, live: LiveContainer, hooks: ExitHooks): Promise<void> {
  await core.locked(live, async () => {
    const s = live.record.state;
    if (!s.restarting || live.removing || live.removed || core.closed) return;
    try {
      await startContainerNow(core, live, false);
    } catch (error) {
      s.restarting = false;
      core.save(live);
      core.ctx.log(`container ${live.record.id.slice(0, 12)}: restart failed: ${(error as Error).message}`);
      core.settleWaiters(live, s.exitCode, (c) => c === 'not-running');
      if (live.record.hostConfig.AutoRemove) void hooks.autoRemove(live).catch(() => {});
    }
  });
}

export { restartByPolicy };
