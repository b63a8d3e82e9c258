/**
 * Image references as Docker parses them (distribution/reference): `busybox` is
 * `docker.io/library/busybox`, the first component is a registry only when it has a `.` or
 * `:` or is `localhost`, repository names are lowercase, tags are `[\w][\w.-]{0,127}`.
 * Stored normalised (`docker.io/library/busybox:latest`), shown familiar (`busybox:latest`).
 */
import { ImageError } from './errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;

/** A normalised reference: registry domain, repository path, and a tag and/or digest. */
export interface ImageReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

export interface ParseReferenceOptions {
  /** Add `latest` when neither tag nor digest is given (default true). */
  defaultTag?: boolean;
}

/** Parses and normalises a reference; throws ImageError IMAGE_REFERENCE_INVALID with Docker's wording. */
export function parseReference(input: string, options: ParseReferenceOptions = {}): ImageReference {
  if (input === '') throw invalid(input, 'invalid reference format');
  if (HEX64.test(input)) {
    throw invalid(input, `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, 'invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, 'invalid reference format');
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (!DOMAIN.test(domain)) throw invalid(input, 'invalid reference format');
  if (path.toLowerCase() !== path) {
    throw invalid(input, `invalid reference format: repository name (${path}) must be lowercase`);
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (!PATH.test(path)) throw invalid(input, 'invalid reference format');
  if (domain.length + 1 + path.length > 255) {
    throw invalid(input, 'invalid reference format: repository name must not be more than 255 characters');
  }
  if (!tag && !digest && options.defaultTag !== false) tag = 'latest';
  const ref: ImageReference = { domain, path };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** Parses a tag target (`docker tag x <repo>[:tag]`): digests are refused. */
export function parseTagReference(input: string): ImageReference & { tag: string } {
  const ref = parseReference(input);
  if (ref.digest) throw invalid(input, 'refusing to create a tag with a digest reference');
  return ref as ImageReference & { tag: string };
}

/** `docker.io/library/busybox`. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The normalised string: `docker.io/library/busybox:latest`, `host/repo@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  return repositoryName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** The repository as Docker shows it: `busybox`, `user/app`, `localhost:5000/app`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  const path = ref.path;
  if (path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes('/')) {
    return path.slice(OFFICIAL_PREFIX.length);
  }
  return path;
}

/** The reference as Docker shows it: `busybox:latest`, `busybox@sha256:...`. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** Familiar form of a stored (normalised) reference string. */
export function familiarize(normalised: string): string {
  return familiarString(parseReference(normalised, { defaultTag: false }));
}

function invalid(input: string, message: string): ImageError {
  return new ImageError('IMAGE_REFERENCE_INVALID', message, {
    hint: `check the image name ${JSON.stringify(input)}: [registry[:port]/]name[:tag][@sha256:digest], lowercase`,
  });
}
