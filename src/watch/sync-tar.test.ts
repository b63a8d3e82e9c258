import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outermost, packSync, prepareSync } from './sync-tar.js';

async function entries(tar: Buffer): Promise<{ name: string; type: string; uid: number; body: string }[]> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  const out: { name: string; type: string; uid: number; body: string }[] = [];
  const done = (async () => {
    for await (const e of ex) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      out.push({
        name: e.header.name,
        type: e.header.type ?? '',
        uid: e.header.uid ?? -1,
        body: Buffer.concat(chunks).toString(),
      });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

describe('prepareSync and packSync', () => {
  it('sends what exists (files, links, directories), deletes what is gone, in one tar named by container path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-sync-tar-'));
    writeFileSync(join(dir, 'a.txt'), 'A');
    mkdirSync(join(dir, 'sub'));
    symlinkSync('a.txt', join(dir, 'link'));
    const prepared = await prepareSync([
      { hostPath: join(dir, 'a.txt'), containerPath: '/app/a.txt' },
      { hostPath: join(dir, 'sub'), containerPath: '/app/sub' },
      { hostPath: join(dir, 'link'), containerPath: '/app/link' },
      { hostPath: join(dir, 'gone'), containerPath: '/app/gone' },
      { hostPath: join(dir, 'gone/deeper'), containerPath: '/app/gone/deeper' },
    ]);
    expect(prepared.remove).toEqual(['/app/gone']);
    expect(prepared.send.map((e) => [e.containerPath, e.kind])).toEqual([
      ['/app/a.txt', 'file'],
      ['/app/link', 'symlink'],
      ['/app/sub', 'directory'],
    ]);
    const tar = await packSync(prepared.send, { uid: 1000, gid: 1000 });
    if (!Buffer.isBuffer(tar)) throw new Error('expected a buffered tar');
    expect(await entries(tar)).toEqual([
      { name: 'app/a.txt', type: 'file', uid: 1000, body: 'A' },
      { name: 'app/link', type: 'symlink', uid: 1000, body: '' },
      { name: 'app/sub', type: 'directory', uid: 1000, body: '' },
    ]);
  });
});

describe('outermost', () => {
  it('drops paths inside another listed path', () => {
    expect(outermost(['/a/b/c', '/a/b', '/a/bc', '/x', '/a/b'])).toEqual(['/a/b', '/a/bc', '/x']);
  });
});
