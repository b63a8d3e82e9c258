import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureBusybox, hasDocker } from '../../../../test/daemon/images/docker-host.js';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { loadArchive } from './archive-load.js';
import { commitImage, EMPTY_LAYER_DIFF_ID } from './commit-image.js';
import { copyImagePath, readImageFile } from './image-files.js';
import { ImageStore } from './image-store.js';
import { imageHistory } from './image-views.js';
import { SnapshotStore } from './snapshot-store.js';

const projectRoot = join(import.meta.dirname, '../../../..');
const sh = (root: string, script: string) => execFileSync('chroot', [root, '/bin/sh', '-c', script]);

/** Every path under a directory with its type, mode and content (or link target). */
function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = `${rel}/${name}`;
    const stats = lstatSync(join(dir, path));
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isDirectory()) {
      out[path] = `dir ${mode}`;
      Object.assign(out, tree(dir, path));
    } else if (stats.isSymbolicLink()) out[path] = `link ${readlinkSync(join(dir, path))}`;
    else out[path] = `file ${mode} ${readFileSync(join(dir, path), 'utf8')}`;
  }
  return out;
}

describe.skipIf(!isRoot)('SnapshotStore (overlay mounts, as root)', () => {
  let base: string;
  let store: ImageStore;
  let snapshots: SnapshotStore;
  let imageId: string;

  beforeAll(async () => {
    base = tempDir('snapshots');
    store = new ImageStore({ root: join(base, 'store') });
    snapshots = new SnapshotStore(store);
    const bottom = await store.layers.register(
      chunked(
        buildTar([
          { name: 'bin/', type: 'directory' },
          { name: 'bin/ls', type: 'file', data: 'ls', mode: 0o755 },
          { name: 'etc/', type: 'directory' },
          { name: 'etc/passwd', type: 'file', data: 'root:x:0:0::/root:/bin/sh\n' },
          { name: 'etc/alt', type: 'symlink', linkname: '/etc/passwd' },
          { name: 'root/', type: 'directory', mode: 0o700 },
          { name: 'root/.profile', type: 'file', data: 'profile' },
          { name: 'var/', type: 'directory' },
          { name: 'var/www/', type: 'directory' },
          { name: 'var/www/index.html', type: 'file', data: 'old site' },
          { name: 'var/old', type: 'file', data: 'old' },
        ]),
      ),
    );
    const top = await store.layers.register(
      chunked(
        buildTar([
          { name: 'bin/', type: 'directory' },
          { name: 'bin/.wh.ls', type: 'file' },
          { name: 'etc/', type: 'directory' },
          { name: 'etc/extra', type: 'file', data: 'extra' },
          { name: 'var/', type: 'directory' },
          { name: 'var/.wh..wh..opq', type: 'file' },
          { name: 'var/new', type: 'file', data: 'new' },
        ]),
      ),
    );
    imageId = store.createImage({
      config: {
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [bottom.diffId, top.diffId] },
      },
    }).id;
  });
  afterAll(() => removeDir(base));

  it('mounts the image layers with whiteouts and opaque dirs applied', async () => {
    snapshots.prepare('c1', imageId);
    const merged = await snapshots.mount('c1');
    expect(await snapshots.mount('c1')).toBe(merged);
    expect(existsSync(join(merged, 'bin', 'ls'))).toBe(false);
    expect(readdirSync(join(merged, 'var'))).toEqual(['new']);
    expect(readdirSync(join(merged, 'etc')).sort()).toEqual([
      'alt',
      'extra',
      'hostname',
      'hosts',
      'mtab',
      'passwd',
      'resolv.conf',
    ]);
    expect(existsSync(join(merged, '.dockerenv'))).toBe(true);
    expect(await snapshots.changes('c1')).toEqual([]);
    await snapshots.unmount('c1');
    expect(snapshots.isMounted('c1')).toBe(false);
  });

  it('lists changes as dockerd does and commits them into a layer that reproduces the tree', async () => {
    const merged = await snapshots.mount('c1');
    execFileSync('sh', [
      '-c',
      `cd ${merged} && echo more >> etc/passwd && echo n > newfile && rm -rf root && mkdir root && echo a > root/a &&
       mkdir -p etc/sub/deeper && rm etc/extra && rm -rf var && mkdir -p var/x && ln newfile hardlink && ln -s /x sym`,
    ]);
    expect(await snapshots.changes('c1')).toEqual([
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/extra', Kind: 2 },
      { Path: '/etc/passwd', Kind: 0 },
      { Path: '/etc/sub', Kind: 1 },
      { Path: '/etc/sub/deeper', Kind: 1 },
      { Path: '/hardlink', Kind: 1 },
      { Path: '/newfile', Kind: 1 },
      { Path: '/root', Kind: 0 },
      { Path: '/root/.profile', Kind: 2 },
      { Path: '/root/a', Kind: 1 },
      { Path: '/sym', Kind: 1 },
      { Path: '/var', Kind: 0 },
      { Path: '/var/new', Kind: 2 },
      { Path: '/var/x', Kind: 1 },
    ]);
    const expected = tree(merged);
    const layer = await snapshots.commitLayer('c1');
    const { image, reference } = commitImage(store, {
      parent: imageId,
      diffId: layer.diffId,
      config: { Cmd: ['sh'] },
      containerConfig: { Cmd: ['sh', '-c', 'edit things'] },
      containerId: 'c1',
      comment: 'committed',
      reference: 'example/committed:1',
    });
    expect(reference).toBe('docker.io/example/committed:1');
    expect(store.get(image.id)?.parent).toBe(imageId);
    expect(store.diffIds(image.id)).toEqual([...store.diffIds(imageId), layer.diffId]);
    expect(imageHistory(store, image.id)[0]).toMatchObject({
      Id: image.id,
      CreatedBy: 'sh -c edit things',
      Comment: 'committed',
    });
    snapshots.prepare('c2', image.id);
    const again = await snapshots.mount('c2');
    expect(tree(again)).toEqual(expected);
    expect(lstatSync(join(again, 'newfile')).ino).toBe(lstatSync(join(again, 'hardlink')).ino);
    await snapshots.remove('c2');
    await snapshots.remove('c1');
    expect(snapshots.list()).toEqual([]);
  });

  it('commits an empty change as an empty layer entry', async () => {
    snapshots.prepare('c3', imageId);
    const layer = await snapshots.commitLayer('c3');
    expect(layer.diffId).toBe(EMPTY_LAYER_DIFF_ID);
    const { image } = commitImage(store, { parent: imageId, diffId: layer.diffId, config: {} });
    expect(store.diffIds(image.id)).toEqual(store.diffIds(imageId));
    expect(store.config(image.id).history?.at(-1)?.empty_layer).toBe(true);
    await snapshots.remove('c3');
  });

  it('reads files and copies directories out of the image view', async () => {
    expect(readImageFile(store, imageId, '/etc/alt')?.toString()).toMatch(/^root:x/);
    expect(readImageFile(store, imageId, '/bin/ls')).toBeUndefined();
    const dest = join(base, 'volume');
    mkdirSync(dest);
    expect(await copyImagePath(store, { image: imageId, path: '/var', dest })).toBe(true);
    expect(readdirSync(dest)).toEqual(['new']);
    expect(await copyImagePath(store, { image: imageId, path: '/nope', dest })).toBe(false);
    const root = join(base, 'root-volume');
    mkdirSync(root);
    await copyImagePath(store, { image: imageId, path: '/root', dest: root });
    expect(lstatSync(root).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(root, '.profile'), 'utf8')).toBe('profile');
  });

  it.skipIf(!hasDocker)('gives the same changes as docker diff for the same commands', async () => {
    ensureBusybox(projectRoot);
    const archive = execFileSync('docker', ['save', 'dev-example/busybox:latest'], { maxBuffer: 1 << 28 });
    const [loaded] = (await loadArchive(store, { source: chunked(archive, 1 << 16) })).images;
    const script =
      'rm -rf /var && mkdir -p /var/new && echo x >> /etc/passwd && touch /newfile && rm /bin/ls && ' +
      'mkdir -p /etc/sub/deeper && rm -rf /root && mkdir /root && touch /root/a && ln -s /newfile /tmp/link';
    const name = `dev-images-diff-${process.pid}`;
    docker(['run', '--name', name, 'dev-example/busybox:latest', 'sh', '-c', script]);
    let theirs: { Path: string; Kind: number }[];
    try {
      theirs = docker(['diff', name])
        .trim()
        .split('\n')
        .map((line) => ({ Path: line.slice(2), Kind: { C: 0, A: 1, D: 2 }[line[0] as 'C' | 'A' | 'D'] }))
        .sort((a, b) => (a.Path < b.Path ? -1 : 1));
    } finally {
      docker(['rm', name]);
    }
    snapshots.prepare('c4', loaded!.id);
    const merged = await snapshots.mount('c4');
    sh(merged, script);
    expect(await snapshots.changes('c4')).toEqual(theirs);
    await snapshots.remove('c4');
  });
});
