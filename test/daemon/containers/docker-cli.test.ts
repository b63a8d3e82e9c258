/**
 * The real docker CLI (Debian's 20.10) against the bundled engine: run (detached, attached,
 * with stdin, --rm), ps, logs -f, exec with and without a terminal, inspect, cp both ways,
 * stop, start -a, restart, kill, wait, pause, rename, rm, top, stats, diff, export.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, type EngineChild, run, startEngineChild } from './helpers/engine-child.js';
import { bundledSkipReason, TEST_IMAGE } from './helpers/host-cleanup.js';

const skip = bundledSkipReason ?? (existsSync(dockerCli) ? undefined : `no docker CLI at ${dockerCli}`);

describe.skipIf(skip !== undefined)(
  `docker CLI against the bundled engine${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let engine: EngineChild;
    let dir: string;
    const docker = (...args: string[]) => engine.docker(args);

    beforeAll(async () => {
      engine = await startEngineChild('cli');
      dir = mkdtempSync(join(tmpdir(), 'dev-cli-'));
    }, 60_000);

    afterAll(async () => {
      await engine?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('runs detached, lists, inspects, execs, stops and removes', async () => {
      const started = await docker(
        'run',
        '-d',
        '--name',
        'web',
        '--init',
        '-p',
        '127.0.0.1::80',
        TEST_IMAGE,
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/etc',
      );
      expect(started.code, started.stderr).toBe(0);
      const id = started.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const ps = await docker('ps', '--format', '{{.ID}} {{.Names}} {{.Status}} {{.Ports}}');
      expect(ps.stdout).toMatch(
        new RegExp(`^${id.slice(0, 12)} web Up .* 127\\.0\\.0\\.1:\\d+->80/tcp$`, 'm'),
      );
      const inspect = JSON.parse((await docker('inspect', 'web')).stdout) as Record<string, unknown>[];
      expect(inspect[0]).toMatchObject({
        Id: id,
        Name: '/web',
        State: { Status: 'running', Running: true },
        Config: { Image: TEST_IMAGE, Cmd: ['httpd', '-f', '-p', '80', '-h', '/etc'] },
        HostConfig: { Init: true, NetworkMode: 'default' },
      });
      const port = (await docker('port', 'web', '80')).stdout.trim().split(':')[1];
      const page = await run('wget', ['-qO-', `http://127.0.0.1:${port}/hostname`]);
      expect(page.stdout.trim()).toBe(id.slice(0, 12));
      const exec = await docker('exec', 'web', 'sh', '-c', 'echo out; echo err >&2; exit 3');
      expect(exec).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
      const tty = await run(
        'script',
        ['-qec', `${dockerCli} -H ${engine.host} exec -t web sh -c 'tty; exit 4'`, '/dev/null'],
        {
          env: { ...process.env, DOCKER_CONFIG: engine.dockerConfig },
        },
      );
      expect(tty.code).toBe(4);
      expect(tty.stdout).toContain('/dev/pts/');
      const top = await docker('top', 'web');
      expect(top.stdout).toContain('httpd');
      const stats = await docker('stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'web');
      expect(stats.stdout.trim()).toMatch(/^web \d+$/);
      expect((await docker('pause', 'web')).code).toBe(0);
      expect((await docker('inspect', '-f', '{{.State.Status}}', 'web')).stdout.trim()).toBe('paused');
      expect((await docker('unpause', 'web')).code).toBe(0);
      expect((await docker('stop', '-t', '5', 'web')).code).toBe(0);
      expect((await docker('inspect', '-f', '{{.State.Status}}', 'web')).stdout.trim()).toBe('exited');
      expect((await docker('rm', 'web')).code).toBe(0);
      expect((await docker('inspect', 'web')).code).not.toBe(0);
    });

    it('runs attached with stdin, with --rm, and reports exit codes', async () => {
      const attached = await engine.docker(
        ['run', '-i', '--name', 'cat', TEST_IMAGE, 'sh', '-c', 'cat; echo err >&2; exit 5'],
        {
          input: 'from stdin\n',
        },
      );
      expect(attached).toMatchObject({ code: 5, stdout: 'from stdin\n', stderr: 'err\n' });
      expect((await docker('wait', 'cat')).stdout.trim()).toBe('5');
      const logs = await docker('logs', 'cat');
      expect(logs.stdout).toBe('from stdin\n');
      expect(logs.stderr).toBe('err\n');
      const removed = await docker(
        'run',
        '--rm',
        '--name',
        'gone',
        TEST_IMAGE,
        'sh',
        '-c',
        'echo bye; exit 2',
      );
      expect(removed).toMatchObject({ code: 2, stdout: 'bye\n' });
      expect((await docker('ps', '-a', '--filter', 'name=gone', '-q')).stdout.trim()).toBe('');
      const terminal = await run(
        'script',
        ['-qec', `${dockerCli} -H ${engine.host} run -t --rm ${TEST_IMAGE} sh -c 'tty; exit 6'`, '/dev/null'],
        { env: { ...process.env, DOCKER_CONFIG: engine.dockerConfig } },
      );
      expect(terminal.code).toBe(6);
      expect(terminal.stdout).toContain('/dev/pts/0');
      await docker('rm', 'cat');
    });

    it('follows logs until the container exits, and starts attached again', async () => {
      const created = await docker(
        'create',
        '--name',
        'counter',
        TEST_IMAGE,
        'sh',
        '-c',
        'for i in 1 2 3; do echo n$i; sleep 0.1; done',
      );
      expect(created.code, created.stderr).toBe(0);
      const attached = await docker('start', '-a', 'counter');
      expect(attached.stdout).toBe('n1\nn2\nn3\n');
      const again = docker('start', '-a', 'counter');
      const followed = await docker('logs', '-f', '--tail', '2', 'counter');
      expect((await again).stdout).toBe('n1\nn2\nn3\n');
      expect(followed.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
      const all = await docker('logs', '-t', 'counter');
      expect(all.stdout.trim().split('\n')).toHaveLength(6);
      expect(all.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z n1$/m);
      await docker('rm', 'counter');
    });

    it('copies files in and out, shows changes and exports', async () => {
      await docker('run', '-d', '--name', 'files', TEST_IMAGE, 'sleep', '3600');
      writeFileSync(join(dir, 'in.txt'), 'into the container\n');
      expect((await docker('cp', join(dir, 'in.txt'), 'files:/tmp/')).code).toBe(0);
      expect((await docker('exec', 'files', 'cat', '/tmp/in.txt')).stdout).toBe('into the container\n');
      await docker(
        'exec',
        'files',
        'sh',
        '-c',
        'mkdir -p /srv/d && echo deep > /srv/d/f && ln -s /srv/d /srv/link',
      );
      expect((await docker('cp', 'files:/srv/d', join(dir, 'out'))).code).toBe(0);
      expect(readFileSync(join(dir, 'out/f'), 'utf8')).toBe('deep\n');
      expect((await docker('cp', 'files:/srv/link/f', join(dir, 'via-link'))).code).toBe(0);
      expect(readFileSync(join(dir, 'via-link'), 'utf8')).toBe('deep\n');
      const missing = await docker('cp', 'files:/nope', dir);
      expect(missing.code).not.toBe(0);
      // the CLI words any 404 of a stat this way, for dockerd too
      expect(missing.stderr).toMatch(/No such container:path: files:\/nope/);
      const diff = await docker('diff', 'files');
      expect(diff.stdout).toMatch(/^A \/srv$/m);
      expect(diff.stdout).toMatch(/^A \/tmp\/in.txt$/m);
      await docker('stop', '-t', '0', 'files');
      // a stopped container's files are reachable too
      expect((await docker('cp', 'files:/tmp/in.txt', join(dir, 'back.txt'))).code).toBe(0);
      expect(readFileSync(join(dir, 'back.txt'), 'utf8')).toBe('into the container\n');
      const exported = await run('sh', [
        '-c',
        `${dockerCli} -H ${engine.host} export files | tar -t | grep -c '^bin/busybox$'`,
      ]);
      expect(exported.stdout.trim()).toBe('1');
      await docker('rm', 'files');
      // a new named volume is filled from the image's content at its mount point, once
      const filled = await docker(
        'run',
        '--rm',
        '-v',
        'filled:/etc',
        TEST_IMAGE,
        'sh',
        '-c',
        'cat /etc/passwd; rm /etc/group',
      );
      expect(filled.stdout).toMatch(/^root:x:0:0/);
      const again = await docker('run', '--rm', '-v', 'filled:/etc', TEST_IMAGE, 'ls', '/etc');
      expect(again.stdout.split('\n')).not.toContain('group');
      expect((await docker('volume', 'rm', 'filled')).code).toBe(0);
    });

    it('kills, restarts, renames and answers errors as dockerd does', async () => {
      await docker('run', '-d', '--name', 'life', TEST_IMAGE, 'sleep', '3600');
      expect((await docker('kill', 'life')).code).toBe(0);
      expect((await docker('wait', 'life')).stdout.trim()).toBe('137');
      expect((await docker('restart', 'life')).code).toBe(0);
      expect((await docker('rename', 'life', 'life2')).code).toBe(0);
      expect((await docker('inspect', '-f', '{{.Name}} {{.State.Running}}', 'life2')).stdout.trim()).toBe(
        '/life2 true',
      );
      const running = await docker('rm', 'life2');
      expect(running.stderr).toMatch(/You cannot remove a running container/);
      const taken = await docker('create', '--name', 'life2', TEST_IMAGE);
      expect(taken.stderr).toMatch(/Conflict\. The container name "\/life2" is already in use/);
      const missing = await docker('start', 'nosuch');
      expect(missing.stderr).toMatch(/No such container: nosuch/);
      const notFound = await docker('run', '--rm', '--name', 'nocmd', TEST_IMAGE, 'nosuchcommand');
      expect(notFound.code).toBe(127);
      expect(notFound.stderr).toMatch(/executable file not found/);
      // an AutoRemove container that cannot start is removed
      expect((await docker('ps', '-a', '-q', '--filter', 'name=nocmd')).stdout.trim()).toBe('');
      expect((await docker('rm', '-f', 'life2')).code).toBe(0);
    });
  },
);
