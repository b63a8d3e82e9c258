/**
 * HostConfig of POST /containers/create for one service container, field by field as Docker
 * Compose v2 fills it (pkg/compose/create.go). Pure but for reading seccomp profiles, which
 * comes in as a function.
 */
import { isAbsolute, join } from 'node:path';
import { Labels } from '../../model/labels.js';
import type { ContainerSpec } from '../engine.js';
import { EngineError } from '../engine.js';
import { apiAtLeast } from './api-version.js';
import { createMounts } from './create-mounts.js';
import { createResources } from './create-resources.js';

/** The negotiated API version, and how to read files the config names. */
export interface HostConfigOptions {
  apiVersion: string;
  /** Reads a seccomp profile named in security_opt. */
  readFile: (path: string) => string;
}

/** The HostConfig object; only fields the service sets, so engine defaults apply to the rest. */
export function createHostConfig(spec: ContainerSpec, options: HostConfigOptions): Record<string, unknown> {
  const s = spec.config;
  const h: Record<string, unknown> = {};
  const publish = spec.overrides?.publishPorts !== false;
  h.NetworkMode = networkModeOf(spec);
  if (publish && s.ports?.length) h.PortBindings = portBindings(spec);
  const restart = restartPolicy(spec);
  if (restart) h.RestartPolicy = restart;
  if (spec.overrides?.autoRemove) h.AutoRemove = true;
  Object.assign(h, createMounts(spec.mounts, options.apiVersion, spec.name));
  if (s.tmpfs?.length) h.Tmpfs = tmpfsMap(s.tmpfs);
  list(h, 'CapAdd', s.cap_add);
  list(h, 'CapDrop', s.cap_drop);
  if (s.privileged) h.Privileged = true;
  if (s.read_only) h.ReadonlyRootfs = true;
  if (s.init !== undefined) h.Init = s.init;
  set(h, 'IpcMode', spec.ipcMode ?? s.ipc);
  set(h, 'PidMode', spec.pidMode ?? s.pid);
  set(h, 'CgroupnsMode', s.cgroup);
  set(h, 'ShmSize', s.shm_size);
  map(h, 'Sysctls', s.sysctls);
  list(
    h,
    'ExtraHosts',
    s.extra_hosts?.map((e) => e.replace('=', ':')),
  );
  list(h, 'Dns', s.dns);
  list(h, 'DnsSearch', s.dns_search);
  list(h, 'DnsOptions', s.dns_opt);
  Object.assign(h, securityOptions(spec, options));
  map(h, 'StorageOpt', s.storage_opt);
  set(h, 'UsernsMode', s.userns_mode);
  set(h, 'UTSMode', s.uts);
  set(h, 'Isolation', s.isolation);
  set(h, 'Runtime', s.runtime);
  if (s.logging && (s.logging.driver || Object.keys(s.logging.options ?? {}).length > 0)) {
    h.LogConfig = { Type: s.logging.driver ?? '', Config: s.logging.options ?? {} };
  }
  list(h, 'GroupAdd', s.group_add);
  list(h, 'Links', spec.links);
  if (s.oom_score_adj !== undefined) h.OomScoreAdj = s.oom_score_adj;
  list(h, 'VolumesFrom', spec.volumesFrom ?? s.volumes_from);
  if (s.annotations && Object.keys(s.annotations).length > 0 && apiAtLeast(options.apiVersion, '1.43'))
    h.Annotations = s.annotations;
  Object.assign(h, createResources(s));
  return h;
}

/** `network_mode` resolved, else the first network, else `none`; `disabled` is `none`. */
export function networkModeOf(spec: ContainerSpec): string {
  const mode = spec.networkMode ?? spec.config.network_mode;
  if (mode === 'disabled') return 'none';
  if (mode) return mode;
  return spec.networks[0]?.name ?? 'none';
}

/** Published ports: `target/protocol` → host bindings; no published port lets the engine pick one. */
function portBindings(spec: ContainerSpec): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.config.ports ?? []) {
    const key = `${p.target}/${p.protocol || 'tcp'}`;
    const binding = { HostIp: p.host_ip ?? '', HostPort: p.published ?? '' };
    const list = out[key] ?? [];
    list.push(binding);
    out[key] = list;
  }
  return out;
}

/** `restart` (`no`, `always`, `on-failure[:n]`, `unless-stopped`), overridden by `deploy.restart_policy`. */
function restartPolicy(spec: ContainerSpec): { Name: string; MaximumRetryCount: number } | undefined {
  const s = spec.config;
  let policy: { Name: string; MaximumRetryCount: number } | undefined;
  if (s.restart) {
    const [name, count] = s.restart.split(':');
    policy = { Name: restartName(name ?? ''), MaximumRetryCount: Number(count ?? 0) || 0 };
  }
  const deploy = s.deploy?.restart_policy;
  if (deploy)
    policy = { Name: restartName(deploy.condition ?? ''), MaximumRetryCount: deploy.max_attempts ?? 0 };
  // A one-off run removed at exit cannot restart; the engine refuses both at once.
  if (policy && spec.overrides?.autoRemove) return undefined;
  return policy;
}

function restartName(condition: string): string {
  if (condition === 'none' || condition === 'no') return 'no';
  if (condition === 'any') return 'always';
  return condition;
}

function tmpfsMap(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon < 0) out[entry] = '';
    else out[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return out;
}

/** security_opt: seccomp profiles inlined as JSON; `systempaths=unconfined` unmasks /proc and /sys. */
function securityOptions(spec: ContainerSpec, options: HostConfigOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const opts: string[] = [];
  let unconfined = false;
  for (const opt of spec.config.security_opt ?? []) {
    if (opt === 'systempaths=unconfined') {
      unconfined = true;
      continue;
    }
    const m = /^seccomp[=:](.*)$/.exec(opt);
    const profile = m?.[1];
    if (
      profile &&
      profile !== 'unconfined' &&
      profile !== 'builtin' &&
      !profile.trimStart().startsWith('{')
    ) {
      opts.push(`seccomp=${readProfile(spec, profile, options)}`);
    } else {
      opts.push(opt);
    }
  }
  if (opts.length > 0) out.SecurityOpt = opts;
  if (unconfined) {
    out.MaskedPaths = [];
    out.ReadonlyPaths = [];
  }
  return out;
}

function readProfile(spec: ContainerSpec, profile: string, options: HostConfigOptions): string {
  const dir = spec.labels[Labels.workingDir] || '.';
  const path = isAbsolute(profile) ? profile : join(dir, profile);
  try {
    return JSON.stringify(JSON.parse(options.readFile(path)));
  } catch (error) {
    throw new EngineError(
      'ENGINE_SECCOMP_PROFILE',
      'create container',
      spec.name,
      `cannot read seccomp profile ${path}`,
      {
        cause: error,
        hint: 'check the security_opt seccomp path (relative to the project directory)',
      },
    );
  }
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') target[key] = value;
}

function list(target: Record<string, unknown>, key: string, value: string[] | undefined): void {
  if (value && value.length > 0) target[key] = value;
}

function map(target: Record<string, unknown>, key: string, value: Record<string, string> | undefined): void {
  if (value && Object.keys(value).length > 0) target[key] = value;
}
