/**
 * The engine suite against dev's bundled engine, started in this process on a temporary root
 * and socket (startDaemon) with TEST_IMAGE imported; skipped, saying why, without root, runc,
 * conmon or busybox. Builds are a later part of the bundled engine: those tests are skipped.
 */
import { describe, it } from 'vitest';
import { connectDockerApi } from '../../src/engine/docker-api/connect-docker-api.js';
import { type BundledDaemon, startBundledDaemon } from '../daemon/containers/helpers/bundled-daemon.js';
import { bundledSkipReason } from '../daemon/containers/helpers/host-cleanup.js';
import { engineSuite } from './engine-suite.js';

if (bundledSkipReason) {
  describe.skip('engine bundled', () => {
    it.skip(`needs ${bundledSkipReason}`, () => {});
  });
} else {
  engineSuite(
    'bundled',
    async () => {
      const bundled: BundledDaemon = await startBundledDaemon('suite');
      try {
        const engine = await connectDockerApi({ endpoint: bundled.host, source: 'test' });
        return { engine, dockerArgs: ['-H', bundled.host], stop: () => bundled.stop() };
      } catch (error) {
        await bundled.stop();
        throw error;
      }
    },
    { builds: false },
  );
}
