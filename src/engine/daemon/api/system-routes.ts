/** /_ping, /version, /info, /events, /system/df and /auth. */
import type { DaemonContext } from '../daemon-context.js';
import { registerAuthRoute } from './auth-route.js';
import { diskUsage } from './disk-usage.js';
import { registerEventRoutes } from './event-routes.js';
import { sendJson } from './http-io.js';
import type { Router } from './router.js';
import { hostFacts, infoBody, versionBody } from './system-info.js';

/** Registers the system routes (events included). */
export function registerSystemRoutes(router: Router, ctx: DaemonContext): void {
  const facts = hostFacts(ctx);
  const listeners = registerEventRoutes(router, ctx);

  // GET and HEAD (the router maps HEAD to GET; Node leaves the body out of a HEAD answer)
  router.on('GET', '/_ping', async ({ res }) => {
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': 2,
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    });
    res.end('OK');
  });

  router.on('GET', '/version', async ({ res }) => {
    sendJson(res, 200, versionBody(ctx, await facts()));
  });

  router.on('GET', '/info', async ({ res }) => {
    sendJson(res, 200, infoBody(ctx, await facts(), listeners()));
  });

  router.on('GET', '/system/df', async ({ res }) => {
    sendJson(res, 200, await diskUsage(ctx));
  });

  registerAuthRoute(router);
}
