/**
 * The RuntimeSpec of a container at start: its Docker Config and HostConfig in the runtime's
 * terms, with the host paths of its volumes, its network namespace and the /etc files written
 * for this run. Pure.
 */

import type {
  JoinNamespace,
  MountSpec,
  NamespacesSpec,
  Propagation,
  ResourcesSpec,
  RuntimeSpec,
} from '../runtime/index.js';
import type { ContainerFiles } from './container-store.js';
import type { ContainerRecord, HostConfig } from './container-types.js';
import { parseSize } from './mount-plan.js';

/** What start resolved for this run. */
export interface StartContext {
  rootfs: string;
  /** Host path of each volume, by mount destination. */
  volumePaths: Map<string, string>;
  /** Undefined for `host` networking. */
  netnsPath: string | undefined;
  files: ContainerFiles;
  /** Other containers' namespaces, for `container:<id>` pid and ipc modes. */
  joins: { pid?: JoinNamespace; ipc?: JoinNamespace };
}

/** Builds the spec. */
export function buildRuntimeSpec(record: ContainerRecord, context: StartContext): RuntimeSpec {
  const c = record.config;
  const h = record.hostConfig;
  const security = securityOptions(h.SecurityOpt ?? []);
  const console = consoleSize(h.ConsoleSize);
  const spec: RuntimeSpec = {
    id: record.id,
    rootfs: context.rootfs,
    process: {
      args: [record.path, ...record.args],
      env: [...(c.Env ?? [])],
      cwd: c.WorkingDir || '/',
      ...(c.User ? { user: c.User } : {}),
      ...(h.GroupAdd?.length ? { groupAdd: [...h.GroupAdd] } : {}),
      tty: c.Tty === true,
      openStdin: c.OpenStdin === true,
      stdinOnce: c.StdinOnce === true,
      ...(security.noNewPrivileges ? { noNewPrivileges: true } : {}),
      ...(console && c.Tty ? { consoleSize: console } : {}),
    },
    hostname: c.Hostname ?? record.id.slice(0, 12),
    ...(c.Domainname ? { domainname: c.Domainname } : {}),
    mounts: mountSpecs(record, context),
    namespaces: namespaces(h, context),
    ...(h.ReadonlyRootfs ? { readonlyRootfs: true } : {}),
    ...(h.CapAdd?.length ? { capAdd: [...h.CapAdd] } : {}),
    ...(h.CapDrop?.length ? { capDrop: [...h.CapDrop] } : {}),
    ...(h.Privileged ? { privileged: true } : {}),
    resources: resourcesOf(h),
    ...(h.Ulimits?.length
      ? {
          ulimits: h.Ulimits.map((u) => ({
            name: u.Name.replace(/^RLIMIT_/i, '').toLowerCase(),
            soft: u.Soft,
            hard: u.Hard,
          })),
        }
      : {}),
    ...(h.Sysctls && Object.keys(h.Sysctls).length > 0 ? { sysctls: { ...h.Sysctls } } : {}),
    ...(h.Devices?.length
      ? {
          devices: h.Devices.map((d) => ({
            hostPath: d.PathOnHost,
            ...(d.PathInContainer ? { containerPath: d.PathInContainer } : {}),
            ...(d.CgroupPermissions ? { permissions: d.CgroupPermissions } : {}),
          })),
        }
      : {}),
    ...(h.MaskedPaths ? { maskedPaths: [...h.MaskedPaths] } : {}),
    ...(h.ReadonlyPaths ? { readonlyPaths: [...h.ReadonlyPaths] } : {}),
    ...(security.seccomp ? { seccomp: security.seccomp } : {}),
    ...(h.Init ? { init: true } : {}),
    ...(h.ShmSize ? { shmSize: h.ShmSize } : {}),
    ...(c.StopSignal ? { stopSignal: c.StopSignal } : {}),
    ...(c.StopTimeout !== undefined && c.StopTimeout !== null ? { stopTimeout: c.StopTimeout } : {}),
    ...logLimit(h),
    ...(h.CgroupParent ? { cgroupParent: h.CgroupParent } : {}),
  };
  return spec;
}

