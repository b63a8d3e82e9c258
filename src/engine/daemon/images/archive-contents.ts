/** What a `docker load` archive held, and the lookups both archive formats share. */
import { posix } from 'node:path';
import { ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import { familiarString, parseReference } from './reference.js';

/** An image a load created or found. */
export interface LoadedImage {
  id: string;
  /** Normalised references it was tagged with. */
  references: string[];
}

export interface LoadArchiveResult {
  images: LoadedImage[];
  /** Docker's output lines: `Loaded image: busybox:latest`, `Loaded image ID: sha256:...`. */
  messages: string[];
}

/** What the archive held, by cleaned entry path. */
export interface ArchiveContents {
  /** Small files (JSON documents), whole. */
  files: Map<string, Buffer>;
  /** Layer tars, by path → diff id. */
  layers: Map<string, string>;
  /** Symlinks and hard links, path → target path. */
  links: Map<string, string>;
}

/** Follows links inside the archive to the entry that holds the content. */
export function resolveEntry(contents: ArchiveContents, path: string): string {
  let current = cleanArchiveName(path);
  for (let hops = 0; hops < 16; hops++) {
    const target = contents.links.get(current);
    if (target === undefined) return current;
    current = target;
  }
  throw new ImageError('IMAGE_ARCHIVE_INVALID', `too many links for ${path} in the archive`, {
    hint: 'the archive is malformed',
  });
}

/** A layer's diff id for an entry (or a blob digest already known to the store). */
export function layerDiffId(store: ImageStore, contents: ArchiveContents, path: string): string | undefined {
  const entry = resolveEntry(contents, path);
  const diffId = contents.layers.get(entry);
  if (diffId) return diffId;
  const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(entry);
  if (!blob) return undefined;
  const digest = `sha256:${blob[1]}`;
  return store.layers.has(digest) ? digest : store.layers.findBySource(digest);
}

/** Tags a loaded image, moving the tag off another image as Docker does; returns the messages. */
export function tagLoaded(store: ImageStore, image: LoadedImage, tag: string, messages: string[]): void {
  const reference = store.tag(image.id, tag);
  image.references.push(reference);
  messages.push(`Loaded image: ${familiarString(parseReference(reference))}`);
}

/** An archive entry name without `./`, `..` or a trailing slash (never used as a file path). */
export function cleanArchiveName(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}
