/**
 * A service taken from another file (`extends: {file}`) or another project (`include`) keeps
 * its relative paths meaning "relative to where it was written": they are made absolute
 * against that directory before it joins the main document.
 */
import { isAbsolute, resolve } from 'node:path';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Remote build contexts (URLs, git) and special contexts are not paths. */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|github\.com\/|ssh:\/\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

/** A short-syntax volume source that is a host path rather than a volume name. */
export function isHostPathSource(source: string): boolean {
  return (
    source.startsWith('.') ||
    source.startsWith('/') ||
    source.startsWith('~') ||
    /^[A-Za-z]:[\\/]/.test(source)
  );
}

function abs(dir: string, path: string): string {
  return isAbsolute(path) || path.startsWith('~') ? path : resolve(dir, path);
}

/** Makes the relative paths of a raw service definition absolute against `dir`, in place. */
export function rebaseServicePaths(service: Obj, dir: string): void {
  const build = service.build;
  if (typeof build === 'string') {
    if (!isRemoteContext(build)) service.build = abs(dir, build);
  } else if (isObj(build)) {
    if (typeof build.context === 'string' && !isRemoteContext(build.context))
      build.context = abs(dir, build.context);
    if (build.context === undefined) build.context = dir;
    if (isObj(build.additional_contexts)) {
      for (const [k, v] of Object.entries(build.additional_contexts)) {
        if (
          typeof v === 'string' &&
          !/^[a-z-]+:\/\//.test(v) &&
          !v.startsWith('service:') &&
          !isRemoteContext(v)
        ) {
          build.additional_contexts[k] = abs(dir, v);
        }
      }
    }
  }
  for (const key of ['env_file', 'label_file']) {
    const v = service[key];
    if (typeof v === 'string') service[key] = abs(dir, v);
    else if (Array.isArray(v)) {
      v.forEach((entry, i) => {
        if (typeof entry === 'string') v[i] = abs(dir, entry);
        else if (isObj(entry) && typeof entry.path === 'string') entry.path = abs(dir, entry.path);
      });
    }
  }
  if (Array.isArray(service.volumes)) {
    service.volumes.forEach((v, i, list) => {
      if (typeof v === 'string') {
        const [source, ...rest] = v.split(':');
        if (rest.length > 0 && source && (source.startsWith('.') || source === '')) {
          list[i] = [abs(dir, source), ...rest].join(':');
        }
      } else if (isObj(v) && v.type === 'bind' && typeof v.source === 'string') {
        v.source = abs(dir, v.source);
      }
    });
  }
  const develop = service.develop;
  if (isObj(develop) && Array.isArray(develop.watch)) {
    for (const rule of develop.watch)
      if (isObj(rule) && typeof rule.path === 'string') rule.path = abs(dir, rule.path);
  }
}

/** Makes `file:` of top-level secrets and configs absolute against `dir`, in place. */
export function rebaseResourcePaths(doc: Obj, dir: string): void {
  for (const section of ['secrets', 'configs']) {
    const resources = doc[section];
    if (!isObj(resources)) continue;
    for (const r of Object.values(resources)) {
      if (isObj(r) && typeof r.file === 'string') r.file = abs(dir, r.file);
    }
  }
}