function mountSpecs(record: ContainerRecord, context: StartContext): MountSpec[] {
  const out: MountSpec[] = [];
  for (const m of record.mounts) {
    if (m.type === 'tmpfs') {
      out.push({
        kind: 'tmpfs',
        target: m.destination,
        ...(m.tmpfs?.size ? { size: m.tmpfs.size } : {}),
        ...(m.tmpfs?.mode !== undefined ? { mode: m.tmpfs.mode } : {}),
        ...(m.readOnly ? { readOnly: true } : {}),
        ...(m.tmpfs?.options ? { options: m.tmpfs.options } : {}),
      });
      continue;
    }
    const source = m.type === 'volume' ? context.volumePaths.get(m.destination) : m.source;
    if (!source) continue;
    out.push({
      kind: 'bind',
      source,
      target: m.destination,
      ...(m.readOnly ? { readOnly: true } : {}),
      ...(m.propagation ? { propagation: m.propagation as Propagation } : {}),
    });
  }
  // The /etc files of this run, unless the container mounts its own there.
  const taken = new Set(record.mounts.map((m) => m.destination));
  const own: [string, string][] = [
    ['/etc/hosts', context.files.hosts],
    ['/etc/resolv.conf', context.files.resolvConf],
  ];
  if (record.hostConfig.UTSMode !== 'host') own.push(['/etc/hostname', context.files.hostname]);
  for (const [target, source] of own) {
    if (!taken.has(target))
      out.push({ kind: 'bind', source, target, readOnly: record.hostConfig.ReadonlyRootfs === true });
  }
  return out;
}

function namespaces(h: HostConfig, context: StartContext): NamespacesSpec {
  const out: NamespacesSpec = {
    network: context.netnsPath === undefined ? { kind: 'host' } : { kind: 'path', path: context.netnsPath },
  };
  const ipc = h.IpcMode ?? 'private';
  if (ipc === 'host') out.ipc = { kind: 'host' };
  else if (ipc === 'shareable') out.ipc = { kind: 'shareable' };
  else if (ipc.startsWith('container:') && context.joins.ipc) out.ipc = context.joins.ipc;
  else out.ipc = { kind: 'private' };
  const pid = h.PidMode ?? '';
  if (pid === 'host') out.pid = { kind: 'host' };
  else if (pid.startsWith('container:') && context.joins.pid) out.pid = context.joins.pid;
  if (h.UTSMode === 'host') out.uts = 'host';
  return out;
}

function resourcesOf(h: HostConfig): ResourcesSpec {
  const r: ResourcesSpec = {};
  const positive = (v: number | null | undefined) => (typeof v === 'number' && v > 0 ? v : undefined);
  const set = <K extends keyof ResourcesSpec>(key: K, value: ResourcesSpec[K] | undefined) => {
    if (value !== undefined) r[key] = value;
  };
  set('memory', positive(h.Memory));
  set('memoryReservation', positive(h.MemoryReservation));
  if (h.MemorySwap) set('memorySwap', h.MemorySwap);
  if (typeof h.MemorySwappiness === 'number' && h.MemorySwappiness >= 0)
    set('memorySwappiness', h.MemorySwappiness);
  set('nanoCpus', positive(h.NanoCpus));
  set('cpuShares', positive(h.CpuShares));
  set('cpuQuota', positive(h.CpuQuota));
  set('cpuPeriod', positive(h.CpuPeriod));
  if (h.CpusetCpus) set('cpusetCpus', h.CpusetCpus);
  if (h.CpusetMems) set('cpusetMems', h.CpusetMems);
  set('pidsLimit', positive(h.PidsLimit));
  set('blkioWeight', positive(h.BlkioWeight));
  if (h.OomScoreAdj) set('oomScoreAdj', h.OomScoreAdj);
  if (h.OomKillDisable) set('oomKillDisable', true);
  return r;
}

/** `seccomp=unconfined|<json>`, `no-new-privileges[:true|=true]`; labels and apparmor have no meaning here. */
function securityOptions(options: string[]): { seccomp?: RuntimeSpec['seccomp']; noNewPrivileges: boolean } {
  let seccomp: RuntimeSpec['seccomp'] | undefined;
  let noNewPrivileges = false;
  for (const option of options) {
    const [key = '', value = 'true'] = option.split(/[=:](.*)/s, 2);
    if (key === 'no-new-privileges') noNewPrivileges = value !== 'false';
    else if (key === 'seccomp') {
      if (value === 'unconfined') seccomp = 'unconfined';
      else if (value === 'builtin' || value === '') seccomp = 'default';
      else seccomp = JSON.parse(value) as RuntimeSpec['seccomp'];
    }
  }
  return { ...(seccomp ? { seccomp } : {}), noNewPrivileges };
}

function consoleSize(size: HostConfig['ConsoleSize']): { height: number; width: number } | undefined {
  const [height = 0, width = 0] = size ?? [];
  return height > 0 && width > 0 ? { height, width } : undefined;
}

/** json-file's `max-size`, kept as conmon's log size limit. */
function logLimit(h: HostConfig): { logSizeMax?: number } {
  const max = h.LogConfig?.Config?.['max-size'];
  if (!max) return {};
  try {
    return { logSizeMax: parseSize(max) };
  } catch {
    return {};
  }
}
