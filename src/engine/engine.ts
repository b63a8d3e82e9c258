/**
 * The Engine contract: everything dev asks of a container engine, in dev's own model types.
 * Implemented once over the Docker Engine API (docker-api/), which serves dockerd, Podman,
 * Colima, remote DOCKER_HOSTs and dev's bundled engine alike. Long operations report progress
 * through a callback and resolve when done; failures are EngineError subclasses.
 */
import type { BuildConfig } from '../model/build.js';
import { DevError, type DevErrorOptions } from '../model/errors.js';
import type { ObservedContainer, ObservedState } from '../model/observed.js';
import type { ServiceConfig } from '../model/service.js';

/** Which engine answered, and how it was found. */
export interface EngineInfo {
  /** `docker`, `podman`, `bundled`, or `unknown`. */
  kind: 'docker' | 'podman' | 'bundled' | 'unknown';
  /** Where it answers: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  endpoint: string;
  /** How it was chosen: `DOCKER_HOST`, `docker context "x"`, `default socket`, … */
  source: string;
  /** Negotiated API version, e.g. `1.41`. */
  apiVersion: string;
  /** Engine version, e.g. `20.10.24`. */
  version: string;
  os: string;
  arch: string;
}

/** One line of a progress stream (pull, push, build). */
export interface ProgressEvent {
  /** Layer or step id, when the engine gives one. */
  id?: string;
  /** `Downloading`, `Step 2/5 : RUN make`, … */
  status: string;
  /** Bytes done/total, when known. */
  current?: number;
  total?: number;
}

export type OnProgress = (event: ProgressEvent) => void;

/** A network to attach a container to, by engine name. */
export interface ContainerNetworkAttachment {
  /** Engine network name (`proj_default`), or a network mode (`host`, `none`, `container:<id>`). */
  name: string;
  aliases?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  macAddress?: string;
  linkLocalIps?: string[];
  driverOpts?: Record<string, string>;
  priority?: number;
}

/** A mount resolved to engine names and host paths. */
export interface ContainerMount {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'image';
  /** Host path (bind), engine volume name (volume), image (image); absent for tmpfs and anonymous volumes. */
  source?: string;
  target: string;
  readOnly?: boolean;
  consistency?: string;
  bind?: { propagation?: string; createHostPath?: boolean; selinux?: 'z' | 'Z' };
  volume?: { noCopy?: boolean; subpath?: string; labels?: Record<string, string> };
  tmpfs?: { size?: number; mode?: number };
}

/** A file written into a container before it starts. */
export interface ContainerFile {
  /** Absolute path in the container. */
  target: string;
  content: string;
  /** Default 0o444. */
  mode?: number;
  uid?: number;
  gid?: number;
}

/** Everything needed to create one container of a service. */
export interface ContainerSpec {
  /** Container name: `<project>-<service>-<n>` or `container_name`. */
  name: string;
  project: string;
  service: string;
  /** The normalised service, as the compose files say. */
  config: ServiceConfig;
  /** Image reference to create from (the service's image, or the built tag). */
  image: string;
  labels: Record<string, string>;
  /** Networks in priority order; the first is attached at create time. */
  networks: ContainerNetworkAttachment[];
  /** Service volumes, secrets and configs, resolved to engine names and host paths. */
  mounts: ContainerMount[];
  /** `network_mode`, `ipc`, `pid`, `volumes_from` with `service:x` resolved to container ids/names. */
  networkMode?: string;
  ipcMode?: string;
  pidMode?: string;
  volumesFrom?: string[];
  /** `links` and `external_links` resolved to `container:alias` entries. */
  links?: string[];
  /**
   * Secrets and configs whose content is not a file (`content`, `environment`): written into the
   * container after create and before start, as Compose injects them.
   */
  files?: ContainerFile[];
  /** A container this one replaces: its anonymous volumes are reused at the same targets, as Compose does. */
  inheritVolumesFrom?: string;
  /** `dev run` overrides. */
  overrides?: {
    command?: string[];
    entrypoint?: string[];
    environment?: Record<string, string>;
    tty?: boolean;
    stdinOpen?: boolean;
    user?: string;
    workingDir?: string;
    /** false: do not publish ports (`run` without `--service-ports`). */
    publishPorts?: boolean;
    autoRemove?: boolean;
  };
}

