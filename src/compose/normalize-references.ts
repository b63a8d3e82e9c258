/**
 * What a service refers to by name: secrets and configs it is granted, services it depends
 * on (declared, and implied by links, `service:` namespaces and `volumes_from`), networks it
 * joins and models it uses.
 */
import type {
  DependsOn,
  ServiceConfig,
  ServiceFileReference,
  ServiceModel,
  ServiceNetwork,
  ServiceSecretReference,
} from '../model/service.js';
import { addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import { cloneValue, isRecord, scalarString, toFileMode, toMapping } from './normalize-values.js';

/** Secret grants get `target: /run/secrets/<source>` by default; config grants keep target optional. */
export function normalizeFileReferences(
  value: unknown,
  kind: 'secret',
  ctx: NormalizeContext,
  path: DocPath,
): ServiceSecretReference[];
export function normalizeFileReferences(
  value: unknown,
  kind: 'config',
  ctx: NormalizeContext,
  path: DocPath,
): ServiceFileReference[];
export function normalizeFileReferences(
  value: unknown,
  kind: 'secret' | 'config',
  ctx: NormalizeContext,
  path: DocPath,
): ServiceFileReference[] {
  const out: ServiceFileReference[] = [];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    let ref: ServiceFileReference;
    if (typeof entry === 'string') {
      ref = { source: entry };
    } else if (isRecord(entry) && entry.source !== undefined) {
      ref = cloneValue(entry) as unknown as ServiceFileReference;
      ref.source = scalarString(entry.source);
      if (entry.uid !== undefined) ref.uid = scalarString(entry.uid);
      if (entry.gid !== undefined) ref.gid = scalarString(entry.gid);
      if (entry.mode !== undefined) ref.mode = toFileMode(entry.mode, ctx, [...path, i, 'mode']);
    } else {
      addIssue(ctx, [...path, i], `invalid ${kind} reference ${JSON.stringify(entry)}`);
      return;
    }
    if (kind === 'secret' && (ref.target === undefined || ref.target === ''))
      ref.target = `/run/secrets/${ref.source}`;
    out.push(ref);
  });
  return out;
}

/** `depends_on` as a mapping; the list form means `{condition: service_started, required: true}`. */
export function normalizeDependsOn(value: unknown): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (Array.isArray(value)) {
    for (const name of value) out[scalarString(name)] = { condition: 'service_started', required: true };
    return out;
  }
  if (!isRecord(value)) return out;
  for (const [name, raw] of Object.entries(value)) {
    const entry = isRecord(raw) ? raw : {};
    const dep = cloneValue(entry) as unknown as DependsOn;
    dep.condition = entry.condition === undefined ? 'service_started' : scalarString(entry.condition);
    dep.required = entry.required !== false;
    // compose omits `restart: false`; only a true value changes anything.
    if (entry.restart === true) dep.restart = true;
    else delete dep.restart;
    out[name] = dep;
  }
  return out;
}

/**
 * Adds the dependencies compose infers: `links` and `service:` references in network_mode,
 * ipc, pid, uts and cgroup (restart with the dependency), and `volumes_from` (no restart).
 * Declared dependencies win.
 */
export function addImplicitDependencies(service: ServiceConfig): void {
  const implied: [string, boolean][] = [];
  for (const link of service.links ?? []) implied.push([link.split(':')[0] as string, true]);
  for (const ref of [service.network_mode, service.ipc, service.pid, service.uts, service.cgroup]) {
    if (ref?.startsWith('service:')) implied.push([ref.slice('service:'.length), true]);
  }
  for (const from of service.volumes_from ?? []) {
    if (!from.startsWith('container:')) implied.push([from.split(':')[0] as string, false]);
  }
  if (implied.length === 0) return;
  const deps = service.depends_on ?? {};
  for (const [name, restart] of implied) {
    deps[name] ??= restart
      ? { condition: 'service_started', restart: true, required: true }
      : { condition: 'service_started', required: true };
  }
  service.depends_on = deps;
}

/** `networks` as a mapping of network name → options or null. */
export function normalizeServiceNetworks(
  value: unknown,
  ctx: NormalizeContext,
  path: DocPath,
): Record<string, ServiceNetwork | null> {
  const out: Record<string, ServiceNetwork | null> = {};
  if (Array.isArray(value)) {
    for (const name of value) out[scalarString(name)] = null;
    return out;
  }
  if (!isRecord(value)) {
    addIssue(ctx, path, `invalid networks ${JSON.stringify(value)}`);
    return out;
  }
  for (const [name, raw] of Object.entries(value)) {
    if (!isRecord(raw)) {
      out[name] = null;
      continue;
    }
    const net = cloneValue(raw) as unknown as ServiceNetwork;
    if (raw.driver_opts !== undefined) net.driver_opts = toMapping(raw.driver_opts);
    for (const key of ['aliases', 'link_local_ips'] as const) {
      const list = raw[key];
      if (list !== undefined) net[key] = (Array.isArray(list) ? list : [list]).map(scalarString);
    }
    out[name] = net;
  }
  return out;
}

/** Service `models`: the list form maps each model to null (default variable names). */
export function normalizeServiceModels(value: unknown): Record<string, ServiceModel | null> {
  const out: Record<string, ServiceModel | null> = {};
  if (Array.isArray(value)) {
    for (const name of value) out[scalarString(name)] = null;
  } else if (isRecord(value)) {
    for (const [name, raw] of Object.entries(value)) {
      out[name] = isRecord(raw) ? (cloneValue(raw) as unknown as ServiceModel) : null;
    }
  }
  return out;
}
