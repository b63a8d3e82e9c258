/**
 * Stopping a container as Docker does: the stop signal, a grace period, then SIGKILL. A paused
 * container is thawed after the signal so it can act on it.
 */
import { rmSync } from 'node:fs';
import type { CgroupLayout } from './cgroup-layout.js';
import { type ContainerEntry, isLive } from './container-table.js';
import type { OciRuntimeCli } from './oci-runtime-cli.js';
import { removeCgroups } from './recover-containers.js';
import { ContainerStateError } from './runtime-errors.js';
import { unmountShm } from './shm-mount.js';

/** Seconds to wait for an exit after SIGKILL before calling the container stuck. */
export const KILL_GRACE_SECONDS = 30;

export interface StopContainerOptions {
  entry: ContainerEntry;
  oci: OciRuntimeCli;
  /** Normalised signal name. */
  signal: string;
  /** Seconds before SIGKILL; negative waits forever. */
  timeoutSeconds: number;
  thaw: () => Promise<void>;
}

/** Signals, waits, kills; resolves once the run has ended. */
export async function stopContainer(options: StopContainerOptions): Promise<void> {
  const { entry, oci, signal } = options;
  const id = entry.record.id;
  const all = sharesPidNamespace(entry);
  const exited = entry.nextExit.promise;
  // It may have exited on its own meanwhile; the wait below tells.
  await oci.kill(id, signal, signal === 'SIGKILL' && all).catch(() => {});
  if (entry.status === 'paused') await options.thaw();
  if (options.timeoutSeconds < 0) {
    await exited;
    return;
  }
  if (await settlesWithin(exited, options.timeoutSeconds)) return;
  await oci.kill(id, 'SIGKILL', all).catch(() => {});
  if (await settlesWithin(exited, KILL_GRACE_SECONDS)) return;
  throw new ContainerStateError(id, 'running', `did not exit ${KILL_GRACE_SECONDS}s after SIGKILL`);
}

export interface RemoveContainerOptions {
  entry: ContainerEntry;
  oci: OciRuntimeCli;
  cgroup: CgroupLayout;
  force: boolean;
  thaw: () => Promise<void>;
}

/** Kills a live container (with `force`), then removes its runtime state, cgroups and files. */
export async function removeContainer(options: RemoveContainerOptions): Promise<void> {
  const { entry, oci } = options;
  const id = entry.record.id;
  if (isLive(entry)) {
    if (!options.force)
      throw new ContainerStateError(id, entry.status, 'stop it first, or delete with force');
    if (entry.status === 'paused') await options.thaw().catch(() => {});
    const exited = entry.nextExit.promise;
    await oci.kill(id, 'SIGKILL', true).catch(() => {});
    await settlesWithin(exited, KILL_GRACE_SECONDS);
  }
  await oci.delete(id, true);
  await unmountShm(entry.paths.shm, id);
  removeCgroups(options.cgroup, entry.record.cgroupsPath);
  for (const bridge of entry.bridges) bridge.close();
  rmSync(entry.paths.dir, { recursive: true, force: true });
  rmSync(entry.paths.exitNotice, { force: true });
}

/** Whether the container shares a pid namespace, so killing its init does not kill the rest. */
export function sharesPidNamespace(entry: ContainerEntry): boolean {
  return (entry.record.spec.namespaces?.pid?.kind ?? 'private') !== 'private';
}

/** True when `promise` settles within `seconds`. */
export function settlesWithin(promise: Promise<unknown>, seconds: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), seconds * 1000);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}
