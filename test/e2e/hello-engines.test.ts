/**
 * examples/hello on every engine present (dockerd and dev's bundled engine): up --wait with
 * healthchecks and service-name DNS, a published port, a no-op second up, a change that
 * recreates one service only, one-off runs and copies, and down leaving nothing behind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cleanupProject,
  docker,
  freePort,
  inspect,
  leftovers,
  projectContainers,
  uniqueProject,
} from '../helpers/docker.js';
import { projectCopy } from '../helpers/run-built.js';
import { forEachEngine } from '../helpers/test-engines.js';

forEachEngine('examples/hello', (engine) => {
  const project = uniqueProject('hello');
  let port = 0;
  let dir = '';
  let run: ReturnType<typeof projectCopy>['dev'];
  const dev = (args: string[], env: Record<string, string> = {}) =>
    run(args, { WEB_PORT: String(port), ...env });

  beforeAll(async () => {
    port = await freePort();
    const copy = projectCopy('examples/hello', project, engine.env());
    dir = copy.dir;
    run = copy.dev;
  });
  afterAll(() => cleanupProject(project));

  it('comes up healthy, resolves service names and publishes the port', async () => {
    const up = dev(['up', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(projectContainers(project)).toEqual([`${project}-api-1`, `${project}-db-1`, `${project}-web-1`]);
    for (const name of projectContainers(project)) {
      expect(inspect<{ State: { Health?: { Status: string } } }>(name).State.Health?.Status).toBe('healthy');
    }
    expect(
      JSON.parse(dev(['exec', '-T', 'web', 'wget', '-qO-', 'http://api:9000/index.json']).stdout),
    ).toEqual({
      greeting: 'hello',
      db: 'reachable',
    });
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toContain('hello from dev');
  });

  it('does nothing on a second up', () => {
    const ids = docker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`]);
    const up = dev(['up', '-d']);
    expect(up.code).toBe(0);
    expect(up.stderr).not.toMatch(/Created|Recreated|Started/);
    expect(
      docker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`]),
    ).toBe(ids);
  });

  it('recreates only the service whose environment changed', () => {
    const db = inspect<{ Id: string }>(`${project}-db-1`).Id;
    const web = inspect<{ Id: string }>(`${project}-web-1`).Id;
    expect(dev(['plan'], { GREETING: 'hi' }).stdout).toMatch(
      /create +container \S+-api-1 .*environment\.GREETING/,
    );
    expect(dev(['up', '--wait'], { GREETING: 'hi' }).code).toBe(0);
    expect(
      JSON.parse(dev(['exec', '-T', 'web', 'wget', '-qO-', 'http://api:9000/index.json']).stdout).greeting,
    ).toBe('hi');
    expect(inspect<{ Id: string }>(`${project}-db-1`).Id).toBe(db);
    expect(inspect<{ Id: string }>(`${project}-web-1`).Id).toBe(web);
  });

  it('runs one-off containers and copies files both ways', () => {
    const r = dev([
      'run',
      '--rm',
      '-T',
      'db',
      'sh',
      '-c',
      'cat /data/started >/dev/null && echo has-data; exit 5',
    ]);
    expect(r.stdout).toBe('has-data\n');
    expect(r.code).toBe(5);
    writeFileSync(join(dir, 'in.txt'), 'to the container\n');
    expect(dev(['cp', 'in.txt', 'db:/tmp/in.txt']).code).toBe(0);
    expect(dev(['cp', 'db:/tmp/in.txt', 'out.txt']).code).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('to the container\n');
    expect(dev(['logs', '--no-color', 'api']).code).toBe(0);
  });

  it('goes down leaving nothing behind', () => {
    expect(dev(['down', '-v', '--remove-orphans']).code).toBe(0);
    expect(leftovers(project)).toEqual([]);
  });
});
