/**
 * The built CLI on examples/trio against a real engine: up, a no-op second up, a change that
 * recreates one service only, scale, the everyday commands, and down leaving nothing behind.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpus.js';
import {
  cleanupProject,
  docker,
  freePort,
  hasDocker,
  inspect,
  leftovers,
  projectContainers,
  uniqueProject,
} from '../helpers/docker.js';
import { runBuilt } from '../helpers/run-built.js';

const suite = hasDocker ? describe : describe.skip;

suite('dev up and friends on examples/trio', () => {
  const project = uniqueProject('trio');
  let dir: string;
  let port: number;
  const dev = (args: string[], env: Record<string, string> = {}) =>
    runBuilt(['-p', project, ...args], {
      cwd: dir,
      env: { WEB_PORT: String(port), ...env },
      timeout: 120_000,
    });

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'dev-e2e-up-')), 'trio');
    cpSync(join(projectRoot, 'examples/trio'), dir, { recursive: true });
    port = await freePort();
  });
  afterAll(() => cleanupProject(project));

  it('brings the project up: containers healthy, labels, network aliases, volume, published port', async () => {
    const up = dev(['up', '-d']);
    expect(up.stderr).not.toMatch(/error/i);
    expect(up.code).toBe(0);
    expect(projectContainers(project)).toEqual([`${project}-api-1`, `${project}-db-1`, `${project}-web-1`]);
    const api = inspect<{
      Config: { Labels: Record<string, string>; Env: string[] };
      State: { Health?: { Status: string } };
    }>(`${project}-api-1`);
    expect(api.Config.Labels).toMatchObject({
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'api',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.depends_on': 'db:service_healthy:true',
    });
    expect(api.Config.Labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(api.Config.Env).toContain('DEBUG=true');
    expect(api.State.Health?.Status).toBe('healthy');
    const net = inspect<{ Containers: Record<string, { Name: string }> }>(`${project}_default`, 'network');
    expect(
      Object.values(net.Containers)
        .map((c) => c.Name)
        .sort(),
    ).toEqual(projectContainers(project));
    const web = inspect<{ NetworkSettings: { Networks: Record<string, { Aliases: string[] }> } }>(
      `${project}-web-1`,
    );
    expect(web.NetworkSettings.Networks[`${project}_default`]?.Aliases).toContain('web');
    expect(docker(['volume', 'inspect', `${project}_db-data`, '--format', '{{.Name}}'])).toBe(
      `${project}_db-data`,
    );
    const page = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(page).toContain('<');
  });

  it('does nothing on a second up, and the plan says everything is up to date', () => {
    const before = docker([
      'ps',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--no-trunc',
    ]);
    const plan = JSON.parse(dev(['plan', '--format', 'json']).stdout) as { steps: { kind: string }[] };
    expect(new Set(plan.steps.map((s) => s.kind))).toEqual(new Set(['keep-container', 'wait-service']));
    const up = dev(['up', '-d']);
    expect(up.code).toBe(0);
    expect(up.stderr).not.toMatch(/Created|Recreated|Started/);
    expect(
      docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--no-trunc']),
    ).toBe(before);
  });

  it('recreates only the service whose config changed, naming the field', () => {
    writeFileSync(
      join(dir, 'compose.override.yaml'),
      'services:\n  api:\n    environment:\n      DEBUG: "verbose"\n',
    );
    const oldDb = inspect<{ Id: string }>(`${project}-db-1`).Id;
    const plan = dev(['plan']).stdout;
    expect(plan).toMatch(new RegExp(`${project}-api-1 .*environment\\.DEBUG`));
    expect(plan).toMatch(new RegExp(`keep +container ${project}-db-1`));
    expect(dev(['up', '-d']).code).toBe(0);
    const api = inspect<{ Config: { Env: string[] } }>(`${project}-api-1`);
    expect(api.Config.Env).toContain('DEBUG=verbose');
    expect(inspect<{ Id: string }>(`${project}-db-1`).Id).toBe(oldDb);
    expect(projectContainers(project)).toHaveLength(3);
  });

  it('scales up and back down, removing the highest number', () => {
    expect(dev(['up', '-d', '--scale', 'db=3', 'db']).code).toBe(0);
    expect(projectContainers(project).filter((n) => n.includes('-db-'))).toHaveLength(3);
    const plan = dev(['plan', '--scale', 'db=2', 'db']).stdout;
    expect(plan).toMatch(new RegExp(`${project}-db-3 .*scaled 3 → 2`));
    expect(dev(['up', '-d', '--scale', 'db=1', 'db']).code).toBe(0);
    expect(projectContainers(project).filter((n) => n.includes('-db-'))).toEqual([`${project}-db-1`]);
  });

  it('lists, execs, shows logs, ports and processes', () => {
    const ps = dev(['ps', '--format', 'json'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Service: string; State: string });
    expect(ps.map((c) => `${c.Service}:${c.State}`).sort()).toEqual([
      'api:running',
      'db:running',
      'web:running',
    ]);
    expect(dev(['ps', '--services']).stdout).toBe('api\ndb\nweb\n');
    const exec = dev(['exec', '-T', 'api', 'sh', '-c', 'cat /greeting; echo "$DB_HOST"; exit 3']);
    expect(exec.stdout).toBe('hello\ndb\n');
    expect(exec.code).toBe(3);
    expect(dev(['exec', '-T', 'db', 'nslookup', 'api']).code).toBe(0);
    expect(dev(['port', 'web', '8080']).stdout.trim()).toBe(`0.0.0.0:${port}`);
    expect(dev(['top', 'db']).stdout).toContain('sleep');
    dev(['exec', '-T', 'web', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
    const logs = dev(['logs', '--no-color', 'api']);
    expect(logs.code).toBe(0);
  });

  it('runs one-off containers attached and detached, and copies files both ways', () => {
    const run = dev(['run', '--rm', '-T', '-e', 'X=7', 'db', 'sh', '-c', 'echo "x is $X"; exit 4']);
    expect(run.stdout).toBe('x is 7\n');
    expect(run.code).toBe(4);
    const oneoffs = () =>
      docker([
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--filter',
        'label=com.docker.compose.oneoff=True',
        '--format',
        '{{.Names}}',
      ]);
    expect(oneoffs()).toBe('');
    const detached = dev(['run', '-d', '--name', `${project}-job`, 'db', 'sleep', '60']);
    expect(detached.stdout.trim()).toBe(`${project}-job`);
    expect(oneoffs()).toBe(`${project}-job`);
    writeFileSync(join(dir, 'note.txt'), 'copied in\n');
    expect(dev(['cp', 'note.txt', 'db:/tmp/']).code).toBe(0);
    expect(dev(['exec', '-T', 'db', 'cat', '/tmp/note.txt']).stdout).toBe('copied in\n');
    expect(dev(['cp', 'db:/tmp/note.txt', 'back.txt']).code).toBe(0);
    expect(readFileSync(join(dir, 'back.txt'), 'utf8')).toBe('copied in\n');
  });

  it('stops, starts, pauses and removes containers', () => {
    expect(dev(['stop', 'web']).code).toBe(0);
    expect(inspect<{ State: { Running: boolean } }>(`${project}-web-1`).State.Running).toBe(false);
    expect(dev(['start', 'web']).code).toBe(0);
    expect(inspect<{ State: { Running: boolean } }>(`${project}-web-1`).State.Running).toBe(true);
    expect(dev(['pause', 'db']).code).toBe(0);
    expect(inspect<{ State: { Paused: boolean } }>(`${project}-db-1`).State.Paused).toBe(true);
    expect(dev(['unpause', 'db']).code).toBe(0);
    expect(dev(['rm', '-s', '-f', 'web']).code).toBe(0);
    expect(projectContainers(project)).not.toContain(`${project}-web-1`);
  });

  it('takes everything down with down -v, leaving nothing behind', () => {
    const down = dev(['down', '-v', '--remove-orphans']);
    expect(down.code).toBe(0);
    expect(leftovers(project)).toEqual([]);
    expect(dev(['down', '-v']).code).toBe(0);
  });
});
