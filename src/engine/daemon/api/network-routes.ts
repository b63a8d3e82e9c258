/**
 * /networks/*: list, inspect, create, remove, prune (the network part), connect and disconnect
 * (the container part, which knows whether the container runs, and publishes those events).
 * The other network events are published here: create, destroy, prune.
 */
import type { DaemonContext, EndpointConfigRequest } from '../daemon-context.js';
import type { NetworkCreateRequest } from '../network/network-types.js';
import { ApiError, badRequest } from './api-error.js';
import { queryFilters, readJson, sendJson } from './http-io.js';
import type { Router } from './router.js';

/** Registers the network routes. */
export function registerNetworkRoutes(router: Router, ctx: DaemonContext): void {
  const { networks, events } = ctx;
  const publish = (action: string, id: string, attributes: Record<string, string>) =>
    events.publish('network', action, id, attributes);

  router.on('GET', '/networks', async ({ res, query }) => {
    sendJson(res, 200, networks.list(queryFilters(query)));
  });

  router.on('GET', '/networks/{id}', async ({ res, params }) => {
    sendJson(res, 200, networks.inspect(params.id ?? ''));
  });

  router.on('POST', '/networks/create', async ({ req, res }) => {
    const body = await readJson<NetworkCreateRequest>(req);
    if (typeof body.Name !== 'string' || body.Name === '') throw badRequest('network name is required');
    const created = await networks.createNetwork(body);
    const record = networks.find(created.Id);
    publish('create', record.id, { name: record.name, type: record.driver });
    sendJson(res, 201, created);
  });

  router.on('DELETE', '/networks/{id}', async ({ res, params }) => {
    const record = networks.find(params.id ?? '');
    await networks.removeNetwork(record.id);
    publish('destroy', record.id, { name: record.name, type: record.driver });
    res.writeHead(204);
    res.end();
  });

  router.on('POST', '/networks/prune', async ({ res, query }) => {
    const before = new Map(networks.list().map((n) => [n.Name, n]));
    const result = await networks.pruneNetworks(queryFilters(query));
    for (const name of result.NetworksDeleted) {
      const network = before.get(name);
      if (network) publish('destroy', network.Id, { name, type: network.Driver });
    }
    publish('prune', '', { reclaimed: '0' });
    sendJson(res, 200, { NetworksDeleted: result.NetworksDeleted });
  });

  // connect and disconnect events come from the container part, which also connects at start
  router.on('POST', '/networks/{id}/connect', async ({ req, res, params }) => {
    const body = await readJson<{ Container?: string; EndpointConfig?: EndpointConfigRequest | null }>(req);
    if (!body.Container) throw badRequest('no container given to connect');
    const network = networks.find(params.id ?? '');
    if (!ctx.containers.connectNetwork) throw notYet('connecting containers to networks');
    await ctx.containers.connectNetwork(body.Container, network.id, body.EndpointConfig ?? {});
    res.writeHead(200);
    res.end();
  });

  router.on('POST', '/networks/{id}/disconnect', async ({ req, res, params }) => {
    const body = await readJson<{ Container?: string; Force?: boolean }>(req);
    if (!body.Container) throw badRequest('no container given to disconnect');
    const network = networks.find(params.id ?? '');
    if (!ctx.containers.disconnectNetwork) throw notYet('disconnecting containers from networks');
    await ctx.containers.disconnectNetwork(body.Container, network.id, body.Force === true);
    res.writeHead(200);
    res.end();
  });
}

function notYet(what: string): ApiError {
  return new ApiError(501, `${what} is not supported by this version of the bundled engine`);
}
