/**
 * The bodies of GET /version and GET /info, in dockerd 20.10's shapes (the docker CLI prints
 * them field by field; docker-py and dev read a few). Host facts that cost a process (the
 * runtime's version) are read once per daemon.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname, machine, release } from 'node:os';
import { basename, join } from 'node:path';
import type { DaemonContext } from '../daemon-context.js';
import { hostPlatform } from '../images/platform.js';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';

/** `Platform.Name` of /version: dev's client recognises its own engine by the leading `dev`. */
export const PLATFORM_NAME = 'dev engine';

/** Facts read once per daemon. */
export interface HostFacts {
  /** The OCI runtime's name, path and version line (`1.1.5`). */
  runtime: { name: string; path: string; version: string } | undefined;
  conmonVersion: string | undefined;
  os: { pretty: string; version: string };
  backingFs: string;
  engineId: string;
}

/** Reads (once) what the answers need from the host; `root` holds the engine's stable id. */
export function hostFacts(ctx: DaemonContext): () => Promise<HostFacts> {
  let facts: Promise<HostFacts> | undefined;
  return () => {
    facts ??= (async () => {
      const oci = ctx.runtime.ociRuntime;
      const [runtimeVersion, conmonVersion] = await Promise.all([
        oci ? versionOf(oci.path) : Promise.resolve(undefined),
        ctx.runtime.conmonPath ? versionOf(ctx.runtime.conmonPath) : Promise.resolve(undefined),
      ]);
      return {
        runtime: oci
          ? { name: basename(oci.path), path: oci.path, version: runtimeVersion ?? '' }
          : undefined,
        conmonVersion,
        os: osRelease(),
        backingFs: backingFilesystem(ctx.root),
        engineId: engineId(ctx.root),
      };
    })();
    return facts;
  };
}

/** GET /version. */
export function versionBody(ctx: DaemonContext, facts: HostFacts): Record<string, unknown> {
  const arch = hostPlatform().architecture;
  const components: Record<string, unknown>[] = [
    {
      Name: 'Engine',
      Version: ctx.version,
      Details: {
        ApiVersion: ctx.apiVersion,
        Arch: arch,
        BuildTime: '',
        Experimental: 'false',
        GitCommit: '',
        GoVersion: `node ${process.version}`,
        KernelVersion: release(),
        MinAPIVersion: ctx.minApiVersion,
        Os: 'linux',
      },
    },
  ];
  if (facts.runtime)
    components.push({ Name: facts.runtime.name, Version: facts.runtime.version, Details: { GitCommit: '' } });
  if (facts.conmonVersion) components.push({ Name: 'conmon', Version: facts.conmonVersion, Details: {} });
  return {
    Platform: { Name: PLATFORM_NAME },
    Components: components,
    Version: ctx.version,
    ApiVersion: ctx.apiVersion,
    MinAPIVersion: ctx.minApiVersion,
    GitCommit: '',
    GoVersion: `node ${process.version}`,
    Os: 'linux',
    Arch: arch,
    KernelVersion: release(),
    BuildTime: '',
  };
}

/** Container counts by state, for /info. */
export function containerCounts(ctx: DaemonContext): { total: number; running: number; paused: number } {
  const summaries = ctx.containers.summaries();
  const paused = new Set(
    ctx.runtime
      .list()
      .filter((s) => s.status === 'paused')
      .map((s) => s.id),
  );
  let running = 0;
  let pausedCount = 0;
  for (const c of summaries) {
    if (paused.has(c.id)) pausedCount++;
    else if (c.running) running++;
  }
  return { total: summaries.length, running, paused: pausedCount };
}

