import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { commitImage } from './commit-image.js';
import { pruneImages, removeImage } from './image-remove.js';
import { ImageStore } from './image-store.js';

describe.skipIf(!isRoot)('removeImage and pruneImages', () => {
  let base: string;
  let store: ImageStore;
  let baseId: string;
  let layerId: string;

  const makeImage = async (content: string) => {
    const layer = await store.layers.register(
      chunked(buildTar([{ name: 'f', type: 'file', data: content }])),
    );
    return store.createImage({
      config: {
        architecture: 'amd64',
        os: 'linux',
        created: new Date(Date.now() - 3_600_000).toISOString(),
        rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      },
    }).id;
  };

  beforeEach(async () => {
    base = tempDir('remove');
    store = new ImageStore({ root: join(base, 'store') });
    baseId = await makeImage('base');
    layerId = store.diffIds(baseId)[0]!;
    store.tag(baseId, 'a:1');
    store.tag(baseId, 'a:2');
    store.tag(baseId, 'b:1');
  });
  afterEach(() => removeDir(base));

  it('untags a name while others remain', () => {
    expect(removeImage(store, 'a:1')).toEqual([{ Untagged: 'a:1' }]);
    expect(store.get(baseId)).toBeDefined();
  });

  it('refuses an id referenced in several repositories unless forced', () => {
    expect(() => removeImage(store, baseId.slice(7, 19))).toThrow(
      /must be forced\) - image is referenced in multiple repositories/,
    );
    expect(removeImage(store, baseId, { force: true })).toEqual([
      { Untagged: 'a:1' },
      { Untagged: 'a:2' },
      { Untagged: 'b:1' },
      { Deleted: baseId },
      { Deleted: layerId },
    ]);
    expect(store.layers.has(layerId)).toBe(false);
  });

  it('refuses images with children and images of running containers, always', () => {
    const child = commitImage(store, { parent: baseId, config: {}, reference: 'child:1' }).image.id;
    removeImage(store, 'a:1');
    removeImage(store, 'a:2');
    removeImage(store, 'b:1');
    expect(() => removeImage(store, baseId, { force: true })).toThrow(
      /cannot be forced\) - image has dependent child images/,
    );
    const running = () => [{ container: 'f'.repeat(64), running: true }];
    expect(() => removeImage(store, child, { force: true, usedBy: running })).toThrow(
      /cannot be forced\) - image is being used by running container ffffffffffff/,
    );
    const stopped = () => [{ container: 'e'.repeat(64), running: false }];
    expect(() => removeImage(store, child, { usedBy: stopped })).toThrow(
      /must be forced\) - image is being used by stopped/,
    );
    expect(() => removeImage(store, 'child:1', { usedBy: stopped })).toThrow(
      /must force\) - container eeeeeeeeeeee is using/,
    );
  });

  it('deletes a child by its tag and prunes its untagged parent', () => {
    const child = commitImage(store, { parent: baseId, config: {}, reference: 'child:1' }).image.id;
    for (const tag of ['a:1', 'a:2', 'b:1']) removeImage(store, tag);
    expect(removeImage(store, 'child:1')).toEqual([
      { Untagged: 'child:1' },
      { Deleted: child },
      { Deleted: baseId },
      { Deleted: layerId },
    ]);
    expect(store.list()).toEqual([]);
  });

  it('keeps layers a container snapshot still uses', () => {
    const items = removeImage(store, baseId, { force: true, keepLayers: () => [layerId] });
    expect(items.at(-1)).toEqual({ Deleted: baseId });
    expect(store.layers.has(layerId)).toBe(true);
  });

  it('never collects a layer a pull or load holds', async () => {
    const layer = await store.layers.register(chunked(buildTar([{ name: 'held', type: 'file', data: 'h' }])));
    const release = store.layers.hold([layer.diffId]);
    pruneImages(store);
    expect(store.layers.has(layer.diffId)).toBe(true);
    release();
    pruneImages(store);
    expect(store.layers.has(layer.diffId)).toBe(false);
  });

  it('prunes dangling images, then all unused ones', async () => {
    const dangling = await makeImage('dangling');
    const used = await makeImage('used');
    const danglingLayer = store.diffIds(dangling)[0]!;
    const first = pruneImages(store, {
      usedBy: (id) => (id === used ? [{ container: 'c', running: false }] : []),
    });
    expect(first.ImagesDeleted).toEqual([{ Deleted: dangling }, { Deleted: danglingLayer }]);
    expect(first.SpaceReclaimed).toBe('dangling'.length);
    expect(store.get(used)).toBeDefined();
    const second = pruneImages(store, { all: true, labels: ['nothing'] });
    expect(second.ImagesDeleted).toEqual([]);
    const third = pruneImages(store, { all: true });
    expect(third.ImagesDeleted).toContainEqual({ Untagged: 'b:1' });
    expect(third.ImagesDeleted).toContainEqual({ Deleted: baseId });
    expect(store.list()).toEqual([]);
  });
});
