/**
 * /containers/* routes of the Engine API 1.41 (the exec routes register from here too):
 * request parsing and answers; the container part does the work.
 */
import type { ContainerService } from '../containers/container-service.js';
import type { CreateRequest, HostConfig } from '../containers/container-types.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../containers/http/detach-keys.js';
import { pumpSession } from '../containers/http/hijack-stream.js';
import {
  receiveArchive,
  serveArchive,
  serveExport,
  serveLogs,
  serveStats,
  serveWait,
} from '../containers/http/stream-handlers.js';
import type { DaemonContext } from '../daemon-context.js';
import { badRequest } from './api-error.js';
import { registerExecRoutes, size } from './exec-routes.js';
import { queryBool, queryFilters, readJson, sendJson, sendNoContent } from './http-io.js';
import type { Router } from './router.js';

/** Registers the container and exec routes. */
export function registerContainerRoutes(
  router: Router,
  _ctx: DaemonContext,
  containers: ContainerService,
): void {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  router.on('POST', '/containers/create', async ({ req, res, query }) => {
    const body = await readJson<CreateRequest>(req);
    const created = await containers.create(query.get('name') ?? undefined, body);
    sendJson(res, 201, created);
  });

  router.on('GET', '/containers/json', async ({ res, query }) => {
    const limit = Number(query.get('limit') ?? 0);
    sendJson(
      res,
      200,
      containers.list({
        all: queryBool(query, 'all'),
        limit: Number.isFinite(limit) && limit > 0 ? limit : 0,
        size: queryBool(query, 'size'),
        filters: queryFilters(query),
      }),
    );
  });

  router.on('POST', '/containers/prune', async ({ res, query }) => {
    sendJson(res, 200, await containers.prune(queryFilters(query)));
  });

  router.on('GET', '/containers/{id}/json', async ({ res, params, query }) => {
    sendJson(res, 200, containers.inspect(params.id ?? '', queryBool(query, 'size')));
  });

  router.on('GET', '/containers/{id}/top', async ({ res, params, query }) => {
    sendJson(res, 200, await containers.top(params.id ?? '', query.get('ps_args') ?? undefined));
  });

  router.on('GET', '/containers/{id}/logs', async ({ res, params, query }) => {
    containers.resolve(params.id ?? '');
    await serveLogs(containers, params.id ?? '', query, res);
  });

  router.on('GET', '/containers/{id}/changes', async ({ res, params }) => {
    sendJson(res, 200, await containers.changes(params.id ?? ''));
  });

  router.on('GET', '/containers/{id}/export', async ({ res, params }) => {
    await serveExport(containers, params.id ?? '', res);
  });

  router.on('GET', '/containers/{id}/stats', async ({ res, params, query }) => {
    await serveStats(containers, params.id ?? '', query, res, sleep);
  });

  router.on('POST', '/containers/{id}/resize', async ({ res, params, query }) => {
    containers.resize(params.id ?? '', size(query));
    res.writeHead(200);
    res.end();
  });

  router.on('POST', '/containers/{id}/start', async ({ res, params }) => {
    await containers.start(params.id ?? '');
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/stop', async ({ res, params, query }) => {
    await containers.stop(params.id ?? '', stopOptions(query));
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/restart', async ({ res, params, query }) => {
    await containers.restart(params.id ?? '', stopOptions(query));
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/kill', async ({ res, params, query }) => {
    await containers.kill(params.id ?? '', query.get('signal') ?? undefined);
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/update', async ({ req, res, params }) => {
    const body = await readJson<HostConfig>(req);
    sendJson(res, 200, await containers.update(params.id ?? '', body));
  });

  router.on('POST', '/containers/{id}/rename', async ({ res, params, query }) => {
    containers.rename(params.id ?? '', query.get('name') ?? '');
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/pause', async ({ res, params }) => {
    await containers.pause(params.id ?? '');
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/unpause', async ({ res, params }) => {
    await containers.unpause(params.id ?? '');
    sendNoContent(res);
  });

  router.on('POST', '/containers/{id}/wait', async ({ res, params, query }) => {
    await serveWait(containers, params.id ?? '', query, res);
  });

  router.on('DELETE', '/containers/{id}', async ({ res, params, query }) => {
    if (queryBool(query, 'link')) throw badRequest('links are not supported by the bundled engine');
    await containers.remove(params.id ?? '', {
      force: queryBool(query, 'force'),
      volumes: queryBool(query, 'v'),
    });
    sendNoContent(res);
  });

  router.on('GET', '/containers/{id}/archive', async ({ req, res, params, query }) => {
    await serveArchive(containers, params.id ?? '', query, req, res);
  });

  router.on('PUT', '/containers/{id}/archive', async ({ req, res, params, query }) => {
    await receiveArchive(containers, params.id ?? '', query, req, res);
  });

  router.hijack('POST', '/containers/{id}/attach', async ({ params, query, open }) => {
    const handle = containers.attach(params.id ?? '', {
      stdin: queryBool(query, 'stdin'),
      stdout: queryBool(query, 'stdout'),
      stderr: queryBool(query, 'stderr'),
      logs: queryBool(query, 'logs'),
      stream: queryBool(query, 'stream'),
    });
    const keys = parseDetachKeys(query.get('detachKeys') || DEFAULT_DETACH_KEYS);
    await pumpSession(open(), handle, keys, containers.streams);
  });

  registerExecRoutes(router, containers);
}

function stopOptions(query: URLSearchParams): { timeout?: number; signal?: string } {
  const t = query.get('t');
  const signal = query.get('signal');
  if (t !== null && t !== '' && !/^-?\d+$/.test(t)) throw badRequest(`invalid value for t: ${t}`);
  return {
    ...(t !== null && t !== '' ? { timeout: Number(t) } : {}),
    ...(signal ? { signal } : {}),
  };
}
