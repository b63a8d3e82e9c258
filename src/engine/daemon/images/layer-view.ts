/**
 * The merged view of a stack of unpacked layers, computed in user space (no mount): what
 * overlayfs would show, following its rules: the topmost entry wins, a whiteout hides
 * everything below, directories merge down to the first opaque one, a non-directory ends
 * the merge. Symlinks resolve inside the root (an absolute target or `..` never leaves it).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { ImageError } from './errors.js';

/** One layer of the view: its directory and the directories it marks opaque ('' = root). */
export interface ViewLayer {
  dir: string;
  opaque: ReadonlySet<string>;
}

/** An entry found in the view: its stats and the real file that provides it. */
export interface ViewEntry {
  stats: Stats;
  realPath: string;
}

/** A read-only merged view of layers (top first). */
export class LayerView {
  constructor(readonly layers: readonly ViewLayer[]) {}

  /** The entry at `path` (not following a final symlink); undefined when absent or hidden. */
  lookup(path: string): ViewEntry | undefined {
    const parts = split(path);
    let contributing = this.layers;
    let rel = '';
    for (let i = 0; i < parts.length; i++) {
      rel = rel === '' ? parts[i]! : `${rel}/${parts[i]}`;
      const last = i === parts.length - 1;
      const next: ViewLayer[] = [];
      for (const layer of contributing) {
        const realPath = join(layer.dir, rel);
        const stats = lstat(realPath);
        if (!stats) continue;
        if (isWhiteout(stats)) break;
        if (last && next.length === 0) return { stats, realPath };
        if (!stats.isDirectory()) break;
        next.push(layer);
        if (layer.opaque.has(rel)) break;
      }
      if (last || next.length === 0) return undefined;
      contributing = next;
    }
    const top = this.layers[0];
    if (!top) return undefined;
    return { stats: lstat(top.dir)!, realPath: top.dir };
  }

  /** Names in the merged directory at `path`, sorted; undefined when it is not a directory. */
  readdir(path: string): string[] | undefined {
    const layers = this.dirLayers(split(path));
    if (!layers) return undefined;
    const seen = new Map<string, boolean>();
    const rel = split(path).join('/');
    for (const layer of layers) {
      for (const name of readdirSync(join(layer.dir, rel))) {
        if (seen.has(name)) continue;
        seen.set(name, !isWhiteout(lstatSync(join(layer.dir, rel, name))));
      }
      if (layer.opaque.has(rel)) break;
    }
    return [...seen]
      .filter(([, visible]) => visible)
      .map(([name]) => name)
      .sort();
  }

  /** `path` with every symlink resolved inside the root (40 hops at most, as the kernel). */
  resolve(path: string, followLast = true): string {
    let pending = path.split('/').filter((p) => p !== '' && p !== '.');
    let done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, part];
      const entry = this.lookup(candidate.join('/'));
      if (entry?.stats.isSymbolicLink() && (pending.length > 0 || followLast)) {
        if (++hops > 40) {
          throw new ImageError('IMAGE_NOT_FOUND', `too many levels of symbolic links in ${path}`, {
            hint: 'the image has a symlink loop',
          });
        }
        const target = readlinkSync(entry.realPath);
        if (target.startsWith('/')) done = [];
        pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
        continue;
      }
      done = candidate;
    }
    return `/${done.join('/')}`;
  }

  /** The content of a file in the view, symlinks followed; undefined when absent. */
  readFile(path: string): Buffer | undefined {
    const entry = this.lookup(this.resolve(path));
    if (!entry?.stats.isFile()) return undefined;
    return readFileSync(entry.realPath);
  }

  private dirLayers(parts: string[]): ViewLayer[] | undefined {
    let contributing = this.layers;
    let rel = '';
    for (const part of parts) {
      rel = rel === '' ? part : `${rel}/${part}`;
      const next: ViewLayer[] = [];
      for (const layer of contributing) {
        const stats = lstat(join(layer.dir, rel));
        if (!stats) continue;
        if (isWhiteout(stats) || !stats.isDirectory()) break;
        next.push(layer);
        if (layer.opaque.has(rel)) break;
      }
      if (next.length === 0) return undefined;
      contributing = next;
    }
    return [...contributing];
  }
}

/** True for an overlayfs whiteout: a character device 0:0. */
export function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

function split(path: string): string[] {
  return posix
    .normalize(`/${path}`)
    .split('/')
    .filter((p) => p !== '' && p !== '.');
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
