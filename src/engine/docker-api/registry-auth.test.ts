import { describe, expect, it } from 'vitest';
import { encodeAuthHeader, registryConfigHeader, resolveRegistryAuth } from './registry-auth.js';

const files = (config: unknown) => (path: string) =>
  path === '/home/u/.docker/config.json' ? JSON.stringify(config) : undefined;
const base = { env: {}, homedir: '/home/u' };

describe('registry credentials', () => {
  it('reads base64 user:password from auths, matching the image registry', async () => {
    const readFile = files({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
        'localhost:5000': { auth: Buffer.from('local:pw').toString('base64') },
      },
    });
    expect(await resolveRegistryAuth('nginx', { ...base, readFile })).toEqual({
      username: 'hub',
      password: 'pw:with:colons',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(await resolveRegistryAuth('localhost:5000/app:1', { ...base, readFile })).toMatchObject({
      username: 'local',
    });
    expect(await resolveRegistryAuth('ghcr.io/x', { ...base, readFile })).toEqual({});
  });

  it('uses identity tokens, and credential helpers before the file', async () => {
    const calls: string[] = [];
    const readFile = files({
      auths: {
        'ghcr.io': { identitytoken: 'tok' },
        'quay.io': { auth: Buffer.from('a:b').toString('base64') },
      },
      credHelpers: { 'quay.io': 'pass' },
      credsStore: 'desktop',
    });
    const runHelper = async (helper: string, server: string) => {
      calls.push(`${helper} ${server}`);
      if (helper === 'pass') return JSON.stringify({ ServerURL: server, Username: '<token>', Secret: 'idt' });
      return undefined;
    };
    expect(await resolveRegistryAuth('quay.io/x', { ...base, readFile, runHelper })).toEqual({
      identitytoken: 'idt',
      serveraddress: 'quay.io',
    });
    expect(await resolveRegistryAuth('ghcr.io/x', { ...base, readFile, runHelper })).toEqual({
      identitytoken: 'tok',
      serveraddress: 'ghcr.io',
    });
    expect(calls).toEqual(['pass quay.io', 'desktop ghcr.io']);
  });

  it('honours DOCKER_CONFIG and survives a broken file', async () => {
    const readFile = (path: string) => (path === '/cfg/config.json' ? '{not json' : undefined);
    expect(
      await resolveRegistryAuth('x', { env: { DOCKER_CONFIG: '/cfg' }, homedir: '/h', readFile }),
    ).toEqual({});
  });

  it('encodes headers as padded base64url JSON', () => {
    expect(encodeAuthHeader({})).toBe('e30=');
    const decoded = JSON.parse(
      Buffer.from(encodeAuthHeader({ username: 'a?>', password: '~~~' }), 'base64url').toString(),
    );
    expect(decoded).toEqual({ username: 'a?>', password: '~~~' });
    const config = registryConfigHeader({
      ...base,
      readFile: files({ auths: { 'r.io': { auth: 'dTpw' } } }),
    });
    expect(JSON.parse(Buffer.from(config ?? '', 'base64url').toString())).toEqual({
      'r.io': { username: 'u', password: 'p', serveraddress: 'r.io' },
    });
  });
});
