/**
 * Starting a container (the API's start, a restart policy's restart): its root file system
 * mounted, volumes mounted (filled from the image at create), the network sandbox set up,
 * the /etc files written, the runtime's bundle made (again only when the spec changed; the
 * log is carried over), attaches waiting for this start connected, then the process started.
 * A failure undoes the sandbox and mounts and records the error as dockerd does.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { ApiError, conflict } from '../api/api-error.js';
import type { NetworkAttachment, SandboxSpec } from '../network/network-types.js';
import { portRequestsFromBindings } from '../network/port-requests.js';
import type { JoinNamespace, RuntimeSpec } from '../runtime/index.js';
import { startFailure } from './api-errors.js';
import { buildRuntimeSpec } from './build-runtime-spec.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { handleExit } from './container-exit.js';
import { prepareHealthMonitor } from './container-health.js';
import { type ContainerFsView, resolveInContainer } from './container-paths.js';
import type { ContainerRecord } from './container-types.js';

/** Starts `live` (call under its lock); `api` marks a start through the API (resets restart counts). */
export async function startContainerNow(
  core: ContainerCore,
  live: LiveContainer,
  api: boolean,
): Promise<void> {
  await live.cleanup;
  const r = live.record;
  const { ctx } = core;
  if (live.removing) throw conflict(`removal of container ${r.id} is already in progress`);
  if (api) {
    r.state.manuallyStopped = false;
    r.state.restartCount = 0;
    core.restarts.forget(r.id);
  }
  const mountedVolumes: string[] = [];
  shareJoinedHostname(core, r);
  // The sandbox (two spawns) is set up while the root file system and volumes are mounted.
  const network = ctx.networks.setUpContainer(sandboxSpec(core, r));
  network.catch(() => {});
  let networkUp = false;
  try {
    const rootfs = await ctx.images.snapshots.mount(r.id);
    const volumePaths = new Map<string, string>();
    for (const m of r.mounts) {
      if (m.type !== 'volume') continue;
      const mounted = await ctx.volumes.mount(m.source, r.id);
      mountedVolumes.push(m.source);
      volumePaths.set(m.destination, mounted.path);
    }
    ensureWorkingDir(r, rootfs, volumePaths);
    const sandbox = await network;
    networkUp = true;
    for (const warning of sandbox.warnings) ctx.log(`container ${r.id.slice(0, 12)}: ${warning}`);
    core.store.writeEtcFiles(r.id, {
      hosts: sandbox.hosts,
      hostname: sandbox.hostnameFile,
      resolvConf: sandbox.resolvConf,
    });
    const spec = buildRuntimeSpec(r, {
      rootfs,
      volumePaths,
      netnsPath: sandbox.netnsPath,
      files: core.store.files(r.id),
      joins: joins(core, r),
    });
    await ensureRuntimeContainer(core, live, spec);
    for (const pending of [...live.pendingAttach]) {
      live.pendingAttach.delete(pending);
      pending.connect(ctx.runtime.attach(r.id, { ...pending.options, stream: true, nextRun: true }));
    }
    live.starting = true;
    let state: Awaited<ReturnType<typeof ctx.runtime.start>>;
    try {
      state = await ctx.runtime.start(r.id);
    } catch (error) {
      live.starting = false;
      live.deferredExit = undefined;
      throw error;
    }
    r.state = {
      ...r.state,
      running: true,
      paused: false,
      restarting: false,
      pid: state.pid ?? 0,
      error: '',
      oomKilled: false,
      startedAt: state.startedAt ?? core.now().toISOString(),
      finishedAt: r.state.finishedAt,
    };
    prepareHealthMonitor(core, live);
    core.save(live);
  } catch (error) {
    live.starting = false;
    // A sandbox set up while something else failed is taken down too.
    if (
      networkUp ||
      (await network.then(
        () => true,
        () => false,
      ))
    )
      await ctx.networks.tearDownContainer(r.id).catch(() => {});
    for (const name of mountedVolumes) await ctx.volumes.unmount(name, r.id).catch(() => {});
    const failure = startFailure(error);
    r.state = {
      ...r.state,
      running: false,
      restarting: false,
      error: failure.error.message,
      exitCode: failure.exitCode,
    };
    core.save(live);
    throw failure.error;
  }
  core.publish(live, 'start');
  live.starting = false;
  const exit = live.deferredExit;
  live.deferredExit = undefined;
  if (exit) handleExit(core, exit, core.exitHooks);
  else live.health?.start();
}

/** Makes the runtime's container for `spec` unless it holds one made from the same spec. */
async function ensureRuntimeContainer(
  core: ContainerCore,
  live: LiveContainer,
  spec: RuntimeSpec,
): Promise<void> {
  const { runtime } = core.ctx;
  const r = live.record;
  const digest = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  const files = core.store.files(r.id);
  if (core.runtimeState(live)) {
    if (r.runtimeSpecDigest === digest) return;
    // The log lives in the runtime's bundle: keep it while the bundle is made anew.
    const log = runtime.state(r.id).logPath;
    if (existsSync(log)) renameSync(log, files.keptLog);
    await runtime.delete(r.id, { force: true });
    live.inRuntime = false;
  }
  const created = await runtime.create(spec);
  live.inRuntime = true;
  for (const warning of created.warnings) core.ctx.log(`container ${r.id.slice(0, 12)}: ${warning}`);
  if (existsSync(files.keptLog)) renameSync(files.keptLog, runtime.state(r.id).logPath);
  // Saved with the state once the start is done (or failed): one fsync'd write fewer.
  r.runtimeSpecDigest = digest;
}

/**
 * A container joining another's network namespace (`container:x`, compose's `service:x`) takes
 * its host and domain name too, as dockerd does at start: both answer to the same name.
 */
