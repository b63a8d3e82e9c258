import { describe, expect, it } from 'vitest';
import { type ContainerStateView, humanDuration, recordedState, statusSentence } from './container-status.js';
import type { ContainerRecord } from './container-types.js';
import { DetachKeyFilter, parseDetachKeys } from './http/detach-keys.js';
import { checkFilters, type ListParts, matchesFilters, summaryView } from './list-view.js';
import { NameIndex } from './name-index.js';

const record: ContainerRecord = {
  version: 1,
  id: `abc${'0'.repeat(61)}`,
  name: 'proj-web-1',
  created: '2024-01-01T00:00:00.000Z',
  image: `sha256:${'f'.repeat(64)}`,
  path: 'sh',
  args: ['-c', 'echo hi there'],
  config: {
    Image: 'busybox',
    Labels: { app: 'web', tier: 'front' },
    ExposedPorts: { '80/tcp': {}, '53/udp': {} },
  },
  hostConfig: { NetworkMode: 'proj_default' },
  networks: { proj_default: { NetworkID: 'net123' } },
  mounts: [
    { type: 'volume', source: 'proj_data', destination: '/data', readOnly: false, mode: '', propagation: '' },
  ],
  state: {
    running: false,
    paused: false,
    restarting: false,
    pid: 0,
    exitCode: 3,
    error: '',
    oomKilled: false,
    startedAt: '2024-01-01T00:00:01.000Z',
    finishedAt: '2024-01-01T00:00:02.000Z',
    restartCount: 0,
    manuallyStopped: false,
  },
};

const parts = (state: Partial<ContainerStateView> = {}): ListParts => ({
  record,
  state: { ...recordedState(record), ...state },
  network: undefined,
  volumePath: (n) => `/vol/${n}`,
  imageNames: ['busybox:latest', 'busybox'],
});
const lookup = { createdOf: () => undefined, networkIds: () => [] };

describe('list view', () => {
  it('summarises as dockerd does', () => {
    const s = summaryView(parts(), new Date('2024-01-01T00:01:02.000Z'));
    expect(s).toMatchObject({
      Names: ['/proj-web-1'],
      Command: "sh -c 'echo hi there'",
      State: 'exited',
      Status: 'Exited (3) About a minute ago',
      Ports: [
        { PrivatePort: 80, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
      ],
      Mounts: [{ Type: 'volume', Name: 'proj_data', Source: '/vol/proj_data', Destination: '/data' }],
    });
  });

  it('filters by label, name, status, ancestor, network, volume, exited and health', () => {
    const match = (filters: Record<string, string[]>, p = parts()) => matchesFilters(p, filters, lookup);
    expect(match({ label: ['app=web', 'tier'] })).toBe(true);
    expect(match({ label: ['app=db'] })).toBe(false);
    expect(match({ name: ['^/proj-web'] })).toBe(true);
    expect(match({ name: ['db'] })).toBe(false);
    expect(match({ status: ['exited', 'running'] })).toBe(true);
    expect(match({ ancestor: ['busybox'] })).toBe(true);
    expect(match({ network: ['proj_default'] })).toBe(true);
    expect(match({ volume: ['proj_data'] })).toBe(true);
    expect(match({ exited: ['3'] })).toBe(true);
    expect(match({ health: ['none'] })).toBe(true);
    expect(match({ health: ['healthy'] })).toBe(false);
    expect(() => checkFilters({ colour: ['x'] })).toThrow(/invalid filter 'colour'/);
    expect(() => checkFilters({ status: ['sleepy'] })).toThrow(/invalid filter 'status=sleepy'/);
  });

  it('words states as dockerd does', () => {
    const now = new Date('2024-01-01T02:00:01.000Z');
    const base = recordedState(record);
    expect(statusSentence({ ...base, status: 'running', running: true }, now)).toBe('Up 2 hours');
    expect(
      statusSentence(
        { ...base, running: true, health: { Status: 'starting', FailingStreak: 0, Log: [] } },
        now,
      ),
    ).toBe('Up 2 hours (health: starting)');
    expect(statusSentence({ ...base, running: true, paused: true }, now)).toBe('Up 2 hours (Paused)');
    expect(statusSentence({ ...base, restarting: true }, now)).toBe('Restarting (3) 2 hours ago');
    expect(statusSentence({ ...base, startedAt: '0001-01-01T00:00:00Z' }, now)).toBe('Created');
    expect(humanDuration(500)).toBe('Less than a second');
    expect(humanDuration(45_000)).toBe('45 seconds');
    expect(humanDuration(3 * 24 * 3_600_000)).toBe('3 days');
  });
});

describe('names', () => {
  it('resolves ids, names and unique prefixes as dockerd does', () => {
    const names = new NameIndex();
    names.reserve('web', `ab${'1'.repeat(62)}`);
    names.reserve('/db', `ac${'2'.repeat(62)}`);
    expect(names.resolve('web')).toMatch(/^ab/);
    expect(names.resolve('/db')).toMatch(/^ac/);
    expect(names.resolve('ab1')).toMatch(/^ab/);
    expect(() => names.resolve('a')).toThrow(/multiple IDs found/);
    expect(() => names.resolve('zz')).toThrow(/No such container: zz/);
    expect(() => names.reserve('web', 'other')).toThrow(/is already in use by container/);
    expect(() => names.reserve('-bad', 'x')).toThrow(/Invalid container name/);
  });
});

describe('detach keys', () => {
  it('parses specs and detaches on the sequence, passing broken ones on', async () => {
    expect(parseDetachKeys('ctrl-p,ctrl-q')).toEqual([16, 17]);
    expect(parseDetachKeys('a,ctrl-@')).toEqual([97, 0]);
    expect(() => parseDetachKeys('ctrl-')).toThrow(/Invalid detach keys/);
    const filter = new DetachKeyFilter([16, 17]);
    const out: Buffer[] = [];
    filter.on('data', (c: Buffer) => out.push(c));
    let detached = false;
    filter.on('detach', () => {
      detached = true;
    });
    filter.write(Buffer.from([65, 16, 66, 16]));
    filter.write(Buffer.from([17, 67]));
    await new Promise((r) => setImmediate(r));
    expect(detached).toBe(true);
    expect([...Buffer.concat(out)]).toEqual([65, 16, 66]);
  });
});
