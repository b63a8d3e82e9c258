import { describe, expect, it } from 'vitest';
import { issuesOf, loadService } from '../../test/helpers/normalize.js';
import type { NormalizeOptions } from './normalize.js';

describe('volumes', () => {
  const volumes = (specs: string, options: Partial<NormalizeOptions> = {}) =>
    loadService(`volumes: [${specs}]`, options).volumes;

  it('expands bind mounts with absolute sources', () => {
    expect(volumes('"./src:/app:ro", ".:/code", "~/configs:/etc/configs", "/opt/data:/data/"')).toEqual([
      {
        type: 'bind',
        source: '/work/app/src',
        target: '/app',
        read_only: true,
        bind: { create_host_path: true },
      },
      { type: 'bind', source: '/work/app', target: '/code', bind: { create_host_path: true } },
      { type: 'bind', source: '/home/me/configs', target: '/etc/configs', bind: { create_host_path: true } },
      { type: 'bind', source: '/opt/data', target: '/data', bind: { create_host_path: true } },
    ]);
  });

  it('expands named and anonymous volumes', () => {
    expect(volumes('"data:/var/lib", "/var/lib/anon", "db:/db:ro,nocopy"')).toEqual([
      { type: 'volume', source: 'data', target: '/var/lib', volume: {} },
      { type: 'volume', target: '/var/lib/anon', volume: {} },
      { type: 'volume', source: 'db', target: '/db', read_only: true, volume: { nocopy: true } },
    ]);
  });

  it('reads SELinux, propagation and ignores consistency options', () => {
    expect(volumes('"./a:/a:z", "./b:/b:Z,rshared", "./c:/c:cached", "./d:/d:delegated,rw"')).toEqual([
      { type: 'bind', source: '/work/app/a', target: '/a', bind: { selinux: 'z', create_host_path: true } },
      {
        type: 'bind',
        source: '/work/app/b',
        target: '/b',
        bind: { selinux: 'Z', propagation: 'rshared', create_host_path: true },
      },
      { type: 'bind', source: '/work/app/c', target: '/c', bind: { create_host_path: true } },
      { type: 'bind', source: '/work/app/d', target: '/d', bind: { create_host_path: true } },
    ]);
  });

  it('normalises the long syntax', () => {
    expect(
      loadService(`
volumes:
  - {type: bind, source: ./opt, target: /opt, consistency: cached}
  - {type: bind, source: ../shared, target: /shared, bind: {propagation: rslave}}
  - {type: bind, source: ./keep, target: /keep, bind: {create_host_path: false}}
  - {type: tmpfs, target: /tmp, tmpfs: {size: 64m, mode: "1777"}}
  - {type: volume, source: data, target: /data, read_only: false, volume: {nocopy: true, subpath: sub}}
  - {type: image, source: "alpine:3", target: /img, image: {subpath: etc}}
`).volumes,
    ).toEqual([
      { type: 'bind', source: '/work/app/opt', target: '/opt', consistency: 'cached' },
      {
        type: 'bind',
        source: '/work/shared',
        target: '/shared',
        bind: { propagation: 'rslave', create_host_path: true },
      },
      { type: 'bind', source: '/work/app/keep', target: '/keep', bind: { create_host_path: false } },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: 64 * 1024 ** 2, mode: 0o1777 } },
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true, subpath: 'sub' } },
      { type: 'image', source: 'alpine:3', target: '/img', image: { subpath: 'etc' } },
    ]);
  });

  it('leaves paths alone when path resolution is off', () => {
    expect(volumes('"./src:/app", "~/x:/x"', { resolvePaths: false })?.map((v) => v.source)).toEqual([
      './src',
      '~/x',
    ]);
    expect(loadService('build: ./web', { resolvePaths: false }).build?.context).toBe('./web');
  });

  it.each(['"a:b:c:d"', '"::/x"', '""'])('rejects %s', (spec) => {
    expect(issuesOf(() => volumes(spec))[0]?.pointer).toBe('/services/s/volumes/0');
  });
});