/** The streams `attach` connects, and when it tells that the attachment holds. */
export interface AttachStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  tty: boolean;
  onAttached?: () => void;
}

/**
 * Networks and volumes a project names (external ones, and ones with a fixed `name:`): observe
 * looks them up by name too, since they may carry no project label.
 */
export interface ResourceNames {
  networks?: string[];
  volumes?: string[];
}

/** A file or directory in a container, as the archive API describes it. */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits: the directory bit is 1 << 31. */
  mode: number;
  mtime: string;
  linkTarget: string;
  isDirectory: boolean;
}

/** What `inspectContainer` tells beyond the observed summary. */
export interface ContainerDetails extends Omit<ObservedContainer, 'ports'> {
  startedAt?: string;
  finishedAt?: string;
  /** Last health-check results, newest last. */
  healthLog?: { exitCode: number; output: string; end: string }[];
  restartCount: number;
  /** Published ports: `8080/tcp` → host bindings. */
  ports: Record<string, { hostIp: string; hostPort: string }[]>;
  /** Network name → IP address and aliases. */
  networks: Record<string, { ipAddress: string; aliases: string[] }>;
  /** Process id of PID 1 on the host, when running. */
  pid?: number;
  stopSignal?: string;
  /** OOMKilled flag. */
  oomKilled: boolean;
}

export interface BuildSpec {
  /** Image tag to give the result. */
  tag: string;
  build: BuildConfig;
  labels?: Record<string, string>;
  /** `--pull`: always pull base images. */
  pull?: boolean;
  noCache?: boolean;
}

export interface LogOptions {
  follow?: boolean;
  timestamps?: boolean;
  /** Number of lines from the end, or `all`. */
  tail?: number | 'all';
  /** Unix seconds or RFC 3339. */
  since?: string;
  until?: string;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** One line, without the newline. */
  text: string;
  /** RFC 3339, when asked for. */
  timestamp?: string;
}

export interface ExecSpec {
  command: string[];
  user?: string;
  workingDir?: string;
  environment?: Record<string, string>;
  tty?: boolean;
  privileged?: boolean;
  /** Streams to attach; absent ones are not attached. */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** Unix nanoseconds. */
  time: number;
}

export interface ContainerFilter {
  /** `key=value` or `key`. */
  labels?: string[];
  names?: string[];
  all?: boolean;
}

/** The contract. Names and ids are interchangeable where the Docker API allows it. */
export interface Engine {
  readonly info: EngineInfo;

  /** One snapshot of the project's containers, networks and volumes (by label), and of `images`. */
  observe(project: string, images: string[], names?: ResourceNames): Promise<ObservedState>;

  // images
  inspectImage(ref: string): Promise<{ id: string; labels: Record<string, string> } | undefined>;
  pullImage(ref: string, onProgress?: OnProgress): Promise<void>;
  buildImage(spec: BuildSpec, onProgress?: OnProgress): Promise<string>;
  pushImage(ref: string, onProgress?: OnProgress): Promise<void>;
  removeImage(ref: string, force?: boolean): Promise<void>;
  tagImage(source: string, target: string): Promise<void>;
  listImages(labels?: string[]): Promise<{ id: string; tags: string[]; size: number; created: number }[]>;

  // networks and volumes
  createNetwork(name: string, config: NetworkCreateSpec): Promise<string>;
  removeNetwork(name: string): Promise<void>;
  connectNetwork(network: string, container: string, attachment: ContainerNetworkAttachment): Promise<void>;
  disconnectNetwork(network: string, container: string, force?: boolean): Promise<void>;
  createVolume(name: string, config: VolumeCreateSpec): Promise<void>;
  removeVolume(name: string, force?: boolean): Promise<void>;

