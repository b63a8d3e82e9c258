/**
 * The events the container part publishes, as dockerd does: one per action, in dockerd's order,
 * with the container's labels, name and image as attributes (plus exitCode, signal, execID,
 * oldName where dockerd adds them), and `oom` for a container killed by its memory limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEventMessage } from '../../../src/engine/daemon/events/event-bus.js';
import { type BundledDaemon, startBundledDaemon } from './helpers/bundled-daemon.js';
import { bundledSkipReason, TEST_IMAGE } from './helpers/host-cleanup.js';

describe.skipIf(bundledSkipReason !== undefined)(
  `container events${bundledSkipReason ? ` (skipped: ${bundledSkipReason})` : ''}`,
  () => {
    let b: BundledDaemon;
    const events: EngineEventMessage[] = [];
    const of = (id: string) => events.filter((e) => e.Type === 'container' && e.Actor.ID === id);

    beforeAll(async () => {
      b = await startBundledDaemon('events');
      b.daemon.context.events.subscribe((e) => events.push(e));
    }, 60_000);

    afterAll(async () => {
      await b?.stop();
    }, 60_000);

    it('publishes each action with the container attributes', async () => {
      const c = b.containers;
      const { Id: id } = await c.create('evt', {
        Image: TEST_IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: { 'com.example': 'yes' },
        HostConfig: { NetworkMode: 'none', Init: true },
      });
      await c.start(id);
      await c.pause(id);
      await c.unpause(id);
      const execId = c.createExec(id, { Cmd: ['true'], AttachStdout: true });
      const { session } = await c.startExec(execId);
      for await (const _ of session.output);
      await session.exit;
      c.rename(id, 'evt2');
      const attach = c.attach(id, { stdin: false, stdout: true, stderr: true, logs: false, stream: true });
      attach.close();
      await c.stop(id, { timeout: 5 });
      await c.remove(id);
      expect(of(id).map((e) => e.Action)).toEqual([
        'create',
        'start',
        'pause',
        'unpause',
        'exec_create: true',
        'exec_start: true',
        'exec_die',
        'rename',
        'attach',
        'kill',
        'die',
        'stop',
        'destroy',
      ]);
      const byAction = (action: string) => of(id).find((e) => e.Action === action)?.Actor.Attributes;
      expect(byAction('create')).toEqual({ 'com.example': 'yes', image: TEST_IMAGE, name: 'evt' });
      expect(byAction('kill')).toMatchObject({ signal: '15' });
      expect(byAction('die')).toMatchObject({ exitCode: '143', name: 'evt2' });
      expect(byAction('exec_die')).toMatchObject({ execID: execId, exitCode: '0' });
      expect(byAction('rename')).toMatchObject({ oldName: '/evt', name: 'evt2' });
      const create = of(id)[0];
      expect(create).toMatchObject({ status: 'create', id, from: TEST_IMAGE, scope: 'local' });
    });

    it('says when a stop had to kill', async () => {
      const c = b.containers;
      // sleep as PID 1 ignores SIGTERM
      const { Id: id } = await c.create('stubborn', {
        Image: TEST_IMAGE,
        Cmd: ['sleep', '3600'],
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start(id);
      await c.stop(id, { timeout: 1 });
      expect(
        of(id).map((e) => `${e.Action}${e.Actor.Attributes.signal ? `:${e.Actor.Attributes.signal}` : ''}`),
      ).toEqual(['create', 'start', 'kill:15', 'kill:9', 'die', 'stop']);
      await c.remove(id);
    });

    it('publishes oom for a container killed by its memory limit', async () => {
      const c = b.containers;
      const { Id: id } = await c.create('hog', {
        Image: TEST_IMAGE,
        Cmd: ['sh', '-c', 'x=$(head -c 64000000 /dev/zero | tr "\\0" a); echo $x'],
        HostConfig: { NetworkMode: 'none', Memory: 16 * 1024 * 1024, MemorySwap: 16 * 1024 * 1024 },
      });
      await c.start(id);
      const code = await c.wait(id, 'not-running');
      expect(code).toBe(137);
      const state = (c.inspect(id) as { State: { OOMKilled: boolean } }).State;
      expect(state.OOMKilled).toBe(true);
      expect(of(id).map((e) => e.Action)).toEqual(['create', 'start', 'oom', 'die']);
      await c.remove(id);
    });
  },
);
