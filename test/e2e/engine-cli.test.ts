/**
 * `dev engine start|status|env|logs|stop|doctor` end to end with the built CLI, on a temp
 * root and socket: idempotent start, one daemon per root, state and containers that outlive
 * a restart, and the clear refusal for a user who is not root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannotRunEngine, dockerCli, engineScript } from '../daemon/api/engine-process.js';
import { projectRoot } from '../helpers/corpus.js';
import { runBuilt } from '../helpers/run-built.js';

const suite = cannotRunEngine ? describe.skip : describe;

suite('dev engine', () => {
  let dir: string;
  let root: string;
  let socket: string;
  const flags = () => ['--root', root, '--socket', socket];
  const dev = (args: string[], env: Record<string, string> = {}) =>
    runBuilt(args, { cwd: dir, env, timeout: 60_000 });
  const docker = (args: string[], input?: Buffer) =>
    spawnSync(dockerCli, ['-H', `unix://${socket}`, ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: join(dir, 'docker-config') },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-e2e-engine-'));
    root = join(dir, 'root');
    socket = join(dir, 'engine.sock');
  });
  afterAll(() => {
    docker(['rm', '-f', 'devtest-outlives']);
    dev(['engine', 'stop', ...flags()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('doctor checks the host and exits 0 only when nothing required is missing', () => {
    const r = dev(['engine', 'doctor']);
    for (const name of ['root', 'OCI runtime', 'conmon', 'overlayfs', 'cgroups', 'iptables', 'aardvark-dns'])
      expect(r.stdout).toMatch(new RegExp(`^(ok|missing)\\s+${name.replace(/[()]/g, '\\$&')}`, 'm'));
    expect(r.code).toBe(/^missing /m.test(r.stdout) ? 1 : 0);
  });

  it('is not running before start: status says so and exits 1', () => {
    const r = dev(['engine', 'status', ...flags()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^running\s+no$/m);
    expect(r.stdout).toContain(`socket     ${socket}`);
  });

  it('starts, and a second start finds it running', () => {
    const first = dev(['engine', 'start', ...flags()]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^started the bundled engine \\(pid \\d+\\) on ${socket}$`, 'm'));
    const second = dev(['engine', 'start', ...flags()]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already runs \(pid \d+\)/);
  });

  it('status tells pid, socket, root, version and containers (text and JSON)', () => {
    const text = dev(['engine', 'status', ...flags()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^running\s+yes \(pid \d+\)$/m);
    expect(text.stdout).toMatch(/^version\s+\S+ \(API 1\.41\)$/m);
    expect(text.stdout).toMatch(/^containers\s+0 \(0 running\)$/m);
    const json = JSON.parse(dev(['engine', 'status', '--format', 'json', ...flags()]).stdout);
    expect(json).toMatchObject({
      running: true,
      socket,
      root,
      dockerHost: `unix://${socket}`,
      apiVersion: '1.41',
    });
    expect(json.pid).toBeGreaterThan(0);
  });

  it('idles in less than 60 MB of RSS', () => {
    const { pid } = JSON.parse(dev(['engine', 'status', '--format', 'json', ...flags()]).stdout) as {
      pid: number;
    };
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    console.info(`bundled engine idle RSS: ${(kb / 1024).toFixed(1)} MB`);
    expect(kb).toBeLessThan(60 * 1024);
  });

  it('env prints the DOCKER_HOST, also from DEV_ENGINE_SOCKET', () => {
    expect(dev(['engine', 'env', ...flags()]).stdout).toBe(`export DOCKER_HOST=unix://${socket}\n`);
    expect(dev(['engine', 'env'], { DEV_ENGINE_SOCKET: '/run/x.sock' }).stdout).toBe(
      'export DOCKER_HOST=unix:///run/x.sock\n',
    );
    expect(dev(['engine', 'env']).stdout).toBe('export DOCKER_HOST=unix:///run/dev-engine/engine.sock\n');
  });

  it('lets only one daemon use a root', () => {
    const r = spawnSync(process.execPath, [engineScript, ...flags()], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('another dev engine is already using');
  });

  it('keeps networks, volumes and running containers across a stop and a start', async () => {
    const tar = spawnSync(dockerCli, ['save', 'dev-example/busybox:latest'], { maxBuffer: 1 << 28 });
    const haveImage = tar.status === 0 && docker(['load'], tar.stdout).status === 0;
    expect(docker(['network', 'create', 'devtest-kept']).status).toBe(0);
    expect(docker(['volume', 'create', 'devtest-kept']).status).toBe(0);
    let pid = 0;
    if (haveImage) {
      const run = docker([
        'run',
        '-d',
        '--name',
        'devtest-outlives',
        'dev-example/busybox:latest',
        'sleep',
        '600',
      ]);
      expect(run.stderr).toBe('');
      pid = Number(docker(['inspect', '-f', '{{.State.Pid}}', 'devtest-outlives']).stdout.trim());
      expect(pid).toBeGreaterThan(0);
    }
    const stop = dev(['engine', 'stop', ...flags()]);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/^stopped the bundled engine \(pid \d+\); its containers keep running$/m);
    expect(dev(['engine', 'status', ...flags()]).code).toBe(1);
    if (pid) expect(() => process.kill(pid, 0)).not.toThrow();
    expect(dev(['engine', 'stop', ...flags()]).stdout).toBe('the bundled engine is not running\n');
    expect(dev(['engine', 'start', ...flags()]).code).toBe(0);
    expect(docker(['network', 'ls', '--format', '{{.Name}}']).stdout).toContain('devtest-kept');
    expect(docker(['volume', 'ls', '--format', '{{.Name}}']).stdout).toContain('devtest-kept');
    if (pid) {
      expect(
        docker(['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', 'devtest-outlives']).stdout.trim(),
      ).toBe(`true ${pid}`);
      expect(docker(['rm', '-f', 'devtest-outlives']).status).toBe(0);
    }
  });

  it('logs shows the daemon’s log, its tail, and follows it', async () => {
    const all = dev(['engine', 'logs', ...flags()]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('SIGTERM: stopping (containers keep running)');
    expect(all.stdout).toMatch(/serving the Docker Engine API on /);
    const tail = dev(['engine', 'logs', '-n', '1', ...flags()]).stdout;
    expect(tail.trim().split('\n')).toHaveLength(1);
    // -f prints the tail, then what the daemon appends, until interrupted
    const follow = spawn(
      process.execPath,
      [join(projectRoot, 'dist/dev.cjs'), 'engine', 'logs', '-f', '-n', '1', ...flags()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let printedTail: () => void = () => {};
    const following = new Promise<void>((resolve) => {
      printedTail = resolve;
    });
    const seen = new Promise<void>((resolve) => {
      follow.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        printedTail();
        if (out.includes('SIGTERM')) resolve();
      });
    });
    await following;
    dev(['engine', 'stop', ...flags()]);
    await seen;
    follow.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => follow.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('stopped');
  });

  it('refuses to start for a user who is not root, saying why', () => {
    const r = spawnSync(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        process.execPath,
        join(projectRoot, 'dist/dev.cjs'),
        'engine',
        'start',
        '--root',
        join(dir, 'nobody'),
      ],
      {
        encoding: 'utf8',
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', DEV_NO_CODE_CACHE: '1' },
      },
    );
    if (r.error) return;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'the bundled engine needs root on this machine (rootless is not supported yet)',
    );
  });
});
