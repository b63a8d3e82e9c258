/**
 * Starting a container: clear what the previous run left, spawn conmon (which runs
 * `runc create` and holds stdio), connect inputs attached before the start, then `runc start`.
 * On failure the runtime state is removed again and the container stays startable.
 */
import { rmSync } from 'node:fs';
import { DEFAULT_SHM_SIZE } from './build-mounts.js';
import { conmonCreate } from './conmon.js';
import type { RuntimeLayout } from './container-record.js';
import type { ContainerEntry } from './container-table.js';
import type { OciRuntimeCli } from './oci-runtime-cli.js';
import { mountShm } from './shm-mount.js';
import { type BridgeTool, openStdinBridge } from './stdin-bridge.js';

export interface StartContainerOptions {
  entry: ContainerEntry;
  oci: OciRuntimeCli;
  conmonPath: string;
  layout: RuntimeLayout;
  bridge: BridgeTool | undefined;
  beforeStart?: (pid: number) => void;
  clock: () => Date;
}

/** Runs the container's process; updates and persists the entry's record and status. */
export async function startContainer(options: StartContainerOptions): Promise<void> {
  const { entry, oci, layout } = options;
  const { paths } = entry;
  const id = entry.record.id;
  if (entry.record.startedAt) await oci.delete(id, true); // the previous run's runtime state
  for (const path of [paths.exitFile, paths.oomFile, paths.exitNotice, paths.pidFile, paths.execRoot]) {
    rmSync(path, { recursive: true, force: true });
  }
  const { spec } = entry.record;
  const proc = spec.process;
  entry.starting = true;
  try {
    if (spec.namespaces?.ipc?.kind === 'shareable')
      await mountShm(paths.shm, spec.shmSize ?? DEFAULT_SHM_SIZE, id);
    const created = await conmonCreate({
      conmonPath: options.conmonPath,
      runtime: oci,
      id,
      bundle: paths.dir,
      logPath: paths.log,
      exitDir: layout.exitsDir,
      terminal: proc.tty === true,
      stdin: proc.openStdin === true,
      leaveStdinOpen: proc.openStdin === true && proc.stdinOnce !== true,
      ...(spec.logSizeMax !== undefined ? { logSizeMax: spec.logSizeMax } : {}),
      ...(options.beforeStart ? { beforeStart: options.beforeStart } : {}),
    });
    // Inputs attached before the start connect now, before the process can read.
    const bridge = options.bridge;
    if (bridge)
      for (const connect of entry.pendingStdin.splice(0)) connect(openStdinBridge(bridge, paths.dir));
    const startedAt = options.clock();
    await oci.start(id);
    const {
      startError: _error,
      exitCode: _code,
      finishedAt: _finished,
      oomKilled: _oom,
      ...rest
    } = entry.record;
    entry.record = {
      ...rest,
      startedAt: startedAt.toISOString(),
      pid: created.pid,
      ...(created.conmonPid ? { conmonPid: created.conmonPid } : {}),
      runs: (entry.record.runs ?? 0) + 1,
      paused: false,
    };
    layout.writeRecord(entry.record);
    entry.status = 'running';
  } catch (error) {
    entry.record = { ...entry.record, startError: (error as Error).message };
    layout.writeRecord(entry.record);
    await oci.delete(id, true).catch(() => {});
    throw error;
  } finally {
    entry.starting = false;
  }
}