/** GET /info. `listeners`: open /events streams. */
export function infoBody(ctx: DaemonContext, facts: HostFacts, listeners: number): Record<string, unknown> {
  const host = ctx.runtime.host;
  const counts = containerCounts(ctx);
  const v1 = host.cgroup.version === 1;
  const controllers = host.cgroup.controllers;
  const warnings: string[] = [];
  if (!host.swapLimit) warnings.push('WARNING: No swap limit support');
  if (!readFlag('/proc/sys/net/bridge/bridge-nf-call-iptables'))
    warnings.push('WARNING: bridge-nf-call-iptables is disabled');
  const runtimeName = facts.runtime?.name ?? 'runc';
  const env = process.env;
  return {
    ID: facts.engineId,
    Containers: counts.total,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.total - counts.running - counts.paused,
    Images: ctx.images.store.list().length,
    Driver: 'overlay2',
    DriverStatus: [
      ['Backing Filesystem', facts.backingFs],
      ['Supports d_type', 'true'],
      ['Native Overlay Diff', 'true'],
      ['userxattr', 'false'],
    ],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'null'],
      Authorization: null,
      // conmon writes the logs; clients gate `logs` on a driver they know to be readable
      Log: ['json-file'],
    },
    MemoryLimit: v1 ? 'memory' in controllers : true,
    SwapLimit: host.swapLimit,
    KernelMemory: false,
    KernelMemoryTCP: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: v1 ? 'cpuset' in controllers : true,
    PidsLimit: v1 ? 'pids' in controllers : true,
    IPv4Forwarding: readFlag('/proc/sys/net/ipv4/ip_forward'),
    BridgeNfIptables: readFlag('/proc/sys/net/bridge/bridge-nf-call-iptables'),
    BridgeNfIp6tables: readFlag('/proc/sys/net/bridge/bridge-nf-call-ip6tables'),
    Debug: false,
    NFd: countEntries('/proc/self/fd'),
    OomKillDisable: v1,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: String(host.cgroup.version),
    NEventsListener: listeners,
    KernelVersion: release(),
    OperatingSystem: facts.os.pretty,
    OSVersion: facts.os.version,
    OSType: 'linux',
    Architecture: machine(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: [],
      AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
      Mirrors: [],
    },
    NCPU: host.onlineCpus,
    MemTotal: host.memTotal,
    GenericResources: null,
    DockerRootDir: ctx.root,
    HttpProxy: env.HTTP_PROXY ?? env.http_proxy ?? '',
    HttpsProxy: env.HTTPS_PROXY ?? env.https_proxy ?? '',
    NoProxy: env.NO_PROXY ?? env.no_proxy ?? '',
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ctx.version,
    Runtimes: { [runtimeName]: { path: facts.runtime?.path ?? runtimeName } },
    DefaultRuntime: runtimeName,
    Swarm: {
      NodeID: '',
      NodeAddr: '',
      LocalNodeState: 'inactive',
      ControlAvailable: false,
      Error: '',
      RemoteManagers: null,
    },
    // containers outlive the daemon: what dockerd calls live restore
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: 'docker-init',
    ContainerdCommit: { ID: '', Expected: '' },
    RuncCommit: { ID: facts.runtime?.version ?? '', Expected: facts.runtime?.version ?? '' },
    InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=default', ...(v1 ? [] : ['name=cgroupns'])],
    Warnings: warnings.length > 0 ? warnings : null,
  };
}

/** The engine's id, made once and kept in `<root>/engine-id.json`. */
export function engineId(root: string): string {
  const path = join(root, 'engine-id.json');
  const stored = readJson<{ id?: string }>(path)?.id;
  if (stored) return stored;
  const id = randomUUID();
  writeJsonAtomic(path, { id }, 0o644);
  return id;
}

function versionOf(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      // `runc version 1.1.5+ds1`, `conmon version 2.1.6`
      resolve(/version\s+(\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]?.trim());
    });
  });
}

function osRelease(): { pretty: string; version: string } {
  let text = '';
  try {
    text = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return { pretty: 'Linux', version: '' };
  }
  const field = (name: string) =>
    new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1]?.replace(/^"(.*)"$/, '$1') ?? '';
  return { pretty: field('PRETTY_NAME') || 'Linux', version: field('VERSION_ID') };
}

/** The file system type under `dir` (the longest mount point above it), as dockerd names it. */
function backingFilesystem(dir: string): string {
  let best = { point: '', type: 'unknown' };
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const fields = line.split(' ');
      const dash = fields.indexOf('-');
      const point = fields[4]?.replace(/\\040/g, ' ');
      const type = fields[dash + 1];
      if (dash < 0 || !point || !type) continue;
      const under = point === '/' || dir === point || dir.startsWith(`${point}/`);
      if (under && point.length >= best.point.length) best = { point, type };
    }
  } catch {
    // no /proc: keep unknown
  }
  return best.type.startsWith('ext') ? 'extfs' : best.type;
}

function readFlag(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

function countEntries(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}
