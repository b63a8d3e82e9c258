/** The local test image (built by scripts/make-test-images.sh, never pulled) and small test utilities. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/engine.js';
import { projectRoot } from '../../helpers/corpus.js';

/** A busybox-static root file system imported into the engine. */
export const TEST_IMAGE = 'dev-example/busybox:latest';

/** Makes sure the engine has TEST_IMAGE; `dockerArgs` point the docker CLI at the engine (`-H …`). */
export async function ensureTestImage(engine: Engine, dockerArgs: string[] = []): Promise<void> {
  if (await engine.inspectImage(TEST_IMAGE)) return;
  execFileSync(join(projectRoot, 'scripts/make-test-images.sh'), dockerArgs, { stdio: 'inherit' });
}

/** A short random id for unique names. */
export function shortId(): string {
  return randomBytes(4).toString('hex');
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value (readiness, not timing: the deadline only bounds a hang). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  deadlineMs = 20_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
