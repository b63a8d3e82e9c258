/**
 * What the container part keeps per container (`<root>/containers/<id>/container.json`) and the
 * Docker API shapes it takes in. The API's Config and HostConfig are kept as Docker stores them
 * (config.v2.json, hostconfig.json), so inspect shows what was asked for, merged with the image.
 */
import type { ContainerConfig, HealthConfig } from '../images/image-types.js';

/** Docker's zero time, shown for times that never happened. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `HostConfig` as the API sends it; fields the engine reads are typed, the rest kept as given. */
export interface HostConfig {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  AutoRemove?: boolean;
  Mounts?: ApiMount[] | null;
  Tmpfs?: Record<string, string> | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  Init?: boolean | null;
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string> | null;
  ExtraHosts?: string[] | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  SecurityOpt?: string[] | null;
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  LogConfig?: { Type?: string; Config?: Record<string, string> | null };
  GroupAdd?: string[] | null;
  OomScoreAdj?: number;
  Ulimits?: { Name: string; Soft: number; Hard: number }[] | null;
  Devices?: { PathOnHost: string; PathInContainer?: string; CgroupPermissions?: string }[] | null;
  ConsoleSize?: [number, number] | number[] | null;
  CgroupParent?: string;
  VolumesFrom?: string[] | null;
  Links?: string[] | null;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number | null;
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  OomKillDisable?: boolean | null;
  [key: string]: unknown;
}

/** One entry of `HostConfig.Mounts` (the Mount API). */
export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** An endpoint as asked for (`NetworkingConfig.EndpointsConfig[name]`, `network connect`). */
export interface EndpointRequest {
  Aliases?: string[] | null;
  Links?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  MacAddress?: string;
  NetworkID?: string;
  DriverOpts?: Record<string, string> | null;
}

/** `POST /containers/create`: the container config plus HostConfig and NetworkingConfig. */
export interface CreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointRequest> | null } | null;
}

/** A mount of a container, resolved at create (volume names chosen, bind sources checked). */
export interface MountRecord {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind), volume name (volume), empty (tmpfs). */
  source: string;
  destination: string;
  readOnly: boolean;
  /** As written in a bind string (`ro`, `z`, `rw,rshared`), shown as `Mode`. */
  mode: string;
  propagation: string;
  /** Volumes: created for this container without a name. */
  anonymous?: boolean;
  /** Volumes: do not copy the image's content in on first use. */
  noCopy?: boolean;
  tmpfs?: { size?: number; mode?: number; options?: string[] };
  /** Came from `HostConfig.Mounts` (shown there) rather than Binds, Tmpfs or the image. */
  fromMountApi?: boolean;
}

/** One health probe's result, as inspect shows it. */
export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthRecord {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** The container's state as last recorded (the runtime's view wins for liveness). */
export interface StateRecord {
  /** The daemon last knew it running (or paused): an exit found at recovery happened while it was down. */
  running: boolean;
  paused: boolean;
  /** Waiting to be started again by its restart policy. */
  restarting: boolean;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  /** Stopped or killed through the API: restart policies (but `always` at daemon start in Docker) leave it alone. */
  manuallyStopped: boolean;
  health?: HealthRecord;
}

/** Everything persisted about one container. */
export interface ContainerRecord {
  version: 1;
  id: string;
  /** Without the leading `/`. */
  name: string;
  created: string;
  /** Image id (`sha256:...`). */
  image: string;
  /** Path and Args: the entrypoint and command the container runs. */
  path: string;
  args: string[];
  config: ContainerConfig & { Healthcheck?: HealthConfig };
  hostConfig: HostConfig;
  /** Networks to join, by name, in the order they were given (NetworkMode's first at start). */
  networks: Record<string, EndpointRequest>;
  mounts: MountRecord[];
  state: StateRecord;
  /** A removal began: a daemon restarted midway finishes it. */
  removing?: { volumes: boolean };
  /** Digest of the RuntimeSpec the runtime holds for it: a different one is made anew at start. */
  runtimeSpecDigest?: string;
}
