import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineEvent, ExecSpec } from '../engine/engine.js';
import type { ObservedContainer } from '../model/observed.js';
import type { Project } from '../model/project.js';
import type { WatchEvent } from './watch-events.js';
import { WatchSession } from './watch-session.js';

/** An engine with running containers of `web`: records archives put and commands run; events are pushed by the test. */
function fakeEngine(containers: string[]) {
  const puts: { id: string; names: string[] }[] = [];
  const execs: { id: string; command: string[] }[] = [];
  let push: (e: EngineEvent | Error) => void = () => {};
  const engine = {
    listContainers: async (): Promise<Partial<ObservedContainer>[]> =>
      containers.map((id, i) => ({
        id,
        name: `p-web-${i + 1}`,
        service: 'web',
        number: i + 1,
        oneoff: false,
        state: 'running',
      })),
    getArchive: async () => {
      throw Object.assign(new Error('no such path'), { code: 'ENGINE_NOT_FOUND' });
    },
    statPath: async () => undefined,
    putArchive: async (id: string, _path: string, tar: Buffer | NodeJS.ReadableStream) => {
      const { extract } = await import('tar-stream');
      const ex = extract();
      const names: string[] = [];
      const done = (async () => {
        for await (const entry of ex) {
          names.push(entry.header.name);
          entry.resume();
        }
      })();
      if (Buffer.isBuffer(tar)) ex.end(tar);
      else tar.pipe(ex as unknown as NodeJS.WritableStream);
      await done;
      puts.push({ id, names: names.sort() });
    },
    exec: async (id: string, spec: ExecSpec) => {
      execs.push({ id, command: spec.command });
      return 0;
    },
    events: (_filters: unknown, signal: AbortSignal) =>
      (async function* () {
        const queue: (EngineEvent | Error)[] = [];
        let wake: () => void = () => {};
        push = (e) => {
          queue.push(e);
          wake();
        };
        while (!signal.aborted) {
          const next = queue.shift();
          if (next instanceof Error) throw next;
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((r) => {
            wake = r;
            signal.addEventListener('abort', () => r(), { once: true });
          });
        }
      })(),
  } as unknown as Engine;
  return { engine, puts, execs, push: (e: EngineEvent | Error) => push(e) };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WatchSession against a fake engine', () => {
  let session: WatchSession | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await session?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function project(dir: string): Project {
    return {
      name: 'p',
      workingDir: dir,
      services: {
        web: { image: 'x', develop: { watch: [{ action: 'sync', path: join(dir, 'src'), target: '/app' }] } },
      },
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
      extensions: {},
    };
  }

  async function start(containers: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'dev-watch-session-'));
    dirs.push(dir);
    rmSync(join(dir, 'src'), { recursive: true, force: true });
    writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/a.txt'), 'a');
    const fake = fakeEngine(containers);
    const events: WatchEvent[] = [];
    let reloads = 0;
    session = await WatchSession.start({
      engine: fake.engine,
      project: project(dir),
      services: [],
      projectFiles: [join(dir, 'compose.yaml')],
      host: {
        rebuild: async () => ({ recreated: [], restarted: [] }),
        reload: async () => {
          reloads++;
          return { project: project(dir), projectFiles: [join(dir, 'compose.yaml')], applied: [] };
        },
      },
      onEvent: (e) => events.push(e),
    });
    return { dir, ...fake, events, reloads: () => reloads };
  }

  it('catches up on start, then sends one tar per container per batch', async () => {
    const s = await start(['c1', 'c2']);
    expect(s.events.map((e) => e.kind)).toEqual(['caught-up', 'caught-up', 'ready']);
    expect(s.puts.map((p) => p.names)).toEqual([
      ['app', 'app/a.txt'],
      ['app', 'app/a.txt'],
    ]);
    s.puts.length = 0;
    writeFileSync(join(s.dir, 'src/b.txt'), 'b');
    writeFileSync(join(s.dir, 'src/c.txt'), 'c');
    await until('a sync', () => s.events.some((e) => e.kind === 'synced'));
    await session?.idle();
    expect(s.puts.map((p) => p.id).sort()).toEqual(['c1', 'c2']);
    expect(s.puts[0]?.names).toEqual(['app/b.txt', 'app/c.txt']);
    expect(s.events.find((e) => e.kind === 'synced')).toMatchObject({
      service: 'web',
      sent: 2,
      containers: 2,
    });
  });

  it('catches up when a container starts that it did not restart, and when the engine comes back', async () => {
    const s = await start(['c1']);
    s.puts.length = 0;
    s.push({
      type: 'container',
      action: 'start',
      id: 'c1',
      attributes: { 'com.docker.compose.service': 'web' },
      time: 0,
    });
    await until(
      'a catch-up after the start',
      () => s.events.filter((e) => e.kind === 'caught-up').length === 2,
    );
    s.push(new Error('connection reset'));
    await until('the loss', () => s.events.some((e) => e.kind === 'engine-lost'));
    await until('the return', () => s.events.some((e) => e.kind === 'engine-back'));
    await until(
      'a catch-up after the return',
      () => s.events.filter((e) => e.kind === 'caught-up').length === 3,
    );
  });

  it('re-plans when a compose file changes', async () => {
    const s = await start(['c1']);
    writeFileSync(join(s.dir, 'compose.yaml'), 'services: { web: {} }\n');
    await until('a re-plan', () => s.events.some((e) => e.kind === 'replanned'));
    expect(s.reloads()).toBe(1);
  });
});
