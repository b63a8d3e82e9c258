import { describe, expect, it } from 'vitest';
import {
  afterOf,
  DEV_VERSION,
  emptyState,
  expectValidDag,
  makeProject,
  stateAfterUp,
} from '../../test/planner/builders.js';
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
const lines = (project: Project, observed: ObservedState, options: ReconcileOptions = {}) =>
  formatPlan(plan(project, observed, options))
    .split('\n')
    .filter((l) => !l.startsWith('keep') && !l.startsWith('wait'));

describe('reconcile: images', () => {
  const pulled = () =>
    makeProject('p', {
      a: { image: 'busybox' },
      b: { image: 'busybox' },
      c: { image: 'redis:7', pull_policy: 'always' },
      d: { image: 'alpine', pull_policy: 'daily' },
      e: { image: 'nginx', pull_policy: 'never' },
    });

  it('pulls each missing image once, and always-pulled ones every time', () => {
    const project = pulled();
    const fresh = emptyState(project);
    fresh.images['nginx:latest'] = { ref: 'nginx:latest', id: 'sha256:n' };
    expect(lines(project, fresh).filter((l) => l.startsWith('pull'))).toMatchInlineSnapshot(`
      [
        "pull     image alpine (missing; pull_policy daily is treated as missing; used by d)",
        "pull     image busybox (missing; used by a, b)",
        "pull     image redis:7 (pull_policy: always; used by c)",
      ]
    `);
    const up = stateAfterUp(project);
    expect(lines(project, up)).toMatchInlineSnapshot(`
      [
        "pull     image redis:7 (pull_policy: always; used by c)",
        "create   container p-c-1 (image pulled; recreate only if the image id changed)",
      ]
    `);
    expect(lines(project, up, { pull: 'never' })).toEqual([]);
    expect(lines(project, up, { pull: 'always' }).filter((l) => l.startsWith('pull'))).toHaveLength(4);
  });

  it('fails on a missing image it may not pull', () => {
    const project = pulled();
    const observed = stateAfterUp(project);
    delete observed.images.nginx;
    expect(() => plan(project, observed)).toThrow(
      expect.objectContaining({
        code: 'IMAGE_MISSING',
        message: 'image nginx is missing and pulling is off (pull_policy: never) for e',
        hint: 'pull it (`dev pull` or `docker pull nginx`), or let dev pull missing images (`--pull missing`)',
      }),
    );
    expect(() => plan(project, observed, { services: ['a'] })).not.toThrow();
  });

  const built = () =>
    makeProject('b', {
      base: { build: { context: '/src/base' } },
      app: {
        build: { context: '/src/app', additional_contexts: { base: 'service:base' } },
        image: 'me/app:dev',
      },
      worker: { image: 'me/app:dev', command: ['work'] },
      tool: { build: { context: '/src/tool' }, image: 'me/tool', pull_policy: 'always' },
      gen: { build: { context: '/src/gen' }, pull_policy: 'build' },
    });

  it('builds missing images of buildable services and never pulls them', () => {
    const project = built();
    const result = plan(project, emptyState(project));
    expect(
      formatPlan(result)
        .split('\n')
        .filter((l) => /^(pull|build)/.test(l)),
    ).toMatchInlineSnapshot(`
      [
        "pull     image me/tool (pull_policy: always; used by tool)",
        "build    image b-base (missing; service base)",
        "build    image me/app:dev (missing; service app)",
        "build    image b-gen (pull_policy: build; service gen)",
      ]
    `);
    expect(afterOf(result, 'image:build:app')).toEqual(['image:build:base']);
    expect(afterOf(result, 'container:worker:1:create')).toContain('image:build:app');
  });

  it('rebuilds with --build, pull_policy build; checks containers against the new image', () => {
    const project = built();
    const observed = stateAfterUp(project);
    expect(lines(project, observed)).toMatchInlineSnapshot(`
      [
        "pull     image me/tool (pull_policy: always; used by tool)",
        "build    image b-gen (pull_policy: build; service gen)",
        "create   container b-gen-1 (image rebuilt; recreate only if the image id changed)",
        "create   container b-tool-1 (image pulled; recreate only if the image id changed)",
      ]
    `);
    expect(lines(project, observed, { build: 'always', services: ['app'] })).toMatchInlineSnapshot(`
      [
        "build    image me/app:dev (--build; service app)",
        "create   container b-app-1 (image rebuilt; recreate only if the image id changed)",
      ]
    `);
  });

  it('with --no-build, fails on a missing image it would build', () => {
    const project = built();
    const observed = stateAfterUp(project);
    expect(lines(project, observed, { build: 'never', pull: 'missing' })).toEqual([]);
    delete observed.images['b-base'];
    expect(() => plan(project, observed, { build: 'never' })).toThrow(
      expect.objectContaining({
        code: 'IMAGE_MISSING',
        hint: 'build it: `dev up --build` (or `dev build base`)',
      }),
    );
  });
});

