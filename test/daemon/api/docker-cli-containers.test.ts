/**
 * The routes of this part that need containers (run by the container part): `docker commit`,
 * `docker network connect/disconnect`, `system df` with a container, and their events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxRootfsTar, cannotRunEngine, startTestEngine, type TestEngine } from './engine-process.js';

const tar = cannotRunEngine ? undefined : busyboxRootfsTar();
const why = cannotRunEngine ?? (tar ? undefined : 'no /bin/busybox (apt-get install busybox-static)');
const suite = why ? describe.skip : describe;
if (why && !cannotRunEngine) console.warn(`skipping container-backed API tests: ${why}`);

suite('docker CLI against the bundled engine: commit, connect, df', () => {
  let engine: TestEngine;
  const started = Math.floor(Date.now() / 1000);
  const ok = (args: string[]) => {
    const r = engine.docker(args);
    if (r.code !== 0)
      throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}\n${engine.log()}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    engine = await startTestEngine('cli-containers');
    engine.docker(['import', '-c', 'CMD ["sh"]', '-', 'devtest/base:v1'], { input: tar });
    ok([
      'run',
      '-d',
      '--name',
      'devtest-c1',
      'devtest/base:v1',
      'sh',
      '-c',
      'echo hi > /hello && exec sleep 600',
    ]);
    // the file is written by the container's first command; wait until it is there
    for (let i = 0; i < 100 && engine.docker(['exec', 'devtest-c1', 'test', '-f', '/hello']).code !== 0; i++)
      await new Promise((r) => setTimeout(r, 50));
  }, 60_000);
  afterAll(async () => {
    engine?.docker(['rm', '-f', 'devtest-c1']);
    engine?.docker(['network', 'rm', 'devtest-n1']);
    await engine?.stop();
  });

  it('commits a running container with changes, message and author', () => {
    const id = ok([
      'commit',
      '-m',
      'with hello',
      '-a',
      'Dev Test',
      '-c',
      'ENV X=1',
      'devtest-c1',
      'devtest/committed:v1',
    ]);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [image] = JSON.parse(ok(['image', 'inspect', 'devtest/committed:v1'])) as {
      Comment: string;
      Author: string;
      Parent: string;
      Config: { Env: string[]; Cmd: string[] };
      RootFS: { Layers: string[] };
    }[];
    expect(image).toMatchObject({ Comment: 'with hello', Author: 'Dev Test' });
    expect(image?.Parent).toBe(ok(['image', 'inspect', '-f', '{{.Id}}', 'devtest/base:v1']));
    expect(image?.Config.Env).toContain('X=1');
    expect(image?.RootFS.Layers).toHaveLength(2);
    // the container kept running through the pause
    expect(ok(['inspect', '-f', '{{.State.Status}}', 'devtest-c1'])).toBe('running');
    expect(ok(['run', '--rm', 'devtest/committed:v1', 'cat', '/hello'])).toBe('hi');
    const missing = engine.docker(['commit', 'devtest-none', 'devtest/x:v1']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No such container/i);
  });

  it('connects and disconnects a running container, with aliases', () => {
    ok(['network', 'create', 'devtest-n1']);
    ok(['network', 'connect', '--alias', 'hello-alias', 'devtest-n1', 'devtest-c1']);
    const aliases = JSON.parse(
      ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'devtest-c1']),
    ) as Record<string, { Aliases: string[] | null }>;
    expect(aliases['devtest-n1']?.Aliases).toContain('hello-alias');
    const containers = JSON.parse(
      ok(['network', 'inspect', '-f', '{{json .Containers}}', 'devtest-n1']),
    ) as Record<string, { Name: string }>;
    expect(Object.values(containers).map((c) => c.Name)).toEqual(['devtest-c1']);
    const inUse = engine.docker(['network', 'rm', 'devtest-n1']);
    expect(inUse.code).not.toBe(0);
    expect(inUse.stderr).toMatch(/active endpoints/);
    ok(['network', 'disconnect', 'devtest-n1', 'devtest-c1']);
    expect(ok(['network', 'inspect', '-f', '{{len .Containers}}', 'devtest-n1'])).toBe('0');
    const unknown = engine.docker(['network', 'connect', 'devtest-n1', 'devtest-none']);
    expect(unknown.code).not.toBe(0);
  });

  it('refuses to remove an image a container uses', () => {
    const r = engine.docker(['rmi', 'devtest/base:v1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/container \w{12} is using its referenced image/);
    expect(ok(['image', 'inspect', '-f', '{{len .RepoTags}}', 'devtest/base:v1'])).toBe('1');
  });

  it('system df counts the container and the image it uses', () => {
    const rows = ok(['system', 'df', '--format', '{{json .}}'])
      .split('\n')
      .map((l) => JSON.parse(l) as { Type: string; TotalCount: string; Active: string });
    expect(rows.find((r) => r.Type === 'Containers')).toMatchObject({ TotalCount: '1', Active: '1' });
    expect(Number(rows.find((r) => r.Type === 'Images')?.Active)).toBeGreaterThanOrEqual(1);
    expect(ok(['system', 'df', '-v'])).toContain('devtest-c1');
  });

  it('reports connect, disconnect and commit events once each', () => {
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const lines = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--filter',
      'event=connect',
      '--filter',
      'event=disconnect',
      '--filter',
      'event=commit',
      '--filter',
      'network=devtest-n1',
      '--format',
      '{{.Type}} {{.Action}}',
    ]);
    expect(lines.split('\n')).toEqual(['network connect', 'network disconnect']);
    const commits = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--filter',
      'event=commit',
      '--format',
      '{{.Actor.Attributes.name}} {{.Actor.Attributes.imageRef}}',
    ]);
    expect(commits).toBe('devtest-c1 devtest/committed:v1');
  });
});
