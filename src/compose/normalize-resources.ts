/**
 * Resource settings in canonical form: `deploy` (durations in Go form, memory in bytes, CPUs as
 * numbers), device requests (`gpus`), device mappings, block IO limits and ulimits.
 */
import type { DeployConfig, DeviceRequest, Resource } from '../model/deploy.js';
import type { BlkioConfig, DeviceMapping, Ulimit } from '../model/service.js';
import { addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import {
  cloneValue,
  isRecord,
  scalarString,
  toBytes,
  toDuration,
  toMapping,
  toNumber,
  toStringList,
} from './normalize-values.js';

/** `ulimits`: a single number stays a number (soft = hard), a mapping keeps soft and hard. */
export function normalizeUlimits(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): Record<string, Ulimit> {
  const out: Record<string, Ulimit> = {};
  if (!isRecord(value)) return out;
  for (const [name, raw] of Object.entries(value)) {
    const at = [...path, name];
    if (isRecord(raw)) {
      const limit = cloneValue(raw) as Record<string, unknown>;
      limit.soft = toNumber(raw.soft, ctx, [...at, 'soft']);
      limit.hard = toNumber(raw.hard, ctx, [...at, 'hard']);
      out[name] = limit as Ulimit;
    } else {
      const n = toNumber(raw, ctx, at);
      if (n !== undefined) out[name] = n;
    }
  }
  return out;
}

/** Normalises `deploy`. */
export function normalizeDeploy(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): DeployConfig | undefined {
  if (!isRecord(value)) return undefined;
  const deploy = cloneValue(value) as unknown as DeployConfig;
  const at = (...keys: string[]): DocPath => [...path, ...keys];
  if (value.replicas !== undefined) deploy.replicas = toNumber(value.replicas, ctx, at('replicas'));
  if (value.labels !== undefined) deploy.labels = toMapping(value.labels);
  for (const key of ['update_config', 'rollback_config'] as const) {
    const raw = value[key];
    const update = deploy[key];
    if (!isRecord(raw) || !update) continue;
    if (raw.delay !== undefined) update.delay = toDuration(raw.delay, ctx, at(key, 'delay'));
    if (raw.monitor !== undefined) update.monitor = toDuration(raw.monitor, ctx, at(key, 'monitor'));
  }
  const policy = value.restart_policy;
  if (isRecord(policy) && deploy.restart_policy) {
    if (policy.delay !== undefined)
      deploy.restart_policy.delay = toDuration(policy.delay, ctx, at('restart_policy', 'delay'));
    if (policy.window !== undefined) {
      deploy.restart_policy.window = toDuration(policy.window, ctx, at('restart_policy', 'window'));
    }
  }
  const resources = value.resources;
  if (isRecord(resources) && deploy.resources) {
    for (const key of ['limits', 'reservations'] as const) {
      const raw = resources[key];
      if (isRecord(raw)) deploy.resources[key] = normalizeResource(raw, ctx, at('resources', key));
    }
  }
  return deploy;
}

function normalizeResource(raw: Record<string, unknown>, ctx: NormalizeContext, path: DocPath): Resource {
  const resource = cloneValue(raw) as unknown as Resource;
  if (raw.cpus !== undefined) resource.cpus = toNumber(raw.cpus, ctx, [...path, 'cpus']);
  if (raw.memory !== undefined) resource.memory = toBytes(raw.memory, ctx, [...path, 'memory']);
  if (raw.pids !== undefined) resource.pids = toNumber(raw.pids, ctx, [...path, 'pids']);
  if (raw.devices !== undefined)
    resource.devices = normalizeDeviceRequests(raw.devices, ctx, [...path, 'devices']);
  return resource;
}

/** Device requests; `count` is `all` when neither a count nor device ids are given. */
export function normalizeDeviceRequests(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): DeviceRequest[] {
  // `gpus: all` asks for every GPU.
  if (value === 'all') return [{ count: 'all' }];
  if (!Array.isArray(value)) {
    addIssue(ctx, path, `invalid device requests ${JSON.stringify(value)}`);
    return [];
  }
  return value.filter(isRecord).map((raw, i) => {
    const request = cloneValue(raw) as unknown as DeviceRequest;
    if (raw.capabilities !== undefined) request.capabilities = toStringList(raw.capabilities);
    if (raw.device_ids !== undefined) request.device_ids = toStringList(raw.device_ids);
    if (raw.options !== undefined) request.options = toMapping(raw.options);
    if (raw.count !== undefined && raw.count !== 'all')
      request.count = toNumber(raw.count, ctx, [...path, i, 'count']);
    if (raw.count === undefined && raw.device_ids === undefined) request.count = 'all';
    return request;
  });
}

/** `devices`: `host[:container[:permissions]]` → `{source, target, permissions}` (`rwm` by default). */
export function normalizeDevices(value: unknown, ctx: NormalizeContext, path: DocPath): DeviceMapping[] {
  const out: DeviceMapping[] = [];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    if (isRecord(entry)) {
      out.push(cloneValue(entry) as unknown as DeviceMapping);
      return;
    }
    const parts = scalarString(entry).split(':');
    if (parts.length > 3) {
      addIssue(ctx, [...path, i], `confusing device mapping, please use long syntax: ${scalarString(entry)}`);
      return;
    }
    const [source, target, permissions] = parts as [string, string | undefined, string | undefined];
    out.push({ source, target: target ?? source, permissions: permissions ?? 'rwm' });
  });
  return out;
}

/** `blkio_config`: `*_bps` rates in bytes per second. */
export function normalizeBlkio(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): BlkioConfig | undefined {
  if (!isRecord(value)) return undefined;
  const blkio = cloneValue(value) as unknown as BlkioConfig;
  for (const key of ['device_read_bps', 'device_write_bps'] as const) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    blkio[key] = list.filter(isRecord).map((raw, i) => ({
      ...(cloneValue(raw) as Record<string, unknown>),
      path: scalarString(raw.path),
      rate: toBytes(raw.rate, ctx, [...path, key, i, 'rate']) ?? 0,
    }));
  }
  return blkio;
}
