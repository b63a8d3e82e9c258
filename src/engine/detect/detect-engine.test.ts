import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DevError } from '../../model/errors.js';
import type { Engine } from '../engine.js';
import { EngineUnavailableError } from '../engine.js';
import { type DetectFs, detectEngine } from './detect-engine.js';
import type { EngineCandidate } from './engine-candidates.js';

/** A fake file system: sockets that exist, and files by path. */
function fakeFs(sockets: string[], files: Record<string, string> = {}): DetectFs {
  return {
    isSocket: (path) => sockets.includes(path),
    readFile: (path) => (path in files ? Buffer.from(files[path] ?? '') : undefined),
  };
}

/** A probe that answers for the given endpoints and records what it was asked. */
function fakeProbe(answering: string[]) {
  const tried: EngineCandidate[] = [];
  const probe = async (c: EngineCandidate): Promise<Engine> => {
    tried.push(c);
    if (!answering.includes(c.endpoint))
      throw Object.assign(new Error('connection refused'), { reason: 'connection refused' });
    return {
      info: { kind: c.kind ?? 'docker', endpoint: c.endpoint, source: c.source },
    } as unknown as Engine;
  };
  return { probe, tried };
}

const home = '/home/u';
const run = '/run/user/1000';

describe('detectEngine', () => {
  it('tries the well-known sockets in order, skipping missing ones, stopping at the first that answers', async () => {
    const fs = fakeFs([
      '/var/run/docker.sock',
      `${run}/podman/podman.sock`,
      `${home}/.colima/default/docker.sock`,
    ]);
    const { probe, tried } = fakeProbe([
      `unix://${run}/podman/podman.sock`,
      `unix://${home}/.colima/default/docker.sock`,
    ]);
    const engine = await detectEngine({ env: { XDG_RUNTIME_DIR: run }, homedir: home, fs, probe });
    expect(engine.info).toMatchObject({
      endpoint: `unix://${run}/podman/podman.sock`,
      kind: 'podman',
      source: 'podman socket (rootless)',
    });
    expect(tried.map((c) => c.endpoint)).toEqual([
      'unix:///var/run/docker.sock',
      `unix://${run}/podman/podman.sock`,
    ]);
  });

  it('lists every attempt and why when nothing answers', async () => {
    const fs = fakeFs(['/var/run/docker.sock']);
    const { probe } = fakeProbe([]);
    const error = await detectEngine({ env: {}, homedir: home, fs, probe }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    const attempts = (error as EngineUnavailableError).attempts;
    expect(attempts.map((a) => `${a.source}: ${a.error}`)).toEqual([
      'default socket: connection refused',
      'Docker Desktop socket: no socket there',
      'podman socket: no socket there',
      'colima socket: no socket there',
      'colima socket: no socket there',
    ]);
    expect((error as EngineUnavailableError).hint).toMatch(/start Docker/);
  });

  it('uses DOCKER_HOST alone: it does not fall back to another engine', async () => {
    const fs = fakeFs(['/var/run/docker.sock']);
    const { probe, tried } = fakeProbe(['unix:///var/run/docker.sock']);
    const error = await detectEngine({
      env: { DOCKER_HOST: 'tcp://10.9.9.9:2375' },
      homedir: home,
      fs,
      probe,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(tried.map((c) => c.source)).toEqual(['DOCKER_HOST']);
    expect((error as EngineUnavailableError).message).toContain(
      'DOCKER_HOST (tcp://10.9.9.9:2375): connection refused',
    );
    expect((error as EngineUnavailableError).hint).toMatch(/DOCKER_HOST chose this engine/);
  });

  it('reads TLS material for a tcp DOCKER_HOST from DOCKER_CERT_PATH', async () => {
    const fs = fakeFs([], { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'C', '/certs/key.pem': 'K' });
    const { probe, tried } = fakeProbe(['tcp://h:2376']);
    await detectEngine({
      env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      homedir: home,
      fs,
      probe,
    });
    expect(tried[0]?.tls).toEqual({
      verify: true,
      ca: Buffer.from('CA'),
      cert: Buffer.from('C'),
      key: Buffer.from('K'),
    });
  });

  it('follows the current docker context from config.json and its store', async () => {
    const id = createHash('sha256').update('colima').digest('hex');
    const fs = fakeFs([], {
      [`${home}/.docker/config.json`]: JSON.stringify({ currentContext: 'colima' }),
      [`${home}/.docker/contexts/meta/${id}/meta.json`]: JSON.stringify({
        Name: 'colima',
        Endpoints: { docker: { Host: `unix://${home}/.colima/default/docker.sock`, SkipTLSVerify: false } },
      }),
    });
    const { probe } = fakeProbe([`unix://${home}/.colima/default/docker.sock`]);
    const engine = await detectEngine({ env: {}, homedir: home, fs, probe });
    expect(engine.info.source).toBe('docker context "colima"');
    const viaEnv = await detectEngine({ env: { DOCKER_CONTEXT: 'colima' }, homedir: home, fs, probe });
    expect(viaEnv.info.source).toBe('docker context "colima" (DOCKER_CONTEXT)');
    await expect(
      detectEngine({ env: { DOCKER_CONTEXT: 'gone' }, homedir: home, fs, probe }),
    ).rejects.toMatchObject({
      code: 'ENGINE_CONTEXT_INVALID',
    });
    const { probe: p2, tried } = fakeProbe(['unix:///var/run/docker.sock']);
    await detectEngine({
      env: { DOCKER_CONTEXT: 'default' },
      homedir: home,
      fs: fakeFs(['/var/run/docker.sock']),
      probe: p2,
    });
    expect(tried[0]?.source).toBe('default socket');
  });

  it('honours --engine over DEV_ENGINE, and both over DOCKER_HOST', async () => {
    const fs = fakeFs(['/var/run/docker.sock', '/run/podman/podman.sock']);
    const { probe, tried } = fakeProbe(['unix:///run/podman/podman.sock', 'unix:///x.sock']);
    const env = { DEV_ENGINE: 'unix:///x.sock', DOCKER_HOST: 'tcp://nowhere:1' };
    expect((await detectEngine({ env, homedir: home, fs, probe, engineFlag: 'podman' })).info.endpoint).toBe(
      'unix:///run/podman/podman.sock',
    );
    expect((await detectEngine({ env, homedir: home, fs, probe })).info.source).toBe('DEV_ENGINE');
    expect(tried.map((c) => c.endpoint)).toEqual(['unix:///run/podman/podman.sock', 'unix:///x.sock']);
    await expect(
      detectEngine({ env: {}, homedir: home, fs, probe, engineFlag: 'lxd' }),
    ).rejects.toMatchObject({
      code: 'ENGINE_FLAG_INVALID',
    });
  });

  it('falls back to the bundled engine when asked and nothing else answers, not after an explicit choice', async () => {
    const bundled = { info: { kind: 'bundled' } } as unknown as Engine;
    const { probe } = fakeProbe([]);
    const fs = fakeFs(['/var/run/docker.sock']);
    const options = { homedir: home, fs, probe, bundled: async () => bundled, bundledFallback: true };
    expect(await detectEngine({ ...options, env: {} })).toBe(bundled);
    await expect(detectEngine({ ...options, env: { DOCKER_HOST: 'tcp://x:1' } })).rejects.toBeInstanceOf(
      EngineUnavailableError,
    );
    for (const choice of [{ engineFlag: 'docker' }, { env: { DEV_ENGINE: 'podman' } }]) {
      await expect(detectEngine({ ...options, env: {}, ...choice })).rejects.toBeInstanceOf(
        EngineUnavailableError,
      );
    }
    // no socket of any known engine exists (dockerd's hidden by the fake file system): the same
    const none = { ...options, fs: fakeFs([]) };
    expect(await detectEngine({ ...none, env: { DEV_ENGINE: '' } })).toBe(bundled);
    const failing = { ...options, bundled: async () => Promise.reject(new Error('cannot start: no runc')) };
    const error = (await detectEngine({ ...failing, env: {} }).catch((e) => e)) as EngineUnavailableError;
    expect(error.attempts.at(-1)).toEqual({
      source: 'bundled engine',
      endpoint: 'bundled',
      error: 'cannot start: no runc',
    });
  });

  it('passes on why the chosen bundled engine cannot run', async () => {
    const { probe } = fakeProbe([]);
    const needsRoot = new DevError('ENGINE_BUNDLED_NEEDS_ROOT', 'the bundled engine needs root', {
      hint: 'sudo',
    });
    await expect(
      detectEngine({
        env: {},
        homedir: home,
        fs: fakeFs([]),
        probe,
        engineFlag: 'bundled',
        bundled: async () => Promise.reject(needsRoot),
      }),
    ).rejects.toBe(needsRoot);
  });

  it('says the bundled engine is not available yet, unless given one', async () => {
    const fs = fakeFs(['/var/run/docker.sock']);
    const { probe, tried } = fakeProbe(['unix:///var/run/docker.sock']);
    await expect(
      detectEngine({ env: {}, homedir: home, fs, probe, engineFlag: 'bundled' }),
    ).rejects.toMatchObject({
      code: 'ENGINE_BUNDLED_UNAVAILABLE',
    });
    expect(tried).toEqual([]);
    const bundled = { info: { kind: 'bundled' } } as unknown as Engine;
    expect(
      await detectEngine({
        env: { DEV_ENGINE: 'bundled' },
        homedir: home,
        fs,
        probe,
        bundled: async () => bundled,
      }),
    ).toBe(bundled);
  });
});
