/**
 * One service in canonical form. Each known attribute has a converter; attributes without
 * one (plain strings, numbers, lists of strings) are copied as they are.
 */
import type { ServiceConfig } from '../model/service.js';
import { parseDuration } from './duration.js';
import { normalizeBuild } from './normalize-build.js';
import { normalizeDevelop, normalizeHealthcheck, normalizeHooks, toCommand } from './normalize-commands.js';
import { absolutePath, addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import { normalizeExpose, normalizePorts } from './normalize-ports.js';
import {
  addImplicitDependencies,
  normalizeDependsOn,
  normalizeFileReferences,
  normalizeServiceModels,
  normalizeServiceNetworks,
} from './normalize-references.js';
import {
  normalizeBlkio,
  normalizeDeploy,
  normalizeDeviceRequests,
  normalizeDevices,
  normalizeUlimits,
} from './normalize-resources.js';
import {
  cloneValue,
  isRecord,
  scalarString,
  toBytes,
  toDuration,
  toExtraHosts,
  toMapping,
  toNumber,
  toStringList,
  toVariables,
} from './normalize-values.js';
import { normalizeTmpfs, normalizeVolumes } from './normalize-volumes.js';

/** Converts one attribute; `undefined` drops it. */
type Converter = (value: unknown, ctx: NormalizeContext, path: DocPath) => unknown;

const DROP: Converter = () => undefined;
const mapping: Converter = (value) => toMapping(value);
const list: Converter = (value) => toStringList(value);
const bytes: Converter = toBytes;
/** Booleans compose omits when false (Go `bool` fields with omitempty). */
const flag: Converter = (value) => (value === false ? undefined : value);

/** CPU real-time settings: microseconds, or a duration converted to microseconds. */
const microseconds: Converter = (value, ctx, path) => {
  if (typeof value === 'number' || /^\d+$/.test(scalarString(value).trim()))
    return toNumber(value, ctx, path);
  try {
    return Math.round(parseDuration(scalarString(value)) * 1000);
  } catch (error) {
    addIssue(ctx, path, (error as Error).message);
    return undefined;
  }
};

const CONVERTERS: Record<string, Converter> = {
  annotations: mapping,
  blkio_config: normalizeBlkio,
  build: normalizeBuild,
  cap_add: list,
  cap_drop: list,
  command: toCommand,
  configs: (value, ctx, path) => normalizeFileReferences(value, 'config', ctx, path),
  cpu_rt_period: microseconds,
  cpu_rt_runtime: microseconds,
  cpus: toNumber,
  depends_on: (value) => normalizeDependsOn(value),
  deploy: normalizeDeploy,
  develop: normalizeDevelop,
  device_cgroup_rules: list,
  devices: normalizeDevices,
  dns: list,
  dns_opt: list,
  dns_search: list,
  entrypoint: toCommand,
  // Read by the loader, which merges the files into `environment` before normalising.
  env_file: DROP,
  environment: (value, ctx) => toVariables(value, ctx.lookup, 'null'),
  expose: (value) => normalizeExpose(value),
  // Resolved by the loader.
  extends: DROP,
  external_links: list,
  extra_hosts: toExtraHosts,
  gpus: normalizeDeviceRequests,
  group_add: list,
  healthcheck: normalizeHealthcheck,
  label_file: (value, ctx) => toStringList(value).map((file) => absolutePath(file, ctx)),
  labels: mapping,
  links: list,
  logging: (value) => (isRecord(value) ? normalizeLogging(value) : undefined),
  mem_limit: bytes,
  mem_reservation: bytes,
  memswap_limit: bytes,
  models: (value) => normalizeServiceModels(value),
  networks: normalizeServiceNetworks,
  oom_kill_disable: flag,
  ports: normalizePorts,
  post_start: normalizeHooks,
  pre_stop: normalizeHooks,
  privileged: flag,
  profiles: list,
  // `if_not_present` is the old spelling of `missing`.
  pull_policy: (value) => (value === 'if_not_present' ? 'missing' : value),
  read_only: flag,
  secrets: (value, ctx, path) => normalizeFileReferences(value, 'secret', ctx, path),
  security_opt: list,
  shm_size: bytes,
  stdin_open: flag,
  stop_grace_period: toDuration,
  storage_opt: mapping,
  sysctls: mapping,
  tmpfs: (value) => normalizeTmpfs(value),
  tty: flag,
  ulimits: normalizeUlimits,
  use_api_socket: flag,
  volumes: normalizeVolumes,
  volumes_from: list,
};

/** Normalises `services.<name>`. */
export function normalizeService(name: string, raw: unknown, ctx: NormalizeContext): ServiceConfig {
  const path = ['services', name];
  const out: Record<string, unknown> = {};
  if (!isRecord(raw)) {
    if (raw !== null) addIssue(ctx, path, 'a service must be a mapping');
    return finish(out as ServiceConfig, ctx, path);
  }
  for (const [key, value] of Object.entries(raw)) {
    // `null` means "not set" everywhere in a service (`command: null` keeps the image's CMD).
    if (value === null || value === undefined) continue;
    const convert = CONVERTERS[key];
    const converted = convert ? convert(value, ctx, [...path, key]) : cloneValue(value);
    if (converted !== undefined) out[key] = converted;
  }
  return finish(out as ServiceConfig, ctx, path);
}

/** Defaults and relations that depend on several attributes. */
function finish(service: ServiceConfig, ctx: NormalizeContext, path: DocPath): ServiceConfig {
  // Without networks or network_mode a service joins the project's default network.
  if (service.network_mode === undefined && Object.keys(service.networks ?? {}).length === 0) {
    service.networks = { default: null };
  }
  addImplicitDependencies(service);
  if (service.scale !== undefined && service.deploy) {
    const replicas = service.deploy.replicas;
    if (replicas !== undefined && replicas !== service.scale) {
      addIssue(ctx, [...path, 'scale'], "can't set distinct values on 'scale' and 'deploy.replicas'");
    }
    service.deploy.replicas = service.scale;
  }
  return service;
}

function normalizeLogging(value: Record<string, unknown>): Record<string, unknown> {
  const logging = cloneValue(value);
  if (value.options !== undefined) logging.options = toMapping(value.options);
  return logging;
}
