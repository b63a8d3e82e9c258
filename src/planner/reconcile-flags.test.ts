import { describe, expect, it } from 'vitest';
import {
  DEV_VERSION,
  emptyState,
  expectValidDag,
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

describe('reconcile: flags', () => {
  it('follows --force-recreate, --no-recreate, --always-recreate-deps, --no-deps and targets', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    expect(
      formatPlan(plan(project, observed, { services: ['api'], forceRecreate: true })),
    ).toMatchInlineSnapshot(`
      "keep     container trio-db-1 (up to date)
      wait     service db healthy (needed by api)
      create   container trio-api-1 (recreate: --force-recreate)"
    `);
    expect(
      formatPlan(plan(project, observed, { services: ['api'], noDeps: true, alwaysRecreateDeps: true })),
    ).toMatchInlineSnapshot(`"keep     container trio-api-1 (up to date)"`);
    expect(
      formatPlan(plan(project, observed, { services: ['web'], alwaysRecreateDeps: true })),
    ).toMatchInlineSnapshot(`
      "create   container trio-db-1 (recreate: --always-recreate-deps)
      wait     service db healthy (needed by api)
      create   container trio-api-1 (recreate: --always-recreate-deps)
      wait     service api started (needed by web)
      keep     container trio-web-1 (up to date)"
    `);
    const changed = trio();
    (changed.services.db as { environment: Record<string, string> }).environment.POSTGRES_PASSWORD = 'y';
    Object.assign(observed.containers[1] as object, { state: 'exited', exitCode: 0 });
    expect(formatPlan(plan(changed, observed, { noRecreate: true }))).toMatchInlineSnapshot(`
      "keep     container trio-db-1 (config changed: environment.POSTGRES_PASSWORD, not recreated (--no-recreate))
      wait     service db healthy (needed by api)
      start    container trio-api-1 (exited (0))
      wait     service api started (needed by web)
      keep     container trio-web-1 (up to date)"
    `);
    expect(() => plan(project, observed, { forceRecreate: true, noRecreate: true })).toThrow(
      /cannot be used together/,
    );
    expect(() => plan(project, observed, { services: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'NO_SUCH_SERVICE', hint: 'services of this project: api, db, web' }),
    );
  });

  it('creates without starting or waiting with noStart', () => {
    const project = trio();
    const result = plan(project, emptyState(project), { noStart: true });
    expect(result.steps.some((s) => s.kind === 'wait-service')).toBe(false);
    expect(result.steps.find((s) => s.id === 'container:web:1:create')?.after).toEqual([
      'image:pull:nginx:1.25',
      'network:create:default',
      'container:api:1:create',
    ]);
    expect(
      formatPlan(result)
        .split('\n')
        .filter((l) => l.includes('container')),
    ).toMatchInlineSnapshot(`
      [
        "create   container trio-db-1 (missing; not started)",
        "create   container trio-api-1 (missing; not started)",
        "create   container trio-web-1 (missing; not started)",
      ]
    `);
  });
});

describe('--scale checks', () => {
  it('refuses an unknown service and more than one of a fixed container_name', () => {
    const project = {
      name: 'p',
      services: { web: { image: 'x', container_name: 'the-web' }, api: { image: 'x' } },
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
      extensions: {},
    };
    const observed: ObservedState = { project: 'p', containers: [], networks: [], volumes: [], images: {} };
    expect(() => reconcile(project, observed, { scale: { nope: 2 } })).toThrow('no service "nope"');
    expect(() => reconcile(project, observed, { scale: { web: 2 } })).toThrow('container names are unique');
    expect(() => reconcile(project, observed, { scale: { web: 1, api: 3 } })).not.toThrow();
  });
});
