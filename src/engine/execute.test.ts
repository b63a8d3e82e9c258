import { describe, expect, it } from 'vitest';
import type { Project } from '../model/project.js';
import type { Plan, Step } from '../planner/plan.js';
import type { ContainerDetails, Engine } from './engine.js';
import { type ExecutionEvent, executePlan } from './execute.js';

/** An engine that records calls; containers are created running and healthy unless told. */
function fakeEngine(options: { failCreate?: string[]; delayMs?: number; unhealthy?: string[] } = {}) {
  const calls: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const names = new Map<string, string>();
  const track = async <T>(call: string, value: T): Promise<T> => {
    calls.push(call);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, options.delayMs ?? 1));
    running--;
    return value;
  };
  const engine = {
    inspectImage: async () => ({ id: 'sha256:img', labels: {} }),
    createNetwork: (name: string) => track(`network ${name}`, name),
    createVolume: (name: string) => track(`volume ${name}`, undefined),
    createContainer: async (spec: { name: string }) => {
      if (options.failCreate?.includes(spec.name)) {
        calls.push(`create ${spec.name} (fails)`);
        throw new Error(`cannot create ${spec.name}`);
      }
      names.set(`id-${spec.name}`, spec.name);
      return track(`create ${spec.name}`, `id-${spec.name}`);
    },
    startContainer: (id: string) => track(`start ${names.get(id) ?? id}`, undefined),
    inspectContainer: async (id: string): Promise<ContainerDetails> =>
      ({
        id,
        name: names.get(id) ?? id,
        state: 'running',
        health: options.unhealthy?.includes(names.get(id) ?? '') ? 'unhealthy' : 'healthy',
        restartCount: 0,
        healthLog: [{ exitCode: 1, output: 'probe failed', end: '' }],
      }) as unknown as ContainerDetails,
    logs: async function* () {
      yield { stream: 'stdout' as const, text: 'last words' };
    },
  } as unknown as Engine;
  return { engine, calls, maxRunning: () => maxRunning };
}

const project: Project = {
  name: 'p',
  services: { db: { image: 'x' }, api: { image: 'x' }, web: { image: 'x' }, side: { image: 'x' } },
  networks: { default: { name: 'p_default' } },
  volumes: {},
  secrets: {},
  configs: {},
  extensions: {},
};

function create(service: string, after: string[]): Step {
  return {
    kind: 'create-container',
    id: `c:${service}`,
    after,
    reason: 'missing',
    service,
    number: 1,
    name: `p-${service}-1`,
    start: true,
  };
}
function wait(service: string, required = true): Step {
  return {
    kind: 'wait-service',
    id: `w:${service}`,
    after: [`c:${service}`],
    reason: 'needed',
    service,
    condition: 'service_healthy',
    required,
  };
}

const plan = (steps: Step[]): Plan => ({ project: 'p', steps, orphans: [], warnings: [] });

async function run(p: Plan, engine: Engine, extra: Partial<Parameters<typeof executePlan>[1]> = {}) {
  const events: ExecutionEvent[] = [];
  const result = await executePlan(p, {
    engine,
    project,
    containerSpec: ({ service, number }) => ({ name: `p-${service}-${number}`, labels: {} }) as never,
    buildSpec: () => ({}) as never,
    onEvent: (e) => events.push(e),
    pollMs: 1,
    ...extra,
  });
  return { result, events };
}

describe('executePlan', () => {
  it('runs steps after the steps they wait for', async () => {
    const { engine, calls } = fakeEngine();
    const { result } = await run(
      plan([
        {
          kind: 'create-network',
          id: 'n',
          after: [],
          reason: 'missing',
          network: 'default',
          name: 'p_default',
        },
        create('db', ['n']),
        wait('db'),
        create('api', ['w:db']),
      ]),
      engine,
    );
    expect(result.ok).toBe(true);
    expect(calls).toEqual([
      'network p_default',
      'create p-db-1',
      'start p-db-1',
      'create p-api-1',
      'start p-api-1',
    ]);
    expect(result.containers.api).toEqual([{ id: 'id-p-api-1', name: 'p-api-1', number: 1 }]);
  });

  it('skips what depends on a failure and goes on with other branches', async () => {
    const { engine, calls } = fakeEngine({ failCreate: ['p-db-1'] });
    const { result, events } = await run(
      plan([create('db', []), wait('db'), create('api', ['w:db']), create('side', [])]),
      engine,
    );
    expect(result.ok).toBe(false);
    expect(result.failed.map((f) => f.error.message)).toEqual(['cannot create p-db-1']);
    expect(result.skipped.map((s) => `${s.step.id}: ${s.reason}`)).toEqual([
      'w:db: container p-db-1 failed',
      'c:api: container p-db-1 failed',
    ]);
    expect(calls).toContain('create p-side-1');
    expect(events.some((e) => e.kind === 'skipped')).toBe(true);
  });

  it('fails a wait on an unhealthy service with its health output and last log lines', async () => {
    const { engine } = fakeEngine({ unhealthy: ['p-db-1'] });
    const { result } = await run(plan([create('db', []), wait('db'), create('api', ['w:db'])]), engine);
    const error = result.failed[0]?.error as Error & { healthOutput?: string; logTail?: string[] };
    expect(error.message).toBe('service "db" is unhealthy (container p-db-1)');
    expect(error.healthOutput).toBe('probe failed');
    expect(error.logTail).toEqual(['last words']);
  });

  it('only warns when an optional dependency fails', async () => {
    const { engine, calls } = fakeEngine({ unhealthy: ['p-db-1'] });
    const { result, events } = await run(
      plan([create('db', []), wait('db', false), create('api', ['w:db'])]),
      engine,
    );
    expect(result.ok).toBe(true);
    expect(calls).toContain('create p-api-1');
    expect(events.find((e) => e.kind === 'warning')).toMatchObject({
      message: expect.stringContaining('optional'),
    });
  });

  it('keeps to the concurrency bound', async () => {
    const { engine, maxRunning } = fakeEngine({ delayMs: 5 });
    const steps = Array.from({ length: 12 }, (_, i) => create(`s${i}`, []));
    const { result } = await run(plan(steps), engine, { concurrency: 3 });
    expect(result.ok).toBe(true);
    expect(maxRunning()).toBeLessThanOrEqual(3);
  });

  it('starts nothing new once interrupted, and says so', async () => {
    const { engine, calls } = fakeEngine();
    const controller = new AbortController();
    controller.abort();
    const { result } = await run(plan([create('db', []), create('api', ['c:db'])]), engine, {
      signal: controller.signal,
    });
    expect(result.interrupted).toBe(true);
    expect(calls).toEqual([]);
  });
});
