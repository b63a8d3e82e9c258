/**
 * Resource usage of a container read straight from its cgroup files, on cgroup v1 (memory,
 * cpuacct, cpu, pids, blkio controllers) and v2 (the unified files), in the units Docker's
 * stats report: bytes and nanoseconds. Network counters belong to the network part.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupDirs } from './cgroup-layout.js';

export interface BlkioEntry {
  major: number;
  minor: number;
  /** `read` or `write`, as Docker names them in io_service_bytes_recursive. */
  op: string;
  value: number;
}

export interface ContainerStats {
  /** When the numbers were read (ISO 8601). */
  read: string;
  pids: { current: number; limit?: number };
  memory: {
    usage: number;
    /** The cgroup limit, or the host's memory when unlimited. */
    limit: number;
    maxUsage?: number;
    failcnt?: number;
    /** memory.stat, key by key. */
    stats: Record<string, number>;
  };
  cpu: {
    totalNs: number;
    userNs: number;
    systemNs: number;
    perCpuNs?: number[];
    /** Host CPU time since boot (all CPUs), for Docker's percentage. */
    systemUsageNs: number;
    onlineCpus: number;
    throttling: { periods: number; throttledPeriods: number; throttledTimeNs: number };
  };
  blkio: BlkioEntry[];
}

export interface ReadStatsOptions {
  dirs: CgroupDirs;
  memTotal: number;
  onlineCpus: number;
  now: Date;
  procDir?: string;
}

/** USER_HZ: the unit of cpuacct.stat and /proc/stat on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;
const NS_PER_TICK = 1e9 / CLOCK_TICKS;
/** cgroup v1 reports "unlimited" as the largest page-aligned signed 64-bit number. */
const V1_UNLIMITED = 2 ** 62;

/** Reads the stats of the cgroup in `dirs` (v1 when v1 controllers are there, else v2). */
export function readCgroupStats(options: ReadStatsOptions): ContainerStats {
  const { dirs } = options;
  const v1 = dirs.controllers.memory !== undefined || dirs.controllers.cpuacct !== undefined;
  const base = {
    read: options.now.toISOString(),
    systemUsageNs: readSystemUsage(options.procDir ?? '/proc'),
    onlineCpus: options.onlineCpus,
  };
  return v1 ? readV1(dirs, options.memTotal, base) : readV2(dirs.unified ?? '', options.memTotal, base);
}

interface Base {
  read: string;
  systemUsageNs: number;
  onlineCpus: number;
}

function readV1(dirs: CgroupDirs, memTotal: number, base: Base): ContainerStats {
  const memory = dirs.controllers.memory ?? '';
  const cpuacct = dirs.controllers.cpuacct ?? dirs.controllers['cpu,cpuacct'] ?? '';
  const cpu = dirs.controllers.cpu ?? cpuacct;
  const pids = dirs.controllers.pids ?? '';
  const blkio = dirs.controllers.blkio ?? '';
  const limit = num(join(memory, 'memory.limit_in_bytes'));
  const cpuStat = keyValues(join(cpuacct, 'cpuacct.stat'));
  const throttle = keyValues(join(cpu, 'cpu.stat'));
  const perCpu = text(join(cpuacct, 'cpuacct.usage_percpu')).trim().split(/\s+/).filter(Boolean).map(Number);
  return {
    read: base.read,
    pids: { current: num(join(pids, 'pids.current')) ?? 0, ...limitField(num(join(pids, 'pids.max'))) },
    memory: {
      usage: num(join(memory, 'memory.usage_in_bytes')) ?? 0,
      limit: limit === undefined || limit >= V1_UNLIMITED ? memTotal : Math.min(limit, memTotal || limit),
      maxUsage: num(join(memory, 'memory.max_usage_in_bytes')),
      failcnt: num(join(memory, 'memory.failcnt')),
      stats: keyValues(join(memory, 'memory.stat')),
    },
    cpu: {
      totalNs: num(join(cpuacct, 'cpuacct.usage')) ?? 0,
      userNs: (cpuStat.user ?? 0) * NS_PER_TICK,
      systemNs: (cpuStat.system ?? 0) * NS_PER_TICK,
      ...(perCpu.length > 0 ? { perCpuNs: perCpu } : {}),
      systemUsageNs: base.systemUsageNs,
      onlineCpus: base.onlineCpus,
      throttling: {
        periods: throttle.nr_periods ?? 0,
        throttledPeriods: throttle.nr_throttled ?? 0,
        throttledTimeNs: throttle.throttled_time ?? 0,
      },
    },
    blkio: readBlkioV1(join(blkio, 'blkio.throttle.io_service_bytes_recursive')),
  };
}

function readV2(dir: string, memTotal: number, base: Base): ContainerStats {
  const limit = num(join(dir, 'memory.max'));
  const cpuStat = keyValues(join(dir, 'cpu.stat'));
  return {
    read: base.read,
    pids: { current: num(join(dir, 'pids.current')) ?? 0, ...limitField(num(join(dir, 'pids.max'))) },
    memory: {
      usage: num(join(dir, 'memory.current')) ?? 0,
      limit: limit === undefined ? memTotal : Math.min(limit, memTotal || limit),
      maxUsage: num(join(dir, 'memory.peak')),
      failcnt: keyValues(join(dir, 'memory.events')).max,
      stats: keyValues(join(dir, 'memory.stat')),
    },
    cpu: {
      totalNs: (cpuStat.usage_usec ?? 0) * 1000,
      userNs: (cpuStat.user_usec ?? 0) * 1000,
      systemNs: (cpuStat.system_usec ?? 0) * 1000,
      systemUsageNs: base.systemUsageNs,
      onlineCpus: base.onlineCpus,
      throttling: {
        periods: cpuStat.nr_periods ?? 0,
        throttledPeriods: cpuStat.nr_throttled ?? 0,
        throttledTimeNs: (cpuStat.throttled_usec ?? 0) * 1000,
      },
    },
    blkio: readIoStatV2(join(dir, 'io.stat')),
  };
}

function limitField(limit: number | undefined): { limit?: number } {
  return limit === undefined ? {} : { limit };
}

/** Host CPU time from the first line of /proc/stat (user … steal), in nanoseconds. */
function readSystemUsage(procDir: string): number {
  const line = text(join(procDir, 'stat')).split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return fields.reduce((sum, v) => sum + (Number.isFinite(v) ? v : 0), 0) * NS_PER_TICK;
}

function readBlkioV1(path: string): BlkioEntry[] {
  return text(path)
    .split('\n')
    .flatMap((line) => {
      const [device, op, value] = line.trim().split(/\s+/);
      const [major, minor] = (device ?? '').split(':').map(Number);
      if (op === undefined || value === undefined || major === undefined || minor === undefined) return [];
      if (Number.isNaN(major) || Number.isNaN(minor)) return [];
      return [{ major, minor, op: op.toLowerCase(), value: Number(value) }];
    });
}

function readIoStatV2(path: string): BlkioEntry[] {
  return text(path)
    .split('\n')
    .flatMap((line) => {
      const [device, ...pairs] = line.trim().split(/\s+/);
      const [major, minor] = (device ?? '').split(':').map(Number);
      if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return [];
      const values = Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]));
      return [
        { major, minor, op: 'read', value: Number(values.rbytes ?? 0) },
        { major, minor, op: 'write', value: Number(values.wbytes ?? 0) },
      ];
    });
}

function keyValues(path: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of text(path).split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) result[key] = Number(value);
  }
  return result;
}

function num(path: string): number | undefined {
  const value = text(path).trim();
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function text(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
