/**
 * Pull and push through the bundled engine with the real docker CLI, against Debian's
 * docker-registry on 127.0.0.1 (plain and htpasswd), `docker login` through POST /auth, and
 * the HTTP errors a missing image or tag gives before any progress is streamed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canHtpasswd,
  hasOpenssl,
  hasRegistry,
  type RunningRegistry,
  startRegistry,
} from '../images/registry-server.js';
import {
  apiRequest,
  busyboxRootfsTar,
  cannotRunEngine,
  startTestEngine,
  type TestEngine,
} from './engine-process.js';

const why =
  cannotRunEngine ?? (hasRegistry ? undefined : 'no docker-registry (apt-get install docker-registry)');
const suite = why ? describe.skip : describe;
if (why && !cannotRunEngine) console.warn(`skipping pull/push tests: ${why}`);

suite('pull and push through the bundled engine', () => {
  let engine: TestEngine;
  let registry: RunningRegistry;
  let secured: RunningRegistry | undefined;
  const dirs: string[] = [];
  const ok = (args: string[], input?: Buffer) => {
    const r = engine.docker(args, input === undefined ? {} : { input });
    if (r.code !== 0)
      throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}\n${engine.log()}`);
    return r.stdout.trim();
  };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-engine-registry-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    engine = await startTestEngine('registry');
    registry = await startRegistry(tempDir());
    if (canHtpasswd)
      secured = await startRegistry(tempDir(), { kind: 'htpasswd', user: 'dev', password: 'secret' });
    const tar = busyboxRootfsTar();
    if (!tar) throw new Error('/bin/busybox is needed (apt-get install busybox-static)');
    ok(['import', '-c', 'CMD ["sh"]', '-', 'devtest/pushed:v1'], tar);
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    await registry?.stop();
    await secured?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a tag and pulls it back by tag and by digest', () => {
    const ref = `${registry.host}/devtest/bb:v1`;
    ok(['tag', 'devtest/pushed:v1', ref]);
    const pushed = ok(['push', ref]);
    expect(pushed).toContain(`The push refers to repository [${registry.host}/devtest/bb]`);
    const digest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(pushed)?.[1];
    expect(digest).toBeDefined();
    const id = ok(['image', 'inspect', '-f', '{{.Id}}', ref]);
    ok(['rmi', ref]);
    const pulled = ok(['pull', ref]);
    expect(pulled).toContain(`Digest: ${digest}`);
    expect(pulled).toContain(`Status: Downloaded newer image for ${ref}`);
    expect(ok(['image', 'inspect', '-f', '{{.Id}}', ref])).toBe(id);
    expect(ok(['image', 'inspect', '-f', '{{json .RepoDigests}}', ref])).toContain(digest);
    expect(ok(['pull', ref])).toContain('Status: Image is up to date');
    ok(['rmi', ref]);
    ok(['pull', `${registry.host}/devtest/bb@${digest}`]);
    expect(ok(['images', '--digests', '--format', '{{.Repository}} {{.Digest}}'])).toContain(
      `${registry.host}/devtest/bb ${digest}`,
    );
  });

  it('says a missing image or tag is not found, as an HTTP error before any progress', async () => {
    const missing = engine.docker(['pull', `${registry.host}/devtest/none:v1`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/not found|unknown/);
    const api = await apiRequest(
      engine.socket,
      `/v1.41/images/create?fromImage=${encodeURIComponent(`${registry.host}/devtest/none`)}&tag=v1`,
      { method: 'POST' },
    );
    expect(api.status).toBe(404);
    expect(JSON.parse(api.text)).toHaveProperty('message');
    const push = await apiRequest(engine.socket, `/v1.41/images/${registry.host}/devtest/none/push?tag=v2`, {
      method: 'POST',
      headers: { 'X-Registry-Auth': 'e30=' },
    });
    expect(push.status).toBe(404);
    expect(JSON.parse(push.text).message).toMatch(/No such image/);
  });

  it('logs in through the engine and pushes with the stored credentials', (ctx) => {
    if (!secured) return ctx.skip();
    const ref = `${secured.host}/devtest/private:v1`;
    ok(['tag', 'devtest/pushed:v1', ref]);
    const refused = engine.docker(['push', ref]);
    expect(refused.code).not.toBe(0);
    const bad = engine.docker(['login', '-u', 'dev', '--password-stdin', secured.host], { input: 'wrong\n' });
    expect(bad.code).not.toBe(0);
    const login = engine.docker(['login', '-u', 'dev', '--password-stdin', secured.host], {
      input: 'secret\n',
    });
    expect(login.stdout + login.stderr).toContain('Login Succeeded');
    expect(ok(['push', ref])).toMatch(/v1: digest: sha256:/);
    ok(['rmi', ref]);
    expect(ok(['pull', ref])).toContain(`Downloaded newer image for ${ref}`);
  });

  it('logs in to a registry with token auth (a token without scopes, as dockerd asks)', async (ctx) => {
    if (!hasOpenssl) return ctx.skip();
    const token = await startRegistry(tempDir(), { kind: 'token', user: 'tok', password: 'en' });
    try {
      const bad = await engine.dockerAsync(['login', '-u', 'tok', '--password-stdin', token.host], {
        input: 'no\n',
      });
      expect(bad.code).not.toBe(0);
      const good = await engine.dockerAsync(['login', '-u', 'tok', '--password-stdin', token.host], {
        input: 'en\n',
      });
      expect(good.stdout + good.stderr).toContain('Login Succeeded');
      const ref = `${token.host}/devtest/tokened:v1`;
      ok(['tag', 'devtest/pushed:v1', ref]);
      const push = await engine.dockerAsync(['push', ref]);
      expect(push.stdout).toMatch(/v1: digest: sha256:/);
    } finally {
      await token.stop();
    }
  });
});
