/**
 * Image references as the docker CLI reads them: `[registry/]repository[:tag][@digest]`, where
 * the first component is a registry only if it has a `.` or `:` or is `localhost`. Pure.
 */

/** The parts of a reference. */
export interface ImageRef {
  /** Registry host (with port); `docker.io` when none is named. */
  registry: string;
  /** Repository path as written (`library/` is not added). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** The registry key `docker.io` credentials are stored under in ~/.docker/config.json. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** Splits a reference into its parts. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  const repository = hasRegistry ? rest.slice(slash + 1) : rest;
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `fromImage` and `tag` for POST /images/create: the tag, else the digest, else `latest`. */
export function pullParameters(ref: string): { fromImage: string; tag: string } {
  const parsed = parseImageRef(ref);
  let name = ref;
  if (parsed.digest !== undefined) name = name.slice(0, name.indexOf('@'));
  if (parsed.tag !== undefined) name = name.slice(0, name.lastIndexOf(':'));
  return { fromImage: name, tag: parsed.digest ?? parsed.tag ?? 'latest' };
}

/** Repository and tag for POST /images/{name}/tag. */
export function splitRepoTag(ref: string): { repo: string; tag: string } {
  const parsed = parseImageRef(ref);
  const lastColon = ref.lastIndexOf(':');
  if (parsed.tag !== undefined && !parsed.digest) return { repo: ref.slice(0, lastColon), tag: parsed.tag };
  return { repo: ref, tag: 'latest' };
}

/** Registry hosts normalised for matching config.json keys (`https://index.docker.io/v1/` → `docker.io`). */
export function registryHostOf(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** `docker.io/library/x:1` → `x:1`, `docker.io/a/b` → `a/b`, as Docker lists them (Podman lists full names). */
export function familiarName(ref: string): string {
  if (ref.startsWith('docker.io/library/') && !ref.slice('docker.io/library/'.length).includes('/'))
    return ref.slice('docker.io/library/'.length);
  return ref.startsWith('docker.io/') ? ref.slice('docker.io/'.length) : ref;
}
