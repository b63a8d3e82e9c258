import { describe, expect, it } from 'vitest';
import {
  afterOf,
  dep,
  expectValidDag,
  makeContainer,
  makeProject,
  stateAfterUp,
} from '../../test/planner/builders.js';
import type { ObservedState } from '../model/observed.js';
import type { Project } from '../model/project.js';
import { formatPlan } from './format-plan.js';
import { orderServices } from './order-services.js';
import { type PlanDownOptions, planDown } from './plan-down.js';

const trio = () =>
  makeProject(
    'trio',
    {
      db: { image: 'postgres', volumes: [{ type: 'volume', source: 'data', target: '/d' }] },
      api: { build: { context: '/src/api' }, depends_on: { db: dep('service_healthy') } },
      web: { image: 'nginx', depends_on: { api: dep() } },
      tools: { build: { context: '/src/tools' }, image: 'me/tools' },
    },
    { volumes: { data: {}, shared: { external: true } }, networks: { outside: { external: true } } },
  );

const down = (project: Project, observed: ObservedState, options: PlanDownOptions = {}) => {
  const plan = planDown(project, observed, options);
  expectValidDag(plan);
  return plan;
};

describe('planDown', () => {
  it('removes containers dependents first, then the project networks', () => {
    const project = trio();
    const plan = down(project, stateAfterUp(project));
    expect(formatPlan(plan)).toMatchInlineSnapshot(`
      "remove   container trio-tools-1 (down)
      remove   container trio-web-1 (down)
      remove   container trio-api-1 (down)
      remove   container trio-db-1 (down)
      remove   network trio_default (down)"
    `);
    expect(afterOf(plan, 'container:trio-api-1:remove')).toEqual(['container:trio-web-1:remove']);
    expect(afterOf(plan, 'network:remove:trio_default')).toHaveLength(4);
  });

  it('removes named volumes and anonymous ones only with volumes, images with rmi', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.volumes.push({ name: 'shared', labels: {}, driver: 'local' });
    const withVolumes = down(project, observed, { volumes: true, rmi: 'local' });
    expect(formatPlan(withVolumes)).toMatchInlineSnapshot(`
      "remove   container trio-tools-1 (down; with its anonymous volumes)
      remove   container trio-web-1 (down; with its anonymous volumes)
      remove   container trio-api-1 (down; with its anonymous volumes)
      remove   container trio-db-1 (down; with its anonymous volumes)
      remove   network trio_default (down)
      remove   volume trio_data (--volumes)
      remove   image trio-api (--rmi local)"
    `);
    expect(
      formatPlan(down(project, observed, { rmi: 'all' }))
        .split('\n')
        .filter((l) => l.includes('image')),
    ).toMatchInlineSnapshot(`
      [
        "remove   image me/tools (--rmi all)",
        "remove   image nginx (--rmi all)",
        "remove   image postgres (--rmi all)",
        "remove   image trio-api (--rmi all)",
      ]
    `);
  });

  it('keeps shared resources while orphans or one-off containers remain', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.containers.push(makeContainer(project, 'old', 1));
    observed.containers.push(
      makeContainer(project, 'web', 1, { oneoff: true, id: 'run1', name: 'trio-web-run-1' }),
    );
    expect(
      formatPlan(down(project, observed, { volumes: true }))
        .split('\n')
        .slice(-2),
    ).toMatchInlineSnapshot(`
      [
        "warning: orphan containers (trio-old-1) are kept; \`--remove-orphans\` removes them",
        "warning: networks and volumes are kept: containers trio-old-1, trio-web-run-1 still exist",
      ]
    `);
    expect(formatPlan(down(project, observed, { removeOrphans: true }))).toMatchInlineSnapshot(`
      "remove   container trio-old-1 (orphan)
      remove   container trio-tools-1 (down)
      remove   container trio-web-1 (down)
      remove   container trio-web-run-1 (down)
      remove   container trio-api-1 (down)
      remove   container trio-db-1 (down)
      remove   network trio_default (down)"
    `);
  });

  it('takes down selected services with their dependents, leaving shared resources', () => {
    const project = trio();
    const plan = down(project, stateAfterUp(project), { services: ['api'], rmi: 'local' });
    expect(formatPlan(plan)).toMatchInlineSnapshot(`
      "remove   container trio-web-1 (depends on api)
      remove   container trio-api-1 (down)
      remove   image trio-api (--rmi local)"
    `);
    expect(() => down(project, stateAfterUp(project), { services: ['nope'] })).toThrow(
      'no such service: nope',
    );
  });

  it('passes the order through a dependent without containers', () => {
    const project = trio();
    const observed = stateAfterUp(project);
    observed.containers = observed.containers.filter((c) => c.service !== 'api');
    expect(afterOf(down(project, observed), 'container:trio-db-1:remove')).toEqual([
      'container:trio-web-1:remove',
    ]);
  });
});

describe('orderServices', () => {
  it('orders selected services for start and stop, adding none', () => {
    const project = trio();
    expect(orderServices(project, undefined, 'dependencies-first')).toEqual(['db', 'api', 'tools', 'web']);
    expect(orderServices(project, [], 'dependents-first')).toEqual(['tools', 'web', 'api', 'db']);
    expect(orderServices(project, ['web', 'db'], 'dependents-first')).toEqual(['web', 'db']);
    expect(() => orderServices(project, ['x'], 'dependencies-first')).toThrow(
      expect.objectContaining({ code: 'NO_SUCH_SERVICE' }),
    );
  });
});
