/**
 * The daemon's HTTP server: routes requests, answers errors in Docker's format, and hijacks
 * connections for attach and exec, either through `Upgrade: tcp` (101, as the docker CLI asks)
 * or on a plain response (200 with a raw stream, as older clients expect).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorResponse } from './api-error.js';
import type { HijackedConnection, Router } from './router.js';

export interface ApiServerOptions {
  router: Router;
  /** Headers on every answer (Api-Version, Server, ...). */
  headers: Record<string, string>;
  /** Called for 5xx errors, to log them. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

/** An HTTP server for the router (not yet listening). */
export function createApiServer(options: ApiServerOptions): Server {
  const server = createServer((req, res) => {
    void handleRequest(options, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void handleUpgrade(options, req, socket, head);
  });
  // Streams (logs -f, events, attach) stay open for as long as the client wants.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 60_000;
  return server;
}

/** Listens on a unix socket (a stale one is replaced), readable by owner and group only. */
export function listenUnix(server: Server, path: string, mode = 0o660): Promise<void> {
  rmSync(path, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      chmodSync(path, mode);
      resolve();
    });
  });
}

async function handleRequest(
  options: ApiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  for (const [k, v] of Object.entries(options.headers)) res.setHeader(k, v);
  const found = options.router.match(req.method ?? 'GET', req.url ?? '/');
  if (!found) {
    sendError(res, 404, `page not found: ${req.method} ${req.url}`);
    return;
  }
  const { route, params, query, version } = found;
  try {
    if (route.handler) {
      await route.handler({ req, res, params, query, version });
    } else if (route.hijack) {
      await route.hijack({ req, params, query, version, open: (type) => openOnResponse(req, res, type) });
    }
  } catch (error) {
    const { status, message } = errorResponse(error);
    if (status >= 500) options.onError?.(error, req);
    if (!res.headersSent) sendError(res, status, message);
    else res.destroy();
  }
}

async function handleUpgrade(
  options: ApiServerOptions,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  const found = options.router.match(req.method ?? 'GET', req.url ?? '/');
  const fail = (status: number, message: string) => {
    const body = JSON.stringify({ message });
    socket.end(
      `HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  if (!found?.route.hijack) {
    fail(404, `page not found: ${req.method} ${req.url}`);
    return;
  }
  const { route, params, query, version } = found;
  let opened = false;
  const open = (type = 'application/vnd.docker.raw-stream'): HijackedConnection => {
    opened = true;
    const extra = Object.entries(options.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${extra}\r\n`,
    );
    if (head.length > 0) socket.unshift(head);
    socket.setNoDelay(true);
    return {
      input: socket,
      write: (chunk) => socket.write(chunk),
      end: () => socket.end(),
      closed: new Promise((resolve) => {
        socket.once('close', () => resolve());
      }),
    };
  };
  try {
    await route.hijack?.({ req, params, query, version, open });
  } catch (error) {
    const { status, message } = errorResponse(error);
    if (status >= 500) options.onError?.(error, req);
    if (!opened) fail(status, message);
    else socket.destroy();
  }
}

function openOnResponse(
  req: IncomingMessage,
  res: ServerResponse,
  type = 'application/vnd.docker.raw-stream',
): HijackedConnection {
  res.writeHead(200, { 'Content-Type': type });
  res.flushHeaders();
  return {
    input: req,
    write: (chunk) => res.write(chunk),
    end: () => res.end(),
    closed: new Promise((resolve) => {
      res.once('close', () => resolve());
    }),
  };
}

/** `{"message": ...}` with the status. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
