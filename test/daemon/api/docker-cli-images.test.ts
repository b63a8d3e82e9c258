/**
 * The real docker CLI (20.10) against the bundled engine: version, info, load of dockerd's
 * `docker save`, import, images, tag, rmi, history, save back into dockerd, system df, events,
 * and the clear refusals of build and search.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/corpus.js';
import { ensureBusybox, hasDocker } from '../images/docker-host.js';
import {
  apiRequest,
  busyboxRootfsTar,
  cannotRunEngine,
  dockerCli,
  startTestEngine,
  type TestEngine,
} from './engine-process.js';

const suite = cannotRunEngine ? describe.skip : describe;
const withDockerd = hasDocker ? it : it.skip;
if (!hasDocker) console.warn('no dockerd: skipping load from and save into dockerd');

suite('docker CLI against the bundled engine: system and images', () => {
  let engine: TestEngine;
  const started = Math.floor(Date.now() / 1000);
  const ok = (args: string[], input?: Buffer | string) => {
    const r = engine.docker(args, input === undefined ? {} : { input });
    if (r.code !== 0)
      throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}\n${engine.log()}`);
    return r.stdout.trim();
  };

  beforeAll(async () => {
    engine = await startTestEngine('cli-images');
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('version names the engine and its API versions', () => {
    const server = JSON.parse(ok(['version', '--format', '{{json .Server}}'])) as {
      Platform: { Name: string };
      ApiVersion: string;
      MinAPIVersion: string;
      Os: string;
      Components: { Name: string }[];
    };
    expect(server.Platform.Name).toBe('dev engine');
    expect(server.ApiVersion).toBe('1.41');
    expect(server.MinAPIVersion).toBe('1.24');
    expect(server.Os).toBe('linux');
    expect(server.Components.map((c) => c.Name)).toContain('Engine');
  });

  it('info shows the storage driver, cgroups, host and root', () => {
    const info = JSON.parse(ok(['info', '--format', '{{json .}}'])) as Record<string, unknown>;
    expect(info).toMatchObject({
      Containers: 0,
      ContainersRunning: 0,
      Driver: 'overlay2',
      CgroupDriver: 'cgroupfs',
      OSType: 'linux',
      DockerRootDir: engine.root,
      Name: hostname(),
      IndexServerAddress: 'https://index.docker.io/v1/',
    });
    expect(['1', '2']).toContain(info.CgroupVersion);
    expect(info.NCPU).toBeGreaterThan(0);
    expect(info.MemTotal).toBeGreaterThan(0);
    expect(String(info.ID)).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(info.KernelVersion)).not.toBe('');
    // the id is kept: a second look gives the same
    expect(JSON.parse(ok(['info', '--format', '{{json .ID}}']))).toBe(info.ID);
  });

  withDockerd('loads what dockerd saves, and lists it', async () => {
    ensureBusybox(projectRoot);
    const tar = execFileSync(dockerCli, ['save', 'dev-example/busybox:latest'], { maxBuffer: 1 << 28 });
    expect(ok(['load'], tar)).toContain('Loaded image: dev-example/busybox:latest');
    const id = execFileSync(dockerCli, ['image', 'inspect', '-f', '{{.Id}}', 'dev-example/busybox:latest'])
      .toString()
      .trim();
    expect(ok(['image', 'inspect', '-f', '{{.Id}}', 'dev-example/busybox:latest'])).toBe(id);
    expect(ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).toContain('dev-example/busybox:latest');
    // quiet=0 (a terminal's load) streams JSON lines with the layer progress as well
    const loud = await apiRequest(engine.socket, '/v1.41/images/load?quiet=0', { method: 'POST', body: tar });
    expect(loud.headers['content-type']).toBe('application/json');
    const lines = loud.text
      .trim()
      .split('\r\n')
      .map((l) => JSON.parse(l) as { status?: string; stream?: string });
    expect(lines.some((l) => l.status === 'Loading layer')).toBe(true);
    expect(lines.at(-1)).toEqual({ stream: 'Loaded image: dev-example/busybox:latest\n' });
  });

  it('imports a root file system with changes, message and tag; history and inspect show them', () => {
    const tar = busyboxRootfsTar();
    if (!tar) return;
    const id = ok(
      ['import', '-c', 'CMD ["sh"]', '-c', 'ENV A=b', '-m', 'from the test', '-', 'devtest/imported:v1'],
      tar,
    );
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const image = JSON.parse(ok(['image', 'inspect', 'devtest/imported:v1'])) as {
      Id: string;
      Comment: string;
      Config: { Cmd: string[]; Env: string[] };
      RepoTags: string[];
    }[];
    expect(image[0]).toMatchObject({ Id: id, Comment: 'from the test', RepoTags: ['devtest/imported:v1'] });
    expect(image[0]?.Config.Cmd).toEqual(['sh']);
    expect(image[0]?.Config.Env).toContain('A=b');
    expect(ok(['history', '--format', '{{.Comment}}', 'devtest/imported:v1'])).toBe('from the test');
  });

  it('tags and removes names; removing the last name deletes the image', () => {
    ok(['tag', 'devtest/imported:v1', 'devtest/other:v2']);
    ok(['tag', 'devtest/imported:v1', 'localhost:5000/deep/path/name:v3']);
    expect(ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n')).toEqual(
      expect.arrayContaining(['devtest/other:v2', 'localhost:5000/deep/path/name:v3']),
    );
    expect(ok(['image', 'inspect', '-f', '{{.Id}}', 'localhost:5000/deep/path/name:v3'])).toMatch(/^sha256:/);
    expect(ok(['rmi', 'devtest/other:v2', 'localhost:5000/deep/path/name:v3'])).toBe(
      'Untagged: devtest/other:v2\nUntagged: localhost:5000/deep/path/name:v3',
    );
    const tar = busyboxRootfsTar();
    if (tar) {
      const id = ok(['import', '-m', 'to delete', '-', 'devtest/gone:v1'], tar);
      expect(ok(['rmi', 'devtest/gone:v1']).split('\n').slice(0, 2)).toEqual([
        'Untagged: devtest/gone:v1',
        `Deleted: ${id}`,
      ]);
    }
    const missing = engine.docker(['rmi', 'devtest/gone:v1']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No such image/);
  });

  withDockerd('saves an image that dockerd loads with the same id', () => {
    const tag = `devtest-save-${process.pid}:v1`;
    ok(['tag', 'devtest/imported:v1', tag]);
    const save = spawnSync(dockerCli, ['-H', engine.host, 'save', tag], { maxBuffer: 1 << 28 });
    expect(save.status).toBe(0);
    const saved = save.stdout;
    try {
      expect(execFileSync(dockerCli, ['load'], { input: saved }).toString()).toContain(
        `Loaded image: ${tag}`,
      );
      const there = execFileSync(dockerCli, ['image', 'inspect', '-f', '{{.Id}}', tag]).toString().trim();
      expect(there).toBe(ok(['image', 'inspect', '-f', '{{.Id}}', tag]));
    } finally {
      spawnSync(dockerCli, ['rmi', tag]);
    }
    const missing = engine.docker(['save', 'devtest/none:v9']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No such image/);
  });

  it('system df counts images and their sizes', () => {
    const rows = ok(['system', 'df', '--format', '{{json .}}'])
      .split('\n')
      .map((l) => JSON.parse(l) as { Type: string; TotalCount: string; Size: string });
    const images = rows.find((r) => r.Type === 'Images');
    expect(Number(images?.TotalCount)).toBeGreaterThan(0);
    expect(images?.Size).not.toBe('0B');
    expect(rows.map((r) => r.Type)).toEqual(['Images', 'Containers', 'Local Volumes', 'Build Cache']);
    expect(ok(['system', 'df', '-v'])).toContain('devtest/imported');
  });

  it('events replays what happened since a time, filtered, and ends at until', () => {
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const all = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--format',
      '{{.Type}} {{.Action}}',
    ]);
    expect(all.split('\n')).toEqual(
      expect.arrayContaining(['image import', 'image tag', 'image untag', 'image delete']),
    );
    const deletes = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--filter',
      'event=delete',
      '--format',
      '{{.Action}}',
    ]);
    expect(new Set(deletes.split('\n'))).toEqual(new Set(['delete']));
    const byImage = ok([
      'events',
      '--since',
      String(started),
      '--until',
      until,
      '--filter',
      'image=devtest/other:v2',
      '--format',
      '{{.Action}} {{.Actor.Attributes.name}}',
    ]);
    expect(byImage).toBe('tag devtest/other:v2');
  });

  it('refuses to build and to search, saying why', () => {
    const build = engine.docker(['build', '-t', 'x', '-'], {
      input: 'FROM scratch\n',
      env: { DOCKER_BUILDKIT: '0' },
    });
    expect(build.code).not.toBe(0);
    expect(build.stderr).toContain('building images is not yet supported by the bundled engine');
    const search = engine.docker(['search', 'busybox']);
    expect(search.code).not.toBe(0);
    expect(search.stderr).toContain('not supported by the bundled engine');
  });
});
