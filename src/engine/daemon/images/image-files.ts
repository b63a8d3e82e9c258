/**
 * Reading an image's files without a container: single files straight from the layer
 * directories through the merged view (e.g. /etc/passwd to resolve a user), and whole
 * directories copied out through a short-lived read-only overlay mount and `cp -a` (how a
 * new named volume is filled with what the image has at its mount point, as Docker does).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStore } from './image-store.js';
import { LayerView } from './layer-view.js';
import { mountOverlay, unmountOverlay } from './overlay-mount.js';

/** The merged view of an image's layers (no mount). */
export function imageView(store: ImageStore, image: string): LayerView {
  const id = store.resolve(image).id;
  return new LayerView(
    store
      .diffIds(id)
      .reverse()
      .map((diffId) => ({
        dir: store.layers.diffDir(diffId),
        opaque: new Set(store.layers.require(diffId).opaqueDirs),
      })),
  );
}

/** A file of the image (symlinks followed inside the image); undefined when absent or not a file. */
export function readImageFile(store: ImageStore, image: string, path: string): Buffer | undefined {
  return imageView(store, image).readFile(path);
}

export interface CopyImagePathOptions {
  image: string;
  /** Directory inside the image (symlinks followed inside the image). */
  path: string;
  /** Existing directory to copy into (usually an empty new volume). */
  dest: string;
}

/**
 * Copies the contents of a directory of the image into `dest`, keeping owners, modes, times,
 * hard links and xattrs (`cp -a`). Returns false, copying nothing, when the image has no
 * directory there.
 */
export async function copyImagePath(store: ImageStore, options: CopyImagePathOptions): Promise<boolean> {
  const id = store.resolve(options.image).id;
  const view = imageView(store, id);
  const resolved = view.resolve(options.path);
  if (!view.lookup(resolved)?.stats.isDirectory()) return false;
  const lower = store
    .diffIds(id)
    .reverse()
    .map((diffId) => store.layers.linkPath(diffId));
  // A read-only overlay needs two lower dirs at least.
  store.layers.emptyDir();
  if (lower.length < 2) lower.push('layers/.empty');
  const target = join(store.root, 'mnt', randomBytes(8).toString('hex'));
  mkdirSync(target, { recursive: true, mode: 0o700 });
  try {
    await mountOverlay({ tools: store.tools, cwd: store.root, lower, target });
    try {
      await store.tools.run(store.tools.paths.cp, [
        '-a',
        '--',
        `${join(target, resolved)}/.`,
        `${options.dest}/`,
      ]);
    } finally {
      await unmountOverlay(store.tools, target);
    }
  } finally {
    rmdirSync(target);
  }
  return true;
}
