/**
 * What the API layer asks the runtime to run: one container, in the runtime's own terms (not
 * Docker's create body, not the OCI config). The runtime turns it into an OCI bundle.
 * Sizes are bytes, times seconds, unless a field says otherwise.
 */

/** The container's main process. */
export interface ProcessSpec {
  /** argv; the first element is looked up on PATH by the OCI runtime. Must not be empty. */
  args: string[];
  /** `KEY=value` entries. PATH, HOSTNAME, HOME (and TERM with a tty) are added when missing. */
  env?: string[];
  /** Working directory inside the container; default `/`. */
  cwd?: string;
  /**
   * `uid`, `uid:gid`, `name`, `name:group` (names resolved from the rootfs /etc/passwd and
   * /etc/group); empty or absent means root.
   */
  user?: string;
  /** Supplementary groups, by name or number, on top of the user's groups from /etc/group. */
  groupAdd?: string[];
  tty?: boolean;
  /** Keep a stdin pipe open for attach (`docker run -i`). */
  openStdin?: boolean;
  /** Close stdin when the first attached client detaches (Docker's StdinOnce). */
  stdinOnce?: boolean;
  noNewPrivileges?: boolean;
  /** Initial terminal size, with `tty`. */
  consoleSize?: { height: number; width: number };
  /** Umask of the process, e.g. 0o022. */
  umask?: number;
}

export type Propagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';

/** A host directory or file (bind mounts and volumes alike) or a tmpfs. */
export type MountSpec =
  | {
      kind: 'bind';
      /** Absolute host path; volumes arrive here as their host directory. */
      source: string;
      target: string;
      readOnly?: boolean;
      /** Default `rprivate`. */
      propagation?: Propagation;
      /** Default true (`rbind`); false binds only the top mount. */
      recursive?: boolean;
    }
  | {
      kind: 'tmpfs';
      target: string;
      /** Bytes; absent means the kernel default (half of RAM). */
      size?: number;
      /** File mode of the tmpfs root, e.g. 0o1777. */
      mode?: number;
      readOnly?: boolean;
      /** Extra mount options (`exec`, `uid=1000`); default `nosuid,nodev,noexec`. */
      options?: string[];
    };

/** Files the runtime writes into the container directory and bind-mounts over the image's. */
export interface ProvidedFiles {
  /** /etc/hosts; default: localhost entries and the hostname. */
  hosts?: string;
  /** /etc/resolv.conf; absent means the image's own file is left alone. */
  resolvConf?: string;
  /** /etc/hostname; default: the hostname and a newline. */
  hostname?: string;
}

/** `new`: a fresh network namespace (loopback only); `path`: join one (from the network part). */
export type NetworkNamespace = { kind: 'new' } | { kind: 'path'; path: string } | { kind: 'host' };

/**
 * `container`: join another container's namespace, by its init pid or a namespace path. For
 * IPC, `shmPath` (the other container's ContainerState.shmPath, when it is shareable) shares
 * its /dev/shm too.
 */
export type JoinNamespace = { kind: 'container'; pid?: number; path?: string; shmPath?: string };

export type IpcNamespace = { kind: 'private' } | { kind: 'shareable' } | { kind: 'host' } | JoinNamespace;

export type PidNamespace = { kind: 'private' } | { kind: 'host' } | JoinNamespace;

export interface NamespacesSpec {
  network?: NetworkNamespace;
  ipc?: IpcNamespace;
  pid?: PidNamespace;
  uts?: 'private' | 'host';
}

export interface ResourcesSpec {
  /** Hard memory limit. */
  memory?: number;
  memoryReservation?: number;
  /** Memory plus swap, as Docker's MemorySwap: -1 unlimited; absent with `memory` means twice `memory`. */
  memorySwap?: number;
  memorySwappiness?: number;
  /** CPUs in units of 1e-9 (Docker's NanoCpus); mutually exclusive with cpuQuota. */
  nanoCpus?: number;
  cpuShares?: number;
  /** Microseconds per period. */
  cpuQuota?: number;
  cpuPeriod?: number;
  /** `0-3`, `0,2`. */
  cpusetCpus?: string;
  cpusetMems?: string;
  /** Maximum number of tasks; 0 or -1 means unlimited. */
  pidsLimit?: number;
  /** 10 to 1000. */
  blkioWeight?: number;
  /** -1000 to 1000. */
  oomScoreAdj?: number;
  oomKillDisable?: boolean;
}

/** A resource limit by its ulimit name (`nofile`, `nproc`, `core`, ...). */
export interface UlimitSpec {
  name: string;
  soft: number;
  hard: number;
}

/** A host device node to expose, e.g. `/dev/fuse`. */
export interface DeviceSpec {
  hostPath: string;
  /** Default: the host path. */
  containerPath?: string;
  /** Any of `rwm`; default `rwm`. */
  permissions?: string;
}

/** An OCI seccomp section, passed through unchanged. */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: { names: string[]; action: string; errnoRet?: number; args?: unknown[] }[];
  [key: string]: unknown;
}

/** One container, as the runtime runs it. */
export interface RuntimeSpec {
  /** Container id: 1 to 128 characters of `[A-Za-z0-9_-]`, starting alphanumeric (no dots: exit notices use them). */
  id: string;
  /** Absolute path of the root file system (a directory or an overlay mount from the images part). */
  rootfs: string;
  readonlyRootfs?: boolean;
  process: ProcessSpec;
  hostname?: string;
  domainname?: string;
  mounts?: MountSpec[];
  files?: ProvidedFiles;
  namespaces?: NamespacesSpec;
  /** Capability names with or without `CAP_`, any case; `ALL` allowed in both lists. */
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  resources?: ResourcesSpec;
  ulimits?: UlimitSpec[];
  sysctls?: Record<string, string>;
  devices?: DeviceSpec[];
  /** Replace the default masked paths (an empty list masks nothing). */
  maskedPaths?: string[];
  /** Replace the default read-only paths. */
  readonlyPaths?: string[];
  /** `default` (Docker-like allowlist), `unconfined`, or a profile of one's own. */
  seccomp?: 'default' | 'unconfined' | SeccompProfile;
  /** Run a small init as PID 1 that reaps zombies and forwards signals. */
  init?: boolean;
  /** Size of /dev/shm; default 64 MiB. */
  shmSize?: number;
  /** Signal `stop` sends first; default SIGTERM. */
  stopSignal?: string;
  /** Seconds `stop` waits before SIGKILL; default 10. */
  stopTimeout?: number;
  /** Truncate the log when it would grow past this many bytes (conmon's --log-size-max); default unbounded. */
  logSizeMax?: number;
  /** cgroup parent of this container (cgroupfs path, not a systemd slice); default the runtime's. */
  cgroupParent?: string;
  /** OCI annotations, e.g. labels the runtime should keep with the bundle. */
  annotations?: Record<string, string>;
}