function shareJoinedHostname(core: ContainerCore, r: ContainerRecord): void {
  const mode = r.hostConfig.NetworkMode ?? '';
  if (!mode.startsWith('container:')) return;
  const joined = core.get(mode.slice('container:'.length)).record.config;
  if (joined.Hostname) r.config.Hostname = joined.Hostname;
  if (joined.Domainname) r.config.Domainname = joined.Domainname;
  else delete r.config.Domainname;
}

/** The network part's view of the container. */
function sandboxSpec(core: ContainerCore, r: ContainerRecord): SandboxSpec {
  const h = r.hostConfig;
  let mode = h.NetworkMode || 'default';
  if (r.config.NetworkDisabled) mode = 'none';
  if (mode === 'default') mode = 'bridge';
  if (mode.startsWith('container:'))
    mode = `container:${core.get(mode.slice('container:'.length)).record.id}`;
  const attachments: NetworkAttachment[] = Object.entries(r.networks)
    .filter(([name]) => name !== 'host' && name !== 'none')
    .map(([name, e], i) => {
      // before API 1.44 the MAC address is the container's, for its first network
      const mac = e.MacAddress || (i === 0 ? r.config.MacAddress : undefined);
      return {
        network: name,
        ...(e.Aliases?.length ? { aliases: [...e.Aliases] } : {}),
        ...(e.IPAMConfig?.IPv4Address ? { ipv4Address: e.IPAMConfig.IPv4Address } : {}),
        ...(mac ? { macAddress: mac } : {}),
      };
    });
  const bindings = { ...(h.PortBindings ?? {}) };
  if (h.PublishAllPorts) for (const key of Object.keys(r.config.ExposedPorts ?? {})) bindings[key] ??= [{}];
  return {
    containerId: r.id,
    name: r.name,
    hostname: r.config.Hostname ?? '',
    ...(r.config.Domainname ? { domainname: r.config.Domainname } : {}),
    networkMode: mode,
    ...(attachments.length > 0 && !['host', 'none'].includes(mode) && !mode.startsWith('container:')
      ? { networks: attachments }
      : {}),
    ports: portRequestsFromBindings(bindings),
    ...(h.ExtraHosts?.length || h.Links?.length
      ? { extraHosts: [...(h.ExtraHosts ?? []), ...linkHosts(core, r)] }
      : {}),
    ...(h.Dns?.length ? { dns: [...h.Dns] } : {}),
    ...(h.DnsSearch?.length ? { dnsSearch: [...h.DnsSearch] } : {}),
    ...(h.DnsOptions?.length ? { dnsOptions: [...h.DnsOptions] } : {}),
  };
}

/**
 * Legacy links (`name:alias`, or dockerd's `/name:/this/alias`) as /etc/hosts entries for the
 * linked container's address; on user networks its name resolves by DNS anyway.
 */
function linkHosts(core: ContainerCore, r: ContainerRecord): string[] {
  const out: string[] = [];
  for (const link of r.hostConfig.Links ?? []) {
    const [target = '', alias = target] = link.split(':');
    let other: ReturnType<ContainerCore['get']>;
    try {
      other = core.get(target.replace(/^\//, ''));
    } catch {
      continue;
    }
    const settings = core.ctx.networks.networkSettings(other.record.id);
    const shared = Object.entries(settings?.Networks ?? {}).find(([name]) => r.networks[name] !== undefined);
    const ip = (shared ?? Object.entries(settings?.Networks ?? {})[0])?.[1].IPAddress;
    if (!ip) continue;
    for (const name of new Set([alias.split('/').pop() ?? alias, other.record.name]))
      out.push(`${name}:${ip}`);
  }
  return out;
}

/** `container:<ref>` pid and ipc modes: the other container must run. */
function joins(core: ContainerCore, r: ContainerRecord): { pid?: JoinNamespace; ipc?: JoinNamespace } {
  const out: { pid?: JoinNamespace; ipc?: JoinNamespace } = {};
  const join = (mode: string | undefined): JoinNamespace | undefined => {
    if (!mode?.startsWith('container:')) return undefined;
    const other = core.get(mode.slice('container:'.length));
    const state = core.runtimeState(other);
    if (!state?.pid)
      throw new ApiError(409, `cannot join namespaces of container ${other.record.name}: it is not running`);
    return { kind: 'container', pid: state.pid, ...(state.shmPath ? { shmPath: state.shmPath } : {}) };
  };
  const pid = join(r.hostConfig.PidMode);
  if (pid) out.pid = pid;
  const ipc = join(r.hostConfig.IpcMode);
  if (ipc) out.ipc = ipc;
  return out;
}

/** dockerd creates a missing working directory before the process starts. */
function ensureWorkingDir(r: ContainerRecord, rootfs: string, volumePaths: Map<string, string>): void {
  const dir = r.config.WorkingDir;
  if (!dir || dir === '/') return;
  const view: ContainerFsView = {
    root: rootfs,
    mounts: r.mounts.flatMap((m) => {
      const source =
        m.type === 'volume' ? volumePaths.get(m.destination) : m.type === 'bind' ? m.source : undefined;
      return source ? [{ target: m.destination, source, readOnly: m.readOnly }] : [];
    }),
  };
  try {
    const resolved = resolveInContainer(view, dir, true);
    if (!existsSync(resolved.host)) mkdirSync(resolved.host, { recursive: true, mode: 0o755 });
  } catch {
    // the runtime reports a working directory it cannot use
  }
}

/** Removes the kept log of a container whose runtime bundle will not come back. */
export function dropKeptLog(core: ContainerCore, id: string): void {
  rmSync(core.store.files(id).keptLog, { force: true });
}
