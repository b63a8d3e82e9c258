/**
 * The config hash: a digest of everything in a service's config that needs a new container
 * when it changes. Left out, as in Compose: build (the image digest covers it), pull_policy,
 * scale and replicas, depends_on, profiles; and develop (watch rules act on a running container).
 */
import { createHash } from 'node:crypto';
import type { ServiceConfig } from './project.js';

const EXCLUDED = new Set(['build', 'pull_policy', 'scale', 'depends_on', 'profiles', 'develop']);

/** sha256 (hex) of the canonical JSON of the service's runtime config. */
export function configHash(service: ServiceConfig): string {
  return createHash('sha256')
    .update(canonicalJson(hashedConfig(service)))
    .digest('hex');
}

/** The part of a service's config the hash covers (a shallow copy without the excluded fields). */
export function hashedConfig(service: ServiceConfig): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(service)) if (!EXCLUDED.has(k)) copy[k] = v;
  const deploy = copy.deploy as Record<string, unknown> | undefined;
  if (deploy && 'replicas' in deploy) {
    const { replicas: _r, ...rest } = deploy;
    copy.deploy = rest;
  }
  return copy;
}

/** JSON with object keys sorted at every level and undefined values dropped, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
