import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../../../../test/daemon/images/tar-fixtures.js';
import { credentialsFromDockerConfig, decodeRegistryAuth } from './credentials.js';
import { registryEndpoint } from './registry-endpoint.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('decodeRegistryAuth', () => {
  const encode = (value: unknown, url = true) =>
    Buffer.from(JSON.stringify(value)).toString(url ? 'base64url' : 'base64');

  it('reads username and password, identity and registry tokens, base64 or base64url', () => {
    expect(decodeRegistryAuth(encode({ username: 'u', password: 'p?>', serveraddress: 'x' }))).toEqual({
      username: 'u',
      password: 'p?>',
    });
    expect(decodeRegistryAuth(encode({ identitytoken: 'refresh' }, false))).toEqual({
      identityToken: 'refresh',
    });
    expect(decodeRegistryAuth(encode({ registrytoken: 'bearer' }))).toEqual({ registryToken: 'bearer' });
    expect(decodeRegistryAuth(encode({ auth: Buffer.from('a:b:c').toString('base64') }))).toEqual({
      username: 'a',
      password: 'b:c',
    });
  });

  it('treats empty and garbage headers as anonymous', () => {
    expect(decodeRegistryAuth(undefined)).toBeUndefined();
    expect(decodeRegistryAuth(encode({}))).toBeUndefined();
    expect(decodeRegistryAuth('!!!')).toBeUndefined();
  });
});

describe('credentialsFromDockerConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('docker-config');
    mkdirSync(join(dir, 'bin'));
    const helper = join(dir, 'bin', 'docker-credential-fake');
    writeFileSync(
      helper,
      '#!/bin/sh\nread server\ncase "$server" in\n' +
        '  helped.example.com) echo \'{"ServerURL":"helped.example.com","Username":"helper-user","Secret":"helper-secret"}\' ;;\n' +
        '  token.example.com) echo \'{"Username":"<token>","Secret":"refresh-token"}\' ;;\n' +
        '  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n',
    );
    chmodSync(helper, 0o755);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
          'https://registry.example.com/v2/': { username: 'plain', password: 'text' },
          'localhost:5000': { identitytoken: 'id-token' },
        },
        credHelpers: {
          'helped.example.com': 'fake',
          'token.example.com': 'fake',
          'missing.example.com': 'fake',
        },
      }),
    );
  });
  afterAll(() => removeDir(dir));

  const env = () => ({ DOCKER_CONFIG: dir, PATH: `${join(dir, 'bin')}:${process.env.PATH}` });

  it('finds auths entries under the keys Docker writes', async () => {
    expect(await credentialsFromDockerConfig('docker.io', { env: env() })).toEqual({
      username: 'hubuser',
      password: 'hubpass',
    });
    expect(await credentialsFromDockerConfig('registry.example.com', { env: env() })).toEqual({
      username: 'plain',
      password: 'text',
    });
    expect(await credentialsFromDockerConfig('localhost:5000', { env: env() })).toEqual({
      identityToken: 'id-token',
    });
    expect(await credentialsFromDockerConfig('other.example.com', { env: env() })).toBeUndefined();
  });

  it('runs docker-credential-<helper> get for credHelpers', async () => {
    expect(await credentialsFromDockerConfig('helped.example.com', { env: env() })).toEqual({
      username: 'helper-user',
      password: 'helper-secret',
    });
    expect(await credentialsFromDockerConfig('token.example.com', { env: env() })).toEqual({
      identityToken: 'refresh-token',
    });
    expect(await credentialsFromDockerConfig('missing.example.com', { env: env() })).toBeUndefined();
  });

  it('finds nothing without a config', async () => {
    expect(
      await credentialsFromDockerConfig('docker.io', { env: { HOME: join(dir, 'nowhere') } }),
    ).toBeUndefined();
  });
});

describe('registryEndpoint', () => {
  it('uses plain HTTP for loopback and configured insecure registries only', () => {
    expect(registryEndpoint('docker.io').baseUrl).toBe('https://registry-1.docker.io');
    expect(registryEndpoint('localhost:5000').baseUrl).toBe('http://localhost:5000');
    expect(registryEndpoint('127.3.2.1:80').baseUrl).toBe('http://127.3.2.1:80');
    expect(registryEndpoint('[::1]:5000').baseUrl).toBe('http://[::1]:5000');
    expect(registryEndpoint('ghcr.io').baseUrl).toBe('https://ghcr.io');
    expect(registryEndpoint('10.1.2.3:5000', { insecureRegistries: ['10.0.0.0/8'] }).insecure).toBe(true);
    expect(registryEndpoint('reg.lan:5000', { insecureRegistries: ['reg.lan:5000'] }).insecure).toBe(true);
    expect(registryEndpoint('11.1.2.3:5000', { insecureRegistries: ['10.0.0.0/8'] }).insecure).toBe(false);
  });
});

describe('parseWwwAuthenticate', () => {
  it('parses bearer and basic challenges', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull',
        },
      },
    ]);
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
    ]);
  });
});
