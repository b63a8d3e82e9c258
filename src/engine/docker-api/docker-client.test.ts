import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerClient, encodeQuery } from './docker-client.js';
import { parseEndpoint } from './endpoint.js';

describe('DockerClient', () => {
  let dir: string | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A server on a unix socket answering with `handler`; counts requests per connection. */
  async function serve(
    handler: (
      n: number,
      req: import('node:http').IncomingMessage,
      res: import('node:http').ServerResponse,
    ) => void,
  ) {
    dir = mkdtempSync(join(tmpdir(), 'dev-client-'));
    const path = join(dir, 'api.sock');
    const perSocket = new WeakMap<Socket, number>();
    server = createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      handler(n, req, res);
    });
    await new Promise<void>((r) => server?.listen(path, () => r()));
    return new DockerClient(parseEndpoint(`unix://${path}`));
  }

  it('negotiates the version and prefixes later paths with it', async () => {
    const seen: string[] = [];
    const client = await serve((_n, req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url === '/version' ? '{"ApiVersion":"1.43","Version":"24.0.0"}' : '[]');
    });
    await client.negotiate();
    await client.json({
      path: '/containers/json',
      query: { all: true, filters: { label: ['a=b'] } },
      operation: 'list',
      resource: 'x',
    });
    expect(seen).toEqual([
      '/version',
      '/v1.43/containers/json?all=1&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D',
    ]);
    client.close();
  });

  it('sends a GET again when a kept-alive connection turns out closed', async () => {
    const client = await serve((n, req, res) => {
      // The second request on a connection finds it gone, as after an engine's idle timeout.
      if (n > 1) return req.socket.destroy();
      res.end('{"ok":true}');
    });
    expect(await client.json({ path: '/a', operation: 'get', resource: 'a' })).toEqual({ ok: true });
    expect(await client.json({ path: '/b', operation: 'get', resource: 'b' })).toEqual({ ok: true });
    await expect(
      client.call({ method: 'POST', path: '/c', operation: 'post', resource: 'c' }),
    ).rejects.toMatchObject({
      code: 'ENGINE_CONNECTION',
    });
    client.close();
  });

  it('treats accepted statuses as success and maps others to typed errors', async () => {
    const client = await serve((_n, req, res) => {
      res.statusCode = req.url === '/start' ? 304 : 409;
      res.end(req.url === '/start' ? '' : '{"message":"name taken"}');
    });
    expect(
      await client.call({ method: 'POST', path: '/start', accept: [304], operation: 'start', resource: 'x' }),
    ).toBe(304);
    await expect(
      client.call({ method: 'POST', path: '/create', operation: 'create container', resource: 'x' }),
    ).rejects.toMatchObject({
      code: 'ENGINE_CONFLICT',
      message: 'create container x: name taken',
    });
    client.close();
  });

  it('gives up on a silent engine after the timeout, naming it', async () => {
    const client = await serve(() => {});
    await expect(client.ping(50)).rejects.toMatchObject({
      code: 'ENGINE_CONNECTION',
      message: expect.stringMatching(/no answer within 50 ms/),
    });
    client.close();
  });
});

describe('encodeQuery', () => {
  it('repeats arrays, encodes objects as JSON and booleans as 1/0, drops undefined', () => {
    expect(encodeQuery({ t: ['a:1', 'b:2'], x: undefined, pull: true, all: false, n: 3 })).toBe(
      't=a%3A1&t=b%3A2&pull=1&all=0&n=3',
    );
  });
});
