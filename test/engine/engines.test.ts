/**
 * The engine suite against every engine present: the Docker daemon at /var/run/docker.sock now
 * (skipped, saying so, when it is absent); dev's bundled engine joins here when it exists.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { connectDockerApi } from '../../src/engine/docker-api/connect-docker-api.js';
import { engineSuite } from './engine-suite.js';

const dockerSocket = '/var/run/docker.sock';

if (existsSync(dockerSocket)) {
  engineSuite('dockerd', async () => ({
    engine: await connectDockerApi({ endpoint: `unix://${dockerSocket}`, source: 'test' }),
  }));
} else {
  describe.skip('engine dockerd', () => {
    it.skip(`needs a Docker daemon at ${dockerSocket}`, () => {});
  });
}
