/**
 * A container's mounts in the create body, as Docker Compose sends them: binds that may create
 * their host path go in the legacy `Binds` strings (the Mount API refuses a missing source on
 * engines before API 1.42), everything else in `Mounts`. Pure.
 */
import { type ContainerMount, EngineError } from '../engine.js';
import { apiAtLeast } from './api-version.js';

/** `Binds` and `Mounts` of HostConfig. */
export interface CreateMounts {
  Binds?: string[];
  Mounts?: Record<string, unknown>[];
}

/** Maps resolved mounts; throws EngineError `ENGINE_UNSUPPORTED` for options the engine's API lacks. */
export function createMounts(mounts: ContainerMount[], apiVersion: string, resource: string): CreateMounts {
  const binds: string[] = [];
  const list: Record<string, unknown>[] = [];
  for (const m of mounts) {
    if (m.type === 'bind' && usesBindString(m)) binds.push(bindString(m));
    else list.push(mountObject(m, apiVersion, resource));
  }
  return { ...(binds.length > 0 ? { Binds: binds } : {}), ...(list.length > 0 ? { Mounts: list } : {}) };
}

/** A bind that should create a missing host path (or needs SELinux relabelling) goes as a string. */
function usesBindString(m: ContainerMount): boolean {
  return m.bind?.createHostPath !== false || m.bind.selinux !== undefined;
}

/** `source:target[:opts]`: `ro`, SELinux `z`/`Z`, propagation. */
function bindString(m: ContainerMount): string {
  const options: string[] = [];
  if (m.readOnly) options.push('ro');
  if (m.bind?.selinux) options.push(m.bind.selinux);
  if (m.bind?.propagation) options.push(m.bind.propagation);
  return `${m.source ?? ''}:${m.target}${options.length > 0 ? `:${options.join(',')}` : ''}`;
}

function mountObject(m: ContainerMount, apiVersion: string, resource: string): Record<string, unknown> {
  const out: Record<string, unknown> = { Type: m.type, Target: m.target };
  if (m.source !== undefined && m.source !== '') out.Source = m.source;
  if (m.readOnly) out.ReadOnly = true;
  if (m.consistency) out.Consistency = m.consistency;
  if (m.type === 'bind' && m.bind) {
    const bind: Record<string, unknown> = {};
    if (m.bind.propagation) bind.Propagation = m.bind.propagation;
    // Honoured from API 1.42; older engines refuse a missing source, which is what false asks for.
    if (m.bind.createHostPath && apiAtLeast(apiVersion, '1.42')) bind.CreateMountpoint = true;
    if (Object.keys(bind).length > 0) out.BindOptions = bind;
  }
  if (m.type === 'volume' && m.volume) {
    const volume: Record<string, unknown> = {};
    if (m.volume.noCopy) volume.NoCopy = true;
    if (m.volume.labels && Object.keys(m.volume.labels).length > 0) volume.Labels = m.volume.labels;
    if (m.volume.subpath) {
      requireApi(apiVersion, '1.45', 'volume subpath', resource);
      volume.Subpath = m.volume.subpath;
    }
    if (Object.keys(volume).length > 0) out.VolumeOptions = volume;
  }
  if (m.type === 'tmpfs' && m.tmpfs) {
    const tmpfs: Record<string, unknown> = {};
    if (m.tmpfs.size !== undefined) tmpfs.SizeBytes = m.tmpfs.size;
    if (m.tmpfs.mode !== undefined) tmpfs.Mode = m.tmpfs.mode;
    if (Object.keys(tmpfs).length > 0) out.TmpfsOptions = tmpfs;
  }
  if (m.type === 'image') requireApi(apiVersion, '1.48', 'image mounts', resource);
  return out;
}

/** Throws when the negotiated API is older than `min`. */
export function requireApi(apiVersion: string, min: string, feature: string, resource: string): void {
  if (apiAtLeast(apiVersion, min)) return;
  throw new EngineError(
    'ENGINE_UNSUPPORTED',
    'create container',
    resource,
    `${feature} need Engine API ${min} or newer; this engine speaks ${apiVersion}`,
    { hint: 'upgrade the engine, or remove the option from the compose file' },
  );
}
