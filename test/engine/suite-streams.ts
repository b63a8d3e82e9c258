/** Engine suite: exec, logs, attach, archives and events. */
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainerSpec } from '../../src/engine/container-spec.js';
import type { EngineEvent } from '../../src/engine/engine.js';
import type { Project } from '../../src/model/project.js';
import type { ServiceConfig } from '../../src/model/service.js';
import { RUN_LABEL, type SuiteContext } from './engine-suite.js';
import { makeTar, readTar } from './helpers/tar.js';
import { eventually, TEST_IMAGE } from './helpers/test-image.js';

/** Collects what is written to it. */
class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Registers the stream tests. */
export function streamTests(t: SuiteContext): void {
  describe('streams', () => {
    let project: Project;
    let id: string;

    const run = async (service: string, config: Partial<ServiceConfig>) => {
      const p: Project = {
        ...project,
        services: {
          [service]: { image: TEST_IMAGE, labels: t.labels(), networks: {}, network_mode: 'none', ...config },
        },
      };
      const cid = await t.engine.createContainer(
        buildContainerSpec({
          project: p,
          service,
          number: 1,
          image: TEST_IMAGE,
          devVersion: 'test',
          configFiles: [],
          environmentFiles: [],
        }),
      );
      await t.engine.startContainer(cid);
      return cid;
    };

    beforeAll(async () => {
      project = {
        name: t.project('s'),
        services: {},
        networks: {},
        volumes: {},
        secrets: {},
        configs: {},
        extensions: {},
      };
      id = await run('sleeper', { command: ['sleep', '3600'], init: t.init });
    });

    afterAll(async () => {
      await t.engine.removeContainer(id, { force: true }).catch(() => {});
    });

    it('execs without a TTY: separate stdout and stderr, the exit code', async () => {
      const stdout = new Sink();
      const stderr = new Sink();
      const code = await t.engine.exec(id, {
        command: ['sh', '-c', 'echo out; echo err >&2; echo "$GREETING"; exit 3'],
        environment: { GREETING: 'hi there' },
        stdout,
        stderr,
      });
      expect(code).toBe(3);
      expect(stdout.text).toBe('out\nhi there\n');
      expect(stderr.text).toBe('err\n');
    });

    it('execs with a TTY: one raw stream', async () => {
      const stdout = new Sink();
      const code = await t.engine.exec(id, { command: ['sh', '-c', 'echo tty; exit 0'], tty: true, stdout });
      expect(code).toBe(0);
      expect(stdout.text.replace(/\r/g, '')).toBe('tty\n');
    });

    it('feeds stdin to exec and half-closes it at its end', async () => {
      const stdin = new PassThrough();
      const stdout = new Sink();
      const done = t.engine.exec(id, { command: ['sh', '-c', 'wc -c'], stdin, stdout, workingDir: '/tmp' });
      stdin.end('twelve bytes');
      expect(await done).toBe(0);
      expect(stdout.text.trim()).toBe('12');
    });

    it('streams a large stdin at the pace of the connection', async () => {
      const chunk = Buffer.alloc(64 * 1024, 120);
      const stdin = new PassThrough();
      const stdout = new Sink();
      const done = t.engine.exec(id, { command: ['wc', '-c'], stdin, stdout });
      for (let i = 0; i < 80; i++) if (!stdin.write(chunk)) await new Promise((r) => stdin.once('drain', r));
      stdin.end();
      expect(await done).toBe(0);
      expect(Number(stdout.text.trim())).toBe(80 * 64 * 1024);
    });

    it('reads logs with timestamps and tail, and follows until aborted', async () => {
      const logger = await run('logger', {
        command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; exec sleep 3600'],
        init: t.init,
      });
      await eventually(async () => {
        const lines: string[] = [];
        for await (const l of t.engine.logs(logger, {})) lines.push(l.text);
        return lines.length >= 6 ? lines : undefined;
      }, 'six log lines');
      // stdout and stderr are copied separately by the engine: their relative order is not fixed.
      const all: { text: string; stream: string }[] = [];
      for await (const l of t.engine.logs(logger, {})) all.push(l);
      expect(all.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual([
        'line1',
        'line2',
        'line3',
        'line4',
        'line5',
      ]);
      expect(all.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['oops']);
      const tail: { text: string; timestamp?: string }[] = [];
      for await (const l of t.engine.logs(logger, { tail: 2, timestamps: true })) tail.push(l);
      expect(tail).toHaveLength(2);
      expect(all.slice(-2).map((l) => l.text)).toEqual(tail.map((l) => l.text));
      for (const l of tail) expect(l.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

      const abort = new AbortController();
      const followed: string[] = [];
      for await (const l of t.engine.logs(logger, { follow: true }, abort.signal)) {
        followed.push(l.text);
        if (followed.length === 6) abort.abort();
      }
      expect(followed).toContain('line1');
      await t.engine.removeContainer(logger, { force: true });
    });

    it('attaches to a container: stdin in, output out, until it exits', async () => {
      const attached = await run('attached', {
        command: ['sh', '-c', 'read line; echo "got $line"'],
        stdin_open: true,
      });
      const stdin = new PassThrough();
      const stdout = new Sink();
      const stderr = new Sink();
      const done = t.engine.attach(attached, { stdin, stdout, stderr, tty: false });
      stdin.write('hello\n');
      await done;
      expect(stdout.text).toBe('got hello\n');
      expect(await t.engine.waitContainer(attached)).toBe(0);
      await t.engine.removeContainer(attached, { force: true });
    });

    it('puts and gets archives', async () => {
      await t.engine.putArchive(id, '/tmp', await makeTar({ 'a.txt': 'alpha', 'dir/b.txt': 'beta' }));
      const files = await readTar(await t.engine.getArchive(id, '/tmp/dir'));
      expect(files.get('dir/b.txt')?.toString()).toBe('beta');
      const single = await readTar(await t.engine.getArchive(id, '/tmp/a.txt'));
      expect(single.get('a.txt')?.toString()).toBe('alpha');
    });

    it('streams events by label until aborted', async () => {
      const abort = new AbortController();
      const seen: EngineEvent[] = [];
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const watching = (async () => {
        for await (const e of t.engine.events({ labels: [`${RUN_LABEL}=${t.runId}`], since }, abort.signal)) {
          seen.push(e);
          if (e.type === 'container' && e.action === 'die' && e.attributes.name?.includes('evented'))
            abort.abort();
        }
      })();
      const evented = await run('evented', { command: ['true'] });
      await watching;
      expect(seen.some((e) => e.id === evented && e.action === 'start')).toBe(true);
      await t.engine.removeContainer(evented, { force: true });
    });
  });
}
