/**
 * What a sync rule's host path holds, as the rule sees it: files, links and directories the
 * rule keeps, with size and mtime, and which directories lost something to the ignore model
 * (the catch-up lists those from the container piece by piece, not whole).
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface HostEntry {
  kind: 'file' | 'directory' | 'symlink';
  size: number;
  mtimeMs: number;
  linkTarget?: string;
}

export interface HostTree {
  /** Keyed by path relative to the root (`''` is the root itself). */
  entries: Map<string, HostEntry>;
  /** Directories (relative) with something ignored somewhere below. */
  partial: Set<string>;
  /** Directory → its kept children's relative paths. */
  children: Map<string, string[]>;
}

/** How the walk treats a path: kept, left out, or (a directory) not even read. */
export type Verdict = 'keep' | 'drop' | 'prune';

/** Walks `root`; `judge` decides for each path below it. Missing root: an empty tree. */
export async function listHostTree(
  root: string,
  judge: (path: string, isDir: boolean) => Verdict,
): Promise<HostTree> {
  const tree: HostTree = { entries: new Map(), partial: new Set(), children: new Map() };
  const top = await lstat(root).catch(() => undefined);
  if (!top) return tree;
  if (!top.isDirectory()) {
    tree.entries.set('', await entryOf(root, top));
    return tree;
  }
  tree.entries.set('', { kind: 'directory', size: 0, mtimeMs: top.mtimeMs });
  const queue: string[] = [''];
  for (let i = 0; i < queue.length; i++) {
    const rel = queue[i] as string;
    const abs = rel === '' ? root : join(root, rel);
    let list: Dirent[];
    try {
      list = await readdir(abs, { withFileTypes: true });
    } catch {
      continue;
    }
    const kids: string[] = [];
    await Promise.all(
      list.map(async (d) => {
        const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
        const childAbs = join(abs, d.name);
        const isDir = d.isDirectory();
        const verdict = judge(childAbs, isDir);
        if (verdict !== 'keep') {
          markPartial(tree, rel);
          if (verdict === 'prune' || !isDir) return;
          // A dropped directory may still hold kept paths (a `!` pattern): read it, do not list it.
          queue.push(childRel);
          return;
        }
        const info = await lstat(childAbs).catch(() => undefined);
        // Sockets, fifos and devices are not synced.
        if (!info || !(info.isFile() || info.isDirectory() || info.isSymbolicLink())) return;
        tree.entries.set(childRel, await entryOf(childAbs, info));
        kids.push(childRel);
        if (info.isDirectory()) queue.push(childRel);
      }),
    );
    tree.children.set(rel, kids.sort());
  }
  return tree;
}

function markPartial(tree: HostTree, rel: string): void {
  for (let r: string | undefined = rel; r !== undefined; r = parentOf(r)) {
    if (tree.partial.has(r)) return;
    tree.partial.add(r);
  }
}

/** `a/b` → `a`, `a` → `''`, `''` → undefined. */
export function parentOf(rel: string): string | undefined {
  if (rel === '') return undefined;
  const at = rel.lastIndexOf('/');
  return at < 0 ? '' : rel.slice(0, at);
}

async function entryOf(path: string, info: import('node:fs').Stats): Promise<HostEntry> {
  if (info.isSymbolicLink()) {
    return { kind: 'symlink', size: 0, mtimeMs: info.mtimeMs, linkTarget: await readlink(path) };
  }
  if (info.isDirectory()) return { kind: 'directory', size: 0, mtimeMs: info.mtimeMs };
  return { kind: 'file', size: info.size, mtimeMs: info.mtimeMs };
}
