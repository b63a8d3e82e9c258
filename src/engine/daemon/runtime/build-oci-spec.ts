/**
 * RuntimeSpec + facts found on the host → an OCI config.json, with Docker's defaults:
 * capabilities, seccomp allowlist, masked and read-only /proc and /sys paths, default mounts
 * and devices, PATH/HOSTNAME/HOME/TERM in the environment. Pure: every fact that needs I/O
 * (the resolved user, the host, device nodes, paths written) comes in as input.
 */
import { buildMounts, INIT_TARGET, rootfsPropagationFor } from './build-mounts.js';
import { buildNamespaces, checkSysctls } from './build-namespaces.js';
import { buildLimits, type ResolvedDevice } from './build-resources.js';
import { hostCapabilities, resolveCapabilities } from './capabilities.js';
import type { HostInfo } from './host-probe.js';
import type { OciCapabilities, OciSeccomp, OciSpec } from './oci-spec.js';
import type { ResolvedUser } from './resolve-user.js';
import { RuntimeSpecError } from './runtime-errors.js';
import type { RuntimeSpec } from './runtime-spec.js';
import { defaultSeccompProfile } from './seccomp-profile.js';

/** Docker's masked paths: kernel interfaces a container should not read. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Docker's read-only paths. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BuildOciSpecInput {
  spec: RuntimeSpec;
  user: ResolvedUser;
  host: HostInfo;
  /** cgroupsPath for runc, e.g. `/dev-engine/<id>`. */
  cgroupsPath: string;
  /** Host paths of the files written for the container, by container path. */
  providedFiles: Record<string, string>;
  /** Host path of the init binary (when `spec.init`). */
  initPath?: string;
  /** Device nodes to create (the user's, plus the host's for privileged containers). */
  devices: ResolvedDevice[];
  /** Host path of the shared /dev/shm, for `ipc: shareable`. */
  shmPath?: string;
}

export interface BuiltOciSpec {
  spec: OciSpec;
  /** Things adjusted to what the host can do (capped ulimits, dropped swap limit). */
  warnings: string[];
}

