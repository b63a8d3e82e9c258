/**
 * Exec routes of the Engine API 1.41: POST /containers/{id}/exec, POST /exec/{id}/start
 * (hijacked unless Detach), POST /exec/{id}/resize, GET /exec/{id}/json.
 */
import type { ContainerService } from '../containers/container-service.js';
import type { ExecConfig } from '../containers/exec-registry.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../containers/http/detach-keys.js';
import { pumpSession, takeBody } from '../containers/http/hijack-stream.js';
import { badRequest } from './api-error.js';
import { readJson, sendJson } from './http-io.js';
import type { Router } from './router.js';

/** Registers the exec routes. */
export function registerExecRoutes(router: Router, containers: ContainerService): void {
  router.on('POST', '/containers/{id}/exec', async ({ req, res, params }) => {
    const config = await readJson<ExecConfig>(req);
    sendJson(res, 201, { Id: containers.createExec(params.id ?? '', config) });
  });

  router.hijack('POST', '/exec/{id}/start', async ({ req, params, open }) => {
    const id = params.id ?? '';
    const keys = parseDetachKeys(containers.execConfig(id).DetachKeys || DEFAULT_DETACH_KEYS); // 404 first
    const conn = open();
    // An Upgrade request's body stays in the socket: read it before the stream begins.
    const length = Number(req.headers['content-length'] ?? 0);
    const text = (await takeBody(conn.input, length)).toString('utf8').trim();
    let body: { Detach?: boolean; Tty?: boolean } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      conn.write('invalid JSON in the request body\r\n');
      conn.end();
      return;
    }
    let started: Awaited<ReturnType<ContainerService['startExec']>>;
    try {
      started = await containers.startExec(id);
    } catch (error) {
      // After the hijack, dockerd writes the error into the stream.
      conn.write(`${(error as Error).message}\r\n`);
      conn.end();
      return;
    }
    const { session, tty } = started;
    if (body.Detach) {
      void (async () => {
        for await (const _ of session.output);
      })().catch(() => {});
      conn.end();
      return;
    }
    await pumpSession(
      conn,
      {
        tty,
        output: session.output,
        ...(session.stdin ? { stdin: session.stdin } : {}),
        close: () => {},
      },
      keys,
      containers.streams,
    );
  });

  router.on('POST', '/exec/{id}/resize', async ({ res, params, query }) => {
    containers.resizeExec(params.id ?? '', size(query));
    res.writeHead(200);
    res.end();
  });

  router.on('GET', '/exec/{id}/json', async ({ res, params }) => {
    if (!params.id) throw badRequest('exec id missing');
    sendJson(res, 200, containers.inspectExec(params.id));
  });
}

/** `h` and `w` of a resize. */
export function size(query: URLSearchParams): { height: number; width: number } {
  const height = Number(query.get('h'));
  const width = Number(query.get('w'));
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) {
    throw badRequest('invalid height or width');
  }
  return { height, width };
}
