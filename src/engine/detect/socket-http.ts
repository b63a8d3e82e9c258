/**
 * The two requests `dev engine` needs of its own engine without loading the full client: a
 * `_ping` with a short timeout, and one JSON GET (/version, /info).
 */
import { request } from 'node:http';

/** Whether an engine answers `_ping` on the unix socket within `timeout` ms. */
export function pingSocket(socket: string, timeout = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** GET `path` on the socket as JSON; rejects on a non-2xx answer or no answer within `timeout` ms. */
export function getSocketJson<T>(socket: string, path: string, timeout = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET', timeout }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300)
          return reject(new Error(`${path}: ${res.statusCode} ${text.trim()}`));
        try {
          resolve(JSON.parse(text) as T);
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeout} ms`)));
    req.on('error', reject);
    req.end();
  });
}
