/**
 * GET /events filters and times with dockerd's rules (daemon/events/filter.go): `type`, `event`
 * exact; `container`, `network`, `volume` by id or name prefix; `image` by id, name or name
 * without tag; `label` over the actor's attributes. Absent keys match everything. Pure.
 */
import type { EngineEventMessage } from '../events/event-bus.js';
import { badRequest } from './api-error.js';

const KEYS = new Set([
  'config',
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'node',
  'plugin',
  'scope',
  'secret',
  'service',
  'type',
  'volume',
]);

/** Checks the filter keys; 400 for one dockerd does not know. */
export function checkEventFilters(filters: Record<string, string[]>): void {
  for (const key of Object.keys(filters)) {
    if (!KEYS.has(key)) throw badRequest(`invalid filter '${key}'`);
  }
}

/** Whether an event passes the filters. */
export function eventMatches(event: EngineEventMessage, filters: Record<string, string[]>): boolean {
  const attrs = event.Actor.Attributes;
  const exact = (key: string, value: string | undefined) => {
    const values = filters[key];
    return !values?.length || (value !== undefined && values.includes(value));
  };
  const fuzzy = (key: string, value: string | undefined) => {
    const values = filters[key];
    return !values?.length || (value !== undefined && values.some((v) => value === v || value.startsWith(v)));
  };
  const byName = (key: string) => fuzzy(key, event.Actor.ID) || fuzzy(key, attrs.name);
  // like dockerd, a filter on another kind of object narrows every event, not only that kind
  const imageName = event.Type === 'image' ? attrs.name : attrs.image;
  const image =
    !filters.image?.length ||
    [event.Actor.ID, imageName, stripTag(event.Actor.ID), stripTag(imageName)].some(
      (v) => v !== undefined && v !== '' && filters.image?.includes(v),
    );
  const hasEvent = filters.event?.some((e) => ['health_status', 'exec_create', 'exec_start'].includes(e));
  return (
    (hasEvent ? fuzzy('event', event.Action) : exact('event', event.Action)) &&
    exact('type', event.Type) &&
    exact('scope', event.scope) &&
    byName('container') &&
    byName('network') &&
    byName('volume') &&
    image &&
    labelsMatch(attrs, filters.label ?? [])
  );
}

/** `name:tag` → `name` (a digest or a registry port stays). */
function stripTag(name: string | undefined): string | undefined {
  if (!name) return name;
  const at = name.indexOf('@');
  if (at >= 0) return name.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

function labelsMatch(attrs: Record<string, string>, terms: string[]): boolean {
  return terms.every((term) => {
    const eq = term.indexOf('=');
    return eq < 0 ? term in attrs : attrs[term.slice(0, eq)] === term.slice(eq + 1);
  });
}

/**
 * A `since`/`until` value as milliseconds: unix seconds with an optional fraction (what the
 * docker CLI sends), RFC 3339, or a Go duration before `now` (`10m`, `1h30m`).
 */
export function parseEventTime(value: string, now: number): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const [seconds = '0', fraction = ''] = text.split('.');
    return Number(seconds) * 1000 + Number(`0.${fraction || '0'}`) * 1000;
  }
  const duration = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/.test(text) ? goDuration(text) : undefined;
  if (duration !== undefined) return now - duration;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw badRequest(`invalid time ${JSON.stringify(value)}`);
  return parsed;
}

function goDuration(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    total += Number(amount) * (units[unit ?? 's'] ?? 0);
  return total;
}
