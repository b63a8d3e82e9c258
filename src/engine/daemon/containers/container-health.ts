/**
 * Health checks of running containers: a HealthMonitor per run whose probe is an exec in the
 * container (killed when it overruns its timeout), with dockerd's events (`exec_create: ...`,
 * `exec_start: ...`, `exec_die`, `health_status: ...`). The record is saved when the status or
 * the failing streak changes, not after every probe: a hundred containers probing each second
 * would otherwise fsync all the time.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { goDuration, HealthMonitor, MAX_OUTPUT, type ProbeResult } from './health-monitor.js';

/** (Re)starts the container's health monitor for the current run; nothing without a healthcheck. */
export function startHealthMonitor(core: ContainerCore, live: LiveContainer): void {
  prepareHealthMonitor(core, live);
  core.save(live);
  live.health?.start();
}

/** Makes the monitor of the current run (not yet probing) and puts its health in the record (not saved). */
export function prepareHealthMonitor(core: ContainerCore, live: LiveContainer): void {
  live.health?.stop();
  live.health = undefined;
  const r = live.record;
  const config = r.config.Healthcheck;
  if (!config) return;
  let streak = -1;
  const monitor = new HealthMonitor(
    {
      config,
      startedAtMs: Date.parse(r.state.startedAt),
      probe: (command, timeoutMs) => runProbe(core, live, command, timeoutMs),
      onResult: (health, changed) => {
        if (changed) core.publish(live, `health_status: ${health.Status}`);
        if (changed || health.FailingStreak !== streak) core.save(live);
        streak = health.FailingStreak;
      },
      skip: () => core.state(live).paused,
      now: core.now,
      timers: core.timers,
      ...(r.config.Shell?.length ? { shell: r.config.Shell } : {}),
    },
    r.state.health,
  );
  if (!monitor.enabled) return;
  live.health = monitor;
  r.state.health = monitor.health;
}

/** Stops the monitor (the container stopped); the last health stays in the record. */
export function stopHealthMonitor(live: LiveContainer): void {
  live.health?.stop();
  live.health = undefined;
}

async function runProbe(
  core: ContainerCore,
  live: LiveContainer,
  command: string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  const execId = randomBytes(32).toString('hex');
  const text = command.join(' ');
  core.publish(live, `exec_create: ${text}`, { execID: execId });
  const session = await core.ctx.runtime.exec(live.record.id, { args: command });
  core.publish(live, `exec_start: ${text}`, { execID: execId });
  let output = '';
  const reading = (async () => {
    for await (const chunk of session.output) {
      if (output.length < MAX_OUTPUT) output += chunk.data.toString('utf8');
    }
  })().catch(() => {});
  let timer: unknown;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = core.timers.setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([session.exit, timedOut]);
  core.timers.clearTimeout(timer);
  if (outcome === 'timeout') {
    try {
      process.kill(session.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    core.publish(live, 'exec_die', { execID: execId, exitCode: '-1' });
    return { exitCode: -1, output: `Health check exceeded timeout (${goDuration(timeoutMs)})` };
  }
  await reading;
  core.publish(live, 'exec_die', { execID: execId, exitCode: String(outcome) });
  return { exitCode: outcome, output };
}
