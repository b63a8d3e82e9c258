import { describe, expect, it } from 'vitest';
import { normalizeHostConfig } from './host-config.js';
import { parseBind, parseSize, parseTmpfs, planMounts } from './mount-plan.js';

describe('planMounts', () => {
  it('reads binds, the Mount API, Tmpfs and image volumes, in dockerd order', () => {
    const mounts = planMounts(
      {
        Binds: ['/src:/app:ro', 'named:/data', '/x:/y:rw,rshared'],
        Mounts: [
          { Type: 'volume', Target: '/anon' },
          { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1024 } },
          { Type: 'bind', Source: '/etc/hosts', Target: '/h', ReadOnly: true },
        ],
        Tmpfs: { '/run': 'size=64k,exec' },
      },
      { '/data': {}, '/cache': {} },
    );
    expect(mounts.map((m) => [m.type, m.source, m.destination, m.readOnly])).toEqual([
      ['bind', '/src', '/app', true],
      ['volume', 'named', '/data', false],
      ['bind', '/x', '/y', false],
      ['volume', '', '/anon', false],
      ['tmpfs', '', '/scratch', false],
      ['bind', '/etc/hosts', '/h', true],
      ['tmpfs', '', '/run', false],
      ['volume', '', '/cache', false],
    ]);
    expect(mounts[2]?.propagation).toBe('rshared');
    expect(mounts[1]?.mode).toBe('z');
    expect(mounts[6]?.tmpfs).toEqual({ size: 65536, options: ['exec', 'nosuid', 'nodev'] });
  });

  it('refuses what dockerd refuses', () => {
    expect(() => planMounts({ Binds: ['/a:/x', '/b:/x'] }, null)).toThrow(/Duplicate mount point: \/x/);
    expect(() => parseBind('/a:relative')).toThrow(/must be absolute/);
    expect(() => parseBind('bad name:/x')).toThrow(/invalid characters/);
    expect(() => parseBind('/a:/x:bogus')).toThrow(/invalid mode: bogus/);
    expect(() => planMounts({ Mounts: [{ Type: 'npipe', Target: '/x' }] }, null)).toThrow(
      /mount type unknown/,
    );
  });

  it('parses sizes and tmpfs options', () => {
    expect(parseSize('64m')).toBe(64 * 1024 * 1024);
    expect(parseSize('1.5k')).toBe(1536);
    expect(parseTmpfs('/t', 'mode=1777,ro').tmpfs).toEqual({
      mode: 0o1777,
      options: ['noexec', 'nosuid', 'nodev'],
    });
    expect(parseTmpfs('/t', 'mode=1777,ro').readOnly).toBe(true);
  });
});

describe('normalizeHostConfig', () => {
  it('fills the defaults dockerd shows and keeps what was given', () => {
    const h = normalizeHostConfig({ Memory: 1024, LogConfig: { Type: '', Config: { 'max-size': '1m' } } });
    expect(h).toMatchObject({
      NetworkMode: 'default',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      IpcMode: 'private',
      ShmSize: 64 * 1024 * 1024,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
      Memory: 1024,
      MemorySwap: 2048,
    });
  });

  it('refuses bad restart policies as dockerd does', () => {
    expect(() => normalizeHostConfig({ RestartPolicy: { Name: 'sometimes' } })).toThrow(
      /invalid restart policy/,
    );
    expect(() => normalizeHostConfig({ RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } })).toThrow(
      /maximum retry count cannot be used with restart policy 'always'/,
    );
    expect(() => normalizeHostConfig({ AutoRemove: true, RestartPolicy: { Name: 'always' } })).toThrow(
      /AutoRemove/,
    );
  });
});
