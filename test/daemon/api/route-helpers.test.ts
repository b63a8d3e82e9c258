/** Pure helpers of the bundled engine's routes and process: references, versions, paths. */
import { describe, expect, it } from 'vitest';
import { registryHost } from '../../../src/engine/daemon/api/auth-route.js';
import { pullReference } from '../../../src/engine/daemon/api/image-transfer-routes.js';
import { olderThan } from '../../../src/engine/daemon/api/volume-routes.js';
import {
  DEFAULT_ROOT,
  DEFAULT_SOCKET,
  daemonPaths,
  dockerHostOf,
} from '../../../src/engine/daemon/daemon-paths.js';

describe('pull references from fromImage and tag', () => {
  it('joins a tag or a digest, and keeps a reference that has one', () => {
    expect(pullReference('busybox', 'latest')).toBe('busybox:latest');
    expect(pullReference('localhost:5000/a/b', 'v1')).toBe('localhost:5000/a/b:v1');
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(pullReference('busybox', digest)).toBe(`busybox@${digest}`);
    expect(pullReference('busybox:1.36', 'latest')).toBe('busybox:1.36');
    expect(pullReference('busybox:1.36', '')).toBe('busybox:1.36');
    expect(() => pullReference('busybox', '')).toThrow(/pulling every tag of busybox is not supported/);
  });
});

describe('API versions', () => {
  it('compares numerically', () => {
    expect(olderThan('1.41', '1.42')).toBe(true);
    expect(olderThan('1.9', '1.41')).toBe(true);
    expect(olderThan('1.43', '1.42')).toBe(false);
    expect(olderThan('1.42', '1.42')).toBe(false);
  });
});

describe('registry hosts of docker login', () => {
  it('maps Docker Hub addresses to docker.io and keeps others', () => {
    expect(registryHost('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryHost('')).toBe('docker.io');
    expect(registryHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(registryHost('https://Registry.Example.com/v2/')).toBe('registry.example.com');
  });
});

describe('daemon paths', () => {
  it('gives a user who is not root places of their own', () => {
    expect(
      daemonPaths({ uid: 1000, env: { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' } }),
    ).toMatchObject({
      root: '/home/u/.local/share/dev/engine',
      socket: '/run/user/1000/dev/engine.sock',
      prefix: 'DEVENG',
    });
    expect(daemonPaths({ uid: 1000, env: { HOME: '/home/u' } }).socket).toBe(
      '/home/u/.local/share/dev/engine/engine.sock',
    );
  });

  it('defaults to the system places', () => {
    expect(daemonPaths({ uid: 0, env: {} })).toEqual({
      root: DEFAULT_ROOT,
      socket: DEFAULT_SOCKET,
      pidFile: `${DEFAULT_ROOT}/engine.pid`,
      logFile: `${DEFAULT_ROOT}/engine.log`,
      prefix: 'DEVENG',
    });
  });

  it('gives another root its own socket and prefix, flags over environment', () => {
    const a = daemonPaths({ env: { DEV_ENGINE_ROOT: '/tmp/a' } });
    expect(a.socket).toBe('/tmp/a/engine.sock');
    expect(a.prefix).toMatch(/^DEV[0-9A-F]{6}$/);
    expect(daemonPaths({ env: { DEV_ENGINE_ROOT: '/tmp/b' } }).prefix).not.toBe(a.prefix);
    const b = daemonPaths({
      root: '/tmp/c',
      socket: '/tmp/s.sock',
      env: { DEV_ENGINE_ROOT: '/tmp/a', DEV_ENGINE_SOCKET: '/x' },
    });
    expect([b.root, b.socket]).toEqual(['/tmp/c', '/tmp/s.sock']);
    expect(
      daemonPaths({ uid: 0, env: { DEV_ENGINE_SOCKET: '/run/x.sock', DEV_ENGINE_PREFIX: 'DEVX' } }),
    ).toMatchObject({
      root: DEFAULT_ROOT,
      socket: '/run/x.sock',
      prefix: 'DEVX',
    });
    expect(dockerHostOf('/run/dev-engine/engine.sock')).toBe('unix:///run/dev-engine/engine.sock');
  });
});
