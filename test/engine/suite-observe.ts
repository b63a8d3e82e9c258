/** Engine suite: one observe() snapshot of a project, parsed into dev's model. */
import { describe, expect, it } from 'vitest';
import { buildContainerSpec } from '../../src/engine/container-spec.js';
import { configDigests } from '../../src/model/config-digest.js';
import { configHash } from '../../src/model/config-hash.js';
import { Labels } from '../../src/model/labels.js';
import type { Project } from '../../src/model/project.js';
import type { SuiteContext } from './engine-suite.js';
import { eventually, TEST_IMAGE } from './helpers/test-image.js';

/** Registers the observe tests. */
export function observeTests(t: SuiteContext): void {
  describe('observe', () => {
    it('sees the project containers (stopped too), networks, volumes and images by label', async () => {
      const name = t.project('o');
      const project: Project = {
        name,
        services: {
          api: {
            image: TEST_IMAGE,
            command: ['sleep', '3600'],
            init: t.init,
            labels: t.labels(),
            healthcheck: { test: ['CMD', 'true'], interval: '1s' },
            networks: { default: null },
            volumes: [{ type: 'volume', source: 'data', target: '/data', volume: {} }],
          },
          job: {
            image: TEST_IMAGE,
            command: ['sh', '-c', 'exit 3'],
            labels: t.labels(),
            networks: { default: null },
          },
        },
        networks: { default: { name: `${name}_default` } },
        volumes: { data: { name: `${name}_data` } },
        secrets: {},
        configs: {},
        extensions: {},
      };
      await t.engine.createNetwork(`${name}_default`, {
        labels: { ...t.labels(name), [Labels.network]: 'default' },
      });
      await t.engine.createVolume(`${name}_data`, { labels: { ...t.labels(name), [Labels.volume]: 'data' } });
      const ids: Record<string, string> = {};
      for (const service of ['api', 'job']) {
        const spec = buildContainerSpec({
          project,
          service,
          number: 1,
          image: TEST_IMAGE,
          devVersion: 'test',
          configFiles: ['/somewhere/compose.yaml'],
          environmentFiles: [],
        });
        ids[service] = await t.engine.createContainer(spec);
        await t.engine.startContainer(ids[service]);
      }
      expect(await t.engine.waitContainer(ids.job ?? '')).toBe(3);
      if (t.healthchecks) {
        await eventually(
          async () =>
            (await t.engine.inspectContainer(ids.api ?? ''))?.health === 'healthy' ? true : undefined,
          'api healthy',
        );
      }

      const observed = await t.engine.observe(name, [TEST_IMAGE, `${name}-missing:latest`]);
      expect(observed.project).toBe(name);
      const api = observed.containers.find((c) => c.service === 'api');
      const job = observed.containers.find((c) => c.service === 'job');
      expect(api).toMatchObject({
        id: ids.api,
        name: `${name}-api-1`,
        number: 1,
        oneoff: false,
        state: 'running',
        ...(t.healthchecks ? { health: 'healthy' } : {}),
        configHash: configHash(project.services.api ?? {}),
        configDigest: configDigests(project.services.api ?? {}),
        image: TEST_IMAGE,
      });
      expect(api?.imageId).toMatch(/^sha256:/);
      expect(job).toMatchObject({ state: 'exited', exitCode: 3, name: `${name}-job-1` });
      expect(observed.networks).toEqual([
        expect.objectContaining({ name: `${name}_default`, key: 'default' }),
      ]);
      expect(observed.volumes).toEqual([expect.objectContaining({ name: `${name}_data`, key: 'data' })]);
      expect(Object.keys(observed.images)).toEqual([TEST_IMAGE]);
      expect(observed.images[TEST_IMAGE]?.id).toBe(api?.imageId);
    });
  });
}
