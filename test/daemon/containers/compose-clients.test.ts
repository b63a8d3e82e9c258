/**
 * Compose clients against the bundled engine (DOCKER_HOST at its socket): docker-compose v1
 * (docker-py) `up -d` and `down -v` of a small project with a named volume, a bind mount, a
 * healthcheck and a published port; and dev's own `up -d` / `down -v` of examples/trio's db and
 * web (no build).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../engine/helpers/test-image.js';
import { projectRoot } from '../../helpers/corpus.js';
import { type EngineChild, run, startEngineChild } from './helpers/engine-child.js';
import { bundledSkipReason } from './helpers/host-cleanup.js';

const compose = '/usr/bin/docker-compose';
const devCli = join(projectRoot, 'dist/dev.cjs');

interface Summary {
  Names: string[];
  State: string;
  Status: string;
  Labels: Record<string, string>;
  Ports: { PublicPort?: number; PrivatePort: number }[];
}

describe.skipIf(bundledSkipReason !== undefined)(
  `compose clients against the bundled engine${bundledSkipReason ? ` (skipped: ${bundledSkipReason})` : ''}`,
  () => {
    let engine: EngineChild;
    let dir: string;
    const env = () => ({ ...process.env, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.dockerConfig });
    const list = (project: string) =>
      engine.json<Summary[]>(
        `/v1.41/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }))}`,
      );
    const waitHealthy = async (project: string, count: number) => {
      for (let i = 0; i < 300; i++) {
        const all = await list(project);
        if (all.length === count && all.every((c) => /\(healthy\)|^Up [^(]*$/.test(c.Status))) return all;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${project} did not get healthy: ${JSON.stringify(await list(project))}`);
    };

    beforeAll(async () => {
      engine = await startEngineChild('compose');
      dir = mkdtempSync(join(tmpdir(), 'dev-compose-'));
    }, 60_000);

    afterAll(async () => {
      await engine?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it.skipIf(!existsSync(compose))('docker-compose v1: up -d, exec, down -v', async () => {
      writeFileSync(join(dir, 'index.html'), 'hello from v1\n');
      writeFileSync(
        join(dir, 'docker-compose.yml'),
        [
          'version: "3.7"',
          'services:',
          '  db:',
          '    image: dev-example/busybox:latest',
          '    command: ["sh", "-c", "touch /data/ready; exec sleep 100000"]',
          '    init: true',
          '    volumes: ["data:/data"]',
          '    healthcheck: { test: ["CMD", "test", "-f", "/data/ready"], interval: 1s }',
          '  web:',
          '    image: dev-example/busybox:latest',
          '    command: httpd -f -p 8080 -h /srv',
          '    init: true',
          '    ports: ["127.0.0.1::8080"]',
          '    depends_on: [db]',
          '    volumes: ["./:/srv:ro"]',
          'volumes:',
          '  data: {}',
          '',
        ].join('\n'),
      );
      const up = await run(compose, ['-p', 'cv1', 'up', '-d'], { cwd: dir, env: env() });
      expect(up.code, up.stderr).toBe(0);
      const containers = await waitHealthy('cv1', 2);
      const web = containers.find((c) => c.Names[0] === '/cv1_web_1');
      const port = web?.Ports.find((p) => p.PrivatePort === 8080)?.PublicPort;
      expect(port).toBeGreaterThan(0);
      expect((await run('wget', ['-qO-', `http://127.0.0.1:${port}/index.html`])).stdout).toBe(
        'hello from v1\n',
      );
      const ping = await run(compose, ['-p', 'cv1', 'exec', '-T', 'web', 'ping', '-c', '1', 'db'], {
        cwd: dir,
        env: env(),
      });
      expect(ping.code, ping.stderr).toBe(0);
      const ps = await run(compose, ['-p', 'cv1', 'ps'], { cwd: dir, env: env() });
      expect(ps.stdout).toMatch(/cv1_db_1 .* Up \(healthy\)/);
      const down = await run(compose, ['-p', 'cv1', 'down', '-v', '-t', '1'], { cwd: dir, env: env() });
      expect(down.code, down.stderr).toBe(0);
      expect(await list('cv1')).toEqual([]);
      const volumes = await engine.json<{ Volumes: { Name: string }[] | null }>('/v1.41/volumes');
      expect((volumes.Volumes ?? []).map((v) => v.Name)).not.toContain('cv1_data');
    });

    it('dev up -d and dev down -v of examples/trio (db and web)', async () => {
      const trio = join(projectRoot, 'examples/trio');
      const webPort = await freePort();
      const devEnv = { ...env(), COMPOSE_PROJECT_NAME: 'devtrio', WEB_PORT: `127.0.0.1:${webPort}` };
      const up = await run(process.execPath, [devCli, 'up', '-d', '--no-build', '--no-deps', 'db', 'web'], {
        cwd: trio,
        env: devEnv,
      });
      expect(up.code, up.stderr + up.stdout).toBe(0);
      const containers = await waitHealthy('devtrio', 2);
      expect(containers.map((c) => c.Names[0]).sort()).toEqual(['/devtrio-db-1', '/devtrio-web-1']);
      expect((await run('wget', ['-qO-', `http://127.0.0.1:${webPort}/`])).stdout).toContain('hello');
      const again = await run(
        process.execPath,
        [devCli, 'up', '-d', '--no-build', '--no-deps', 'db', 'web'],
        {
          cwd: trio,
          env: devEnv,
        },
      );
      expect(again.code, again.stderr).toBe(0);
      expect((await list('devtrio')).map((c) => c.State)).toEqual(['running', 'running']);
      const down = await run(process.execPath, [devCli, 'down', '-v'], { cwd: trio, env: devEnv });
      expect(down.code, down.stderr).toBe(0);
      expect(await list('devtrio')).toEqual([]);
    });
  },
);
