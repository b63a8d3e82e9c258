import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { directoryTar } from './directory-tar.js';
import { FsTools } from './fs-tools.js';
import { LayerStore } from './layer-store.js';
import { readTar, type TarHeader } from './tar-reader.js';

async function headers(tar: Buffer): Promise<{ header: TarHeader; data: string }[]> {
  const out: { header: TarHeader; data: string }[] = [];
  for await (const entry of readTar(chunked(tar, 1000))) {
    const parts: Buffer[] = [];
    for await (const chunk of entry.body) parts.push(chunk);
    out.push({ header: entry.header, data: Buffer.concat(parts).toString() });
  }
  return out;
}

const collect = async (source: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
};

describe('tar reader and writer', () => {
  it('round-trips long names, long links, unicode, big ids and xattrs through PAX', async () => {
    const long = `${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(120)}`;
    const tar = buildTar([
      { name: long, type: 'file', data: 'long', uid: 3_000_000, gid: 4_000_000 },
      { name: 'link', type: 'symlink', linkname: `/${long}` },
      {
        name: 'naïve-☃.txt',
        type: 'file',
        data: 'snow',
        xattrs: new Map([['user.k', Buffer.from([0, 1, 255])]]),
      },
      { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3 },
    ]);
    const entries = await headers(tar);
    expect(entries.map((e) => [e.header.name, e.header.type, e.data])).toEqual([
      [long, 'file', 'long'],
      ['link', 'symlink', ''],
      ['naïve-☃.txt', 'file', 'snow'],
      ['dev/null', 'char', ''],
    ]);
    expect(entries[0]!.header).toMatchObject({ uid: 3_000_000, gid: 4_000_000, mtime: 1_700_000_000 });
    expect(entries[1]!.header.linkname).toBe(`/${long}`);
    expect(entries[2]!.header.xattrs.get('user.k')).toEqual(Buffer.from([0, 1, 255]));
    expect(entries[3]!.header).toMatchObject({ devmajor: 1, devminor: 3 });
    // GNU tar reads what we write
    const base = tempDir('tar-gnu');
    try {
      writeFileSync(join(base, 'x.tar'), tar);
      const listing = execFileSync('tar', ['-tvf', join(base, 'x.tar')], { encoding: 'utf8' });
      expect(listing).toContain(long);
      expect(listing).toContain('naïve-☃.txt');
    } finally {
      removeDir(base);
    }
  });

  it('reads GNU base-256 numbers and refuses a corrupt header', async () => {
    const base = tempDir('tar-b256');
    try {
      writeFileSync(join(base, 'f'), 'x');
      const tar = execFileSync('tar', [
        '-C',
        base,
        '--format=gnu',
        '--owner=3000000',
        '--group=3000001',
        '-c',
        'f',
      ]);
      const [entry] = await headers(tar);
      expect(entry!.header).toMatchObject({ name: 'f', uid: 3_000_000, gid: 3_000_001 });
      const broken = Buffer.from(tar);
      broken[10] = (broken[10] ?? 0) ^ 0x55;
      await expect(headers(broken)).rejects.toThrow(/checksum/);
      await expect(headers(tar.subarray(0, 700))).rejects.toThrow(/unexpected end/);
    } finally {
      removeDir(base);
    }
  });
});

describe.skipIf(!isRoot || spawnSync('setfattr', ['--version']).status !== 0)(
  'xattrs through layers (as root)',
  () => {
    let base: string;
    beforeAll(() => {
      base = tempDir('xattrs');
    });
    afterAll(() => removeDir(base));

    it('keeps user.* and security.capability xattrs from a GNU tar, drops trusted.overlay ones', async () => {
      const tree = join(base, 'tree');
      mkdirSync(tree);
      writeFileSync(join(tree, 'ping'), 'ping');
      execFileSync('setfattr', ['-n', 'user.comment', '-v', 'hello', join(tree, 'ping')]);
      execFileSync('setfattr', [
        '-n',
        'security.capability',
        '-v',
        '0x0100000200200000000000000000000000000000',
        join(tree, 'ping'),
      ]);
      execFileSync('setfattr', ['-n', 'trusted.overlay.redirect', '-v', '/etc', join(tree, 'ping')]);
      const tar = execFileSync('tar', ['-C', tree, '--xattrs', '--xattrs-include=*', '-c', 'ping']);
      const tools = new FsTools();
      const store = new LayerStore({ root: join(base, 'store'), tools });
      const record = await store.register(chunked(tar));
      const diff = store.diffDir(record.diffId);
      const attrs = (await tools.readXattrs(diff, '-')).get(join(diff, 'ping'));
      expect(attrs?.get('user.comment')?.toString()).toBe('hello');
      expect(attrs?.get('security.capability')?.toString('hex')).toBe(
        '0100000200200000000000000000000000000000',
      );
      expect(attrs?.has('trusted.overlay.redirect')).toBe(false);
      // and they survive a directory tar (commit)
      const again = await headers(
        await collect(directoryTar({ dir: diff, xattrs: await tools.readXattrs(diff, '-') })),
      );
      expect(again[0]!.header.xattrs.get('user.comment')?.toString()).toBe('hello');
      expect(again[0]!.header.xattrs.has('security.capability')).toBe(true);
    });
  },
);
