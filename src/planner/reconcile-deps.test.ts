import { describe, expect, it } from 'vitest';
import {
  afterOf,
  DEV_VERSION,
  dep,
  emptyState,
  expectValidDag,
  imageId,
  makeProject,
  stateAfterUp,
} from '../../test/planner/builders.js';
import { DependencyCycleError } from '../model/errors.js';
import type { ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import { formatPlan } from './format-plan.js';
import { reconcile } from './reconcile.js';
import type { ReconcileOptions } from './reconcile-options.js';

const plan = (project: Project, observed: ObservedState, options: ReconcileOptions = {}) => {
  const result = reconcile(project, observed, { devVersion: DEV_VERSION, ...options });
  expectValidDag(result);
  return result;
};

const stack = () =>
  makeProject('app', {
    db: { image: 'postgres', deploy: { replicas: 2 } },
    migrate: { image: 'app-migrate', depends_on: { db: dep('service_healthy') } },
    cache: { image: 'redis' },
    api: {
      image: 'app-api',
      depends_on: {
        db: dep('service_healthy', { restart: true }),
        migrate: dep('service_completed_successfully'),
        cache: dep('service_started', { required: false }),
      },
    },
    web: { image: 'nginx', depends_on: { api: dep('service_started', { restart: true }) } },
    worker: { image: 'app-worker', depends_on: { db: dep() } },
  });

describe('reconcile: dependencies', () => {
  it('orders containers after the waits of their dependencies, and waits after all containers of a service', () => {
    const project = stack();
    const result = plan(project, emptyState(project));
    expect(afterOf(result, 'container:api:1:create')).toEqual([
      'image:pull:app-api',
      'network:create:default',
      'wait:cache:service_started:optional',
      'wait:db:service_healthy',
      'wait:migrate:service_completed_successfully',
    ]);
    expect(afterOf(result, 'wait:db:service_healthy')).toEqual([
      'container:db:1:create',
      'container:db:2:create',
    ]);
    expect(afterOf(result, 'container:worker:1:create')).toContain('wait:db:service_started');
    expect(result.steps.find((s) => s.id === 'wait:cache:service_started:optional')).toMatchObject({
      required: false,
      condition: 'service_started',
    });
    expect(result.services).toEqual(['cache', 'db', 'migrate', 'api', 'web', 'worker']);
    expect(
      formatPlan(result)
        .split('\n')
        .filter((l) => l.startsWith('wait')),
    ).toMatchInlineSnapshot(`
      [
        "wait     service cache started (needed by api; optional)",
        "wait     service db healthy (needed by migrate, api)",
        "wait     service db started (needed by worker)",
        "wait     service migrate completed successfully (needed by api)",
        "wait     service api started (needed by web)",
      ]
    `);
  });

  it('restarts running dependents of a recreated `restart: true` dependency, transitively', () => {
    const project = stack();
    const observed = stateAfterUp(project);
    observed.images.postgres = { ref: 'postgres', id: imageId('postgres', 2) };
    const result = plan(project, observed);
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "keep     container app-cache-1 (up to date)
      wait     service cache started (needed by api; optional)
      create   container app-db-1 (recreate: image updated)
      create   container app-db-2 (recreate: image updated)
      wait     service db healthy (needed by migrate, api)
      wait     service db started (needed by worker)
      keep     container app-migrate-1 (up to date)
      wait     service migrate completed successfully (needed by api)
      restart  container app-api-1 (dependency db recreated)
      wait     service api started (needed by web)
      restart  container app-web-1 (dependency api restarted)
      keep     container app-worker-1 (up to date)"
    `);
    expect(afterOf(result, 'container:api:1:restart')).toContain('wait:db:service_healthy');
  });

  it('restarts dependents only if a conditional recreate does replace its container', () => {
    const project = makeProject('c', {
      api: { build: { context: '/src' } },
      web: { image: 'nginx', depends_on: { api: dep('service_started', { restart: true }) } },
    });
    const result = plan(project, stateAfterUp(project), { build: 'always' });
    expect(result.steps.find((s) => s.id === 'container:web:1:restart')).toMatchObject({
      onlyIfReplaced: ['container:api:1:create'],
    });
    expect(formatPlan(result)).toMatchInlineSnapshot(`
      "build    image c-api (--build; service api)
      create   container c-api-1 (image rebuilt; recreate only if the image id changed)
      wait     service api started (needed by web)
      restart  container c-web-1 (dependency api may be recreated with a new image)"
    `);
  });

  it('recreates a container sharing the network namespace of a recreated one', () => {
    const project = makeProject('n', {
      vpn: { image: 'wireguard' },
      app: {
        image: 'app',
        network_mode: 'service:vpn',
        depends_on: { vpn: dep('service_started', { restart: true }) },
      },
    });
    const observed = stateAfterUp(project);
    observed.images.wireguard = { ref: 'wireguard', id: imageId('wireguard', 2) };
    expect(formatPlan(plan(project, observed))).toMatchInlineSnapshot(`
      "create   container n-vpn-1 (recreate: image updated)
      wait     service vpn started (needed by app)
      create   container n-app-1 (recreate: network_mode service:vpn recreated)"
    `);
  });

  it('warns about optional dependencies that are not in the project, and unknown conditions', () => {
    const project = makeProject('o', {
      web: {
        image: 'nginx',
        depends_on: { metrics: dep('service_started', { required: false }), db: dep('sometimes') },
      },
      db: { image: 'postgres' },
    });
    const result = plan(project, emptyState(project));
    expect(result.warnings).toMatchInlineSnapshot(`
      [
        "service "web": optional dependency "metrics" is not in the project; going on without it",
        "service "web": unknown depends_on condition "sometimes" for "db"; waiting until started",
      ]
    `);
    expect(afterOf(result, 'container:web:1:create')).toContain('wait:db:service_started');
  });

  it('fails on a required dependency that is not in the project', () => {
    const project = makeProject('o', { web: { image: 'nginx', depends_on: { db: dep() } } });
    expect(() => plan(project, emptyState(project))).toThrow(
      expect.objectContaining({
        code: 'DEPENDENCY_MISSING',
        message: 'service "web" depends on "db", which is not in the project',
      }),
    );
  });

  it('names the path of a dependency cycle', () => {
    const two = makeProject('c', {
      a: { image: 'x', depends_on: { b: dep() } },
      b: { image: 'x', depends_on: { a: dep() } },
    });
    expect(() => plan(two, emptyState(two))).toThrow('depends_on cycle: a -> b -> a');
    try {
      plan(two, emptyState(two));
    } catch (error) {
      expect(error).toBeInstanceOf(DependencyCycleError);
      expect(error).toMatchObject({ code: 'DEPENDENCY_CYCLE', path: ['a', 'b', 'a'] });
    }
    const three = makeProject('c', {
      entry: { image: 'x', depends_on: { z: dep() } },
      z: { image: 'x', depends_on: { y: dep() } },
      y: { image: 'x', depends_on: { x: dep() } },
      x: { image: 'x', depends_on: { z: dep() } },
    });
    expect(() => plan(three, emptyState(three))).toThrow('depends_on cycle: z -> y -> x -> z');
  });
});
