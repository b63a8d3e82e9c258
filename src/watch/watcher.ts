/**
 * chokidar over the watch roots, reporting each changed path (and whether it is a directory).
 * chokidar watches directories only: a file's changes come from its directory's watcher (the
 * `raw` events of fs.watch), so a tree of 10,000 files costs 500 directory watchers, not 10,500
 * (and chokidar's per-file bookkeeping, most of its memory). Files named as roots (a rule's
 * `path: ./package.json`, compose files) are watched one by one. What a path became is looked
 * at when syncing; the skip predicate runs before chokidar reads a directory, so an ignored
 * node_modules is never read nor watched. A directory that appears later may fill before its
 * watcher exists: its files are listed when it is reported, and once more a moment later.
 */
import { lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface FileEvent {
  path: string;
  /** Undefined when the path is gone and nothing said what it was. */
  isDir?: boolean;
}

export interface WatcherOptions {
  /** Absolute paths (files or directories) to watch. */
  roots: string[];
  /** True for paths never to read or report; `isDir` undefined when unknown. */
  skip: (path: string, isDir: boolean | undefined) => boolean;
  onEvent: (event: FileEvent) => void;
  onError: (error: Error) => void;
}

/** A running watcher. */
export interface FileWatcher {
  /** How many directories (and root files) are watched. */
  watchedCount(): number;
  close(): Promise<void>;
}

/** Starts watching; resolves once the initial scan is done. */
export async function startWatcher(o: WatcherOptions): Promise<FileWatcher> {
  const { watch } = await import('chokidar');
  const roots = topmost(o.roots);
  const fileRoots = new Set(roots.filter((r) => lstatSync(r, { throwIfNoEntry: false })?.isFile()));
  const watcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: false,
    // Deletions are reported at once: a delete-then-recreate lands in one batch.
    atomic: false,
    ignorePermissionErrors: true,
    ignored: (path: string, stats?: import('node:fs').Stats) => {
      if (fileRoots.has(path)) return false;
      const isDir = stats ? stats.isDirectory() : lstatSync(path, { throwIfNoEntry: false })?.isDirectory();
      // Files are seen through their directory's watcher.
      return isDir !== true || o.skip(path, true);
    },
  });
  let closed = false;
  const report = (path: string) => {
    const verdict = decide(o, path);
    if (!verdict.skip) o.onEvent({ path, ...(verdict.isDir !== undefined ? { isDir: verdict.isDir } : {}) });
  };
  watcher.on('raw', (_event, name, details) => {
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (!dir || !name || fileRoots.has(dir)) return;
    // A watched directory reports its own removal under its own name.
    if (name === basename(dir) && !lstatSync(dir, { throwIfNoEntry: false })) return;
    report(join(dir, name));
  });
  const listNew = (dir: string) => {
    const seen = new Set<string>();
    const list = () =>
      readdir(dir, { withFileTypes: true }).then(
        (entries) => {
          for (const e of entries) {
            if (e.isDirectory() || seen.has(e.name) || closed) continue;
            seen.add(e.name);
            report(join(dir, e.name));
          }
        },
        () => undefined,
      );
    // The second look covers files made between chokidar's read and its watcher.
    void list().then(() => setTimeout(() => void list(), 150));
  };
  watcher.on('addDir', (path: string) => {
    o.onEvent({ path, isDir: true });
    listNew(path);
  });
  watcher.on('unlinkDir', (path: string) => o.onEvent({ path, isDir: true }));
  for (const kind of ['add', 'change', 'unlink'] as const) {
    watcher.on(kind, (path: string) => {
      if (fileRoots.has(path)) o.onEvent({ path, isDir: false });
    });
  }
  watcher.on('error', (error: unknown) =>
    o.onError(error instanceof Error ? error : new Error(String(error))),
  );
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    watchedCount: () => Object.keys(watcher.getWatched()).length + fileRoots.size,
    close: () => {
      closed = true;
      return watcher.close();
    },
  };
}

/** Whether to skip a path whose kind is unknown: looked at only when the answer depends on it. */
function decide(o: WatcherOptions, path: string): { skip: boolean; isDir?: boolean } {
  const asFile = o.skip(path, false);
  const asDir = o.skip(path, true);
  if (asFile === asDir) return { skip: asFile };
  const isDir = lstatSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return { skip: isDir ? asDir : asFile, isDir };
}

/** Roots without those inside another root (chokidar would watch them twice). */
export function topmost(roots: string[]): string[] {
  const sorted = [...new Set(roots)].sort();
  const out: string[] = [];
  for (const r of sorted) {
    if (out.some((o) => r === o || r.startsWith(o.endsWith('/') ? o : `${o}/`))) continue;
    out.push(r);
  }
  return out;
}
