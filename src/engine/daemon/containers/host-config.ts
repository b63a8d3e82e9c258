/**
 * HostConfig at create and update: checked as dockerd checks it (restart policies, AutoRemove,
 * modes) and completed with the defaults dockerd's inspect shows, so clients reading fields
 * they did not send (docker-py, the docker CLI's templates) find them. Pure.
 */
import { badRequest } from '../api/api-error.js';
import type { HostConfig } from './container-types.js';

const RESTART = new Set(['', 'no', 'always', 'on-failure', 'unless-stopped']);

/** Docker's defaults for what a create body leaves out. */
function defaults(): HostConfig {
  return {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: {} },
    NetworkMode: 'default',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: 'host',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 64 * 1024 * 1024,
    Runtime: 'runc',
    ConsoleSize: [0, 0],
    Isolation: '',
    CpuShares: 0,
    Memory: 0,
    NanoCpus: 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: null,
    BlkioDeviceWriteBps: null,
    BlkioDeviceReadIOps: null,
    BlkioDeviceWriteIOps: null,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    KernelMemory: 0,
    KernelMemoryTCP: 0,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: null,
    Ulimits: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: null,
    ReadonlyPaths: null,
  };
}

/** The HostConfig to store: defaults, then what was given (nulls and empties keep the default). */
export function normalizeHostConfig(given: HostConfig | undefined): HostConfig {
  const out = defaults();
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    if (value === null && out[key] !== undefined && out[key] !== null) continue;
    if (value === '' && typeof out[key] === 'string' && out[key] !== '') continue;
    out[key] = value;
  }
  if (!out.RestartPolicy?.Name) out.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };
  out.RestartPolicy = {
    Name: out.RestartPolicy.Name ?? 'no',
    MaximumRetryCount: out.RestartPolicy.MaximumRetryCount ?? 0,
  };
  if (!out.LogConfig?.Type) out.LogConfig = { Type: 'json-file', Config: out.LogConfig?.Config ?? {} };
  if (!out.ShmSize) out.ShmSize = 64 * 1024 * 1024;
  // dockerd keeps "unset" as null: the CLI sends -1 for swappiness and 0 for the pids limit
  if (out.MemorySwappiness === -1) out.MemorySwappiness = null;
  if (typeof out.PidsLimit === 'number' && out.PidsLimit <= 0) out.PidsLimit = null;
  // dockerd: a memory limit without a swap limit allows as much swap again.
  if ((out.Memory ?? 0) > 0 && !out.MemorySwap) out.MemorySwap = (out.Memory ?? 0) * 2;
  validateHostConfig(out);
  return out;
}

/** 400 for what dockerd refuses at create and update. */
export function validateHostConfig(h: HostConfig): void {
  const policy = h.RestartPolicy ?? {};
  const name = policy.Name ?? '';
  if (!RESTART.has(name)) throw badRequest(`invalid restart policy '${name}'`);
  const retries = policy.MaximumRetryCount ?? 0;
  if (retries < 0) throw badRequest('maximum retry count cannot be negative');
  if (retries > 0 && name !== 'on-failure') {
    throw badRequest(`maximum retry count cannot be used with restart policy '${name}'`);
  }
  if (h.AutoRemove && name !== '' && name !== 'no') {
    throw badRequest(`can't create 'AutoRemove' container with restart policy`);
  }
  if ((h.ShmSize ?? 0) < 0) throw badRequest('SHM size can not be less than 0');
  if ((h.OomScoreAdj ?? 0) < -1000 || (h.OomScoreAdj ?? 0) > 1000) {
    throw badRequest(`Invalid value ${h.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  if (h.NanoCpus && (h.CpuQuota || h.CpuPeriod)) {
    throw badRequest('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  const network = h.NetworkMode ?? '';
  if (network.startsWith('container:') && h.PortBindings && Object.keys(h.PortBindings).length > 0) {
    throw badRequest('conflicting options: port publishing and the container type network mode');
  }
}

/** The restart policy's name, `no` for none. */
export function restartPolicyName(h: HostConfig): string {
  return h.RestartPolicy?.Name || 'no';
}