describe('reconcile: networks and volumes', () => {
  const project = () =>
    makeProject(
      'r',
      {
        web: {
          image: 'nginx',
          networks: { front: null, shared: null },
          volumes: [{ type: 'volume', source: 'cache', target: '/c' }],
        },
        db: { image: 'postgres', volumes: [{ type: 'volume', source: 'data', target: '/d' }] },
        host: { image: 'tool', network_mode: 'host' },
      },
      {
        networks: { front: { driver: 'bridge' }, shared: { external: true }, unused: {} },
        volumes: { cache: {}, data: { external: true, name: 'pgdata' } },
      },
    );

  it('creates what is used and missing, and uses what exists', () => {
    const p = project();
    const observed = stateAfterUp(p);
    observed.networks = observed.networks.filter((n) => n.name !== 'r_front');
    observed.volumes = observed.volumes.filter((v) => v.name !== 'r_cache');
    expect(lines(p, observed)).toMatchInlineSnapshot(`
      [
        "create   network r_front (missing)",
        "create   volume r_cache (missing)",
      ]
    `);
  });

  it('fails clearly on a missing external network or volume', () => {
    const p = project();
    const observed = stateAfterUp(p);
    observed.networks = observed.networks.filter((n) => n.name !== 'shared');
    expect(() => plan(p, observed)).toThrow(
      expect.objectContaining({
        code: 'NETWORK_NOT_FOUND',
        message: 'external network shared not found',
        hint: 'create it first: `docker network create shared`',
      }),
    );
    const v = stateAfterUp(p);
    v.volumes = v.volumes.filter((x) => x.name !== 'pgdata');
    expect(() => plan(p, v)).toThrow(
      expect.objectContaining({
        code: 'VOLUME_NOT_FOUND',
        hint: 'create it first: `docker volume create pgdata`',
      }),
    );
  });

  it('asks for `dev down` when a resource of the project changed config', () => {
    const p = project();
    const observed = stateAfterUp(p);
    const front = observed.networks.find((n) => n.name === 'r_front');
    if (front) front.driver = 'macvlan';
    expect(() => plan(p, observed)).toThrow(
      expect.objectContaining({
        code: 'NETWORK_NEEDS_RECREATE',
        message: 'network r_front needs to be recreated: driver macvlan → bridge',
      }),
    );
    const labelled = project();
    (labelled.volumes.cache as { labels?: Record<string, string> }).labels = { tier: 'fast' };
    expect(() => plan(labelled, stateAfterUp(p))).toThrow(
      'volume r_cache needs to be recreated: labels changed (tier)',
    );
  });

  it('warns about a resource with the right name that another tool made', () => {
    const p = project();
    const observed = stateAfterUp(p);
    const def = observed.networks.find((n) => n.name === 'r_default');
    if (def) def.labels = {};
    expect(plan(p, observed).warnings).toMatchInlineSnapshot(`
      [
        "network r_default exists but was not made for project r; using it as it is (set \`external: true\` to say so)",
      ]
    `);
  });
});
