/**
 * One daemon per state root (and per socket): each is held by listening on a Linux abstract
 * unix socket named after it. The kernel frees the name when the process dies however it dies,
 * so a lock is never stale and needs no cleanup, unlike a lock file after `kill -9`.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';

/** Held locks; `release` frees them (exit does too). */
export interface DaemonLock {
  release(): void;
}

/** Thrown when another daemon holds a lock. */
export class LockHeldError extends Error {
  constructor(readonly what: string) {
    super(`another dev engine is already using ${what}`);
    this.name = 'LockHeldError';
  }
}

/** Takes a lock per key (e.g. `root:/var/lib/dev-engine`); throws LockHeldError when one is held. */
export async function acquireLocks(keys: readonly string[]): Promise<DaemonLock> {
  const servers: Server[] = [];
  const release = () => {
    for (const s of servers) s.close();
  };
  try {
    for (const key of keys) servers.push(await listenAbstract(key));
  } catch (error) {
    release();
    throw error;
  }
  return { release };
}

function listenAbstract(key: string): Promise<Server> {
  const name = `\0dev-engine-lock-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new LockHeldError(key.replace(/^[a-z]+:/, '')) : error);
    });
    server.listen({ path: name }, () => {
      server.unref();
      resolve(server);
    });
  });
}
