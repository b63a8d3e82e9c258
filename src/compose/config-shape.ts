/**
 * The layout `docker compose config` prints: for each kind of object, its keys in compose's
 * order (the order of compose-go's struct fields, close to but not quite alphabetical:
 * `depends_on` before `deploy`, `hostname` before `healthcheck`), which objects are free-form
 * mappings (printed with sorted keys), and which numbers are byte sizes (printed as strings).
 */

/** How one value is laid out. */
export type Shape =
  | { kind: 'struct'; keys: readonly string[]; fields: Readonly<Record<string, Shape>> }
  | { kind: 'record'; values?: Shape }
  | { kind: 'list'; items?: Shape }
  | { kind: 'bytes' };

/** A struct whose keys, in print order, are given as one whitespace-separated string. */
const struct = (keys: string, fields: Record<string, Shape> = {}): Shape => ({
  kind: 'struct',
  keys: keys.trim().split(/\s+/),
  fields,
});
const record = (values?: Shape): Shape => (values ? { kind: 'record', values } : { kind: 'record' });
const list = (items?: Shape): Shape => (items ? { kind: 'list', items } : { kind: 'list' });
const BYTES: Shape = { kind: 'bytes' };

const FILE_REFERENCE = struct('source target uid gid mode');
const ULIMITS = record(struct('soft hard'));
const HOOK = struct('command user privileged working_dir environment');
const DEVICE_REQUEST = struct('capabilities driver count device_ids options');
const UPDATE_CONFIG = struct('parallelism delay failure_action monitor max_failure_ratio order');
const RESOURCE = struct('cpus memory pids devices generic_resources', {
  memory: BYTES,
  devices: list(DEVICE_REQUEST),
  generic_resources: list(struct('discrete_resource_spec', { discrete_resource_spec: struct('kind value') })),
});
const BPS = list(struct('path rate', { rate: BYTES }));
const IOPS = list(struct('path rate'));

const BUILD = struct(
  `
    context dockerfile dockerfile_inline entitlements args provenance sbom ssh labels cache_from
    cache_to no_cache no_cache_filter additional_contexts pull extra_hosts isolation network target
    secrets shm_size tags ulimits platforms privileged
  `,
  { shm_size: BYTES, secrets: list(FILE_REFERENCE), ulimits: ULIMITS },
);

const DEPLOY = struct(
  'mode replicas labels update_config rollback_config resources restart_policy placement endpoint_mode',
  {
    update_config: UPDATE_CONFIG,
    rollback_config: UPDATE_CONFIG,
    resources: struct('limits reservations', { limits: RESOURCE, reservations: RESOURCE }),
    restart_policy: struct('condition delay max_attempts window'),
    placement: struct('constraints preferences max_replicas_per_node', {
      preferences: list(struct('spread')),
    }),
  },
);

const SERVICE_VOLUME = struct('type source target read_only consistency bind volume tmpfs image', {
  bind: struct('selinux propagation create_host_path recursive'),
  volume: struct('labels nocopy subpath'),
  tmpfs: struct('size mode', { size: BYTES }),
  image: struct('subpath'),
});

const SERVICE_NETWORK = struct(
  'aliases driver_opts gw_priority interface_name ipv4_address ipv6_address link_local_ips mac_address priority',
);

/** Service keys in the order compose prints them. */
const SERVICE_KEYS = `
  profiles annotations attach build develop blkio_config cap_add cap_drop cgroup_parent cgroup
  cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpus cpuset cpu_shares
  command configs container_name credential_spec depends_on deploy device_cgroup_rules devices dns
  dns_opt dns_search domainname entrypoint provider environment expose external_links extra_hosts
  group_add gpus hostname healthcheck image init ipc isolation labels label_file links logging
  mem_limit mem_reservation memswap_limit mem_swappiness mac_address models network_mode networks
  oom_kill_disable oom_score_adj pid pids_limit platform ports privileged pull_policy
  pull_refresh_after read_only restart runtime scale secrets security_opt shm_size stdin_open
  stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode
  uts volumes volumes_from working_dir post_start pre_stop
`;

const SERVICE = struct(SERVICE_KEYS, {
  build: BUILD,
  develop: struct('watch', {
    watch: list(struct('path action target exec include ignore initial_sync', { exec: HOOK })),
  }),
  blkio_config: struct(
    'weight weight_device device_read_bps device_read_iops device_write_bps device_write_iops',
    {
      weight_device: list(struct('path weight')),
      device_read_bps: BPS,
      device_read_iops: IOPS,
      device_write_bps: BPS,
      device_write_iops: IOPS,
    },
  ),
  configs: list(FILE_REFERENCE),
  credential_spec: struct('config file registry'),
  depends_on: record(struct('condition restart required')),
  deploy: DEPLOY,
  devices: list(struct('source target permissions')),
  gpus: list(DEVICE_REQUEST),
  healthcheck: struct('test timeout interval retries start_period start_interval disable'),
  logging: struct('driver options'),
  mem_limit: BYTES,
  mem_reservation: BYTES,
  memswap_limit: BYTES,
  models: record(struct('endpoint_var model_var')),
  networks: record(SERVICE_NETWORK),
  ports: list(struct('name mode host_ip target published protocol app_protocol')),
  post_start: list(HOOK),
  pre_stop: list(HOOK),
  provider: struct('type options'),
  secrets: list(FILE_REFERENCE),
  shm_size: BYTES,
  ulimits: ULIMITS,
  volumes: list(SERVICE_VOLUME),
});

const FILE_OBJECT = struct(
  'name file environment content external labels driver driver_opts template_driver',
);

/** The whole project; its `x-*` extensions, spread in by the printer, come last. */
export const PROJECT_SHAPE = struct('name services networks volumes secrets configs models', {
  services: record(SERVICE),
  networks: record(
    struct('name driver driver_opts ipam external internal attachable labels enable_ipv4 enable_ipv6', {
      ipam: struct('driver config options', {
        config: list(struct('subnet gateway ip_range aux_addresses')),
      }),
    }),
  ),
  volumes: record(struct('name driver driver_opts external labels')),
  secrets: record(FILE_OBJECT),
  configs: record(FILE_OBJECT),
  models: record(struct('name model context_size runtime_flags')),
});
