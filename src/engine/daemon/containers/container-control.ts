/**
 * Stop, kill, restart, pause and unpause as dockerd does them: stop and kill mark the
 * container stopped by the user (no restart policy applies), cancel a pending restart, send
 * the stop signal and escalate after the timeout; each answers 304 or 409 where dockerd does,
 * and publishes its events (`kill` with the signal number, `stop`, `restart`, `pause`, ...).
 */
import { ApiError, conflict, notModified } from '../api/api-error.js';
import { apiErrorOf, signalName, signalNumber } from './api-errors.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { startContainerNow } from './container-start.js';

/** POST /containers/{id}/start; an AutoRemove container that cannot start is removed, as dockerd does. */
export async function startContainer(core: ContainerCore, live: LiveContainer): Promise<void> {
  let failed = false;
  try {
    await core.locked(live, async () => {
      const state = core.state(live);
      if (state.paused) throw conflict('cannot start a paused container, try unpause instead');
      if (state.running && !state.restarting) throw notModified();
      if (state.restarting) core.restarts.cancel(live.record.id);
      failed = true;
      await startContainerNow(core, live, true);
      failed = false;
    });
  } catch (error) {
    if (failed && live.record.hostConfig.AutoRemove) await core.exitHooks.autoRemove(live).catch(() => {});
    throw error;
  }
}

/** POST /containers/{id}/stop; `timeout` in seconds (negative: wait forever). */
export async function stopContainer(
  core: ContainerCore,
  live: LiveContainer,
  options: { timeout?: number; signal?: string } = {},
): Promise<void> {
  await core.locked(live, async () => {
    const r = live.record;
    if (r.state.restarting) {
      core.restarts.cancel(r.id);
      r.state.restarting = false;
      r.state.manuallyStopped = true;
      core.save(live);
      core.settleWaiters(live, r.state.exitCode, (c) => c === 'not-running');
      core.publish(live, 'stop');
      return;
    }
    if (!core.isRunning(live)) throw notModified();
    r.state.manuallyStopped = true;
    core.save(live);
    const signal = signalName(options.signal || r.config.StopSignal || 'SIGTERM');
    const timeout = options.timeout ?? r.config.StopTimeout ?? 10;
    core.publish(live, 'kill', { signal: String(signalNumber(signal)) });
    // The runtime sends SIGKILL when the timeout runs out; dockerd says so with a second kill.
    const escalation =
      timeout >= 0 && signal !== 'SIGKILL'
        ? core.timers.setTimeout(() => {
            if (core.isRunning(live)) core.publish(live, 'kill', { signal: '9' });
          }, timeout * 1000)
        : undefined;
    try {
      await core.ctx.runtime.stop(r.id, { signal, timeoutSeconds: timeout });
    } catch (error) {
      throw apiErrorOf(error, r.id);
    } finally {
      if (escalation !== undefined) core.timers.clearTimeout(escalation);
    }
    await live.cleanup;
    core.publish(live, 'stop');
  });
}

/** POST /containers/{id}/kill; SIGKILL and the stop signal keep restart policies from acting. */
export async function killContainer(
  core: ContainerCore,
  live: LiveContainer,
  signalText?: string,
): Promise<void> {
  const r = live.record;
  const signal = signalName(signalText || 'SIGKILL');
  const state = core.state(live);
  if (!state.running || state.restarting) throw conflict(`Container ${r.id} is not running`);
  const stopping = signal === 'SIGKILL' || signal === signalName(r.config.StopSignal || 'SIGTERM');
  if (stopping) {
    r.state.manuallyStopped = true;
    core.restarts.cancel(r.id);
    core.save(live);
  }
  core.publish(live, 'kill', { signal: String(signalNumber(signal)) });
  try {
    if (state.paused) {
      if (signal !== 'SIGKILL')
        throw conflict(`Container ${r.id} is paused, unpause the container before killing it`);
      await core.ctx.runtime.stop(r.id, { signal: 'SIGKILL', timeoutSeconds: 0 });
    } else {
      await core.ctx.runtime.kill(r.id, signal);
      if (signal === 'SIGKILL') await core.ctx.runtime.wait(r.id, 'not-running');
    }
  } catch (error) {
    throw apiErrorOf(error, r.id);
  }
  if (signal === 'SIGKILL') await live.cleanup;
}

/** POST /containers/{id}/restart. */
export async function restartContainer(
  core: ContainerCore,
  live: LiveContainer,
  options: { timeout?: number; signal?: string } = {},
): Promise<void> {
  await stopContainer(core, live, options).catch((error: unknown) => {
    if (!(error instanceof ApiError && error.status === 304)) throw error;
  });
  await core.locked(live, async () => {
    if (core.isRunning(live)) return;
    await startContainerNow(core, live, true);
  });
  core.publish(live, 'restart');
}

/** POST /containers/{id}/pause. */
export async function pauseContainer(core: ContainerCore, live: LiveContainer): Promise<void> {
  await core.locked(live, async () => {
    const r = live.record;
    const state = core.state(live);
    if (!state.running || state.restarting) throw conflict(`Container ${r.id} is not running`);
    if (state.paused) throw conflict(`Container ${r.id} is already paused`);
    try {
      await core.ctx.runtime.pause(r.id);
    } catch (error) {
      throw apiErrorOf(error, r.id);
    }
    r.state.paused = true;
    core.save(live);
    core.publish(live, 'pause');
  });
}

/** POST /containers/{id}/unpause. */
export async function unpauseContainer(core: ContainerCore, live: LiveContainer): Promise<void> {
  await core.locked(live, async () => {
    const r = live.record;
    if (!core.state(live).paused) throw conflict(`Container ${r.id} is not paused`);
    try {
      await core.ctx.runtime.resume(r.id);
    } catch (error) {
      throw apiErrorOf(error, r.id);
    }
    r.state.paused = false;
    core.save(live);
    core.publish(live, 'unpause');
  });
}
