/**
 * Facts about the host the runtime needs to build a config runc accepts: cgroup layout and
 * features, hard resource limits, the last capability, memory size. Read once from /proc and
 * /sys (no processes spawned); the Runtime takes a HostInfo so tests can inject one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupLayout, mapCgroupFile, readCgroupLayout } from './cgroup-layout.js';

export interface HostInfo {
  cgroup: CgroupLayout;
  /** Hard limits by ulimit name (`nofile`, ...); Infinity when unlimited. */
  hardLimits: Record<string, number>;
  capLastCap: number;
  /** The daemon's capability bounding set (hex, from /proc/self/status); what containers can get at most. */
  capBounding?: string;
  /** Node's `process.arch`. */
  arch: string;
  memTotal: number;
  onlineCpus: number;
  /** Whether a memory+swap limit can be set (swap accounting). */
  swapLimit: boolean;
  /** Whether blkio/io weights exist (needs the BFQ or CFQ scheduler). */
  blkioWeight: boolean;
}

/** Names `/proc/self/limits` uses, by ulimit name. */
const LIMIT_NAMES: Record<string, string> = {
  cpu: 'Max cpu time',
  fsize: 'Max file size',
  data: 'Max data size',
  stack: 'Max stack size',
  core: 'Max core file size',
  rss: 'Max resident set',
  nproc: 'Max processes',
  nofile: 'Max open files',
  memlock: 'Max locked memory',
  as: 'Max address space',
  locks: 'Max file locks',
  sigpending: 'Max pending signals',
  msgqueue: 'Max msgqueue size',
  nice: 'Max nice priority',
  rtprio: 'Max realtime priority',
  rttime: 'Max realtime timeout',
};

export interface ProbeHostOptions {
  procDir?: string;
  arch?: string;
}

/** Probes the host; every read that fails falls back to a conservative answer. */
export function probeHost(options: ProbeHostOptions = {}): HostInfo {
  const proc = options.procDir ?? '/proc';
  const cgroup = readCgroupLayout(readText(join(proc, 'self/mountinfo')));
  const own = mapCgroupFile(cgroup, readText(join(proc, 'self/cgroup')));
  let swapLimit: boolean;
  let blkioWeight: boolean;
  if (cgroup.version === 2) {
    // The root cgroup has no memory.swap.max; look where the daemon runs, assume yes at the root.
    const dir = own.unified;
    const atRoot = !dir || dir === cgroup.unified?.mountpoint;
    swapLimit = atRoot || existsSync(join(dir, 'memory.swap.max'));
    blkioWeight = !atRoot && (existsSync(join(dir, 'io.weight')) || existsSync(join(dir, 'io.bfq.weight')));
  } else {
    const memory = cgroup.controllers.memory?.mountpoint;
    const blkio = cgroup.controllers.blkio?.mountpoint;
    swapLimit = memory !== undefined && existsSync(join(memory, 'memory.memsw.limit_in_bytes'));
    blkioWeight =
      blkio !== undefined &&
      (existsSync(join(blkio, 'blkio.weight')) || existsSync(join(blkio, 'blkio.bfq.weight')));
  }
  const memTotalKb = /MemTotal:\s+(\d+)/.exec(readText(join(proc, 'meminfo')))?.[1];
  const cpuLines = readText(join(proc, 'stat'))
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l));
  return {
    cgroup,
    hardLimits: parseHardLimits(readText(join(proc, 'self/limits'))),
    capLastCap: Number(readText(join(proc, 'sys/kernel/cap_last_cap')).trim() || 40),
    ...boundingField(readText(join(proc, 'self/status'))),
    arch: options.arch ?? process.arch,
    memTotal: memTotalKb ? Number(memTotalKb) * 1024 : 0,
    onlineCpus: Math.max(1, cpuLines.length),
    swapLimit,
    blkioWeight,
  };
}

/** Parses /proc/<pid>/limits into hard limits by ulimit name. */
export function parseHardLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [name, label] of Object.entries(LIMIT_NAMES)) {
    const line = text.split('\n').find((l) => l.startsWith(label));
    if (!line) continue;
    const fields = line.slice(label.length).trim().split(/\s+/);
    const hard = fields[1];
    if (hard === undefined) continue;
    limits[name] = hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
  }
  return limits;
}

function boundingField(status: string): { capBounding?: string } {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex ? { capBounding: hex } : {};
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
