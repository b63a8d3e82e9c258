/**
 * The built CLI when things go wrong or end: `up --wait` naming the service that did not get
 * healthy, one-shot services and exit codes, orphans, and `kill -9` of dev in the middle of
 * `up` healed by the next `up`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  cleanupProject,
  docker,
  inspect,
  leftovers,
  projectContainers,
  uniqueProject,
} from '../helpers/docker.js';
import { finished, projectCopy, startBuilt } from '../helpers/run-built.js';
import { forEachEngine } from '../helpers/test-engines.js';

forEachEngine('dev up when things go wrong', (engine) => {
  const projects: string[] = [];
  /** A copy of a fixture project and a `dev` bound to it under a unique project name. */
  const fixture = (name: string) => {
    const project = uniqueProject(name);
    projects.push(project);
    return { project, ...projectCopy(`test/fixtures/projects/${name}`, project, engine.env()) };
  };
  afterAll(() => {
    for (const p of projects) cleanupProject(p);
  });

  it('up --wait fails naming the unhealthy service, its last health output and log lines', () => {
    const { dev } = fixture('unhealthy');
    const up = dev(['up', '--wait', '--wait-timeout', '60']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/service "bad" is unhealthy/);
    expect(up.stderr).toContain('probe: not ready yet');
    expect(up.stderr).toContain('cannot reach the database');
    expect(up.stdout).toMatch(/good\s+Running/);
    expect(dev(['up', '--wait', '--format', 'json', 'good']).code).toBe(0);
  });

  it('up --wait --format json ends with a per-service summary', () => {
    const { dev } = fixture('unhealthy');
    const up = dev(['up', '--wait', '--format', 'json']);
    expect(up.code).toBe(1);
    const summary = JSON.parse(up.stdout) as { ok: boolean; services: { service: string; status: string }[] };
    expect(summary.ok).toBe(false);
    expect(summary.services.map((s) => `${s.service}:${s.status}`).sort()).toEqual([
      'bad:failed',
      'good:Running',
    ]);
  });

  it('runs a one-shot dependency first and returns the exit code of --exit-code-from', () => {
    const { dev, project } = fixture('oneshot');
    const up = dev(['up', '--exit-code-from', 'worker'], { APP_SECONDS: '30' });
    expect(up.code).toBe(7);
    expect(up.stdout).toMatch(/migrate-1\s+\| migrated/);
    expect(up.stdout).toMatch(/worker-1\s+\| worker failing/);
    expect(up.stdout).toMatch(/worker-1 exited with code 7/);
    const migrate = inspect<{ State: { ExitCode: number; Status: string } }>(`${project}-migrate-1`);
    expect(migrate.State).toMatchObject({ ExitCode: 0, Status: 'exited' });
  });

  it('attached up ends once every container has exited', () => {
    const { dev } = fixture('oneshot');
    const up = dev(['up', 'app']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/app-1\s+\| app done/);
    expect(up.stdout).toMatch(/app-1 exited with code 0/);
  });

  it('reports orphans and removes them with --remove-orphans', () => {
    const { dev, dir, project } = fixture('many');
    expect(dev(['up', '-d', 's0', 's1']).code).toBe(0);
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  s0:\n    image: dev-example/busybox:latest\n    init: true\n    command: sleep 600\n    environment:\n      VERSION: "1"\n',
    );
    const up = dev(['up', '-d']);
    expect(up.code).toBe(0);
    expect(up.stderr).toMatch(/orphan.*s1|s1.*orphan/i);
    expect(up.stderr).toContain('--remove-orphans');
    expect(projectContainers(project)).toContain(`${project}-s1-1`);
    expect(dev(['up', '-d', '--remove-orphans']).code).toBe(0);
    expect(projectContainers(project)).toEqual([`${project}-s0-1`]);
    expect(dev(['down', '-v']).code).toBe(0);
    expect(leftovers(project)).toEqual([]);
  });

  it('uses external networks and volumes that exist, names missing ones, and leaves them on down', () => {
    const { dev, project } = fixture('external');
    const env = { SHARED_NETWORK: `${project}-net`, SHARED_VOLUME: `${project}-vol` };
    const missing = dev(['up', '-d'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`external network ${project}-net not found`);
    expect(missing.stderr).toContain(`docker network create ${project}-net`);
    docker(['network', 'create', `${project}-net`]);
    docker(['volume', 'create', `${project}-vol`]);
    try {
      const up = dev(['up', '-d'], env);
      expect(up.code, up.stderr).toBe(0);
      const c = inspect<{
        NetworkSettings: { Networks: Record<string, unknown> };
        Mounts: { Name?: string }[];
      }>(`${project}-app-1`);
      expect(Object.keys(c.NetworkSettings.Networks)).toEqual([`${project}-net`]);
      expect(c.Mounts.map((m) => m.Name)).toContain(`${project}-vol`);
      expect(dev(['down', '-v'], env).code).toBe(0);
      expect(docker(['network', 'inspect', `${project}-net`, '--format', '{{.Name}}'])).toBe(
        `${project}-net`,
      );
      expect(docker(['volume', 'inspect', `${project}-vol`, '--format', '{{.Name}}'])).toBe(`${project}-vol`);
    } finally {
      docker(['network', 'rm', `${project}-net`]);
      docker(['volume', 'rm', `${project}-vol`]);
    }
  });

  it('heals after dev is killed with -9 in the middle of up and of a recreate', async () => {
    const { dev, dir, project } = fixture('many');
    for (const [version, delay] of [
      ['1', 700],
      ['2', 900],
    ] as const) {
      const child = startBuilt(['-p', project, 'up', '-d'], {
        cwd: dir,
        env: { ...engine.env(), VERSION: version },
      });
      const done = finished(child);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await done;
      const up = dev(['up', '-d'], { VERSION: version });
      expect(up.code, up.stderr).toBe(0);
      const names = projectContainers(project);
      expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `${project}-s${i}-1`).sort());
      const hashes = Object.fromEntries(
        dev(['config', '--hash', '*'], { VERSION: version })
          .stdout.trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );
      for (const name of names) {
        const c = inspect<{
          Config: { Labels: Record<string, string>; Env: string[] };
          State: { Running: boolean };
        }>(name);
        expect(c.State.Running).toBe(true);
        expect(c.Config.Env).toContain(`VERSION=${version}`);
        expect(c.Config.Labels['com.docker.compose.config-hash']).toBe(
          hashes[c.Config.Labels['com.docker.compose.service'] ?? ''],
        );
      }
    }
    expect(
      docker([
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{.Names}}',
      ]).split('\n'),
    ).toHaveLength(10);
  });
});
