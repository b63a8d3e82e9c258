/** A catch-up of one container: planned (see catch-up.ts), sent, the manifest renewed, reported. */
import { planCatchUp } from './catch-up.js';
import { applySync } from './container-sync.js';
import { asError, type RoundContext, targetsOf, warnNoRemove } from './round-context.js';
import { prepareSync } from './sync-tar.js';

/** Compares the container with the host for the service's sync rules and sends the difference. */
export async function catchUpContainer(ctx: RoundContext, service: string, id: string): Promise<void> {
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
