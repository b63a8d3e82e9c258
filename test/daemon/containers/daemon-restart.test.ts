/**
 * `kill -9` of the bundled engine loses nothing: after a restart on the same root every
 * container is known again with its state, logs, health checks and restart policy; containers
 * that died while no daemon ran are restarted when their policy says so; and a `dev up`
 * interrupted by killing the daemon heals on the next `dev up`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/corpus.js';
import { type EngineChild, run, startEngineChild } from './helpers/engine-child.js';
import { bundledSkipReason, TEST_IMAGE } from './helpers/host-cleanup.js';

interface Inspect {
  Id: string;
  Name: string;
  RestartCount: number;
  State: { Status: string; Pid: number; ExitCode: number; Health?: { Status: string; Log: unknown[] } };
  NetworkSettings: { Ports: Record<string, { HostPort: string }[] | null> };
}

const devCli = join(projectRoot, 'dist/dev.cjs');

async function until<T>(check: () => Promise<T | undefined>, what: string, limit = 400): Promise<T> {
  for (let i = 0; i < limit; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(bundledSkipReason !== undefined)(
  `daemon kill -9 and restart${bundledSkipReason ? ` (skipped: ${bundledSkipReason})` : ''}`,
  () => {
    let engine: EngineChild;
    let dir: string;
    const inspect = (ref: string) => engine.json<Inspect>(`/v1.41/containers/${ref}/json`);
    const docker = (...args: string[]) => engine.docker(args);

    beforeAll(async () => {
      engine = await startEngineChild('restart');
      dir = mkdtempSync(join(tmpdir(), 'dev-restart-'));
    }, 60_000);

    afterAll(async () => {
      await engine?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('knows every container again, restarts what died by its policy', async () => {
      await docker('network', 'create', 'rnet');
      const keep = await docker(
        'run',
        '-d',
        '--name',
        'keep',
        '--network',
        'rnet',
        '-p',
        '127.0.0.1::80',
        '--init',
        '--health-cmd',
        'true',
        '--health-interval',
        '1s',
        TEST_IMAGE,
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/etc',
      );
      expect(keep.code, keep.stderr).toBe(0);
      await docker('run', '-d', '--name', 'always', '--restart', 'always', TEST_IMAGE, 'sleep', '3600');
      await docker('run', '-d', '--name', 'norestart', TEST_IMAGE, 'sleep', '3600');
      await docker(
        'run',
        '-d',
        '--name',
        'stopped',
        '--restart',
        'unless-stopped',
        TEST_IMAGE,
        'sleep',
        '3600',
      );
      await docker('stop', '-t', '0', 'stopped');
      await docker('run', '--name', 'logger', TEST_IMAGE, 'sh', '-c', 'echo one; echo two >&2');
      await docker('create', '--name', 'created', TEST_IMAGE, 'true');
      await until(
        async () => ((await inspect('keep')).State.Health?.Status === 'healthy' ? true : undefined),
        'keep healthy',
      );
      const before = await inspect('keep');
      const always = await inspect('always');
      const norestart = await inspect('norestart');

      await engine.kill9();
      // while no daemon runs: two containers die
      process.kill(always.State.Pid, 'SIGKILL');
      process.kill(norestart.State.Pid, 'SIGKILL');
      await until(async () => {
        try {
          process.kill(norestart.State.Pid, 0);
          return undefined;
        } catch {
          return true;
        }
      }, 'the processes to die');
      await engine.start();

      const names = (await docker('ps', '-a', '--format', '{{.Names}}')).stdout.trim().split('\n').sort();
      expect(names).toEqual(['always', 'created', 'keep', 'logger', 'norestart', 'stopped']);
      const after = await inspect('keep');
      expect(after.State).toMatchObject({ Status: 'running', Pid: before.State.Pid });
      const port = after.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort;
      expect((await run('wget', ['-qO-', `http://127.0.0.1:${port}/hostname`])).stdout.trim()).toBe(
        after.Id.slice(0, 12),
      );
      // health checks go on: a new probe lands in the log
      const logged = JSON.stringify(after.State.Health?.Log);
      await until(
        async () => (JSON.stringify((await inspect('keep')).State.Health?.Log) !== logged ? true : undefined),
        'a new probe',
      );
      const restarted = await until(async () => {
        const c = await inspect('always');
        return c.State.Status === 'running' ? c : undefined;
      }, 'always to run again');
      expect(restarted.RestartCount).toBe(1);
      expect(restarted.State.Pid).not.toBe(always.State.Pid);
      expect((await inspect('norestart')).State).toMatchObject({ Status: 'exited', ExitCode: 137 });
      expect((await inspect('stopped')).State.Status).toBe('exited');
      expect((await inspect('created')).State.Status).toBe('created');
      const logs = await docker('logs', 'logger');
      expect([logs.stdout, logs.stderr]).toEqual(['one\n', 'two\n']);
      // and they are all still under control
      expect((await docker('stop', '-t', '1', 'keep', 'always')).code).toBe(0);
      expect((await docker('rm', 'keep', 'always', 'norestart', 'stopped', 'logger', 'created')).code).toBe(
        0,
      );
      expect((await docker('network', 'rm', 'rnet')).code).toBe(0);
    }, 90_000);

    it('heals a dev up interrupted by killing the daemon', async () => {
      writeFileSync(
        join(dir, 'compose.yaml'),
        [
          'name: heal',
          'services:',
          ...['a', 'b', 'c', 'd'].flatMap((s, i) => [
            `  ${s}:`,
            `    image: ${TEST_IMAGE}`,
            '    command: ["sleep", "3600"]',
            '    init: true',
            '    healthcheck: { test: ["CMD", "true"], interval: 1s }',
            ...(i > 0
              ? ['    depends_on:', `      ${['a', 'b', 'c'][i - 1]}: { condition: service_healthy }`]
              : []),
          ]),
          '',
        ].join('\n'),
      );
      const env = { ...process.env, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.dockerConfig };
      const interrupted = run(process.execPath, [devCli, 'up', '-d'], { cwd: dir, env });
      await until(async () => {
        const list = await engine.json<unknown[]>('/v1.41/containers/json?all=1').catch(() => []);
        return list.length >= 2 ? true : undefined;
      }, 'dev up to make two containers');
      await engine.kill9();
      expect((await interrupted).code).not.toBe(0);
      await engine.start();
      const healed = await run(process.execPath, [devCli, 'up', '-d', '--wait'], { cwd: dir, env });
      expect(healed.code, healed.stderr + healed.stdout).toBe(0);
      const list = await engine.json<{ Names: string[]; State: string }[]>('/v1.41/containers/json?all=1');
      expect(list.map((c) => `${c.Names[0]} ${c.State}`).sort()).toEqual([
        '/heal-a-1 running',
        '/heal-b-1 running',
        '/heal-c-1 running',
        '/heal-d-1 running',
      ]);
      const down = await run(process.execPath, [devCli, 'down', '-v', '-t', '1'], { cwd: dir, env });
      expect(down.code, down.stderr).toBe(0);
    }, 90_000);
  },
);
