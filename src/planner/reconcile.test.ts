import { describe, expect, it } from 'vitest';
import {
  DEV_VERSION,
  emptyState,
  expectValidDag,
  imageId,
  makeContainer,
  makeProject,
  stateAfterUp,
  trioProject,
} from '../../test/planner/builders.js';
import type { ObservedState } from '../model/observed.js';
import { formatPlan } from './format-plan.js';
import type { ReconcileOptions } from './reconcile.js';
import { reconcile } from './reconcile.js';

const trio = trioProject;

const plan = (
  project = trio(),
  observed: ObservedState = stateAfterUp(project),
  options: ReconcileOptions = {},
) => {
  const result = reconcile(project, observed, { devVersion: DEV_VERSION, ...options });
  expectValidDag(result);
  return result;
};

const byService = (observed: ObservedState, service: string) =>
  observed.containers.find((c) => c.service === service);

describe('reconcile', () => {
  it('plans a fresh project: pulls, builds, resources, containers in dependency order', () => {
    const project = trio();
    const result = plan(project, emptyState(project));
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "pull     image nginx:1.25 (missing; used by web)
      pull     image postgres:16 (missing; used by db)
      build    image trio-api (missing; service api)
      create   network trio_default (missing)
      create   volume trio_data (missing)
      create   container trio-db-1 (missing)
      wait     service db healthy (needed by api)
      create   container trio-api-1 (missing)
      wait     service api started (needed by web)
      create   container trio-web-1 (missing)"
    `);
    expect(result.services).toEqual(['db', 'api', 'web']);
  });

  it('keeps everything on a second run', () => {
    expect(formatPlan(plan())).toMatchInlineSnapshot(`
      "keep     container trio-db-1 (up to date)
      wait     service db healthy (needed by api)
      keep     container trio-api-1 (up to date)
      wait     service api started (needed by web)
      keep     container trio-web-1 (up to date)"
    `);
  });

  it('recreates a container whose environment changed, naming the field', () => {
    const before = trio();
    const observed = stateAfterUp(before);
    const after = trio();
    (after.services.api as { environment: Record<string, string> }).environment.DEBUG = 'true';
    after.services.web?.ports?.push({ mode: 'ingress', target: 443, published: '8443', protocol: 'tcp' });
    const result = plan(after, observed);
    const api = result.steps.find((s) => s.id === 'container:api:1:create');
    expect(api).toMatchObject({
      replaces: { id: 'id-api-1', name: 'trio-api-1' },
      changes: ['environment.DEBUG'],
    });
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "keep     container trio-db-1 (up to date)
      wait     service db healthy (needed by api)
      create   container trio-api-1 (recreate: config changed: environment.DEBUG)
      wait     service api started (needed by web)
      create   container trio-web-1 (recreate: config changed: ports)"
    `);
  });

  it('recreates a container whose image was updated', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.images['nginx:1.25'] = { ref: 'nginx:1.25', id: imageId('nginx:1.25', 2) };
    const result = plan(project, observed);
    expect(result.steps.find((s) => s.id === 'container:web:1:create')).toMatchObject({
      imageOnly: true,
      changes: [],
    });
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "keep     container trio-db-1 (up to date)
      wait     service db healthy (needed by api)
      keep     container trio-api-1 (up to date)
      wait     service api started (needed by web)
      create   container trio-web-1 (recreate: image updated)"
    `);
  });

  it('scales 3 → 2 by removing the highest number, and 1 → 3 by creating 2 and 3', () => {
    const project = makeProject('s', { w: { image: 'busybox', scale: 3 } });
    const observed = stateAfterUp(project);
    expect(formatPlan(plan(project, observed, { scale: { w: 2 } }))).toMatchInlineSnapshot(`
      "remove   container s-w-3 (scaled 3 → 2)
      keep     container s-w-1 (up to date)
      keep     container s-w-2 (up to date)"
    `);
    const one = makeProject('s', { w: { image: 'busybox' } });
    expect(formatPlan(plan(one, stateAfterUp(one), { scale: { w: 3 } }))).toMatchInlineSnapshot(`
      "keep     container s-w-1 (up to date)
      create   container s-w-2 (scaled 1 → 3)
      create   container s-w-3 (scaled 1 → 3)"
    `);
    // A gap is filled first: 1 and 3 exist, 3 wanted → 2 is created.
    const gap = stateAfterUp(project);
    gap.containers = gap.containers.filter((c) => c.number !== 2);
    expect(
      plan(project, gap)
        .steps.filter((s) => s.kind === 'create-container')
        .map((s) => s.id),
    ).toEqual(['container:w:2:create']);
  });

  it('scales to 0 by removing every container and waits for nothing', () => {
    const project = trio();
    const result = plan(project, stateAfterUp(project), { scale: { db: 0 } });
    expect(
      result.steps.filter((s) => ('service' in s && s.service === 'db') || s.id.startsWith('wait:db')),
    ).toMatchObject([{ kind: 'remove-container', name: 'trio-db-1', reason: 'scaled 1 → 0' }]);
  });

  it('lists orphans, and removes them only with removeOrphans', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.containers.push(makeContainer(project, 'old', 1), makeContainer(project, 'cron', 1));
    observed.containers.push(makeContainer(project, 'web', 7, { oneoff: true, name: 'trio-web-run-1' }));
    const kept = plan(project, observed);
    expect(kept.orphans.map((o) => o.name)).toEqual(['trio-cron-1', 'trio-old-1']);
    expect(formatPlan(kept).split('\n').slice(-3)).toMatchInlineSnapshot(`
      [
        "orphan   container trio-cron-1 (service cron)",
        "orphan   container trio-old-1 (service old)",
        "warning: orphan containers (trio-cron-1, trio-old-1) belong to services no longer in the project; \`--remove-orphans\` removes them",
      ]
    `);
    const removed = plan(project, observed, { removeOrphans: true });
    expect(
      formatPlan(removed)
        .split('\n')
        .filter((l) => l.includes('orphan')),
    ).toMatchInlineSnapshot(`
      [
        "remove   container trio-cron-1 (orphan)",
        "remove   container trio-old-1 (orphan)",
      ]
    `);
    expect(removed.warnings).toEqual([]);
    // A service disabled by a profile is not an orphan.
    expect(plan(project, observed, { disabledServices: ['cron'] }).orphans.map((o) => o.name)).toEqual([
      'trio-old-1',
    ]);
  });

  it('starts stopped containers and keeps running ones', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    Object.assign(observed.containers[0] as object, { state: 'exited', exitCode: 137 });
    Object.assign(observed.containers[1] as object, { state: 'created' });
    expect(formatPlan(plan(project, observed))).toMatchInlineSnapshot(`
      "start    container trio-db-1 (exited (137))
      wait     service db healthy (needed by api)
      start    container trio-api-1 (created, never started)
      wait     service api started (needed by web)
      keep     container trio-web-1 (up to date)"
    `);
  });

  it('recreates a container made by docker compose (no digests) and names tool upgrades', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    const [api, db] = [byService(observed, 'api'), byService(observed, 'db')];
    Object.assign(api as object, { configHash: 'compose-hash', configDigest: undefined });
    Object.assign(db as object, {
      configHash: 'old-hash',
      labels: { ...db?.labels, 'dev.version': '0.0.9' },
    });
    const result = plan(project, observed);
    expect(result.steps.find((s) => s.id === 'container:db:1:create')).toMatchObject({ toolUpgrade: true });
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "create   container trio-db-1 (recreate: made by dev 0.0.9, which hashed the config differently (no field changed))
      wait     service db healthy (needed by api)
      create   container trio-api-1 (recreate: config changed (made without per-field digests))
      wait     service api started (needed by web)
      keep     container trio-web-1 (up to date)"
    `);
  });

  it('heals a recreate interrupted after the rename, and drops duplicates', () => {
    const project = makeProject('h', { w: { image: 'busybox' } });
    const observed = stateAfterUp(project);
    observed.containers = [
      makeContainer(project, 'w', 1, { id: 'old', name: 'old123_h-w-1', state: 'exited', created: 1 }),
    ];
    expect(formatPlan(plan(project, observed))).toMatchInlineSnapshot(
      `"create   container h-w-1 (recreate: left aside by an interrupted recreate)"`,
    );
    observed.containers.push(makeContainer(project, 'w', 1, { id: 'new' }));
    expect(formatPlan(plan(project, observed))).toMatchInlineSnapshot(`
      "remove   container old123_h-w-1 (duplicate of container number 1)
      keep     container h-w-1 (up to date)"
    `);
  });

  it('gives the same plan whatever order the inputs come in', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.containers.push(makeContainer(project, 'old', 1));
    const shuffled = makeProject('trio', {});
    for (const key of Object.keys(project.services).reverse())
      shuffled.services[key] = project.services[key] as never;
    Object.assign(shuffled, { networks: project.networks, volumes: project.volumes });
    const mixed: ObservedState = {
      ...observed,
      containers: [...observed.containers].reverse(),
      networks: [...observed.networks].reverse(),
      images: Object.fromEntries(Object.entries(observed.images).reverse()),
    };
    const a = plan(project, emptyState(project), { removeOrphans: true });
    const b = plan(shuffled, emptyState(project), { removeOrphans: true });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(plan(shuffled, mixed))).toBe(JSON.stringify(plan(project, observed)));
  });
});
