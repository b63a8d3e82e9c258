/** The restart and the `sync+exec` command of a round. */
import { Writable } from 'node:stream';
import type { IndexedContainer } from './container-index.js';
import { asError, type RoundContext } from './round-context.js';
import type { CompiledRule } from './rules.js';

/** Restarts the service's containers, then its `restart: true` dependents'. */
export async function restart(ctx: RoundContext, service: string): Promise<void> {
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
    if (own.length === 0) {
      return ctx.emit({ kind: 'warning', message: `${service}: no running container to restart` });
    }
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

/** Runs a `sync+exec` rule's command in one container, reporting its output. */
export async function execHook(
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
