/**
 * The engines e2e suites run against: dockerd when it answers, and dev's bundled engine (a
 * child process on a temp root) when this host can run it. A suite calls `forEachEngine` and
 * gets, per engine, the environment for `dev` (DOCKER_HOST) and for the docker CLI helpers.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { cannotRunEngine, startTestEngine, type TestEngine } from '../daemon/api/engine-process.js';
import { projectRoot } from './corpus.js';
import { hasDocker } from './docker.js';

export interface EngineUnderTest {
  name: 'dockerd' | 'bundled';
  /** Environment for the built CLI (`DOCKER_HOST`), valid inside the suite's tests. */
  env(): Record<string, string>;
}

/** `describe` once per engine present; the bundled engine is started before and stopped after. */
export function forEachEngine(name: string, body: (engine: EngineUnderTest) => void): void {
  describe.skipIf(!hasDocker)(`${name} (dockerd)`, () => {
    body({ name: 'dockerd', env: () => ({}) });
  });
  describe.skipIf(cannotRunEngine !== undefined)(`${name} (bundled engine)`, () => {
    let engine: TestEngine | undefined;
    const saved = process.env.DOCKER_HOST;
    beforeAll(async () => {
      engine = await startTestEngine('e2e');
      // The docker CLI helpers of the tests inherit it; `dev` gets it through env().
      process.env.DOCKER_HOST = engine.host;
      const made = spawnSync(join(projectRoot, 'scripts/make-test-images.sh'), ['-H', engine.host], {
        encoding: 'utf8',
      });
      if (made.status !== 0) throw new Error(`test image: ${made.stderr}`);
    }, 60_000);
    afterAll(async () => {
      if (engine) {
        const ids = engine.docker(['ps', '-aq']).stdout.trim();
        if (ids) engine.docker(['rm', '-f', '-v', ...ids.split('\n')]);
        await engine.stop();
      }
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }, 60_000);
    body({
      name: 'bundled',
      env: (): Record<string, string> => (engine ? { DOCKER_HOST: engine.host } : {}),
    });
  });
}
