import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar } from '../images/tar-reader.js';
import { encodeTarHeader, TAR_END, tarPadding } from '../images/tar-writer.js';
import { extractArchive } from './archive-in.js';
import { archivePath, statContainerPath } from './archive-out.js';
import { type ContainerFsView, resolveInContainer } from './container-paths.js';

let dir: string;
let view: ContainerFsView;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dev-ctrpaths-'));
  const root = join(dir, 'root');
  const vol = join(dir, 'vol');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(join(vol, 'sub'), { recursive: true });
  writeFileSync(join(root, 'etc/conf'), 'root conf');
  writeFileSync(join(vol, 'sub/file'), 'in the volume');
  writeFileSync(join(dir, 'secret'), 'host secret');
  symlinkSync('/etc', join(root, 'abs-link'));
  symlinkSync('../../../secret', join(root, 'escape'));
  symlinkSync('/data/sub', join(root, 'into-volume'));
  view = { root, mounts: [{ target: '/data', source: vol, readOnly: false }] };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInContainer', () => {
  it('follows absolute links from the container root and through mounts', () => {
    expect(resolveInContainer(view, '/abs-link/conf').host).toBe(join(dir, 'root/etc/conf'));
    expect(resolveInContainer(view, '/into-volume/file')).toMatchObject({
      host: join(dir, 'vol/sub/file'),
      container: '/data/sub/file',
    });
  });

  it('never leaves the container', () => {
    expect(resolveInContainer(view, '/escape').host).toBe(join(dir, 'root/secret'));
    expect(resolveInContainer(view, '/../../secret').host).toBe(join(dir, 'root/secret'));
    expect(resolveInContainer(view, '/escape', false).host).toBe(join(dir, 'root/escape'));
  });
});

describe('archives', () => {
  async function entries(path: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const e of readTar(archivePath(view, path, 'c'))) {
      const chunks: Buffer[] = [];
      for await (const c of e.body) chunks.push(c);
      out.set(
        e.header.name,
        e.header.type === 'symlink' ? `-> ${e.header.linkname}` : Buffer.concat(chunks).toString(),
      );
    }
    return out;
  }

  it('stats like dockerd: Go mode bits, link targets in the container', () => {
    const link = statContainerPath(view, '/into-volume', 'c').stat;
    expect(link).toMatchObject({ name: 'into-volume', linkTarget: '/data/sub' });
    expect(link.mode & (2 ** 27)).not.toBe(0);
    const d = statContainerPath(view, '/data/sub', 'c').stat;
    expect(d.mode & (2 ** 31)).not.toBe(0);
    expect(() => statContainerPath(view, '/nope', 'c')).toThrow(
      /Could not find the file \/nope in container c/,
    );
  });

  it('names entries after the requested path and reads mounts', async () => {
    expect([...(await entries('/data'))]).toEqual([
      ['data/', ''],
      ['data/sub/', ''],
      ['data/sub/file', 'in the volume'],
    ]);
    expect([...(await entries('/etc/conf'))]).toEqual([['conf', 'root conf']]);
    expect([...(await entries('/into-volume'))]).toEqual([['into-volume', '-> /data/sub']]);
    expect([...(await entries('/into-volume/'))].map(([n]) => n)).toEqual([
      'into-volume/',
      'into-volume/file',
    ]);
    expect([...(await entries('/data/sub/.'))].map(([n]) => n)).toEqual(['./', './file']);
  });

  it('extracts into the container, refusing to follow links out', async () => {
    const tar = (files: Record<string, string>, links: Record<string, string> = {}) => {
      const parts: Buffer[] = [];
      for (const [name, text] of Object.entries(files)) {
        const body = Buffer.from(text);
        parts.push(
          encodeTarHeader({ name, type: 'file', mode: 0o640, size: body.length, mtime: 1_600_000_000 }),
          body,
          tarPadding(body.length),
        );
      }
      for (const [name, target] of Object.entries(links))
        parts.push(encodeTarHeader({ name, type: 'symlink', mode: 0o777, linkname: target }));
      parts.push(TAR_END);
      return (async function* () {
        yield Buffer.concat(parts);
      })();
    };
    await extractArchive({ view, path: '/data', source: tar({ 'new/a.txt': 'A' }), containerName: 'c' });
    expect(readFileSync(join(dir, 'vol/new/a.txt'), 'utf8')).toBe('A');
    await extractArchive({ view, path: '/', source: tar({ '../../outside.txt': 'x' }), containerName: 'c' });
    expect(readFileSync(join(dir, 'root/outside.txt'), 'utf8')).toBe('x');
    await extractArchive({ view, path: '/', source: tar({}, { hop: '/' }), containerName: 'c' });
    await extractArchive({ view, path: '/', source: tar({ 'escape/over.txt': 'y' }), containerName: 'c' });
    expect(readFileSync(join(dir, 'secret'), 'utf8')).toBe('host secret');
    await expect(
      extractArchive({ view, path: '/etc/conf', source: tar({}), containerName: 'c' }),
    ).rejects.toThrow(/not a directory/);
    await expect(
      extractArchive({ view, path: '/etc', source: tar({}), containerName: 'c', readonlyRootfs: true }),
    ).rejects.toThrow(/read-only/);
  });
});
