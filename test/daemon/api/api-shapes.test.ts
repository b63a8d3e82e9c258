/**
 * The bundled engine's API as other clients see it: _ping's headers (GET and HEAD), Docker's
 * error bodies, the events stream (replay, live, until), image prune, docker-py (what
 * docker-compose v1 is built on) and dev's own client.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDockerApi } from '../../../src/engine/docker-api/connect-docker-api.js';
import type { Engine } from '../../../src/engine/engine.js';
import {
  apiRequest,
  busyboxRootfsTar,
  cannotRunEngine,
  startTestEngine,
  type TestEngine,
} from './engine-process.js';

const suite = cannotRunEngine ? describe.skip : describe;
const dockerPy = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import docker']).status === 0,
);

suite('the bundled engine API for other clients', () => {
  let engine: TestEngine;
  let dev: Engine;

  beforeAll(async () => {
    engine = await startTestEngine('api-shapes');
    dev = await connectDockerApi({ endpoint: engine.host, timeout: 10_000 });
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers _ping to GET and HEAD with the API version and no caching', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await apiRequest(engine.socket, '/_ping', { method });
      expect(r.status).toBe(200);
      expect(r.text).toBe(method === 'GET' ? 'OK' : '');
      expect(r.headers['api-version']).toBe('1.41');
      expect(r.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
      expect(r.headers.ostype).toBe('linux');
    }
  });

  it("answers errors with Docker's message bodies and statuses", async () => {
    const cases: [string, number, RegExp][] = [
      ['/v1.41/images/devtest/none:v1/json', 404, /No such image: devtest\/none:v1/],
      ['/v1.41/networks/devtest-none', 404, /network devtest-none not found|No such network/i],
      ['/v1.41/volumes/devtest-none', 404, /no such volume/],
      ['/v1.41/events?filters=%7B%22colour%22%3A%5B%22red%22%5D%7D', 400, /invalid filter 'colour'/],
    ];
    for (const [path, status, message] of cases) {
      const r = await apiRequest(engine.socket, path);
      expect([path, r.status]).toEqual([path, status]);
      expect(JSON.parse(r.text).message).toMatch(message);
    }
    const commit = await apiRequest(engine.socket, '/v1.41/commit?container=devtest-none', {
      method: 'POST',
    });
    expect([404, 501]).toContain(commit.status);
    const connect = await apiRequest(engine.socket, '/v1.41/networks/bridge/connect', {
      method: 'POST',
      body: JSON.stringify({ Container: 'devtest-none' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect([404, 501]).toContain(connect.status);
  });

  it('streams events live and ends a stream at its until', async () => {
    const since = Date.now() / 1000;
    const received: { Type: string; Action: string; Actor: { Attributes: Record<string, string> } }[] = [];
    const controller = new AbortController();
    let ready: () => void = () => {};
    const headed = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const first = new Promise<void>((resolve, reject) => {
      const req = request(
        {
          socketPath: engine.socket,
          path: '/v1.41/events?filters=%7B%22type%22%3A%5B%22volume%22%5D%7D',
          signal: controller.signal,
        },
        (res) => {
          // the engine subscribes before it sends the head
          ready();
          let buffer = '';
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            const lines = buffer.split('\n');
            buffer = lines.pop() ?? '';
            for (const line of lines) if (line.trim()) received.push(JSON.parse(line));
            if (received.length > 0) resolve();
          });
        },
      );
      req.on('error', (error) => {
        if (!controller.signal.aborted) reject(error);
      });
      req.end();
    });
    await headed;
    await apiRequest(engine.socket, '/v1.41/volumes/create', {
      method: 'POST',
      body: '{"Name":"devtest-live"}',
    });
    await first;
    controller.abort();
    expect(received[0]).toMatchObject({
      Type: 'volume',
      Action: 'create',
      Actor: { Attributes: { driver: 'local' } },
    });
    const replay = await apiRequest(
      engine.socket,
      `/v1.41/events?since=${since}&until=${Date.now() / 1000 + 0.5}&filters=${encodeURIComponent('{"volume":["devtest-live"]}')}`,
    );
    expect(replay.status).toBe(200);
    expect(
      replay.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Action),
    ).toEqual(['create']);
  });

  it('prunes dangling images, and every unused one with dangling=false', async () => {
    const tar = busyboxRootfsTar();
    if (!tar) return;
    const dangling = engine.docker(['import', '-'], { input: tar }).stdout.trim();
    engine.docker(['import', '-', 'devtest/kept:v1'], { input: tar });
    const pruned = JSON.parse(
      (await apiRequest(engine.socket, '/v1.41/images/prune', { method: 'POST' })).text,
    ) as { ImagesDeleted: { Deleted?: string }[] | null };
    expect(pruned.ImagesDeleted?.map((d) => d.Deleted)).toContain(dangling);
    expect(engine.docker(['image', 'inspect', 'devtest/kept:v1']).code).toBe(0);
    const all = await apiRequest(
      engine.socket,
      `/v1.41/images/prune?filters=${encodeURIComponent('{"dangling":["false"]}')}`,
      { method: 'POST' },
    );
    expect(all.status).toBe(200);
    expect(engine.docker(['image', 'inspect', 'devtest/kept:v1']).code).not.toBe(0);
  });

  it('imports from a URL with progress, and saves one image by its name', async () => {
    const tar = busyboxRootfsTar();
    if (!tar) return;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': tar.length });
      res.end(tar);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/rootfs.tar`;
      const r = await apiRequest(
        engine.socket,
        `/v1.41/images/create?fromSrc=${encodeURIComponent(url)}&repo=devtest/url&tag=v1&message=from+a+url`,
        { method: 'POST' },
      );
      expect(r.status).toBe(200);
      const lines = r.text
        .trim()
        .split('\r\n')
        .map((l) => JSON.parse(l) as { status?: string });
      expect(lines[0]).toEqual({ status: `Downloading from ${url}` });
      expect(lines.some((l) => l.status === 'Importing')).toBe(true);
      const id = lines.at(-1)?.status;
      expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(
        engine.docker(['image', 'inspect', '-f', '{{.Id}} {{.Comment}}', 'devtest/url:v1']).stdout.trim(),
      ).toBe(`${id} from a url`);
    } finally {
      server.close();
    }
    const saved = await apiRequest(engine.socket, '/v1.41/images/devtest/url:v1/get');
    expect(saved.status).toBe(200);
    expect(saved.headers['content-type']).toBe('application/x-tar');
    expect(saved.text).toContain('manifest.json');
    const missing = await apiRequest(engine.socket, '/v1.41/images/devtest/none:v1/get');
    expect(missing.status).toBe(404);
  });

  it('serves docker-py (docker-compose v1’s client)', (ctx) => {
    if (!dockerPy) return ctx.skip();
    const script = `
import docker, json
c = docker.DockerClient(base_url=${JSON.stringify(engine.host)}, version='auto')
v = c.version()
n = c.networks.create('devtest-py', labels={'via': 'py'}, check_duplicate=True)
vol = c.volumes.create('devtest-pyvol', labels={'via': 'py'})
out = {
  'platform': v['Platform']['Name'],
  'api': c.api.api_version,
  'networks': sorted(x.name for x in c.networks.list(filters={'label': 'via=py'})),
  'volumes': [x.name for x in c.volumes.list(filters={'label': 'via=py'})],
  'images': len(c.images.list()),
  'info': c.info()['Driver'],
}
n.remove(); vol.remove()
print(json.dumps(out))
`;
    const r = spawnSync(dockerPy, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      platform: 'dev engine',
      api: '1.41',
      networks: ['devtest-py'],
      volumes: ['devtest-pyvol'],
      info: 'overlay2',
    });
  });

  it("serves dev's own client: kind, networks, volumes, images, and build's clear refusal", async () => {
    expect(dev.info).toMatchObject({ kind: 'bundled', apiVersion: '1.41', os: 'linux' });
    const id = await dev.createNetwork('devtest-client', {
      labels: { 'com.docker.compose.project': 'devtest' },
      ipam: { config: [{ subnet: '10.199.8.0/24' }] },
    });
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    await dev.createVolume('devtest-client-vol', { labels: { 'com.docker.compose.project': 'devtest' } });
    const listed = await apiRequest(
      engine.socket,
      `/v1.41/networks?filters=${encodeURIComponent('{"label":["com.docker.compose.project=devtest"]}')}`,
    );
    expect((JSON.parse(listed.text) as { Name: string }[]).map((n) => n.Name)).toEqual(['devtest-client']);
    await dev.removeNetwork('devtest-client');
    await dev.removeVolume('devtest-client-vol');
    await expect(dev.removeVolume('devtest-client-vol')).rejects.toMatchObject({ status: 404 });
    const tar = busyboxRootfsTar();
    if (tar) {
      engine.docker(['import', '-', 'devtest/client:v1'], { input: tar });
      await dev.tagImage('devtest/client:v1', 'devtest/client:v2');
      const images = await dev.listImages();
      expect(images.flatMap((i) => i.tags)).toEqual(
        expect.arrayContaining(['devtest/client:v1', 'devtest/client:v2']),
      );
      expect((await dev.inspectImage('devtest/client:v2'))?.id).toMatch(/^sha256:/);
      await dev.removeImage('devtest/client:v2');
      expect(await dev.inspectImage('devtest/client:v2')).toBeUndefined();
    }
    const context = mkdtempSync(join(tmpdir(), 'dev-engine-build-'));
    try {
      writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
      await expect(dev.buildImage({ tag: 'devtest/built:v1', build: { context } })).rejects.toThrow(
        /building images is not yet supported by the bundled engine/,
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  });
});
