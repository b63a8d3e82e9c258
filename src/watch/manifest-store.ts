/**
 * Per container, the paths dev has synced from the host: what a later catch-up may delete
 * when the host lost them (and nothing else). Kept in memory and, when a state directory is
 * given, in one JSON file per container, written atomically a moment after the last change.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './debounce.js';

export interface ManifestStoreOptions {
  /** Directory for the files; none: memory only. */
  dir?: string;
  clock: Clock;
  /** Wait this long after a change before writing (default 1 s). */
  delayMs?: number;
}

/** Synced paths per container id. */
export class ManifestStore {
  private readonly sets = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private timer: unknown;

  constructor(private readonly o: ManifestStoreOptions) {}

  /** The paths known for the container; undefined when dev never synced it. */
  get(id: string): ReadonlySet<string> | undefined {
    return this.load(id);
  }

  /** Replaces the container's set (after a catch-up). */
  replace(id: string, paths: Iterable<string>): void {
    this.sets.set(id, new Set(paths));
    this.touch(id);
  }

  /** Records a sync: sent paths added, deleted ones (and all below them) removed. */
  update(id: string, added: Iterable<string>, removed: Iterable<string>): void {
    const set = this.load(id) ?? new Set<string>();
    this.sets.set(id, set);
    for (const gone of removed) {
      set.delete(gone);
      const prefix = gone.endsWith('/') ? gone : `${gone}/`;
      for (const p of set) if (p.startsWith(prefix)) set.delete(p);
    }
    for (const p of added) set.add(p);
    this.touch(id);
  }

  /** Drops a container that no longer exists. */
  forget(id: string): void {
    this.sets.delete(id);
    this.dirty.delete(id);
    if (this.o.dir) rmSync(this.file(id), { force: true });
  }

  /** Writes what changed now. */
  flush(): void {
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.o.dir) {
      this.dirty.clear();
      return;
    }
    mkdirSync(this.o.dir, { recursive: true });
    for (const id of this.dirty) {
      const file = this.file(id);
      const temp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, JSON.stringify([...(this.sets.get(id) ?? [])].sort()));
        renameSync(temp, file);
      } catch {
        // A full disk only costs the next catch-up its deletions.
      }
    }
    this.dirty.clear();
  }

  private touch(id: string): void {
    this.dirty.add(id);
    if (this.timer === undefined)
      this.timer = this.o.clock.setTimeout(() => this.flush(), this.o.delayMs ?? 1000);
  }

  private load(id: string): Set<string> | undefined {
    const cached = this.sets.get(id);
    if (cached || !this.o.dir) return cached;
    try {
      const list = JSON.parse(readFileSync(this.file(id), 'utf8')) as unknown;
      if (!Array.isArray(list)) return undefined;
      const set = new Set(list.filter((p): p is string => typeof p === 'string'));
      this.sets.set(id, set);
      return set;
    } catch {
      return undefined;
    }
  }

  private file(id: string): string {
    return join(this.o.dir as string, `synced-${id.slice(0, 16)}.json`);
  }
}
