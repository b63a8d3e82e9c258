/**
 * GET /containers/{id}/changes from a container's upper dir, with the results dockerd gives:
 * Kind 0 modified, 1 added, 2 deleted; a whiteout is a deletion; an opaque directory that
 * replaced one of the image lists the image's entries it hides as deleted; the parent of an
 * added or deleted entry is listed as modified; directories only copied up (same size, mode
 * and mtime as below) are not changes themselves.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isWhiteout, type LayerView } from './layer-view.js';

export type ChangeKind = 0 | 1 | 2;

/** One change, as the Docker API returns it. */
export interface Change {
  Path: string;
  Kind: ChangeKind;
}

export const CHANGE_MODIFIED = 0;
export const CHANGE_ADDED = 1;
export const CHANGE_DELETED = 2;

export interface UpperChangesOptions {
  /** The container's upper dir. */
  upper: string;
  /** The image's layers (and init layer) under it. */
  lower: LayerView;
  /** Directories of the upper dir marked opaque, relative ('' is the root). */
  opaque: ReadonlySet<string>;
}

/** The changes, sorted by path. */
export function upperChanges(options: UpperChangesOptions): Change[] {
  const changes = new Map<string, ChangeKind>();
  const record = (path: string, kind: ChangeKind) => {
    if (!changes.has(path) || kind !== CHANGE_MODIFIED) changes.set(path, kind);
    if (kind === CHANGE_MODIFIED) return;
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== '' && !changes.has(parent)) changes.set(parent, CHANGE_MODIFIED);
  };
  const walk = (rel: string) => {
    const names = readdirSync(join(options.upper, rel));
    const present = new Set(names);
    if (options.opaque.has(rel) && rel !== '') {
      // An opaque dir hides what the image had there: each hidden entry is a deletion.
      for (const name of options.lower.readdir(rel) ?? []) {
        if (!present.has(name)) record(`/${rel}/${name}`, CHANGE_DELETED);
      }
    }
    for (const name of names.sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const stats = lstatSync(join(options.upper, path));
      if (isWhiteout(stats)) {
        if (options.lower.lookup(path)) record(`/${path}`, CHANGE_DELETED);
        continue;
      }
      const below = options.lower.lookup(path)?.stats;
      if (!below) record(`/${path}`, CHANGE_ADDED);
      else if (!(stats.isDirectory() && below.isDirectory() && sameDirectory(stats, below))) {
        record(`/${path}`, CHANGE_MODIFIED);
      } else if (options.opaque.has(path)) record(`/${path}`, CHANGE_MODIFIED);
      if (stats.isDirectory()) walk(path);
    }
  };
  walk('');
  return [...changes]
    .map(([Path, Kind]) => ({ Path, Kind }))
    .sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}

function sameDirectory(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mode === b.mode && Math.floor(a.mtimeMs) === Math.floor(b.mtimeMs);
}
