/**
 * GET /containers/{id}/stats in dockerd's JSON (types.StatsJSON): cgroup numbers from the
 * runtime, network counters from the container's /proc/<pid>/net/dev, the previous sample as
 * `precpu_stats`. Pure but for reading /proc.
 */
import { readFileSync } from 'node:fs';
import type { ContainerStats } from '../runtime/index.js';

export const ZERO_TIME_STATS = '0001-01-01T00:00:00Z';

export interface NetworkCounters {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One sample as Docker's stats JSON. */
export function statsView(options: {
  id: string;
  name: string;
  current: ContainerStats | undefined;
  previous: ContainerStats | undefined;
  networks: Record<string, NetworkCounters> | undefined;
}): Record<string, unknown> {
  const { current, previous } = options;
  return {
    read: current?.read ?? ZERO_TIME_STATS,
    preread: previous?.read ?? ZERO_TIME_STATS,
    pids_stats: current
      ? { current: current.pids.current, ...(current.pids.limit ? { limit: current.pids.limit } : {}) }
      : {},
    blkio_stats: {
      io_service_bytes_recursive: current
        ? current.blkio.map((b) => ({ major: b.major, minor: b.minor, op: capitalize(b.op), value: b.value }))
        : null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuView(current),
    precpu_stats: cpuView(previous),
    memory_stats: current
      ? {
          usage: current.memory.usage,
          ...(current.memory.maxUsage !== undefined ? { max_usage: current.memory.maxUsage } : {}),
          stats: current.memory.stats,
          ...(current.memory.failcnt !== undefined ? { failcnt: current.memory.failcnt } : {}),
          limit: current.memory.limit,
        }
      : {},
    name: `/${options.name}`,
    id: options.id,
    ...(options.networks ? { networks: options.networks } : {}),
  };
}

function cpuView(s: ContainerStats | undefined): Record<string, unknown> {
  if (!s)
    return {
      cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    };
  return {
    cpu_usage: {
      total_usage: s.cpu.totalNs,
      ...(s.cpu.perCpuNs ? { percpu_usage: s.cpu.perCpuNs } : {}),
      usage_in_kernelmode: s.cpu.systemNs,
      usage_in_usermode: s.cpu.userNs,
    },
    system_cpu_usage: s.cpu.systemUsageNs,
    online_cpus: s.cpu.onlineCpus,
    throttling_data: {
      periods: s.cpu.throttling.periods,
      throttled_periods: s.cpu.throttling.throttledPeriods,
      throttled_time: s.cpu.throttling.throttledTimeNs,
    },
  };
}

/** Interface counters from /proc/<pid>/net/dev (the container's namespace), loopback left out. */
export function readNetworkCounters(
  pid: number,
  procDir = '/proc',
): Record<string, NetworkCounters> | undefined {
  let text: string;
  try {
    text = readFileSync(`${procDir}/${pid}/net/dev`, 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, NetworkCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0,
      rx_packets: f[1] ?? 0,
      rx_errors: f[2] ?? 0,
      rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0,
      tx_packets: f[9] ?? 0,
      tx_errors: f[10] ?? 0,
      tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

function capitalize(op: string): string {
  return op.charAt(0).toUpperCase() + op.slice(1);
}
