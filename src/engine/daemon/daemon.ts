/**
 * The bundled engine: composes images, runtime, networks, volumes and containers under one
 * state root, finds what a previous run left (containers outlive the daemon), and serves the
 * Docker Engine API on a unix socket.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { registerContainerRoutes } from './api/container-routes.js';
import { createApiServer, listenUnix } from './api/http-server.js';
import { registerImageRoutes } from './api/image-routes.js';
import { registerNetworkRoutes } from './api/network-routes.js';
import { Router } from './api/router.js';
import { registerSystemRoutes } from './api/system-routes.js';
import { registerVolumeRoutes } from './api/volume-routes.js';
import { ContainerService } from './containers/container-service.js';
import type { DaemonContext } from './daemon-context.js';
import { EventBus } from './events/event-bus.js';
import { ImageService } from './images/image-service.js';
import { NetworkManager } from './network/network-manager.js';
import { Runtime } from './runtime/index.js';
import { VolumeManager } from './volumes/volume-manager.js';

/** API versions served: the docker CLI 20.10 and dev ask for 1.41; newer clients negotiate down. */
export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';

export interface DaemonOptions {
  /** State root (records, images, volumes, container dirs). */
  root: string;
  /** Unix socket to serve on. */
  socket: string;
  /** The engine's version (dev's). */
  version: string;
  /** iptables chain and netns prefix, unique per engine on a host. */
  prefix?: string;
  log?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

export interface RunningDaemon {
  context: DaemonContext;
  server: Server;
  /** Stops serving; containers keep running (they outlive the daemon). */
  close(): Promise<void>;
}

/** Starts the engine and serves its API; resolves once the socket listens. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { root } = options;
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.prefix ?? 'DEVENG';
  const events = new EventBus();
  const runtime = new Runtime({ rootDir: join(root, 'runtime'), cgroupParent: prefix.toLowerCase() });
  const networks = new NetworkManager({ root, chainPrefix: prefix, netnsPrefix: prefix.toLowerCase() });
  const volumes = new VolumeManager({ root });
  let containers: ContainerService | undefined;
  const images = new ImageService({
    root,
    engineVersion: options.version,
    ...(options.env ? { env: options.env } : {}),
    usedBy: (imageId) =>
      (containers?.summaries() ?? [])
        .filter((c) => c.imageId === imageId)
        .map((c) => ({ container: c.id, running: c.running })),
  });
  const base = {
    root,
    version: options.version,
    apiVersion: API_VERSION,
    minApiVersion: MIN_API_VERSION,
    images,
    runtime,
    networks,
    volumes,
    events,
    startedAt: Date.now(),
    log,
  };
  await runtime.recover();
  await networks.restore();
  containers = new ContainerService(base);
  await containers.recover();
  const context: DaemonContext = { ...base, containers };

  const router = new Router(API_VERSION);
  registerSystemRoutes(router, context);
  registerContainerRoutes(router, context, containers);
  registerImageRoutes(router, context);
  registerNetworkRoutes(router, context);
  registerVolumeRoutes(router, context);
  const server = createApiServer({
    router,
    headers: {
      'Api-Version': API_VERSION,
      Server: `dev-engine/${options.version} (linux)`,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
    },
    onError: (error, req) =>
      log(
        `error: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
  });
  await listenUnix(server, options.socket);
  events.publish('daemon', 'start', 'dev-engine');
  return {
    context,
    server,
    close: async () => {
      containers?.close();
      // close() waits for every connection to end: end the open streams (events, logs -f) first
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      runtime.close();
    },
  };
}
