/**
 * After a daemon restart: rebuilds the container table from the records under the state root,
 * the OCI runtime's view (one `runc list`) and conmon's exit files. Containers that exited
 * while the daemon was down come back stopped with their exit code, and are reported so the
 * daemon can apply restart policies. Half-made creates are removed.
 */
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupLayout, cgroupDirsForPath } from './cgroup-layout.js';
import type { RuntimeLayout } from './container-record.js';
import {
  type ContainerState,
  type ContainerTable,
  type ExitInfo,
  isAlive,
  LOST_EXIT_CODE,
} from './container-table.js';
import type { OciRuntimeCli, OciState } from './oci-runtime-cli.js';

export interface RecoverResult {
  containers: ContainerState[];
  /** Runs that ended while no daemon watched (exit code from conmon, or 255 when conmon was gone too). */
  exitedWhileDown: ExitInfo[];
}

export interface RecoverOptions {
  table: ContainerTable;
  layout: RuntimeLayout;
  oci: OciRuntimeCli;
  clock: () => Date;
}

/** Loads every container not yet in the table. */
export async function recoverContainers(options: RecoverOptions): Promise<RecoverResult> {
  const { table, layout, oci } = options;
  const names = readdirSafe(layout.containersDir);
  for (const name of names.filter((n) => n.startsWith('.new-'))) {
    rmSync(join(layout.containersDir, name), { recursive: true, force: true });
  }
  const states = new Map<string, OciState>();
  const live = names.filter((n) => !n.startsWith('.'));
  if (live.length > 0) {
    for (const state of await listStates(oci, live)) states.set(state.id, state);
  }
  const exitedWhileDown: ExitInfo[] = [];
  for (const id of live) {
    if (table.has(id)) continue;
    const record = layout.readRecord(id);
    if (!record) continue;
    if (!record.startedAt) {
      table.add(record, 'created');
      continue;
    }
    if (record.exitCode !== undefined && record.finishedAt !== undefined) {
      table.add(record, 'stopped');
      continue;
    }
    const observed = states.get(id);
    // runc knows best whether it is frozen; the record speaks when runc has no answer.
    const status = observed
      ? observed.status === 'paused'
        ? 'paused'
        : 'running'
      : record.paused
        ? 'paused'
        : 'running';
    const entry = table.add(record, status);
    // Exec sessions belonged to the old daemon's clients.
    rmSync(entry.paths.execRoot, { recursive: true, force: true });
    const exit = table.applyExit(id);
    if (exit) {
      exitedWhileDown.push(exit);
      continue;
    }
    if (observed?.status === 'running' || observed?.status === 'paused') continue;
    if (observed?.status === 'created') {
      // The daemon died between `runc create` and `runc start`: that start never happened.
      await oci.delete(id, true).catch(() => {});
      entry.status = 'created';
      entry.record = { ...entry.record, startError: 'the daemon stopped while starting the container' };
      layout.writeRecord(entry.record);
      continue;
    }
    if (record.conmonPid !== undefined && isAlive(record.conmonPid)) continue; // its exit notice is coming
    exitedWhileDown.push(table.finish(entry, LOST_EXIT_CODE, options.clock()));
  }
  return { containers: table.all().map((e) => table.state(e)), exitedWhileDown };
}

/** Removes a container's cgroup directories the OCI runtime left behind (ignoring busy ones). */
export function removeCgroups(layout: CgroupLayout, cgroupsPath: string): void {
  const dirs = cgroupDirsForPath(layout, cgroupsPath);
  for (const dir of [dirs.unified, ...Object.values(dirs.controllers)]) {
    if (!dir) continue;
    try {
      rmdirSync(dir);
    } catch {
      // gone already, or still busy
    }
  }
}

async function listStates(oci: OciRuntimeCli, ids: string[]): Promise<OciState[]> {
  try {
    return await oci.list();
  } catch {
    const states = await Promise.all(ids.map((id) => oci.state(id).catch(() => undefined)));
    return states.filter((s): s is OciState => s !== undefined);
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
