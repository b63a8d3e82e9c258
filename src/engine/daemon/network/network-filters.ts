/**
 * Docker's `filters` for GET /networks and POST /networks/prune: name (substring), id
 * (prefix), label / label! (key or key=value), driver, type (custom/builtin), dangling,
 * until. Pure; `now` comes in.
 */
import { NetworkError } from './network-errors.js';
import type { NetworkRecord } from './network-types.js';

/** Decoded `filters` query: `{"label": ["a=b"]}`, or the older `{"label": {"a=b": true}}`. */
export type FilterInput = Record<string, string[] | Record<string, boolean>>;

/** Values per filter key. */
export function normalizeFilters(input: FilterInput | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(input ?? {})) {
    result[key] = Array.isArray(value) ? value : Object.keys(value).filter((k) => value[k]);
  }
  return result;
}

/** Whether `labels` satisfy every `key` / `key=value` term. */
export function matchesLabels(labels: Record<string, string>, terms: string[]): boolean {
  return terms.every((term) => {
    const eq = term.indexOf('=');
    if (eq < 0) return term in labels;
    return labels[term.slice(0, eq)] === term.slice(eq + 1);
  });
}

/** Whether a network passes the filters; `inUse`: it has endpoints. */
export function matchesNetworkFilters(
  network: NetworkRecord,
  filters: Record<string, string[]>,
  context: { inUse: boolean; now: Date },
): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    const ok = (() => {
      switch (key) {
        case 'name':
          return values.some((v) => network.name.includes(v));
        case 'id':
          return values.some((v) => network.id.startsWith(v));
        case 'driver':
          return values.includes(network.driver);
        case 'scope':
          return values.includes('local');
        case 'type':
          return values.includes(network.predefined ? 'builtin' : 'custom');
        case 'label':
          return matchesLabels(network.labels, values);
        case 'label!':
          return !values.some((v) => matchesLabels(network.labels, [v]));
        case 'dangling': {
          const dangling = !network.predefined && !context.inUse;
          return values.some((v) => (v === 'true' || v === '1') === dangling);
        }
        case 'until':
          return values.every((v) => Date.parse(network.created) < untilTime(v, context.now));
        default:
          throw new NetworkError('NETWORK_INVALID', `invalid filter '${key}'`, {
            hint: 'network filters: name, id, label, label!, driver, scope, type, dangling, until',
          });
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** `until` as milliseconds: unix seconds, RFC 3339, or a duration before now (`24h`, `90m`). */
export function untilTime(value: string, now: Date): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(\d+(?:\.\d+)?)(h|m|s)$/.exec(value);
  if (duration) {
    const unit = { h: 3_600_000, m: 60_000, s: 1000 }[duration[2] as 'h' | 'm' | 's'];
    return now.getTime() - Number(duration[1]) * unit;
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new NetworkError('NETWORK_INVALID', `invalid until filter ${value}`, {
      hint: 'use unix seconds, an RFC 3339 time or a duration like 24h',
    });
  }
  return parsed;
}
