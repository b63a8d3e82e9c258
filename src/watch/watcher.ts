/**
 * chokidar over the watch roots, reporting each changed path (and whether it is a directory).
 * What a path became is looked at later, when syncing, so event kinds need no care here; the
 * skip predicate runs before chokidar reads a directory, so an ignored node_modules is never
 * read nor watched.
 */
import { lstatSync } from 'node:fs';

export interface FileEvent {
  path: string;
  isDir: boolean;
  kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';
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
  /** How many directories and files chokidar holds. */
  watchedCount(): number;
  close(): Promise<void>;
}

/** Starts watching; resolves once the initial scan is done. */
export async function startWatcher(o: WatcherOptions): Promise<FileWatcher> {
  const { watch } = await import('chokidar');
  const roots = topmost(o.roots);
  const watcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: false,
    // Deletions are reported at once: a delete-then-recreate lands in one batch, and the sync
    // looks at what is there.
    atomic: false,
    ignorePermissionErrors: true,
    ignored: (path: string, stats?: import('node:fs').Stats) => decide(o, path, stats?.isDirectory()),
  });
  for (const kind of ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const) {
    watcher.on(kind, (path: string) =>
      o.onEvent({ path, kind, isDir: kind === 'addDir' || kind === 'unlinkDir' }),
    );
  }
  watcher.on('error', (error: unknown) =>
    o.onError(error instanceof Error ? error : new Error(String(error))),
  );
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    watchedCount: () => {
      let n = 0;
      for (const list of Object.values(watcher.getWatched())) n += list.length;
      return n;
    },
    close: () => watcher.close(),
  };
}

/** chokidar often asks without stats: when the answer depends on it, look. */
function decide(o: WatcherOptions, path: string, isDir: boolean | undefined): boolean {
  if (isDir !== undefined) return o.skip(path, isDir);
  const asFile = o.skip(path, false);
  const asDir = o.skip(path, true);
  if (asFile === asDir) return asFile;
  return o.skip(path, lstatSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false);
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
