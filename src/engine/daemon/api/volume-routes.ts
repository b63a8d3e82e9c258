/**
 * /volumes/*: list, create, inspect, remove, prune (the volume part), and the volume events:
 * create, destroy, prune.
 */
import type { DaemonContext } from '../daemon-context.js';
import type { VolumeCreateRequest } from '../volumes/volume-types.js';
import { queryBool, queryFilters, readJson, sendJson } from './http-io.js';
import type { Router } from './router.js';

/** Registers the volume routes. */
export function registerVolumeRoutes(router: Router, ctx: DaemonContext): void {
  const { volumes, events } = ctx;
  const stored = (name: string) => {
    try {
      return volumes.get(name);
    } catch {
      return undefined;
    }
  };

  router.on('GET', '/volumes', async ({ res, query }) => {
    const listed = volumes.list(queryFilters(query));
    sendJson(res, 200, {
      Volumes: listed.Volumes,
      Warnings: listed.Warnings.length > 0 ? listed.Warnings : null,
    });
  });

  router.on('POST', '/volumes/create', async ({ req, res }) => {
    const body = await readJson<VolumeCreateRequest>(req);
    const existed = body.Name ? stored(body.Name) !== undefined : false;
    const volume = volumes.create(body);
    if (!existed) events.publish('volume', 'create', volume.Name, { driver: volume.Driver });
    sendJson(res, 201, volume);
  });

  router.on('GET', '/volumes/{name}', async ({ res, params }) => {
    sendJson(res, 200, volumes.inspect(params.name ?? ''));
  });

  router.on('DELETE', '/volumes/{name}', async ({ res, params, query }) => {
    const name = params.name ?? '';
    const driver = stored(name)?.driver;
    await volumes.remove(name, { force: queryBool(query, 'force') });
    if (driver) events.publish('volume', 'destroy', name, { driver });
    res.writeHead(204);
    res.end();
  });

  router.on('POST', '/volumes/prune', async ({ res, query, version }) => {
    const filters = queryFilters(query);
    // API 1.42 (Docker 23) made prune take only anonymous volumes unless `all`; older clients mean all
    if (olderThan(version, '1.42') && !filters.all) filters.all = ['true'];
    const result = await volumes.prune(filters);
    for (const name of result.VolumesDeleted) events.publish('volume', 'destroy', name, { driver: 'local' });
    events.publish('volume', 'prune', '', { reclaimed: String(result.SpaceReclaimed) });
    sendJson(res, 200, result);
  });
}

/** Whether API version `a` is older than `b` (`1.41` < `1.42`). */
export function olderThan(a: string, b: string): boolean {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor < bMajor : aMinor < bMinor;
}
