/**
 * /images/*, /build and /commit. This file: list, inspect, history, tag, remove, prune, and the
 * endpoints the bundled engine refuses clearly (search, build). Transfers (pull, import, push,
 * load, save) are in image-transfer-routes.ts, commit in commit-route.ts. Image events (tag,
 * untag, delete, prune) are published here, as dockerd names them.
 */
import type { DaemonContext } from '../daemon-context.js';
import { familiarize } from '../images/reference.js';
import { ApiError, badRequest } from './api-error.js';
import { registerCommitRoute } from './commit-route.js';
import { parseEventTime } from './event-filter.js';
import { queryBool, queryFilters, sendJson } from './http-io.js';
import { registerImageTransferRoutes } from './image-transfer-routes.js';
import type { Router } from './router.js';

/** The answer to POST /build until the Dockerfile builder exists. */
export const BUILD_UNSUPPORTED =
  'building images is not yet supported by the bundled engine; build with another engine or push the image to a registry';

/** Registers the image routes, /build and /commit. */
export function registerImageRoutes(router: Router, ctx: DaemonContext): void {
  const { images, events } = ctx;

  router.on('GET', '/images/json', async ({ res, query }) => {
    sendJson(res, 200, images.list({ all: queryBool(query, 'all'), filters: queryFilters(query) }));
  });

  router.on('GET', '/images/search', async () => {
    throw new ApiError(
      501,
      'searching registries is not supported by the bundled engine; search on the registry itself (for Docker Hub: https://hub.docker.com)',
    );
  });

  router.on('GET', '/images/{name*}/json', async ({ res, params }) => {
    sendJson(res, 200, images.inspect(params.name ?? ''));
  });

  router.on('GET', '/images/{name*}/history', async ({ res, params }) => {
    sendJson(res, 200, images.history(params.name ?? ''));
  });

  router.on('POST', '/images/{name*}/tag', async ({ res, params, query }) => {
    const repo = query.get('repo');
    if (!repo) throw badRequest('repository name (repo) is required to tag an image');
    const id = images.resolve(params.name ?? '');
    const ref = images.tag(id, repo, query.get('tag') || undefined);
    events.publish('image', 'tag', id, { name: familiarize(ref) });
    res.writeHead(201);
    res.end();
  });

  router.on('DELETE', '/images/{name*}', async ({ res, params, query }) => {
    const name = params.name ?? '';
    const id = images.resolve(name);
    const before = imageIds(ctx);
    const items = images.remove(name, {
      force: queryBool(query, 'force'),
      noPrune: queryBool(query, 'noprune'),
    });
    for (const item of items) {
      if ('Untagged' in item) events.publish('image', 'untag', id, { name: id });
      // the deleted layers are listed too; only images get an event, as in dockerd
      else if (before.has(item.Deleted))
        events.publish('image', 'delete', item.Deleted, { name: item.Deleted });
    }
    sendJson(res, 200, items);
  });

  router.on('POST', '/images/prune', async ({ res, query }) => {
    const filters = queryFilters(query);
    for (const key of Object.keys(filters)) {
      if (!['dangling', 'until', 'label', 'label!'].includes(key))
        throw badRequest(`invalid filter '${key}'`);
    }
    const dangling = filters.dangling?.[0];
    const until = filters.until?.[0];
    const before = imageIds(ctx);
    const result = images.prune({
      all: dangling === 'false' || dangling === '0',
      ...(until ? { until: new Date(parseEventTime(until, Date.now())) } : {}),
      ...(filters.label?.length ? { labels: filters.label } : {}),
      ...(filters['label!']?.length ? { notLabels: filters['label!'] } : {}),
    });
    for (const item of result.ImagesDeleted) {
      if ('Deleted' in item && before.has(item.Deleted))
        events.publish('image', 'delete', item.Deleted, { name: item.Deleted });
    }
    events.publish('image', 'prune', '', { reclaimed: String(result.SpaceReclaimed) });
    sendJson(res, 200, { ImagesDeleted: result.ImagesDeleted, SpaceReclaimed: result.SpaceReclaimed });
  });

  router.on('POST', '/build', async ({ req }) => {
    // Read the context to its end first: a client still sending would see a broken pipe, not the answer.
    for await (const _chunk of req) {
      // discarded
    }
    throw new ApiError(501, BUILD_UNSUPPORTED);
  });

  // `docker system prune` asks for this too: there is no build cache, so nothing to reclaim
  router.on('POST', '/build/prune', async ({ res }) => {
    sendJson(res, 200, { CachesDeleted: [], SpaceReclaimed: 0 });
  });

  registerImageTransferRoutes(router, ctx);
  registerCommitRoute(router, ctx);
}

function imageIds(ctx: DaemonContext): Set<string> {
  return new Set(ctx.images.store.list().map((r) => r.id));
}
