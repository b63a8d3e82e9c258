/**
 * The engine suite against every engine present: the Docker daemon at /var/run/docker.sock,
 * and (with DEV_TEST_PODMAN=1) Podman's compat API through a private `podman system service`;
 * each is skipped, saying so, when absent. dev's bundled engine joins here when it exists.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { connectDockerApi } from '../../src/engine/docker-api/connect-docker-api.js';
import { engineSuite } from './engine-suite.js';
import { hasPodman, startPodman } from './helpers/podman-service.js';

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

// Podman runs when asked (DEV_TEST_PODMAN=1): it needs host tuning (see podman-service.ts) and
// doubles the suite's time; without systemd it runs no health checks.
if (hasPodman() && process.env.DEV_TEST_PODMAN === '1') {
  engineSuite('podman', async () => {
    const podman = await startPodman();
    try {
      const engine = await connectDockerApi({ endpoint: `unix://${podman.socket}`, source: 'test' });
      return {
        engine,
        dockerArgs: podman.dockerArgs,
        registryPort: podman.registryPort,
        init: false,
        healthchecks: false,
        stop: podman.stop,
      };
    } catch (error) {
      await podman.stop();
      throw error;
    }
  });
} else {
  describe.skip('engine podman', () => {
    it.skip('runs with DEV_TEST_PODMAN=1 when podman is installed', () => {});
  });
}