/** Builds the OCI config; invalid input throws RuntimeSpecError. */
export function buildOciSpec(input: BuildOciSpecInput): BuiltOciSpec {
  const { spec, host } = input;
  const privileged = spec.privileged === true;
  if (spec.process.args.length === 0) throw new RuntimeSpecError('process.args', 'no command to run');
  if (spec.init && !input.initPath)
    throw new RuntimeSpecError('init', 'init requested but no init binary given');
  if (spec.process.cwd && !spec.process.cwd.startsWith('/')) {
    throw new RuntimeSpecError('process.cwd', `the working directory "${spec.process.cwd}" is not absolute`);
  }
  for (const m of spec.mounts ?? []) {
    if (!m.target.startsWith('/'))
      throw new RuntimeSpecError('mounts', `mount target "${m.target}" is not absolute`);
    if (m.kind === 'bind' && !m.source.startsWith('/')) {
      throw new RuntimeSpecError('mounts', `bind source "${m.source}" is not an absolute host path`);
    }
  }
  const oomScoreAdj = spec.resources?.oomScoreAdj;
  if (oomScoreAdj !== undefined && (oomScoreAdj < -1000 || oomScoreAdj > 1000)) {
    throw new RuntimeSpecError('resources.oomScoreAdj', 'must be -1000 to 1000');
  }

  const capabilities = resolveCapabilities({
    capAdd: spec.capAdd,
    capDrop: spec.capDrop,
    privileged,
    available: hostCapabilities(host),
  });
  const limits = buildLimits({
    resources: spec.resources,
    ulimits: spec.ulimits,
    devices: input.devices,
    privileged,
    host,
  });
  const utsPrivate = (spec.namespaces?.uts ?? 'private') === 'private';
  const hostname = utsPrivate ? (spec.hostname ?? spec.id.slice(0, 12)) : undefined;
  const tty = spec.process.tty === true;

  const oci: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: tty,
      ...(tty && spec.process.consoleSize ? { consoleSize: spec.process.consoleSize } : {}),
      user: {
        uid: input.user.uid,
        gid: input.user.gid,
        ...(input.user.additionalGids.length > 0 ? { additionalGids: input.user.additionalGids } : {}),
        ...(spec.process.umask !== undefined ? { umask: spec.process.umask } : {}),
      },
      args: spec.init ? [INIT_TARGET, '--', ...spec.process.args] : [...spec.process.args],
      env: buildEnv(spec, input.user, hostname),
      cwd: spec.process.cwd || '/',
      capabilities: capabilitiesOf(capabilities),
      ...(limits.rlimits.length > 0 ? { rlimits: limits.rlimits } : {}),
      noNewPrivileges: spec.process.noNewPrivileges === true,
      ...(oomScoreAdj !== undefined ? { oomScoreAdj } : {}),
    },
    root: { path: spec.rootfs, readonly: spec.readonlyRootfs === true },
    ...(hostname !== undefined ? { hostname } : {}),
    ...(utsPrivate && spec.domainname ? { domainname: spec.domainname } : {}),
    mounts: buildMounts({
      spec,
      providedFiles: input.providedFiles,
      ...(input.initPath ? { initPath: input.initPath } : {}),
      ...(input.shmPath ? { shmPath: input.shmPath } : {}),
    }),
    linux: {
      namespaces: buildNamespaces({ namespaces: spec.namespaces, cgroupVersion: host.cgroup.version }),
      resources: limits.resources,
      cgroupsPath: input.cgroupsPath,
      maskedPaths: privileged ? [] : [...(spec.maskedPaths ?? DEFAULT_MASKED_PATHS)],
      readonlyPaths: privileged ? [] : [...(spec.readonlyPaths ?? DEFAULT_READONLY_PATHS)],
    },
  };
  const sysctl = checkSysctls(spec.sysctls, spec.namespaces);
  if (sysctl) oci.linux.sysctl = sysctl;
  const seccomp = seccompFor(spec, capabilities, host.arch);
  if (seccomp) oci.linux.seccomp = seccomp;
  if (limits.devices.length > 0) oci.linux.devices = limits.devices;
  const propagation = rootfsPropagationFor(spec.mounts);
  if (propagation) oci.linux.rootfsPropagation = propagation;
  if (spec.annotations && Object.keys(spec.annotations).length > 0) oci.annotations = { ...spec.annotations };
  return { spec: oci, warnings: limits.warnings };
}

/** The OCI capability sets for a list: bounding, effective and permitted; none inherited (as Docker since 23). */
export function capabilitiesOf(capabilities: string[]): OciCapabilities {
  return {
    bounding: capabilities,
    effective: capabilities,
    permitted: capabilities,
    inheritable: [],
    ambient: [],
  };
}

function seccompFor(spec: RuntimeSpec, capabilities: string[], arch: string): OciSeccomp | undefined {
  const choice = spec.seccomp ?? 'default';
  // Privileged containers run unconfined, as in Docker.
  if (spec.privileged || choice === 'unconfined') return undefined;
  if (choice === 'default') return defaultSeccompProfile({ capabilities, arch });
  return choice as OciSeccomp;
}

function buildEnv(spec: RuntimeSpec, user: ResolvedUser, hostname: string | undefined): string[] {
  const env = [...(spec.process.env ?? [])];
  const has = (name: string) => env.some((e) => e.startsWith(`${name}=`));
  const defaults: string[] = [];
  if (!has('PATH')) defaults.push(`PATH=${DEFAULT_PATH}`);
  if (hostname !== undefined && !has('HOSTNAME')) defaults.push(`HOSTNAME=${hostname}`);
  if (spec.process.tty && !has('TERM')) defaults.push('TERM=xterm');
  if (!has('HOME')) defaults.push(`HOME=${user.home}`);
  return [...defaults, ...env];
}
