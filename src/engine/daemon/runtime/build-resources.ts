/**
 * cgroup limits, rlimits and device rules of a container, checked the way Docker checks them.
 * What the host cannot do (swap limits without swap accounting, blkio weight without BFQ,
 * ulimits above the host's hard limits) is dropped or capped with a warning, not an error.
 */
import type { HostInfo } from './host-probe.js';
import type { OciDevice, OciDeviceRule, OciResources, OciRlimit } from './oci-spec.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { ResourcesSpec, UlimitSpec } from './runtime-spec.js';

/** A host device node, stat'ed, as it will appear in the container. */
export interface ResolvedDevice {
  containerPath: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  /** `rwm` subset. */
  permissions: string;
}

export interface BuiltLimits {
  resources: OciResources;
  rlimits: OciRlimit[];
  devices: OciDevice[];
  warnings: string[];
}

export interface BuildLimitsInput {
  resources?: ResourcesSpec;
  ulimits?: UlimitSpec[];
  devices: ResolvedDevice[];
  privileged: boolean;
  host: Pick<HostInfo, 'hardLimits' | 'swapLimit' | 'blkioWeight'>;
}

const MIN_MEMORY = 6 * 1024 * 1024;
const CFS_PERIOD = 100_000;
const ULIMIT_NAMES = new Set([
  'as',
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);

/** Docker's default device rules: deny all, allow mknod and the standard nodes. */
const DEFAULT_DEVICE_RULES: OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  ...[
    [1, 3],
    [1, 5],
    [1, 7],
    [1, 8],
    [1, 9],
    [5, 0],
    [5, 1],
    [5, 2],
    [10, 200],
  ].map(([major, minor]): OciDeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' })),
  { allow: true, type: 'c', major: 136, access: 'rwm' },
];

/** Builds linux.resources, process.rlimits and linux.devices; invalid values throw RuntimeSpecError. */
export function buildLimits(input: BuildLimitsInput): BuiltLimits {
  const warnings: string[] = [];
  const r = input.resources ?? {};
  const resources: OciResources = {
    devices: input.privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES],
  };

  const memory: NonNullable<OciResources['memory']> = {};
  if (r.memory !== undefined && r.memory > 0) {
    if (r.memory < MIN_MEMORY)
      throw new RuntimeSpecError('resources.memory', 'minimum memory limit allowed is 6MB');
    memory.limit = r.memory;
  }
  if (r.memoryReservation !== undefined && r.memoryReservation > 0) {
    if (memory.limit !== undefined && r.memoryReservation > memory.limit) {
      throw new RuntimeSpecError(
        'resources.memoryReservation',
        'minimum memory limit can not be less than memory reservation limit',
      );
    }
    memory.reservation = r.memoryReservation;
  }
  const swap = r.memorySwap ?? 0;
  if (memory.limit !== undefined && swap !== 0) {
    if (swap > 0 && swap < memory.limit) {
      throw new RuntimeSpecError(
        'resources.memorySwap',
        'memory+swap limit must be at least the memory limit',
      );
    }
    if (input.host.swapLimit) memory.swap = swap;
    else
      warnings.push(
        'the kernel does not support swap limits (no swap accounting): memory limited without swap',
      );
  } else if (memory.limit !== undefined && input.host.swapLimit) {
    memory.swap = memory.limit * 2;
  } else if (swap > 0) {
    throw new RuntimeSpecError('resources.memorySwap', 'a memory+swap limit needs a memory limit too');
  }
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0) {
    if (r.memorySwappiness > 100)
      throw new RuntimeSpecError('resources.memorySwappiness', 'must be 0 to 100');
    memory.swappiness = r.memorySwappiness;
  }
  if (r.oomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) resources.memory = memory;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.nanoCpus !== undefined && r.nanoCpus > 0) {
    if ((r.cpuQuota ?? 0) > 0 || (r.cpuPeriod ?? 0) > 0) {
      throw new RuntimeSpecError(
        'resources.nanoCpus',
        'conflicting options: nanoCpus and cpuQuota/cpuPeriod',
      );
    }
    cpu.period = CFS_PERIOD;
    cpu.quota = Math.max(1000, Math.round((r.nanoCpus * CFS_PERIOD) / 1e9));
  }
  if (r.cpuQuota !== undefined && r.cpuQuota > 0) {
    if (r.cpuQuota < 1000)
      throw new RuntimeSpecError('resources.cpuQuota', 'CPU quota must be at least 1000 (1ms)');
    cpu.quota = r.cpuQuota;
  }
  if (r.cpuPeriod !== undefined && r.cpuPeriod > 0) {
    if (r.cpuPeriod < 1000 || r.cpuPeriod > 1_000_000) {
      throw new RuntimeSpecError('resources.cpuPeriod', 'CPU period must be 1000 to 1000000 microseconds');
    }
    cpu.period = r.cpuPeriod;
  }
  if (r.cpuShares !== undefined && r.cpuShares > 0) cpu.shares = Math.max(2, r.cpuShares);
  if (r.cpusetCpus) cpu.cpus = checkCpuset(r.cpusetCpus, 'resources.cpusetCpus');
  if (r.cpusetMems) cpu.mems = checkCpuset(r.cpusetMems, 'resources.cpusetMems');
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;

  if (r.pidsLimit !== undefined && r.pidsLimit > 0) resources.pids = { limit: r.pidsLimit };
  if (r.blkioWeight !== undefined && r.blkioWeight > 0) {
    if (r.blkioWeight < 10 || r.blkioWeight > 1000) {
      throw new RuntimeSpecError('resources.blkioWeight', 'must be 10 to 1000');
    }
    if (input.host.blkioWeight) resources.blockIO = { weight: r.blkioWeight };
    else
      warnings.push('the kernel does not support block I/O weight (no BFQ/CFQ scheduler): weight discarded');
  }

  const devices = input.devices.map(
    (d): OciDevice => ({
      path: d.containerPath,
      type: d.type,
      major: d.major,
      minor: d.minor,
      fileMode: d.fileMode,
      uid: d.uid,
      gid: d.gid,
    }),
  );
  if (!input.privileged) {
    for (const d of input.devices) {
      resources.devices.push({
        allow: true,
        type: d.type,
        major: d.major,
        minor: d.minor,
        access: d.permissions,
      });
    }
  }

  return {
    resources,
    rlimits: buildRlimits(input.ulimits ?? [], input.host.hardLimits, warnings),
    devices,
    warnings,
  };
}

