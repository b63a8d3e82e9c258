import { describe, expect, it } from 'vitest';
import { parseEndpoint } from './endpoint.js';
import { sshDialCommand } from './transport.js';

describe('parseEndpoint', () => {
  it('reads unix sockets, with or without the scheme', () => {
    expect(parseEndpoint('unix:///var/run/docker.sock')).toEqual({
      kind: 'unix',
      url: 'unix:///var/run/docker.sock',
      socketPath: '/var/run/docker.sock',
    });
    expect(parseEndpoint('/run/podman/podman.sock')).toMatchObject({
      kind: 'unix',
      url: 'unix:///run/podman/podman.sock',
    });
  });

  it('reads tcp with default ports by TLS, and keeps a base path', () => {
    expect(parseEndpoint('tcp://10.0.0.2')).toMatchObject({ kind: 'tcp', host: '10.0.0.2', port: 2375 });
    expect(parseEndpoint('tcp://h', { tls: { verify: true } })).toMatchObject({
      port: 2376,
      tls: { verify: true },
    });
    expect(parseEndpoint('tcp://[::1]:1234/base/')).toMatchObject({
      host: '::1',
      port: 1234,
      basePath: '/base',
    });
    expect(parseEndpoint('https://h:9')).toMatchObject({ port: 9, tls: { verify: true } });
  });

  it('reads ssh with user, port and a remote socket', () => {
    const e = parseEndpoint('ssh://me@box:2222/run/user/1000/docker.sock');
    expect(e).toMatchObject({
      kind: 'ssh',
      host: 'box',
      user: 'me',
      port: 2222,
      socketPath: '/run/user/1000/docker.sock',
    });
    if (e.kind !== 'ssh') throw new Error('ssh expected');
    expect(sshDialCommand(e).args).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '-l',
      'me',
      '-p',
      '2222',
      '--',
      'box',
      'docker',
      '--host=unix:///run/user/1000/docker.sock',
      'system',
      'dial-stdio',
    ]);
    expect(sshDialCommand(parseEndpoint('ssh://box') as never).args.slice(-4)).toEqual([
      'box',
      'docker',
      'system',
      'dial-stdio',
    ]);
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseEndpoint('npipe:////./pipe/docker_engine')).toThrow(/Windows/);
    expect(() => parseEndpoint('fd://')).toThrow(/unsupported scheme fd/);
    expect(() => parseEndpoint('docker.sock')).toThrow(/expected unix/);
    expect(() => parseEndpoint('ssh://u:pw@h')).toThrow(/password/);
    try {
      parseEndpoint('ftp://x');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'ENGINE_ENDPOINT_INVALID',
        hint: expect.stringContaining('unix://'),
      });
    }
  });
});
