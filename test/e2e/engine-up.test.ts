/**
 * `dev up` on dev's bundled engine with the built CLI: chosen with `--engine bundled` (started
 * because it was not running), and found by itself when no other engine answers: dockerd's
 * socket hidden in a private mount namespace, the image pulled from a local registry.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannotRunEngine, dockerCli } from '../daemon/api/engine-process.js';
import { ensureBusybox, hasDocker } from '../daemon/images/docker-host.js';
import { hasRegistry, type RunningRegistry, startRegistry } from '../daemon/images/registry-server.js';
import { projectRoot } from '../helpers/corpus.js';
import { runBuilt } from '../helpers/run-built.js';

const why =
  cannotRunEngine ??
  (hasDocker ? undefined : 'no dockerd to take the test image from') ??
  (spawnSync('unshare', ['--version']).status === 0 ? undefined : 'no unshare (util-linux)');
const suite = why ? describe.skip : describe;
if (why && !cannotRunEngine) console.warn(`skipping dev up on the bundled engine: ${why}`);

const compose = (image: string) => `services:
  db:
    image: ${image}
    command: ["sh", "-c", "mkdir -p /data && echo ok > /data/ready && exec sleep 2147483647"]
    init: true
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD", "test", "-f", "/data/ready"]
      interval: 1s
      retries: 30
  web:
    image: ${image}
    command: ["sh", "-c", "mkdir -p /srv && echo hello from web > /srv/index.html && exec httpd -f -p 8080 -h /srv"]
    init: true
    ports:
      - "127.0.0.1::8080"
    depends_on:
      db:
        condition: service_healthy
volumes:
  data:
`;

suite('dev up on the bundled engine', () => {
  let dir: string;
  const dockerAt = (socket: string, args: string[], input?: Buffer) =>
    spawnSync(dockerCli, ['-H', `unix://${socket}`, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
  const roots: { root: string; socket: string }[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-e2e-engine-up-'));
    ensureBusybox(projectRoot);
  });
  afterAll(() => {
    for (const { root, socket } of roots) {
      const ids = dockerAt(socket, ['ps', '-aq']).stdout?.trim();
      if (ids) dockerAt(socket, ['rm', '-f', ...ids.split('\n')]);
      runBuilt(['engine', 'stop', '--root', root, '--socket', socket], { cwd: dir });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the engine for --engine bundled and brings a project up and down', () => {
    const root = join(dir, 'chosen');
    const socket = join(root, 'engine.sock');
    roots.push({ root, socket });
    const env = { DEV_ENGINE_ROOT: root, DEV_ENGINE_SOCKET: socket };
    // the image goes in first (the engine cannot reach Docker Hub here); then it is stopped again
    expect(runBuilt(['engine', 'start'], { cwd: dir, env }).code).toBe(0);
    const tar = spawnSync(dockerCli, ['save', 'dev-example/busybox:latest'], { maxBuffer: 1 << 28 }).stdout;
    expect(dockerAt(socket, ['load'], tar).status).toBe(0);
    expect(runBuilt(['engine', 'stop'], { cwd: dir, env }).code).toBe(0);

    const project = join(dir, 'chosen-project');
    mkdirSync(project);
    writeFileSync(join(project, 'compose.yaml'), compose('dev-example/busybox:latest'));
    const dev = (args: string[]) =>
      runBuilt(['-p', 'devtestchosen', '--engine', 'bundled', ...args], {
        cwd: project,
        env,
        timeout: 120_000,
      });
    const up = dev(['up', '-d', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr.split('\n').filter((l) => l.includes('bundled engine'))).toEqual([
      "started dev's bundled engine (dev engine stop stops it)",
    ]);
    const ps = dev(['ps', '--format', 'json']);
    expect(ps.stderr).not.toContain('started');
    const port = dev(['port', 'web', '8080']).stdout.trim();
    expect(port).toMatch(/^127\.0\.0\.1:\d+$/);
    const page = spawnSync('wget', ['-q', '-O', '-', `http://${port}/`], { encoding: 'utf8' });
    if (page.status === 0) expect(page.stdout).toBe('hello from web\n');
    expect(
      dockerAt(socket, ['ps', '--format', '{{.Names}}']).stdout.split('\n').filter(Boolean).sort(),
    ).toEqual(['devtestchosen-db-1', 'devtestchosen-web-1']);
    const down = dev(['down', '-v']);
    expect(down.code, down.stderr).toBe(0);
    expect(dockerAt(socket, ['ps', '-aq']).stdout.trim()).toBe('');
    expect(dockerAt(socket, ['volume', 'ls', '-q']).stdout.trim()).toBe('');
    expect(dockerAt(socket, ['network', 'ls', '--format', '{{.Name}}']).stdout).not.toContain(
      'devtestchosen',
    );
  });

  it('runs the same project with docker-compose v1 (docker-py) pointed at it', (ctx) => {
    const chosen = roots[0];
    if (!chosen || spawnSync('docker-compose', ['version']).status !== 0) return ctx.skip();
    expect(
      runBuilt(['engine', 'start', '--root', chosen.root, '--socket', chosen.socket], { cwd: dir }).code,
    ).toBe(0);
    const project = join(dir, 'chosen-project');
    const compose = (args: string[]) =>
      spawnSync('docker-compose', ['-p', 'devtestv1', ...args], {
        cwd: project,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, DOCKER_HOST: `unix://${chosen.socket}` },
      });
    const up = compose(['up', '-d']);
    expect(up.status, up.stderr).toBe(0);
    expect(compose(['ps', '-q']).stdout.trim().split('\n')).toHaveLength(2);
    const down = compose(['down', '-v']);
    expect(down.status, down.stderr).toBe(0);
    expect(dockerAt(chosen.socket, ['ps', '-aq']).stdout.trim()).toBe('');
    expect(dockerAt(chosen.socket, ['volume', 'ls', '-q']).stdout.trim()).toBe('');
  });

  it('starts the bundled engine by itself when no engine answers, saying so once', async (ctx) => {
    if (!hasRegistry) return ctx.skip();
    const registry: RunningRegistry = await startRegistry(join(dir, 'registry'));
    const image = `${registry.host}/devtest/busybox:latest`;
    try {
      expect(spawnSync(dockerCli, ['tag', 'dev-example/busybox:latest', image]).status).toBe(0);
      expect(spawnSync(dockerCli, ['push', image]).status).toBe(0);
      const root = join(dir, 'fallback');
      const socket = join(root, 'engine.sock');
      roots.push({ root, socket });
      const project = join(dir, 'fallback-project');
      mkdirSync(project);
      writeFileSync(join(project, 'compose.yaml'), compose(image));
      const devBin = join(projectRoot, 'dist/dev.cjs');
      // dockerd's socket is hidden from this shell only; nothing else would answer
      const script = [
        'mount --bind /dev/null /var/run/docker.sock',
        `node ${devBin} -p devtestfallback up -d --wait`,
        `node ${devBin} -p devtestfallback ps -q | wc -l`,
        `node ${devBin} -p devtestfallback down -v`,
        `node ${devBin} engine stop`,
      ].join(' && ');
      const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
        cwd: project,
        encoding: 'utf8',
        timeout: 180_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: join(dir, 'home'),
          DEV_ENGINE_ROOT: root,
          DEV_ENGINE_SOCKET: socket,
          DEV_NO_CODE_CACHE: '1',
        },
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('bundled engine'))).toEqual([
        "no Docker engine found; started dev's bundled engine (dev engine stop stops it)",
      ]);
      expect(r.stdout).toMatch(/^2$/m);
      expect(r.stdout).toContain('stopped the bundled engine');
    } finally {
      spawnSync(dockerCli, ['rmi', image]);
      await registry.stop();
    }
  });
});
