/**
 * One round of a service's work, in Compose's order: rebuild (and recreate), catch-ups, the
 * sync, the restart, the rules' commands. Each step reports its own outcome and failure; a
 * failure never ends the watch. After a sync, a settle check looks at the sent files again a
 * moment later: chokidar drops a second change to a file within 50 ms, and a file written while
 * it was read must not stay stale in the container.
 */
import { lstat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import type { Project } from '../model/project.js';
import { planCatchUp } from './catch-up.js';
import type { ContainerIndex, IndexedContainer } from './container-index.js';
import { containerOwner } from './container-owner.js';
import { applySync, type SyncTarget } from './container-sync.js';
import type { Clock } from './debounce.js';
import type { ManifestStore } from './manifest-store.js';
import type { ChangedPath, CompiledRule, SyncItem } from './rules.js';
import type { Round } from './service-queue.js';
import { type Owner, type PreparedSync, prepareSync } from './sync-tar.js';
import type { WatchEvent } from './watch-events.js';
import type { WatchHost } from './watch-host.js';

/** What rounds share with the session. */
export interface RoundContext {
  engine: Engine;
  project: () => Project;
  rules: () => CompiledRule[];
  index: ContainerIndex;
  host: WatchHost;
  manifest: ManifestStore;
  owners: Map<string, Promise<Owner>>;
  canRemove: Map<string, boolean>;
  /** Containers dev restarts itself: their next start needs no catch-up. */
  selfRestarts: Set<string>;
  /** Services already told that their image cannot delete. */
  warnedNoRemove: Set<string>;
  emit: (event: WatchEvent) => void;
  /** Paths to look at again (the settle check). */
  recheck: (paths: ChangedPath[]) => void;
  clock: Clock;
  settleMs: number;
}

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

async function targetsOf(ctx: RoundContext, containers: IndexedContainer[]): Promise<SyncTarget[]> {
  const user = (service: string) => ctx.project().services[service]?.user;
  return Promise.all(
    containers.map(async (c) => {
      let owner = ctx.owners.get(c.id);
      if (!owner) {
        owner = containerOwner(ctx.engine, c.id, user(c.service)).catch(() => ({ uid: 0, gid: 0 }));
        ctx.owners.set(c.id, owner);
      }
      return { id: c.id, name: c.name, owner: await owner };
    }),
  );
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
    return ctx.emit({
      kind: 'warning',
      message: `${service}: no running container; changes wait for one to start`,
    });
  }
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

function warnNoRemove(ctx: RoundContext, service: string, names: string[], count: number): void {
  if (names.length === 0 || ctx.warnedNoRemove.has(service)) return;
  ctx.warnedNoRemove.add(service);
  ctx.emit({
    kind: 'warning',
    message: `${service}: ${count} deleted path(s) stay in ${names.join(', ')}: the image has no rm`,
    hint: 'deletions need `rm` in the image (the archive API cannot delete); rebuild or restart to drop them',
  });
}

function scheduleSettleCheck(ctx: RoundContext, items: SyncItem[], prepared: PreparedSync): void {
  const hostOf = new Map(items.map((i) => [i.containerPath, i.hostPath]));
  ctx.clock.setTimeout(() => {
    void (async () => {
      const again: ChangedPath[] = [];
      await Promise.all([
        ...prepared.send.map(async (e) => {
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

async function catchUpContainer(ctx: RoundContext, service: string, id: string): Promise<void> {
  const container = ctx.index.of(service).find((c) => c.id === id);
  if (!container) return;
  const rules = ctx.rules().filter((r) => r.service === service && r.target !== undefined);
  if (rules.length === 0) return;
  const started = ctx.clock.now();
  try {
    const manifest = ctx.manifest.get(id);
    const plan = await planCatchUp({
      engine: ctx.engine,
      containerId: id,
      rules,
      ...(manifest ? { manifest } : {}),
    });
    const prepared = await prepareSync(plan.items);
    prepared.remove = [...new Set([...prepared.remove, ...plan.remove])].sort();
    const [target] = await targetsOf(ctx, [container]);
    let deleted = 0;
    if (target && (prepared.send.length > 0 || prepared.remove.length > 0)) {
      const result = await applySync({
        engine: ctx.engine,
        targets: [target],
        prepared,
        canRemove: ctx.canRemove,
      });
      const failure = result.failed[0];
      if (failure) throw failure.error;
      warnNoRemove(ctx, service, result.noRemove, prepared.remove.length);
      deleted = result.removed;
    }
    ctx.manifest.replace(id, plan.known);
    ctx.emit({
      kind: 'caught-up',
      service,
      container: container.name,
      sent: prepared.send.length,
      deleted,
      inPlace: plan.inPlace,
      ms: ctx.clock.now() - started,
    });
  } catch (error) {
    const rule = rules[0];
    ctx.emit({
      kind: 'failed',
      action: 'catch-up',
      service,
      ...(rule ? { rule: rule.label, path: rule.path } : {}),
      error: asError(error),
    });
  }
}

async function restart(ctx: RoundContext, service: string): Promise<void> {
  const started = ctx.clock.now();
  const project = ctx.project();
  const dependents = Object.entries(project.services)
    .filter(([, s]) => s.depends_on?.[service]?.restart === true)
    .map(([name]) => name)
    .sort();
  const rule = ctx
    .rules()
    .find((r) => r.service === service && (r.action === 'restart' || r.action === 'sync+restart'));
  try {
    const own = ctx.index.of(service);
    const timeout = (name: string) => seconds(project.services[name]?.stop_grace_period);
    await Promise.all(
      own.map((c) => {
        ctx.selfRestarts.add(c.id);
        return ctx.engine.restartContainer(c.id, timeout(service));
      }),
    );
    const others = dependents.flatMap((d) => ctx.index.of(d));
    await Promise.all(others.map((c) => ctx.engine.restartContainer(c.id, timeout(c.service))));
    ctx.emit({
      kind: 'restarted',
      service,
      containers: own.map((c) => c.name),
      dependents: others.map((c) => c.name),
      ms: ctx.clock.now() - started,
    });
  } catch (error) {
    ctx.emit({
      kind: 'failed',
      action: 'restart',
      service,
      ...(rule ? { rule: rule.label } : {}),
      error: asError(error),
    });
  }
}

async function execHook(
  ctx: RoundContext,
  service: string,
  container: IndexedContainer,
  hook: NonNullable<CompiledRule['exec']>,
): Promise<void> {
  const started = ctx.clock.now();
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      if (output.length < 64 * 1024) output += String(chunk);
      done();
    },
  });
  const environment = Object.fromEntries(
    Object.entries(hook.environment ?? {}).filter((e): e is [string, string] => e[1] !== null),
  );
  try {
    const exitCode = await ctx.engine.exec(container.id, {
      command: hook.command,
      ...(hook.user ? { user: hook.user } : {}),
      ...(hook.working_dir ? { workingDir: hook.working_dir } : {}),
      ...(Object.keys(environment).length > 0 ? { environment } : {}),
      ...(hook.privileged ? { privileged: true } : {}),
      stdout: sink,
      stderr: sink,
    });
    ctx.emit({
      kind: 'executed',
      service,
      container: container.name,
      command: hook.command,
      exitCode,
      output,
      ms: ctx.clock.now() - started,
    });
  } catch (error) {
    const rule = ctx.rules().find((r) => r.service === service && r.exec === hook);
    ctx.emit({
      kind: 'failed',
      action: 'exec',
      service,
      ...(rule ? { rule: rule.label } : {}),
      error: asError(error),
    });
  }
}

/** A Go duration's whole seconds (`1m30s` → 90); undefined keeps the container's own timeout. */
function seconds(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const f = unit === 'h' ? 3600 : unit === 'm' ? 60 : unit === 'ms' ? 0.001 : 1;
    total += Number(n) * f;
  }
  return Math.ceil(total);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
