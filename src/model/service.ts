/**
 * One normalised service, in the long forms `docker compose config` prints. Durations are
 * Go-style strings (`1m30s`), byte sizes are numbers of bytes, mappings are objects.
 */
import type { BuildConfig } from './build.js';
import type { DeployConfig, DeviceRequest } from './deploy.js';
import type { DevelopConfig, ServiceHook } from './develop.js';
import type { Extensions, Mapping } from './project.js';

/** A service definition. Absent fields were absent (or empty/false) in the compose file. */
export interface ServiceConfig extends Extensions {
  profiles?: string[];
  annotations?: Mapping;
  attach?: boolean;
  build?: BuildConfig;
  develop?: DevelopConfig;
  blkio_config?: BlkioConfig;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup_parent?: string;
  cgroup?: string;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  /** Microseconds. */
  cpu_rt_period?: number;
  /** Microseconds. */
  cpu_rt_runtime?: number;
  cpus?: number;
  cpuset?: string;
  cpu_shares?: number;
  /** Exec form; `[]` clears the image's CMD, absent keeps it. */
  command?: string[];
  configs?: ServiceConfigReference[];
  container_name?: string;
  credential_spec?: CredentialSpec;
  depends_on?: Record<string, DependsOn>;
  deploy?: DeployConfig;
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  /** Exec form; `[]` clears the image's ENTRYPOINT, absent keeps it. */
  entrypoint?: string[];
  provider?: ServiceProvider;
  /** `null`: declared without a value and not set in the environment (the variable is unset). */
  environment?: Record<string, string | null>;
  expose?: string[];
  external_links?: string[];
  /** `host=ip`, sorted; one entry per address. */
  extra_hosts?: string[];
  group_add?: string[];
  gpus?: DeviceRequest[];
  hostname?: string;
  healthcheck?: Healthcheck;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  labels?: Mapping;
  label_file?: string[];
  links?: string[];
  logging?: Logging;
  /** Bytes. */
  mem_limit?: number;
  /** Bytes. */
  mem_reservation?: number;
  /** Bytes; -1 for unlimited swap. */
  memswap_limit?: number;
  mem_swappiness?: number;
  mac_address?: string;
  models?: Record<string, ServiceModel | null>;
  network_mode?: string;
  /** `null` value: attached with no per-network options. */
  networks?: Record<string, ServiceNetwork | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: ServicePort[];
  privileged?: boolean;
  pull_policy?: string;
  pull_refresh_after?: string;
  read_only?: boolean;
  restart?: string;
  runtime?: string;
  scale?: number;
  secrets?: ServiceSecretReference[];
  security_opt?: string[];
  /** Bytes. */
  shm_size?: number;
  stdin_open?: boolean;
  /** Go duration string. */
  stop_grace_period?: string;
  stop_signal?: string;
  storage_opt?: Mapping;
  sysctls?: Mapping;
  /** `path[:options]` entries. */
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, Ulimit>;
  use_api_socket?: boolean;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volumes?: ServiceVolume[];
  volumes_from?: string[];
  working_dir?: string;
  post_start?: ServiceHook[];
  pre_stop?: ServiceHook[];
}

/** A published or exposed port, one entry per port (short-syntax ranges are expanded). */
export interface ServicePort extends Extensions {
  name?: string;
  /** `ingress` (default) or `host`. */
  mode: string;
  host_ip?: string;
  target: number;
  /** Host port or range (`8000-9000`), a string as compose prints it; absent: engine picks one. */
  published?: string;
  /** `tcp` (default), `udp`, `sctp`. */
  protocol: string;
  app_protocol?: string;
}

/** A mount; short syntax `src:dst:opts` becomes one of these. */
export interface ServiceVolume extends Extensions {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Host path (absolute for binds), volume name, or image; absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: {
    selinux?: 'z' | 'Z';
    propagation?: string;
    create_host_path?: boolean;
    recursive?: string;
  } & Extensions;
  volume?: { labels?: Mapping; nocopy?: boolean; subpath?: string } & Extensions;
  /** `size` in bytes; `mode` as a number (e.g. 0o1777). */
  tmpfs?: { size?: number; mode?: number } & Extensions;
  image?: { subpath?: string } & Extensions;
}

/** A dependency on another service. */
export interface DependsOn extends Extensions {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' | (string & {});
  /** Restart this service when the dependency is updated; only present when true. */
  restart?: boolean;
  /** false: only warn when the dependency is missing. */
  required: boolean;
}

/** Per-network options of a service. */
export interface ServiceNetwork extends Extensions {
  aliases?: string[];
  driver_opts?: Mapping;
  gw_priority?: number;
  interface_name?: string;
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
}

/** Grant of a secret or config to a service (or a build). */
export interface ServiceFileReference extends Extensions {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  /** File mode as a number (0o440 = 288). */
  mode?: number;
}

/** Secret grant; `target` defaults to `/run/secrets/<source>`. */
export type ServiceSecretReference = ServiceFileReference & { target: string };

/** Config grant; an absent `target` means `/<source>`. */
export type ServiceConfigReference = ServiceFileReference;

/** Container health check; durations are Go duration strings. */
export interface Healthcheck extends Extensions {
  /** `['CMD', ...]`, `['CMD-SHELL', cmd]` or `['NONE']`. */
  test?: string[];
  timeout?: string;
  interval?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** Logging driver and its options. */
export interface Logging extends Extensions {
  driver?: string;
  options?: Mapping;
}

/** A resource limit: one number sets both soft and hard. */
export type Ulimit = number | ({ soft: number; hard: number } & Extensions);

/** A host device made available in the container. */
export interface DeviceMapping extends Extensions {
  source: string;
  target?: string;
  /** cgroup permissions, `rwm` by default. */
  permissions?: string;
}

/** Block IO limits; rates of `*_bps` entries are bytes per second. */
export interface BlkioConfig extends Extensions {
  weight?: number;
  weight_device?: { path: string; weight: number }[];
  device_read_bps?: BlkioRate[];
  device_read_iops?: BlkioRate[];
  device_write_bps?: BlkioRate[];
  device_write_iops?: BlkioRate[];
}

/** A per-device rate limit. */
export interface BlkioRate {
  path: string;
  rate: number;
}

/** Windows credential spec. */
export interface CredentialSpec extends Extensions {
  config?: string;
  file?: string;
  registry?: string;
}

/** A service whose lifecycle an external provider manages. */
export interface ServiceProvider extends Extensions {
  type: string;
  options?: Record<string, string | number | boolean | (string | number | boolean)[]>;
}

/** How a service sees a top-level model. */
export interface ServiceModel extends Extensions {
  endpoint_var?: string;
  model_var?: string;
}
