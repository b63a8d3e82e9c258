/**
 * An HTTP reverse proxy in front of a test registry that logs requests and can break blob
 * downloads: cut the connection after some bytes, or flip a byte, to test resumption and
 * digest checks against the real registry behind it.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { freePort } from './registry-server.js';

export interface ProxiedRequest {
  method: string;
  path: string;
  range?: string;
}

/** A fault for the next blob GET whose body is at least `minSize` bytes (layers, not configs). */
export type Fault = ({ kind: 'cut'; afterBytes: number } | { kind: 'corrupt' }) & { minSize?: number };

export interface FaultProxy {
  host: string;
  requests: ProxiedRequest[];
  /** Faults to apply to the next blob GETs, in order. */
  faults: Fault[];
  stop(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `target` (`127.0.0.1:5000`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(':');
  const requests: ProxiedRequest[] = [];
  const faults: Fault[] = [];
  const port = await freePort();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    if (typeof req.headers.range === 'string') entry.range = req.headers.range;
    requests.push(entry);
    const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
    const headers = { ...req.headers, host: target };
    const upstream = request(
      { host: targetHost, port: Number(targetPort), path: req.url, method: req.method, headers },
      (up) => {
        const length = Number(up.headers['content-length'] ?? 0);
        const next = faults[0];
        const fault = isBlobGet && next && length >= (next.minSize ?? 0) ? faults.shift() : undefined;
        const outHeaders = { ...up.headers };
        if (typeof outHeaders.location === 'string') {
          outHeaders.location = outHeaders.location.replace(target, `127.0.0.1:${port}`);
        }
        res.writeHead(up.statusCode ?? 502, outHeaders);
        if (!fault) {
          up.pipe(res);
          return;
        }
        let sent = 0;
        let flipped = false;
        up.on('data', (chunk: Buffer) => {
          if (fault.kind === 'cut') {
            const room = fault.afterBytes - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
            if (sent >= fault.afterBytes) {
              up.destroy();
              res.socket?.destroy();
            }
            return;
          }
          const copy = Buffer.from(chunk);
          if (!flipped && copy.length > 0) {
            copy[0] = (copy[0] ?? 0) ^ 0xff;
            flipped = true;
          }
          res.write(copy);
        });
        up.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${port}`,
    requests,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
