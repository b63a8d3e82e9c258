/**
 * The resource part of HostConfig (memory, CPU, pids, block IO, devices, ulimits), as Docker
 * Compose maps a service: `deploy.resources` limits and reservations fill what the top-level
 * fields leave unset. Pure.
 */
import type { DeviceRequest } from '../../model/deploy.js';
import type { ServiceConfig } from '../../model/service.js';

/** CDI device names (`vendor.com/class=name`) go as device requests, not device mappings. */
const CDI_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+=[a-zA-Z0-9._:-]+$/;

/** HostConfig resource fields for a service; only those it sets. */
export function createResources(service: ServiceConfig): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const limits = service.deploy?.resources?.limits;
  const reservations = service.deploy?.resources?.reservations;
  set(r, 'CgroupParent', service.cgroup_parent);
  set(r, 'Memory', service.mem_limit ?? nonZero(limits?.memory));
  set(r, 'MemorySwap', service.memswap_limit);
  set(r, 'MemoryReservation', service.mem_reservation ?? nonZero(reservations?.memory));
  if (service.mem_swappiness !== undefined && service.mem_swappiness !== 0)
    r.MemorySwappiness = service.mem_swappiness;
  if (service.oom_kill_disable) r.OomKillDisable = true;
  set(r, 'CpuCount', service.cpu_count);
  if (service.cpu_percent !== undefined) r.CpuPercent = Math.round(service.cpu_percent);
  set(r, 'CpuPeriod', service.cpu_period);
  set(r, 'CpuQuota', service.cpu_quota);
  set(r, 'CpuRealtimePeriod', service.cpu_rt_period);
  set(r, 'CpuRealtimeRuntime', service.cpu_rt_runtime);
  set(r, 'CpuShares', service.cpu_shares);
  const cpus = service.cpus ?? nonZero(limits?.cpus);
  if (cpus !== undefined) r.NanoCpus = Math.round(cpus * 1e9);
  set(r, 'CpusetCpus', service.cpuset);
  if (service.device_cgroup_rules?.length) r.DeviceCgroupRules = service.device_cgroup_rules;
  const pids =
    service.pids_limit ?? (limits?.pids !== undefined && limits.pids > 0 ? limits.pids : undefined);
  if (pids !== undefined && pids !== 0) r.PidsLimit = pids;
  Object.assign(r, blkio(service));
  const { devices, cdi } = deviceMappings(service);
  if (devices.length > 0) r.Devices = devices;
  const requests = [
    ...(cdi.length > 0 ? [{ Driver: 'cdi', DeviceIDs: cdi }] : []),
    ...(service.gpus ?? []).map((g) => deviceRequest(g, ['gpu'])),
    ...(reservations?.devices ?? []).map((d) => deviceRequest(d, [])),
  ];
  if (requests.length > 0) r.DeviceRequests = requests;
  const ulimits = Object.entries(service.ulimits ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([Name, u]) =>
      typeof u === 'number' ? { Name, Soft: u, Hard: u } : { Name, Soft: u.soft ?? 0, Hard: u.hard ?? 0 },
    );
  if (ulimits.length > 0) r.Ulimits = ulimits;
  return r;
}

function blkio(service: ServiceConfig): Record<string, unknown> {
  const b = service.blkio_config;
  if (!b) return {};
  const out: Record<string, unknown> = {};
  set(out, 'BlkioWeight', b.weight);
  if (b.weight_device?.length)
    out.BlkioWeightDevice = b.weight_device.map((d) => ({ Path: d.path, Weight: d.weight }));
  const rates = [
    ['BlkioDeviceReadBps', b.device_read_bps],
    ['BlkioDeviceReadIOps', b.device_read_iops],
    ['BlkioDeviceWriteBps', b.device_write_bps],
    ['BlkioDeviceWriteIOps', b.device_write_iops],
  ] as const;
  for (const [key, list] of rates) {
    if (list?.length) out[key] = list.map((d) => ({ Path: d.path, Rate: d.rate }));
  }
  return out;
}

function deviceMappings(service: ServiceConfig): { devices: Record<string, string>[]; cdi: string[] } {
  const devices: Record<string, string>[] = [];
  const cdi: string[] = [];
  for (const d of service.devices ?? []) {
    const target = d.target ?? d.source;
    if (target === d.source && CDI_NAME.test(d.source)) {
      cdi.push(d.source);
      continue;
    }
    devices.push({
      PathOnHost: d.source,
      PathInContainer: target,
      CgroupPermissions: d.permissions ?? 'rwm',
    });
  }
  return { devices, cdi };
}

function deviceRequest(d: DeviceRequest, extraCapabilities: string[]): Record<string, unknown> {
  const capabilities = [...(d.capabilities ?? []), ...extraCapabilities];
  const count = d.count === 'all' ? -1 : d.count;
  return {
    ...(d.driver ? { Driver: d.driver } : {}),
    ...(count !== undefined ? { Count: count } : {}),
    ...(d.device_ids?.length ? { DeviceIDs: d.device_ids } : {}),
    ...(capabilities.length > 0 ? { Capabilities: [capabilities] } : {}),
    ...(d.options && Object.keys(d.options).length > 0 ? { Options: d.options } : {}),
  };
}

function nonZero(n: number | undefined): number | undefined {
  return n === undefined || n === 0 ? undefined : n;
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') target[key] = value;
}
