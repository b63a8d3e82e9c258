import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Engine, PathStat } from '../engine/engine.js';
import { planCatchUp } from './catch-up.js';
import { builtInLayer, type IgnoreLayer } from './ignore-model.js';
import { compilePatternFile } from './patterns.js';
import type { CompiledRule } from './rules.js';

interface FakeFile {
  content?: string;
  dir?: boolean;
  mtimeSec: number;
}

/** An engine whose container holds `files` (absolute path → file), readable through the archive API. */
function fakeEngine(files: Record<string, FakeFile>): {
  engine: Engine;
  archived: string[];
  stated: string[];
} {
  const archived: string[] = [];
  const stated: string[] = [];
  const under = (root: string) =>
    Object.keys(files)
      .filter((p) => p === root || p.startsWith(`${root}/`))
      .sort();
  const engine = {
    async getArchive(_id: string, path: string) {
      archived.push(path);
      const paths = under(path);
      if (paths.length === 0) throw Object.assign(new Error('no such path'), { code: 'ENGINE_NOT_FOUND' });
      const { pack } = await import('tar-stream');
      const tar = pack();
      const base = path.split('/').pop() as string;
      for (const p of paths) {
        const f = files[p] as FakeFile;
        const name = base + p.slice(path.length);
        const mtime = new Date(f.mtimeSec * 1000);
        if (f.dir) tar.entry({ name, type: 'directory', mtime });
        else tar.entry({ name, type: 'file', mtime }, f.content ?? '');
      }
      tar.finalize();
      return tar as unknown as Readable;
    },
    async statPath(_id: string, path: string): Promise<PathStat | undefined> {
      stated.push(path);
      const f = files[path];
      if (!f) return undefined;
      const mtime = new Date(f.mtimeSec * 1000).toISOString();
      return {
        name: path,
        size: f.content?.length ?? 0,
        mode: 0,
        mtime,
        linkTarget: '',
        isDirectory: !!f.dir,
      };
    },
  } as unknown as Engine;
  return { engine, archived, stated };
}

function hostTree(files: Record<string, { content: string; mtimeSec: number }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dev-catch-up-'));
  for (const [name, f] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), f.content);
    utimesSync(join(dir, name), f.mtimeSec, f.mtimeSec);
  }
  return dir;
}

function rule(path: string, ignore: IgnoreLayer[] = []): CompiledRule {
  return {
    service: 'web',
    index: 0,
    action: 'sync',
    path,
    target: '/app',
    ignore: [builtInLayer('/'), ...ignore],
    label: 'web rule',
    notes: [],
  };
}

describe('planCatchUp', () => {
  it('sends what differs (size, or content when only the mtime differs) and counts what is in place', async () => {
    const host = hostTree({
      'same.txt': { content: 'same', mtimeSec: 100 },
      'touched.txt': { content: 'same', mtimeSec: 200 },
      'edited.txt': { content: 'new!', mtimeSec: 200 },
      'grown.txt': { content: 'longer', mtimeSec: 100 },
      'new.txt': { content: 'n', mtimeSec: 100 },
    });
    const { engine } = fakeEngine({
      '/app': { dir: true, mtimeSec: 1 },
      '/app/same.txt': { content: 'same', mtimeSec: 100 },
      '/app/touched.txt': { content: 'same', mtimeSec: 100 },
      '/app/edited.txt': { content: 'old!', mtimeSec: 100 },
      '/app/grown.txt': { content: 'short', mtimeSec: 100 },
      '/app/image-only.txt': { content: 'from the image', mtimeSec: 1 },
    });
    const plan = await planCatchUp({ engine, containerId: 'c', rules: [rule(host)] });
    expect(plan.items.map((i) => i.containerPath).sort()).toEqual([
      '/app/edited.txt',
      '/app/grown.txt',
      '/app/new.txt',
    ]);
    expect(plan.inPlace).toBe(3);
    // Not synced by dev before: never deleted.
    expect(plan.remove).toEqual([]);
    expect([...plan.known].sort()).toContain('/app/same.txt');
  });

  it('deletes only what dev synced before and the host lost', async () => {
    const host = hostTree({ 'kept.txt': { content: 'k', mtimeSec: 100 } });
    const { engine } = fakeEngine({
      '/app': { dir: true, mtimeSec: 1 },
      '/app/kept.txt': { content: 'k', mtimeSec: 100 },
      '/app/lost.txt': { content: 'l', mtimeSec: 100 },
      '/app/image-only.txt': { content: 'i', mtimeSec: 1 },
    });
    const manifest = new Set(['/app/kept.txt', '/app/lost.txt', '/app/never-arrived.txt']);
    const plan = await planCatchUp({ engine, containerId: 'c', rules: [rule(host)], manifest });
    expect(plan.remove).toEqual(['/app/lost.txt']);
    expect(plan.items).toEqual([]);
  });

  it('never downloads an ignored tree: a thinned-out directory is compared child by child', async () => {
    const host = hostTree({
      'node_modules/pkg/index.js': { content: 'x', mtimeSec: 100 },
      'src/a.js': { content: 'a', mtimeSec: 100 },
      'package.json': { content: '{}', mtimeSec: 100 },
    });
    const ignore = {
      name: '.dockerignore',
      dialect: 'docker' as const,
      patterns: compilePatternFile('node_modules\n', {
        dialect: 'docker',
        base: host,
        source: '.dockerignore',
      }),
    };
    const { engine, archived, stated } = fakeEngine({
      '/app': { dir: true, mtimeSec: 1 },
      '/app/node_modules': { dir: true, mtimeSec: 1 },
      '/app/node_modules/big.js': { content: 'big', mtimeSec: 1 },
      '/app/src': { dir: true, mtimeSec: 1 },
      '/app/src/a.js': { content: 'a', mtimeSec: 100 },
      '/app/package.json': { content: '{}', mtimeSec: 100 },
    });
    const plan = await planCatchUp({ engine, containerId: 'c', rules: [rule(host, [ignore])] });
    expect(archived).toEqual(['/app/src']);
    expect(stated.sort()).toEqual(['/app', '/app/package.json']);
    expect(plan.items).toEqual([]);
    expect(plan.inPlace).toBe(4);
  });

  it('sends everything to a container that has nothing at the target', async () => {
    const host = hostTree({
      'a.txt': { content: 'a', mtimeSec: 100 },
      'd/b.txt': { content: 'b', mtimeSec: 100 },
    });
    const { engine } = fakeEngine({});
    const plan = await planCatchUp({ engine, containerId: 'c', rules: [rule(host)] });
    expect(plan.items.map((i) => i.containerPath).sort()).toEqual([
      '/app',
      '/app/a.txt',
      '/app/d',
      '/app/d/b.txt',
    ]);
  });
});
