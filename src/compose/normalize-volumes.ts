/**
 * Service `volumes` in long form. Short syntax `[SOURCE:]TARGET[:OPTIONS]`: a source starting
 * with `.`, `/`, `~` (or a Windows drive/pipe) is a bind mount with `create_host_path: true`
 * (docker-compose v1 created missing host paths, and compose keeps that for the short form);
 * any other source names a volume; no source gives an anonymous volume.
 */
import { posix } from 'node:path';
import type { ServiceVolume } from '../model/service.js';
import { absolutePath, addIssue, type DocPath, type NormalizeContext } from './normalize-context.js';
import { cloneValue, isRecord, scalarString, toBytes, toFileMode, toMapping } from './normalize-values.js';

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const VOLUME_TYPES = new Set(['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image']);

/** Normalises a service's `volumes` list. */
export function normalizeVolumes(value: unknown, ctx: NormalizeContext, path: DocPath): ServiceVolume[] {
  const out: ServiceVolume[] = [];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    const at = [...path, i];
    let volume: ServiceVolume | undefined;
    if (typeof entry === 'string') {
      try {
        volume = parseVolumeSpec(entry);
      } catch (error) {
        addIssue(ctx, at, (error as Error).message);
      }
    } else if (isRecord(entry)) {
      volume = longVolume(entry, ctx, at);
    } else {
      addIssue(ctx, at, `invalid volume ${JSON.stringify(entry)}`);
    }
    if (!volume) return;
    if (volume.type === 'bind' && volume.source !== undefined)
      volume.source = absolutePath(volume.source, ctx);
    out.push(volume);
  });
  return out;
}

/** Parses one short-syntax volume (paths still relative). Throws Error when invalid. */
export function parseVolumeSpec(spec: string): ServiceVolume {
  if (spec === '') throw new Error('invalid empty volume spec');
  const parts = splitVolumeSpec(spec);
  if (parts.some((p) => p === '')) throw new Error(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length > 3) throw new Error(`invalid spec: ${spec}: too many colons`);
  const [first, second, options] = parts as [string, string | undefined, string | undefined];
  if (second === undefined) return { type: 'volume', target: cleanTarget(first), volume: {} };

  const volume: ServiceVolume = {
    type: isHostPath(first) ? 'bind' : 'volume',
    source: first,
    target: cleanTarget(second),
  };
  const bind: NonNullable<ServiceVolume['bind']> = {};
  for (const option of options?.split(',') ?? []) {
    if (option === 'ro') volume.read_only = true;
    else if (option === 'rw') delete volume.read_only;
    else if (option === 'nocopy') volume.volume = { nocopy: true };
    else if (option === 'z' || option === 'Z') bind.selinux = option;
    else if (PROPAGATIONS.has(option)) bind.propagation = option;
    // Other options (`cached`, `delegated`, `consistent`, unknown ones) are accepted and
    // ignored, as compose does: consistency only ever mattered to Docker Desktop for Mac.
  }
  if (volume.type === 'bind') {
    volume.bind = { ...bind, create_host_path: true };
  } else {
    if (Object.keys(bind).length > 0) volume.bind = bind;
    volume.volume ??= {};
  }
  return volume;
}

/** Splits on `:` but keeps a Windows drive letter (`C:\data`) with its path. */
function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    const isDrive =
      c === ':' && current.length === 1 && /[a-z]/i.test(current) && /[\\/]/.test(spec[i + 1] ?? '');
    if (c === ':' && !isDrive) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Whether a short-syntax source is a host path rather than a volume name. */
function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^[a-z]:[\\/]/i.test(source);
}

/** Container paths are cleaned like Go's path.Clean (`/app/` → `/app`). */
function cleanTarget(target: string): string {
  if (target.includes('\\') || /^[a-z]:/i.test(target)) return target;
  const clean = posix.normalize(target);
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

/** Long syntax: kept as written, with sizes in bytes and `bind.create_host_path` defaulting to true. */
function longVolume(
  entry: Record<string, unknown>,
  ctx: NormalizeContext,
  path: DocPath,
): ServiceVolume | undefined {
  const type = scalarString(entry.type);
  if (!VOLUME_TYPES.has(type)) {
    addIssue(ctx, [...path, 'type'], `invalid volume type ${JSON.stringify(entry.type)}`);
    return undefined;
  }
  const volume = cloneValue(entry) as unknown as ServiceVolume;
  if (volume.source === null || volume.source === '') delete volume.source;
  if (volume.read_only === false) delete volume.read_only;
  if (isRecord(entry.bind)) {
    // The spec's default; compose prints it explicitly once a `bind` section exists.
    volume.bind = { ...(volume.bind ?? {}), create_host_path: entry.bind.create_host_path !== false };
  }
  if (isRecord(entry.volume)) {
    if (entry.volume.nocopy === false) delete volume.volume?.nocopy;
    if (entry.volume.labels !== undefined && volume.volume)
      volume.volume.labels = toMapping(entry.volume.labels);
  }
  if (isRecord(entry.tmpfs) && volume.tmpfs) {
    const { size, mode } = entry.tmpfs;
    if (size !== undefined) volume.tmpfs.size = toBytes(size, ctx, [...path, 'tmpfs', 'size']);
    if (mode !== undefined) volume.tmpfs.mode = toFileMode(mode, ctx, [...path, 'tmpfs', 'mode']);
  }
  return volume;
}

/** `tmpfs: /run` → `['/run']`. */
export function normalizeTmpfs(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(scalarString);
}
