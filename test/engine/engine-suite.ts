/**
 * The engine integration suite, written once and run against each engine present (dockerd
 * now, dev's bundled engine later): `engineSuite(name, makeEngine)`. Every resource it makes
 * carries the label `dev.test.run=<run id>` and is removed by that label afterwards.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { DockerApiEngine } from '../../src/engine/docker-api/docker-api-engine.js';
import { Labels } from '../../src/model/labels.js';
import { ensureTestImage, shortId } from './helpers/test-image.js';
import { containerTests } from './suite-containers.js';
import { imageTests, registryTests } from './suite-images.js';
import { observeTests } from './suite-observe.js';
import { streamTests } from './suite-streams.js';

/** The label every test resource carries. */
export const RUN_LABEL = 'dev.test.run';

/** An engine to test, and how the docker CLI reaches it (for building the test image). */
export interface EngineUnderTest {
  engine: DockerApiEngine;
  dockerArgs?: string[];
  /** false when `init: true` cannot work there (Debian's podman lacks catatonit). */
  init?: boolean;
  /** false when health checks do not run there (podman without systemd). */
  healthchecks?: boolean;
  /** The port a local registry must use to be reachable over plain HTTP (default: any). */
  registryPort?: number;
  /** Stops what makeEngine started (after clean-up). */
  stop?: () => Promise<void>;
}

/** What the test modules share. */
export interface SuiteContext {
  readonly engine: DockerApiEngine;
  /** Unique per run: use it in every name. */
  readonly runId: string;
  /** A project name unique to this run and `part`. */
  project(part: string): string;
  /** Labels marking a resource as this run's (plus the project label, when given). */
  labels(project?: string): Record<string, string>;
  /** Whether services may use `init: true` on this engine. */
  readonly init: boolean;
  /** Whether health checks run on this engine. */
  readonly healthchecks: boolean;
  /** The engine's plain-HTTP registry port, if it needs one. */
  readonly registryPort: number | undefined;
  /** Whether the engine builds images (the bundled engine's builder is a later part). */
  readonly builds: boolean;
  /** GET on the raw API, for asserting engine state beyond the contract. */
  raw<T = Record<string, unknown>>(path: string): Promise<T>;
}

/** What an engine lacks, known before it starts (tests of it are skipped, saying so). */
export interface SuiteFeatures {
  builds?: boolean;
}

/** Registers the suite for one engine. */
export function engineSuite(
  name: string,
  makeEngine: () => Promise<EngineUnderTest>,
  features: SuiteFeatures = {},
): void {
  describe(`engine ${name}`, () => {
    const runId = shortId();
    let underTest: EngineUnderTest | undefined;
    const ctx: SuiteContext = {
      get engine() {
        if (!underTest) throw new Error('engine not ready');
        return underTest.engine;
      },
      runId,
      builds: features.builds !== false,
      get init() {
        return underTest?.init ?? true;
      },
      get healthchecks() {
        return underTest?.healthchecks ?? true;
      },
      get registryPort() {
        return underTest?.registryPort;
      },
      project: (part) => `devt${runId}${part}`,
      labels: (project) => ({ [RUN_LABEL]: runId, ...(project ? { [Labels.project]: project } : {}) }),
      raw: <T>(path: string) => ctx.engine.api.json<T>({ path, operation: 'test GET', resource: path }),
    };

    beforeAll(async () => {
      underTest = await makeEngine();
      await ensureTestImage(underTest.engine, underTest.dockerArgs ?? []);
    }, 120_000);

    afterAll(async () => {
      if (!underTest) return;
      await cleanUp(underTest.engine, runId);
      underTest.engine.close();
      await underTest.stop?.();
    }, 120_000);

    containerTests(ctx);
    streamTests(ctx);
    imageTests(ctx);
    registryTests(ctx);
    observeTests(ctx);
  });
}

/** Removes everything labelled with this run: containers, then networks, volumes and images. */
async function cleanUp(engine: DockerApiEngine, runId: string): Promise<void> {
  const label = `${RUN_LABEL}=${runId}`;
  const containers = await engine.listContainers({ labels: [label], all: true });
  await Promise.all(
    containers.map((c) => engine.removeContainer(c.id, { force: true, volumes: true }).catch(() => {})),
  );
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const networks = await engine.api.json<{ Name: string }[]>({
    path: `/networks?filters=${filters}`,
    operation: 'list',
    resource: 'networks',
  });
  await Promise.all(networks.map((n) => engine.removeNetwork(n.Name).catch(() => {})));
  const volumes = await engine.api.json<{ Volumes: { Name: string }[] | null }>({
    path: `/volumes?filters=${filters}`,
    operation: 'list',
    resource: 'volumes',
  });
  await Promise.all((volumes.Volumes ?? []).map((v) => engine.removeVolume(v.Name, true).catch(() => {})));
  for (const image of await engine.listImages([label])) {
    for (const tag of image.tags) await engine.removeImage(tag, true).catch(() => {});
    await engine.removeImage(image.id, true).catch(() => {});
  }
}
