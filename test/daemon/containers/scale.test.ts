/**
 * The bundled engine under load: 50 creates at once (distinct names and one name asked for
 * twice, each answered once), and 100 containers running at once on a user network, each
 * reachable by name, listed, then stopped and removed; the daemon's memory stays bounded.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineChild, startEngineChild } from './helpers/engine-child.js';
import { bundledSkipReason, TEST_IMAGE } from './helpers/host-cleanup.js';

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

describe.skipIf(bundledSkipReason !== undefined)(
  `the bundled engine under load${bundledSkipReason ? ` (skipped: ${bundledSkipReason})` : ''}`,
  () => {
    let engine: EngineChild;

    beforeAll(async () => {
      engine = await startEngineChild('scale');
    }, 60_000);

    afterAll(async () => {
      await engine?.stop();
    }, 120_000);

    const create = (name: string, body: Record<string, unknown>) =>
      engine.api(`/v1.41/containers/create?name=${name}`, {
        method: 'POST',
        body: { Image: TEST_IMAGE, ...body },
      });

    it('answers 50 concurrent creates, one name once', async () => {
      const answers = await Promise.all([
        ...Array.from({ length: 48 }, (_, i) => create(`many-${i}`, { Cmd: ['true'] })),
        create('twice', { Cmd: ['true'] }),
        create('twice', { Cmd: ['true'] }),
      ]);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(49);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(1);
      const ids = new Set(
        answers.filter((a) => a.status === 201).map((a) => (JSON.parse(a.text) as { Id: string }).Id),
      );
      expect(ids.size).toBe(49);
      const listed = await engine.json<{ Id: string }[]>('/v1.41/containers/json?all=1');
      expect(listed).toHaveLength(49);
      await Promise.all([...ids].map((id) => engine.api(`/v1.41/containers/${id}`, { method: 'DELETE' })));
      expect(await engine.json<unknown[]>('/v1.41/containers/json?all=1')).toEqual([]);
    }, 120_000);

    it('runs 100 containers at once', async () => {
      await engine.json('/v1.41/networks/create', { method: 'POST', body: { Name: 'scale' } });
      const ids: string[] = [];
      // ten at a time, as `dev up` of a large project would
      for (let batch = 0; batch < 10; batch++) {
        const made = await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const n = batch * 10 + i;
            const answer = await create(`run-${n}`, {
              Cmd: ['sleep', '3600'],
              HostConfig: { NetworkMode: 'scale', Init: true },
            });
            expect(answer.status, answer.text).toBe(201);
            const id = (JSON.parse(answer.text) as { Id: string }).Id;
            const started = await engine.api(`/v1.41/containers/${id}/start`, { method: 'POST' });
            expect(started.status, started.text).toBe(204);
            return id;
          }),
        );
        ids.push(...made);
      }
      const running = await engine.json<{ State: string }[]>('/v1.41/containers/json');
      expect(running).toHaveLength(100);
      expect(running.every((c) => c.State === 'running')).toBe(true);
      const exec = await engine.docker(['exec', 'run-0', 'ping', '-c', '1', 'run-99']);
      expect(exec.code, exec.stderr).toBe(0);
      // the daemon's own memory with a hundred containers to watch
      expect(rssMb(engine.pid)).toBeLessThan(120);
      const stops = await Promise.all(
        ids.map((id) => engine.api(`/v1.41/containers/${id}?force=1`, { method: 'DELETE' })),
      );
      expect(stops.every((s) => s.status === 204)).toBe(true);
      expect(await engine.json<unknown[]>('/v1.41/containers/json?all=1')).toEqual([]);
    }, 240_000);
  },
);
