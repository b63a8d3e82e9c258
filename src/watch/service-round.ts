/**
 * One round of a service's work, in Compose's order: rebuild (and recreate), catch-ups, the
 * sync, the restart, the rules' commands. Each step reports its own outcome and failure; a
 * failure never ends the watch. After a sync, a settle check looks at the sent files again a
 * moment later: a file written while it was read must not stay stale in the container.
 */
import { lstat } from 'node:fs/promises';
import { applySync } from './container-sync.js';
import { catchUpContainer } from './round-catch-up.js';
import { execHook, restart } from './round-commands.js';
import { asError, type RoundContext, targetsOf, warnNoRemove } from './round-context.js';
import type { ChangedPath, SyncItem } from './rules.js';
import type { Round } from './service-queue.js';
import { type PreparedSync, prepareSync } from './sync-tar.js';

export type { RoundContext } from './round-context.js';

/** Runs one round; never throws. */
export async function runRound(ctx: RoundContext, service: string, round: Round): Promise<void> {
  const { work } = round;
  await ctx.index.settled();
  let recreated = false;
  if (work.rebuild) recreated = await rebuild(ctx, service);
  const catchUp = new Set(round.catchUp);
  // A recreated service's new containers are caught up when their start event comes.
  for (const id of catchUp) await catchUpContainer(ctx, service, id);
  if (work.sync.size > 0) await syncItems(ctx, service, [...work.sync.values()]);
  if (work.restart && !recreated) await restart(ctx, service);
  for (const hook of work.exec.values()) {
    for (const c of ctx.index.of(service)) await execHook(ctx, service, c, hook);
  }
}

async function rebuild(ctx: RoundContext, service: string): Promise<boolean> {
  ctx.emit({ kind: 'rebuilding', service });
  const started = ctx.clock.now();
  try {
    const outcome = await ctx.host.rebuild(service);
    await ctx.index.refresh().catch(() => undefined);
    ctx.emit({ kind: 'rebuilt', service, ms: ctx.clock.now() - started, ...outcome });
    return outcome.recreated.length > 0;
  } catch (error) {
    const rule = ctx.rules().find((r) => r.service === service && r.action === 'rebuild');
    ctx.emit({
      kind: 'failed',
      action: 'rebuild',
      service,
      ...(rule ? { rule: rule.label } : {}),
      error: asError(error),
    });
    return false;
  }
}

async function syncItems(ctx: RoundContext, service: string, items: SyncItem[]): Promise<void> {
  const started = ctx.clock.now();
  const containers = ctx.index.of(service);
  const first = items[0];
  const where = {
    service,
    ...(first?.rule ? { rule: first.rule } : {}),
    ...(first ? { path: first.hostPath } : {}),
  };
  let prepared: PreparedSync;
  try {
    prepared = await prepareSync(items);
  } catch (error) {
    return ctx.emit({ kind: 'failed', action: 'sync', ...where, error: asError(error) });
  }
  if (prepared.send.length === 0 && prepared.remove.length === 0) return;
  if (containers.length === 0) {
    // Delivered by the catch-up when a container starts.
    if (!ctx.warnedNoContainer.has(service)) {
      ctx.warnedNoContainer.add(service);
      ctx.emit({
        kind: 'warning',
        message: `${service}: no running container; changes wait for one to start`,
      });
    }
    return;
  }
  ctx.warnedNoContainer.delete(service);
  const targets = await targetsOf(ctx, containers);
  const result = await applySync({ engine: ctx.engine, targets, prepared, canRemove: ctx.canRemove });
  const sentPaths = prepared.send.map((e) => e.containerPath);
  for (const t of targets) {
    if (result.failed.some((f) => f.container === t.name)) continue;
    ctx.manifest.update(t.id, sentPaths, prepared.remove);
  }
  for (const f of result.failed) {
    ctx.emit({
      kind: 'failed',
      action: 'sync',
      ...where,
      error: new Error(`${f.container}: ${f.error.message}`),
    });
  }
  warnNoRemove(ctx, service, result.noRemove, prepared.remove.length);
  if (result.failed.length < targets.length && (prepared.send.length > 0 || result.removed > 0)) {
    ctx.emit({
      kind: 'synced',
      service,
      sent: prepared.send.length,
      deleted: result.removed,
      containers: targets.length - result.failed.length,
      ms: ctx.clock.now() - started,
      paths: items.slice(0, 5).map((i) => i.hostPath),
    });
  }
  scheduleSettleCheck(ctx, items, prepared);
}

function scheduleSettleCheck(ctx: RoundContext, items: SyncItem[], prepared: PreparedSync): void {
  const hostOf = new Map(items.map((i) => [i.containerPath, i.hostPath]));
  for (const e of prepared.send) ctx.lastSent.set(e.hostPath, e);
  ctx.clock.setTimeout(() => {
    void (async () => {
      const again: ChangedPath[] = [];
      await Promise.all([
        ...prepared.send.map(async (e) => {
          // A later sync of the path looks at it itself.
          if (ctx.lastSent.get(e.hostPath) !== e) return;
          ctx.lastSent.delete(e.hostPath);
          const now = await lstat(e.hostPath).catch(() => undefined);
          if (
            !now ||
            now.mtimeMs !== e.mtimeMs ||
            (e.kind === 'file' && now.size !== e.size) ||
            now.ino !== e.ino
          ) {
            again.push({ path: e.hostPath, isDir: e.kind === 'directory' });
          }
        }),
        ...prepared.remove.map(async (containerPath) => {
          const hostPath = hostOf.get(containerPath);
          if (hostPath && (await lstat(hostPath).catch(() => undefined))) again.push({ path: hostPath });
        }),
      ]);
      if (again.length > 0) ctx.recheck(again);
    })();
  }, ctx.settleMs);
}
