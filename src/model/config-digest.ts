/**
 * Per-field digests of a service's runtime config, stored on each container (label
 * `dev.config-digest`) so that a later plan can name exactly which fields force a recreate
 * ("environment.DEBUG", "image"). Mapping-valued fields get one digest per key. The same
 * fields as the config hash are left out.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, hashedConfig } from './config-hash.js';
import type { ServiceConfig } from './project.js';

/** Fields whose keys are digested one by one, so that a change names the key. */
const KEYED = new Set([
  'environment',
  'labels',
  'annotations',
  'sysctls',
  'storage_opt',
  'ulimits',
  'networks',
  'healthcheck',
  'logging',
  'deploy',
]);

/** Field (or `field.key`) → 8 hex digits of its canonical JSON. */
export function configDigests(service: ServiceConfig): Record<string, string> {
  const out: Record<string, string> = {};
  const config = hashedConfig(service);
  for (const field of Object.keys(config).sort()) {
    const value = config[field];
    if (value === undefined) continue;
    if (KEYED.has(field) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
      if (entries.length === 0) out[field] = short(canonicalJson(value));
      for (const [key, v] of entries) if (v !== undefined) out[`${field}.${key}`] = short(canonicalJson(v));
    } else {
      out[field] = short(canonicalJson(value));
    }
  }
  return out;
}

/** The digests as a label value: `field=digest` pairs joined by `,` (keys never hold `,` or `=` unescaped). */
export function encodeConfigDigests(digests: Record<string, string>): string {
  return Object.entries(digests)
    .map(([k, v]) => `${encodeURIComponent(k)}=${v}`)
    .join(',');
}

/** Reads a `dev.config-digest` label; undefined when absent or malformed. */
export function decodeConfigDigests(label: string | undefined): Record<string, string> | undefined {
  if (label === undefined) return undefined;
  const out: Record<string, string> = {};
  if (label === '') return out;
  for (const pair of label.split(',')) {
    const i = pair.lastIndexOf('=');
    if (i <= 0) return undefined;
    try {
      out[decodeURIComponent(pair.slice(0, i))] = pair.slice(i + 1);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** Fields (or `field.key`s) that differ between two digest sets, sorted. */
export function changedFields(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

function short(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