function buildRlimits(
  ulimits: UlimitSpec[],
  hardLimits: Record<string, number>,
  warnings: string[],
): OciRlimit[] {
  const byName = new Map<string, OciRlimit>();
  for (const u of ulimits) {
    const name = u.name.toLowerCase();
    if (!ULIMIT_NAMES.has(name)) throw new RuntimeSpecError('ulimits', `unknown ulimit ${u.name}`);
    if (u.soft > u.hard && u.hard >= 0) {
      throw new RuntimeSpecError(
        'ulimits',
        `${name}: soft limit ${u.soft} is above the hard limit ${u.hard}`,
      );
    }
    let { soft, hard } = u;
    // -1 means unlimited, as in Docker.
    if (hard < 0) hard = Number.POSITIVE_INFINITY;
    if (soft < 0) soft = hard;
    const hostHard = hardLimits[name];
    if (hostHard !== undefined && hard > hostHard) {
      warnings.push(
        `ulimit ${name} hard limit ${formatLimit(hard)} is above the host's ${hostHard}: capped to ${hostHard}`,
      );
      hard = hostHard;
    }
    if (soft > hard) {
      warnings.push(`ulimit ${name} soft limit ${formatLimit(soft)} capped to ${formatLimit(hard)}`);
      soft = hard;
    }
    // RLIM_INFINITY (2^64-1) is no JSON-safe number: -1 stands for it until serialisation.
    if (!Number.isFinite(hard)) hard = -1;
    if (!Number.isFinite(soft)) soft = -1;
    byName.set(name, { type: `RLIMIT_${name.toUpperCase()}`, soft, hard });
  }
  return [...byName.values()];
}

function formatLimit(value: number): string {
  return Number.isFinite(value) ? String(value) : 'unlimited';
}

function checkCpuset(value: string, field: string): string {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(value.trim())) {
    throw new RuntimeSpecError(field, `invalid cpuset "${value}"`, { hint: 'write it like 0-3 or 0,2' });
  }
  return value.trim();
}
