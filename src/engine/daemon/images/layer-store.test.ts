import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { UnsafeArchiveError } from './errors.js';
import { FsTools } from './fs-tools.js';
import { LayerStore } from './layer-store.js';

const sha = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const collect = async (source: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
};

describe.skipIf(!isRoot)('LayerStore (as root)', () => {
  let base: string;
  let store: LayerStore;
  const tools = new FsTools();

  beforeAll(() => {
    base = tempDir('layers');
    store = new LayerStore({ root: join(base, 'store'), tools });
  });
  afterAll(() => removeDir(base));

  it('unpacks a GNU tar of a real tree and rebuilds the identical tar', async () => {
    const tree = join(base, 'tree');
    mkdirSync(join(tree, 'bin'), { recursive: true });
    mkdirSync(join(tree, 'deep', 'a'.repeat(90), 'b'.repeat(90)), { recursive: true });
    writeFileSync(join(tree, 'bin', 'tool'), 'binary\n');
    chmodSync(join(tree, 'bin', 'tool'), 0o4755);
    linkSync(join(tree, 'bin', 'tool'), join(tree, 'bin', 'tool-hardlink'));
    symlinkSync('/etc/passwd', join(tree, 'abs-link'));
    symlinkSync('bin/tool', join(tree, 'rel-link'));
    writeFileSync(
      join(tree, 'deep', 'a'.repeat(90), 'b'.repeat(90), 'long-name-file.txt'),
      'x'.repeat(70_000),
    );
    writeFileSync(join(tree, 'ünïcødé'), 'u');
    writeFileSync(join(tree, 'empty'), '');
    utimesSync(join(tree, 'empty'), 1_600_000_000, 1_600_000_000);
    utimesSync(join(tree, 'bin'), 1_500_000_000, 1_500_000_000);
    for (const format of ['gnu', 'posix']) {
      const tar = execFileSync('tar', ['-C', tree, `--format=${format}`, '-c', '.'], { maxBuffer: 1 << 26 });
      const record = await store.register(chunked(tar));
      expect(record.diffId).toBe(sha(tar));
      expect(record.tarSize).toBe(tar.length);
      const diff = store.diffDir(record.diffId);
      expect(readFileSync(join(diff, 'bin', 'tool'), 'utf8')).toBe('binary\n');
      expect(lstatSync(join(diff, 'bin', 'tool')).mode & 0o7777).toBe(0o4755);
      expect(lstatSync(join(diff, 'bin', 'tool')).ino).toBe(
        lstatSync(join(diff, 'bin', 'tool-hardlink')).ino,
      );
      expect(readlinkSync(join(diff, 'abs-link'))).toBe('/etc/passwd');
      expect(readlinkSync(join(diff, 'rel-link'))).toBe('bin/tool');
      expect(
        readFileSync(join(diff, 'deep', 'a'.repeat(90), 'b'.repeat(90), 'long-name-file.txt')).length,
      ).toBe(70_000);
      expect(readFileSync(join(diff, 'ünïcødé'), 'utf8')).toBe('u');
      expect(lstatSync(join(diff, 'empty')).mtimeMs).toBe(1_600_000_000_000);
      expect(lstatSync(join(diff, 'bin')).mtimeMs).toBe(1_500_000_000_000);
      expect(lstatSync(diff).mode & 0o777).toBe(0o755);
      expect(record.size).toBe(7 + 70_000 + 1 + '/etc/passwd'.length + 'bin/tool'.length);
      const rebuilt = await collect(store.tarStream(record.diffId));
      expect(rebuilt.equals(tar)).toBe(true);
    }
  });

  it('turns .wh. files into whiteout devices and .wh..wh..opq into the opaque xattr', async () => {
    const tar = buildTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.hosts', type: 'file' },
      { name: 'var/', type: 'directory', mode: 0o750 },
      { name: 'var/.wh..wh..opq', type: 'file' },
      { name: 'var/new', type: 'file', data: 'n' },
      { name: '.wh..wh.plnk', type: 'directory' },
    ]);
    const record = await store.register(chunked(tar, 100));
    const diff = store.diffDir(record.diffId);
    const whiteout = lstatSync(join(diff, 'etc', 'hosts'));
    expect(whiteout.isCharacterDevice()).toBe(true);
    expect(whiteout.rdev).toBe(0);
    expect(existsSync(join(diff, 'etc', '.wh.hosts'))).toBe(false);
    expect(existsSync(join(diff, 'var', '.wh..wh..opq'))).toBe(false);
    expect(existsSync(join(diff, '.wh..wh.plnk'))).toBe(false);
    expect(lstatSync(join(diff, 'var')).mode & 0o777).toBe(0o750);
    const attrs = await tools.readXattrs(diff, '^trusted\\.overlay\\.opaque$');
    expect(attrs.get(join(diff, 'var'))?.get('trusted.overlay.opaque')?.toString()).toBe('y');
    expect(record.opaqueDirs).toEqual(['var']);
    expect((await collect(store.tarStream(record.diffId))).equals(tar)).toBe(true);
  });

  it('skips device nodes and keeps the tar rebuildable', async () => {
    const tar = buildTar([
      { name: 'dev/', type: 'directory' },
      { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 },
      { name: 'dev/fifo', type: 'fifo' },
    ]);
    const record = await store.register(chunked(tar));
    expect(record.skipped).toEqual(['dev/null', 'dev/sda', 'dev/fifo']);
    expect(readdirSync(join(store.diffDir(record.diffId), 'dev'))).toEqual([]);
    expect((await collect(store.tarStream(record.diffId))).equals(tar)).toBe(true);
  });

  it('rebuilds a tar that writes the same path twice, and one that replaces a directory', async () => {
    const tar = buildTar([
      { name: 'a', type: 'file', data: 'first version' },
      { name: 'b', type: 'hardlink', linkname: 'a' },
      { name: 'a', type: 'file', data: 'second' },
      { name: 'd/', type: 'directory' },
      { name: 'd/inner', type: 'file', data: 'inner' },
      { name: 'd', type: 'symlink', linkname: '/nowhere' },
    ]);
    const record = await store.register(gzipChunks(tar));
    const diff = store.diffDir(record.diffId);
    expect(readFileSync(join(diff, 'a'), 'utf8')).toBe('second');
    expect(readFileSync(join(diff, 'b'), 'utf8')).toBe('first version');
    expect(readlinkSync(join(diff, 'd'))).toBe('/nowhere');
    expect((await collect(store.tarStream(record.diffId))).equals(tar)).toBe(true);
  });

  it.skipIf(spawnSync('zstd', ['--version']).status !== 0)(
    'unpacks zstd layers with the zstd program',
    async () => {
      const tar = buildTar([{ name: 'z', type: 'file', data: 'zstd compressed' }]);
      const compressed = spawnSync('zstd', ['-c', '-q'], { input: tar }).stdout;
      const record = await store.register(chunked(compressed));
      expect(record.diffId).toBe(sha(tar));
      expect(readFileSync(join(store.diffDir(record.diffId), 'z'), 'utf8')).toBe('zstd compressed');
      const without = new LayerStore({
        root: join(base, 'no-zstd'),
        tools,
        decompress: { zstd: '/nonexistent/zstd' },
      });
      await expect(without.register(chunked(compressed))).rejects.toThrow(
        /zstd compressed layers need the \/nonexistent\/zstd program/,
      );
    },
  );

  it('shares one unpack between concurrent registers of the same layer', async () => {
    const tar = buildTar([{ name: 'shared', type: 'file', data: 'once' }]);
    const [a, b] = await Promise.all([
      store.register(chunked(tar), { expectedDiffId: sha(tar) }),
      store.register(chunked(tar), { expectedDiffId: sha(tar) }),
    ]);
    expect(a).toBe(b);
    const again = await store.register(chunked(tar));
    expect(again.link).toBe(a.link);
    expect(readlinkSync(join(store.root, 'l', a.link))).toBe(`../layers/${a.diffId.slice(7)}/diff`);
  });

  it('refuses a layer whose content does not match the expected diff id', async () => {
    const tar = buildTar([{ name: 'x', type: 'file', data: 'x' }]);
    await expect(
      store.register(chunked(tar), { expectedDiffId: `sha256:${'0'.repeat(64)}` }),
    ).rejects.toThrow(/does not match/);
    expect(readdirSync(join(store.root, 'layers')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  describe('malicious tars', () => {
    const cases: [string, (outside: string) => Buffer, RegExp][] = [
      [
        'path traversal',
        () => buildTar([{ name: '../escaped', type: 'file', data: 'evil' }]),
        /path traversal/,
      ],
      [
        'traversal in the middle',
        () => buildTar([{ name: 'a/../../escaped', type: 'file', data: 'evil' }]),
        /path traversal/,
      ],
      ['absolute path', () => buildTar([{ name: '/tmp/escaped', type: 'file', data: 'evil' }]), /absolute/],
      [
        'symlink escape',
        () =>
          buildTar([
            { name: 'link', type: 'symlink', linkname: '../../../../../../../../../../../tmp' },
            { name: 'link/escaped', type: 'file', data: 'evil' },
          ]),
        /symlink/,
      ],
      [
        'absolute symlink escape',
        (outside) =>
          buildTar([
            { name: 'link', type: 'symlink', linkname: outside },
            { name: 'link/escaped', type: 'file', data: 'evil' },
          ]),
        /symlink/,
      ],
      [
        'hard link escape',
        () => buildTar([{ name: 'hl', type: 'hardlink', linkname: '../../../../../../../etc/passwd' }]),
        /path traversal/,
      ],
      [
        'absolute hard link',
        () => buildTar([{ name: 'hl', type: 'hardlink', linkname: '/etc/passwd' }]),
        /absolute/,
      ],
      [
        'hard link through a symlink',
        () =>
          buildTar([
            { name: 'etc', type: 'symlink', linkname: '/etc' },
            { name: 'hl', type: 'hardlink', linkname: 'etc/passwd' },
          ]),
        /symlink/,
      ],
      ['whiteout traversal', () => buildTar([{ name: 'a/.wh...', type: 'file' }]), /invalid name/],
    ];
    for (const [title, make, message] of cases) {
      it(`refuses ${title} and writes nothing outside the store`, async () => {
        const outside = join(base, 'OUTSIDE');
        mkdirSync(outside, { recursive: true });
        const error = await store.register(chunked(make(outside))).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnsafeArchiveError);
        expect(String((error as Error).message)).toMatch(message);
        expect(readdirSync(outside)).toEqual([]);
        expect(existsSync('/tmp/escaped')).toBe(false);
        expect(readdirSync(join(store.root, 'layers')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
      });
    }

    it('replaces a symlink by a file without writing through it', async () => {
      const victim = join(base, 'victim');
      writeFileSync(victim, 'untouched');
      const record = await store.register(
        chunked(
          buildTar([
            { name: 'f', type: 'symlink', linkname: victim },
            { name: 'f', type: 'file', data: 'new content' },
          ]),
        ),
      );
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      expect(readFileSync(join(store.diffDir(record.diffId), 'f'), 'utf8')).toBe('new content');
    });
  });
});

async function* gzipChunks(tar: Buffer): AsyncGenerator<Buffer> {
  yield* chunked(gzipSync(tar), 333);
}
