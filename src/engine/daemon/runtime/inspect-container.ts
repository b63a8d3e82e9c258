/**
 * Looking into a live container: resource usage from its cgroup (stats) and its processes as
 * `ps` shows them (top). Both find the cgroup through the init's /proc/<pid>/cgroup.
 */
import { cgroupDirsOf } from './cgroup-layout.js';
import { type ContainerStats, readCgroupStats } from './cgroup-stats.js';
import { type ContainerEntry, isLive } from './container-table.js';
import type { HostInfo } from './host-probe.js';
import { cgroupPids, listProcesses, type TopResult } from './list-processes.js';
import { ContainerStateError } from './runtime-errors.js';

/** Usage numbers of the container; zeros when it is not running. */
export function containerStats(entry: ContainerEntry, host: HostInfo, now: Date): ContainerStats {
  const pid = entry.record.pid;
  return readCgroupStats({
    dirs: isLive(entry) && pid !== undefined ? cgroupDirsOf(host.cgroup, pid) : { controllers: {} },
    memTotal: host.memTotal,
    onlineCpus: host.onlineCpus,
    now,
  });
}

export interface ContainerTopOptions {
  psArgs?: string[];
  psPath?: string;
}

/** The container's processes; ContainerStateError when it is not running. */
export function containerTop(
  entry: ContainerEntry,
  host: HostInfo,
  options: ContainerTopOptions,
): Promise<TopResult> {
  const pid = entry.record.pid;
  if (!isLive(entry) || pid === undefined)
    throw new ContainerStateError(entry.record.id, entry.status, 'not running');
  return listProcesses({ pids: cgroupPids(cgroupDirsOf(host.cgroup, pid)), ...options });
}
