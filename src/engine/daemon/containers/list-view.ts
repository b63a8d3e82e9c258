/**
 * GET /containers/json: one summary per container and the filters dockerd takes (id, name,
 * label, status, ancestor, network, volume, exited, health, before, since, expose, publish,
 * is-task). Pure: the service hands in each container's parts.
 */
import { badRequest } from '../api/api-error.js';
import { type ContainerStateView, statusSentence } from './container-status.js';
import type { ContainerRecord } from './container-types.js';
import { endpointsView, type InspectParts, mountsView } from './inspect-view.js';

/** One container's parts for the list. */
export type ListParts = Pick<InspectParts, 'record' | 'state' | 'network' | 'volumePath' | 'sizes'> & {
  /** Image names (tags) and id: the `ancestor` filter matches either. */
  imageNames: string[];
};

const FILTERS = new Set([
  'id',
  'name',
  'label',
  'status',
  'ancestor',
  'network',
  'volume',
  'exited',
  'health',
  'before',
  'since',
  'expose',
  'publish',
  'is-task',
]);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

/** The summary entry. */
export function summaryView(p: ListParts, now: Date): Record<string, unknown> {
  const r = p.record;
  const command = [r.path, ...r.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
  return {
    Id: r.id,
    Names: [`/${r.name}`],
    Image: r.config.Image ?? '',
    ImageID: r.image,
    Command: command,
    Created: Math.floor(Date.parse(r.created) / 1000),
    Ports: portsView(p),
    ...(p.sizes ? { SizeRw: p.sizes.rw, SizeRootFs: p.sizes.rootFs } : {}),
    Labels: r.config.Labels ?? {},
    State: p.state.status,
    Status: statusSentence(p.state, now),
    HostConfig: { NetworkMode: r.hostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: endpointsView(r, p.network) },
    Mounts: mountsView(r, p.volumePath),
  };
}

/** `Ports`: published bindings while running, exposed ports otherwise (as dockerd lists them). */
function portsView(p: ListParts): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const [key, bindings] of Object.entries(p.network?.Ports ?? {})) {
    const [port = '0', type = 'tcp'] = key.split('/');
    seen.add(key);
    if (!bindings || bindings.length === 0) {
      out.push({ PrivatePort: Number(port), Type: type });
      continue;
    }
    for (const b of bindings) {
      out.push({
        IP: b.HostIp || '0.0.0.0',
        PrivatePort: Number(port),
        PublicPort: Number(b.HostPort),
        Type: type,
      });
    }
  }
  for (const key of Object.keys(p.record.config.ExposedPorts ?? {})) {
    if (seen.has(key)) continue;
    const [port = '0', type = 'tcp'] = key.split('/');
    out.push({ PrivatePort: Number(port), Type: type });
  }
  return out;
}

/** Checks filter names and values; 400 as dockerd answers. */
export function checkFilters(filters: Record<string, string[]>): void {
  for (const [key, values] of Object.entries(filters)) {
    if (!FILTERS.has(key)) throw badRequest(`invalid filter '${key}'`);
    if (key === 'status') {
      for (const v of values) {
        if (!STATUSES.has(v)) {
          throw badRequest(`invalid filter 'status=${v}'`);
        }
      }
    }
    if (key === 'health') {
      for (const v of values) {
        if (!['starting', 'healthy', 'unhealthy', 'none'].includes(v))
          throw badRequest(`invalid filter 'health=${v}'`);
      }
    }
  }
}

/** Whether a container passes every filter (values of one filter are alternatives). */
export function matchesFilters(
  p: ListParts,
  filters: Record<string, string[]>,
  lookup: { createdOf: (ref: string) => string | undefined; networkIds: (name: string) => string[] },
): boolean {
  const r = p.record;
  const any = (key: string, test: (value: string) => boolean) => {
    const values = filters[key];
    return !values || values.length === 0 || values.some(test);
  };
  return (
    any('id', (v) => r.id.startsWith(v)) &&
    any('name', (v) => nameMatches(`/${r.name}`, v)) &&
    (filters.label ?? []).every((v) => labelMatches(r.config.Labels ?? {}, v)) &&
    any('status', (v) => v === p.state.status) &&
    any(
      'ancestor',
      (v) =>
        p.imageNames.includes(v) ||
        r.image === v ||
        r.image === `sha256:${v}` ||
        r.image.startsWith(`sha256:${v}`),
    ) &&
    any('network', (v) =>
      Object.entries(r.networks).some(
        ([name, e]) => name === v || e.NetworkID === v || (e.NetworkID ?? '').startsWith(v),
      ),
    ) &&
    any('volume', (v) =>
      r.mounts.some((m) => m.destination === v || (m.type !== 'tmpfs' && m.source === v)),
    ) &&
    any('exited', (v) => p.state.status === 'exited' && String(p.state.exitCode) === v) &&
    any('health', (v) => (p.state.health?.Status ?? 'none') === v || (v === 'none' && !p.state.health)) &&
    any('before', (v) => {
      const created = lookup.createdOf(v);
      return created !== undefined && r.created < created;
    }) &&
    any('since', (v) => {
      const created = lookup.createdOf(v);
      return created !== undefined && r.created > created;
    }) &&
    any('expose', (v) => Object.keys(r.config.ExposedPorts ?? {}).some((k) => portMatches(k, v))) &&
    any('publish', (v) => Object.keys(p.network?.Ports ?? {}).some((k) => portMatches(k, v))) &&
    any('is-task', (v) => v === 'false' || v === '0')
  );
}

/** `key` or `key=value`. */
function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  if (eq < 0) return Object.hasOwn(labels, filter);
  return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/** dockerd matches names as regular expressions (`^/web` works); a broken pattern as text. */
function nameMatches(name: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return name.includes(pattern);
  }
}

function portMatches(key: string, filter: string): boolean {
  const [port = '', proto = 'tcp'] = key.split('/');
  const [fport = '', fproto] = filter.split('/');
  return port === fport && (fproto === undefined || fproto === proto);
}

/** Newest first, as dockerd lists. */
export function byCreatedDesc(a: ContainerRecord, b: ContainerRecord): number {
  return b.created.localeCompare(a.created) || b.id.localeCompare(a.id);
}

export type { ContainerStateView };
