/**
 * Daemon death and recovery: the Runtime object is dropped while containers run, one exits
 * while no Runtime watches, and a fresh Runtime on the same state root finds them all.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from './runtime.js';
import { collectLogs, waitUntil } from './testing/run-helpers.js';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const skip = runtimeSkipReason();

describe.skipIf(skip !== undefined)(
  `recovery after a daemon restart${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let f: RuntimeFixture;
    beforeAll(() => {
      f = new RuntimeFixture('recover');
    });
    afterAll(async () => {
      await f?.cleanup();
    });

    it('finds running, exited, stopped and created containers again', async () => {
      const first = f.runtime;
      await first.recover();
      const trigger = join(f.dir, 'trigger');
      mkdirSync(trigger);
      const ticker = f.id('ticker');
      const quitter = f.id('quitter');
      const stopped = f.id('stopped');
      const created = f.id('created');
      await first.create({
        id: ticker,
        rootfs: f.rootfs,
        process: {
          args: [
            'sh',
            '-c',
            "trap 'exit 0' TERM; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.05; done",
          ],
        },
      });
      await first.create({
        id: quitter,
        rootfs: f.rootfs,
        mounts: [{ kind: 'bind', source: trigger, target: '/trigger' }],
        process: {
          args: ['sh', '-c', 'while [ ! -f /trigger/go ]; do sleep 0.05; done; echo leaving; exit 9'],
        },
      });
      await first.create({ id: stopped, rootfs: f.rootfs, process: { args: ['sh', '-c', 'exit 4'] } });
      await first.create({ id: created, rootfs: f.rootfs, process: { args: ['true'] } });
      await first.start(ticker);
      await first.start(quitter);
      await first.start(stopped);
      await first.wait(stopped);
      const tickerPid = first.state(ticker).pid as number;

      // The daemon dies: nothing of it is left but the state root.
      first.close();
      writeFileSync(join(trigger, 'go'), '');
      const quitterExit = join(f.stateDir, 'containers', quitter, 'exit');
      await waitUntil(
        () => existsSync(quitterExit),
        (exists) => exists,
      );
      expect(() => process.kill(tickerPid, 0)).not.toThrow();

      const second = f.open();
      f.runtime = second;
      const result = await second.recover();
      const byId = new Map(result.containers.map((c) => [c.id, c]));
      expect(byId.get(ticker)).toMatchObject({ status: 'running', pid: tickerPid });
      expect(byId.get(quitter)).toMatchObject({ status: 'stopped', exitCode: 9 });
      expect(byId.get(stopped)).toMatchObject({ status: 'stopped', exitCode: 4 });
      expect(byId.get(created)?.status).toBe('created');
      expect(result.exitedWhileDown.map((e) => [e.id, e.exitCode])).toEqual([[quitter, 9]]);
      expect((await collectLogs(second.logs(quitter))).stdout).toBe('leaving\n');

      // The ticker's log goes on, exec works, and a follower ends when stop ends the container.
      const lines = async () => (await collectLogs(second.logs(ticker))).stdout.split('\n').length;
      const before = await lines();
      await waitUntil(lines, (n) => n > before + 2);
      const session = await second.exec(ticker, { args: ['echo', 'still here'] });
      expect((await collectLogs(session.output)).stdout).toBe('still here\n');
      const follower = collectLogs(second.logs(ticker, { follow: true, tail: 1 }));
      expect(await second.stop(ticker, { timeoutSeconds: 30 })).toBe(true);
      expect((await follower).stdout).toMatch(/^tick \d+\n/);
      expect(second.state(ticker)).toMatchObject({ status: 'stopped', exitCode: 0 });

      // The created one still starts.
      await second.start(created);
      expect((await second.wait(created)).exitCode).toBe(0);
    });

    it('sees an exit that happens after recovery through the watcher', async () => {
      const runtime = f.runtime;
      const id = f.id('late');
      await runtime.create({
        id,
        rootfs: f.rootfs,
        process: { args: ['sh', '-c', 'read x; exit 6'], openStdin: true },
      });
      await runtime.start(id);
      runtime.close();
      const again = f.open();
      f.runtime = again;
      await again.recover();
      expect(again.state(id).status).toBe('running');
      const exited = again.wait(id, 'next-exit');
      const attach = again.attach(id, { stdin: true });
      attach.stdin?.end('\n');
      expect((await exited).exitCode).toBe(6);
    });

    it('survives kill -9 of the process that started the container', async () => {
      const id = f.id('orphan');
      const here = dirname(fileURLToPath(import.meta.url));
      const script = join(f.dir, 'daemon.ts');
      writeFileSync(
        script,
        [
          `import { Runtime } from ${JSON.stringify(join(here, 'runtime.ts'))};`,
          `const runtime = new Runtime({ rootDir: ${JSON.stringify(f.stateDir)}, cgroupParent: ${JSON.stringify(f.cgroupParent)} });`,
          'await runtime.recover();',
          `await runtime.create({ id: ${JSON.stringify(id)}, rootfs: ${JSON.stringify(f.rootfs)}, process: { args: ['sh', '-c', "trap 'exit 0' TERM; while :; do echo alive; sleep 0.05; done"] } });`,
          `await runtime.start(${JSON.stringify(id)});`,
          "process.stdout.write('started\\n');",
          'setInterval(() => {}, 1000);',
        ].join('\n'),
      );
      const bundle = join(f.dir, 'daemon.mjs');
      buildSync({
        entryPoints: [script],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: bundle,
        logLevel: 'error',
      });
      const daemon = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        daemon.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('started')) resolve();
        });
        daemon.on('exit', (code) => reject(new Error(`daemon exited early with ${code}`)));
      });
      const killed = new Promise((resolve) => daemon.on('exit', resolve));
      daemon.kill('SIGKILL');
      await killed;

      f.runtime.close();
      const after = f.open();
      f.runtime = after;
      await after.recover();
      expect(after.state(id).status).toBe('running');
      const lines = async () => (await collectLogs(after.logs(id))).stdout.split('\n').length;
      const before = await lines();
      await waitUntil(lines, (n) => n > before + 2);
      expect(await after.stop(id, { timeoutSeconds: 30 })).toBe(true);
      expect(after.state(id).exitCode).toBe(0);
    });

    it('reports 255 for a container whose conmon was killed, once its process is gone', async () => {
      f.runtime.close();
      const runtime = new Runtime({ rootDir: f.stateDir, cgroupParent: f.cgroupParent, exitSweepMs: 50 });
      f.runtime = runtime;
      await runtime.recover();
      const id = f.id('lost');
      await runtime.create({ id, rootfs: f.rootfs, process: { args: ['sleep', '600'] } });
      const { pid, conmonPid } = await runtime.start(id);
      process.kill(conmonPid as number, 'SIGKILL');
      process.kill(pid as number, 'SIGKILL');
      expect((await runtime.wait(id)).exitCode).toBe(255);
      expect(runtime.state(id).status).toBe('stopped');
    });
  },
);
