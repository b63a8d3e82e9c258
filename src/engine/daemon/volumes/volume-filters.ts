/**
 * Docker's `filters` for GET /volumes (name, label, dangling, driver) and POST /volumes/prune
 * (label, label!, all). Pure.
 */
import { VolumeError } from './volume-errors.js';
import type { VolumeRecord } from './volume-types.js';

/** Decoded `filters` query: `{"label": ["a=b"]}`, or the older `{"label": {"a=b": true}}`. */
export type VolumeFilterInput = Record<string, string[] | Record<string, boolean>>;

/** Values per filter key. */
export function normalizeVolumeFilters(input: VolumeFilterInput | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(input ?? {})) {
    result[key] = Array.isArray(value) ? value : Object.keys(value).filter((k) => value[k]);
  }
  return result;
}

/** Whether a volume passes list filters. */
export function matchesVolumeFilters(record: VolumeRecord, filters: Record<string, string[]>): boolean {
  return Object.entries(filters).every(([key, values]) => {
    if (values.length === 0) return true;
    switch (key) {
      case 'name':
        return values.some((v) => record.name.includes(v));
      case 'driver':
        return values.includes(record.driver);
      case 'dangling':
        return values.some((v) => (v === 'true' || v === '1') === (record.users.length === 0));
      case 'label':
        return hasLabels(record.labels, values);
      case 'label!':
        return !values.some((v) => hasLabels(record.labels, [v]));
      case 'all':
        return true;
      default:
        throw new VolumeError('VOLUME_INVALID', `invalid filter '${key}'`, {
          hint: 'volume filters: name, label, label!, dangling, driver (prune: label, label!, all)',
        });
    }
  });
}

/** Whether `labels` satisfy every `key` / `key=value` term. */
export function hasLabels(labels: Record<string, string>, terms: string[]): boolean {
  return terms.every((term) => {
    const eq = term.indexOf('=');
    return eq < 0 ? term in labels : labels[term.slice(0, eq)] === term.slice(eq + 1);
  });
}
