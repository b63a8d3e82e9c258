import { describe, expect, it } from 'vitest';
import type { EngineEventMessage } from '../events/event-bus.js';
import { checkEventFilters, eventMatches, parseEventTime } from './event-filter.js';

const event = (
  Type: EngineEventMessage['Type'],
  Action: string,
  ID: string,
  Attributes: Record<string, string> = {},
): EngineEventMessage => ({
  Type,
  Action,
  Actor: { ID, Attributes },
  scope: 'local',
  time: 1,
  timeNano: 1e9,
});

describe('event filters (dockerd rules)', () => {
  const web = event('container', 'start', 'abc123def', {
    name: 'proj-web-1',
    image: 'nginx:1.25',
    'com.x': 'y',
  });
  const tag = event('image', 'tag', 'sha256:aa', { name: 'busybox:latest' });
  const net = event('network', 'create', 'fff000', { name: 'proj_default', type: 'bridge' });

  it('matches everything without filters', () => {
    expect([web, tag, net].every((e) => eventMatches(e, {}))).toBe(true);
  });

  it('type and event match exactly', () => {
    expect(eventMatches(web, { type: ['container'] })).toBe(true);
    expect(eventMatches(tag, { type: ['container'] })).toBe(false);
    expect(eventMatches(web, { event: ['start', 'stop'] })).toBe(true);
    expect(eventMatches(web, { event: ['sta'] })).toBe(false);
  });

  it('health_status and exec_* event filters match by prefix', () => {
    const health = event('container', 'health_status: healthy', 'abc');
    expect(eventMatches(health, { event: ['health_status'] })).toBe(true);
  });

  it('container, network, volume match id or name by prefix, and narrow other kinds too', () => {
    expect(eventMatches(web, { container: ['abc'] })).toBe(true);
    expect(eventMatches(web, { container: ['proj-web'] })).toBe(true);
    expect(eventMatches(web, { container: ['other'] })).toBe(false);
    expect(eventMatches(net, { network: ['proj_default'] })).toBe(true);
    expect(eventMatches(net, { container: ['abc'] })).toBe(false);
  });

  it('image matches id, name, and name without the tag; containers by their image', () => {
    expect(eventMatches(tag, { image: ['busybox'] })).toBe(true);
    expect(eventMatches(tag, { image: ['busybox:latest'] })).toBe(true);
    expect(eventMatches(tag, { image: ['sha256:aa'] })).toBe(true);
    expect(eventMatches(tag, { image: ['busy'] })).toBe(false);
    expect(eventMatches(web, { image: ['nginx'] })).toBe(true);
    const registry = event('image', 'push', 'localhost:5000/a/b:1', { name: 'localhost:5000/a/b' });
    expect(eventMatches(registry, { image: ['localhost:5000/a/b'] })).toBe(true);
  });

  it('labels need every term over the attributes', () => {
    expect(eventMatches(web, { label: ['com.x'] })).toBe(true);
    expect(eventMatches(web, { label: ['com.x=y'] })).toBe(true);
    expect(eventMatches(web, { label: ['com.x=z'] })).toBe(false);
    expect(eventMatches(web, { label: ['com.x', 'missing'] })).toBe(false);
  });

  it('refuses unknown filter keys', () => {
    expect(() => checkEventFilters({ colour: ['red'] })).toThrow(/invalid filter 'colour'/);
    expect(() => checkEventFilters({ type: ['image'], label: ['a'] })).not.toThrow();
  });
});

describe('event times', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('reads unix seconds with fractions, RFC 3339 and durations before now', () => {
    expect(parseEventTime('1714564800', now)).toBe(1714564800000);
    expect(parseEventTime('1714564800.250000000', now)).toBe(1714564800250);
    expect(parseEventTime('2024-05-01T11:00:00Z', now)).toBe(now - 3_600_000);
    expect(parseEventTime('10m', now)).toBe(now - 600_000);
    expect(parseEventTime('1h30m', now)).toBe(now - 5_400_000);
    expect(parseEventTime('500ms', now)).toBe(now - 500);
    expect(() => parseEventTime('yesterday', now)).toThrow(/invalid time/);
  });
});