  // containers
  listContainers(filter: ContainerFilter): Promise<ObservedContainer[]>;
  createContainer(spec: ContainerSpec): Promise<string>;
  inspectContainer(id: string): Promise<ContainerDetails | undefined>;
  startContainer(id: string): Promise<void>;
  /** `timeout` seconds before SIGKILL; undefined: the container's own stop timeout. */
  stopContainer(id: string, timeout?: number): Promise<void>;
  restartContainer(id: string, timeout?: number): Promise<void>;
  killContainer(id: string, signal?: string): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Resolves with the exit code once the container is not running. */
  waitContainer(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<number>;
  logs(id: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogLine>;
  /** Runs a command in a running container; resolves with its exit code. */
  exec(id: string, spec: ExecSpec): Promise<number>;
  /**
   * Attaches stdio to a container until it exits or `signal` aborts. A created container can be
   * attached before it starts (`run`): `onAttached` says when the attachment holds, so that the
   * caller starts it then and misses no output.
   */
  attach(id: string, streams: AttachStreams, signal?: AbortSignal): Promise<void>;
  /** What is at `path` in the container; undefined when nothing is. */
  statPath(id: string, path: string): Promise<PathStat | undefined>;
  /** A tar stream of `path` in the container. */
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream>;
  /** Extracts a tar stream into `path` (a directory) in the container. */
  putArchive(id: string, path: string, tar: NodeJS.ReadableStream | Buffer): Promise<void>;
  /** `ps` inside the container: titles and rows. */
  top(id: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }>;
  /** Engine events matching `labels`, until `signal` aborts. */
  events(
    filters: { labels?: string[]; since?: string; until?: string },
    signal?: AbortSignal,
  ): AsyncIterable<EngineEvent>;
}

export interface NetworkCreateSpec {
  driver?: string;
  driverOpts?: Record<string, string>;
  internal?: boolean;
  attachable?: boolean;
  enableIpv6?: boolean;
  ipam?: {
    driver?: string;
    config?: { subnet?: string; gateway?: string; ipRange?: string; auxAddresses?: Record<string, string> }[];
    options?: Record<string, string>;
  };
  labels: Record<string, string>;
}

export interface VolumeCreateSpec {
  driver?: string;
  driverOpts?: Record<string, string>;
  labels: Record<string, string>;
}

/** An engine operation that failed: what was done to which resource, and why. */
export class EngineError extends DevError {
  readonly operation: string;
  readonly resource: string;
  readonly status: number | undefined;

  constructor(
    code: string,
    operation: string,
    resource: string,
    message: string,
    options: DevErrorOptions & { status?: number } = {},
  ) {
    super(code, `${operation} ${resource}: ${message}`, options);
    this.name = 'EngineError';
    this.operation = operation;
    this.resource = resource;
    this.status = options.status;
  }
}

/** 404: the resource does not exist. */
export class NotFoundError extends EngineError {
  constructor(operation: string, resource: string, message: string, options: DevErrorOptions = {}) {
    super('ENGINE_NOT_FOUND', operation, resource, message, { ...options, status: 404 });
    this.name = 'NotFoundError';
  }
}

/** 409: a name is taken, or the resource is in use. */
export class ConflictError extends EngineError {
  constructor(operation: string, resource: string, message: string, options: DevErrorOptions = {}) {
    super('ENGINE_CONFLICT', operation, resource, message, { ...options, status: 409 });
    this.name = 'ConflictError';
  }
}

/** No engine answered: what was tried, each with why it failed. */
export class EngineUnavailableError extends DevError {
  readonly attempts: { source: string; endpoint: string; error: string }[];

  constructor(
    attempts: { source: string; endpoint: string; error: string }[],
    options: DevErrorOptions = {},
  ) {
    const tried = attempts.map((a) => `${a.source} (${a.endpoint}): ${a.error}`).join('; ');
    super('ENGINE_UNAVAILABLE', `no container engine answered; tried ${tried || 'nothing'}`, {
      hint:
        options.hint ??
        'start Docker (or Podman), set DOCKER_HOST, or run dev as root to use its bundled engine',
      cause: options.cause,
    });
    this.name = 'EngineUnavailableError';
    this.attempts = attempts;
  }
}

/** The engine at a known endpoint could not be reached: no socket, connection refused, TLS or ssh failure. */
export class EngineConnectionError extends DevError {
  readonly endpoint: string;
  readonly reason: string;

  constructor(endpoint: string, reason: string, options: DevErrorOptions = {}) {
    super('ENGINE_CONNECTION', `cannot connect to the engine at ${endpoint}: ${reason}`, {
      hint: options.hint ?? 'is the engine running? check DOCKER_HOST, the docker context, or --engine',
      cause: options.cause,
    });
    this.name = 'EngineConnectionError';
    this.endpoint = endpoint;
    this.reason = reason;
  }
}
