/**
 * The catch-up: host and container compared for a service's sync rules, and only the
 * difference sent. A file is in place when size and mtime (whole seconds) agree, or when the
 * size agrees and the content hash does; the container side comes from the archive API. A
 * directory the ignore model thins out (node_modules in it) is compared child by child, so
 * the container's ignored trees are never downloaded. Only files dev knows came from the host
 * (the manifest) are ever deleted: what the image put there stays.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { type ContainerEntry, readContainerTree } from './container-tree.js';
import { type HostEntry, listHostTree, type Verdict } from './host-tree.js';
import { decideLayer, prunesDirectory } from './ignore-model.js';
import { relativeInside } from './patterns.js';
import { type CompiledRule, judgePath, type SyncItem } from './rules.js';

export interface CatchUpOptions {
  engine: Engine;
  containerId: string;
  /** The service's sync rules. */
  rules: CompiledRule[];
  /** Container paths dev synced from the host before (may be deleted when the host lost them). */
  manifest?: ReadonlySet<string>;
}

export interface CatchUpPlan {
  /** What to send. */
  items: SyncItem[];
  /** Container paths to delete. */
  remove: string[];
  /** Entries already in place. */
  inPlace: number;
  /** Every container path the host has now: the next manifest. */
  known: Set<string>;
}

/** Compares each rule's host path with the container; reads, never writes. */
export async function planCatchUp(o: CatchUpOptions): Promise<CatchUpPlan> {
  const plan: CatchUpPlan = { items: [], remove: [], inPlace: 0, known: new Set() };
  for (const rule of o.rules) {
    if (rule.target === undefined) continue;
    await catchUpRule(o, rule, rule.target, plan);
  }
  return plan;
}

async function catchUpRule(o: CatchUpOptions, rule: CompiledRule, target: string, plan: CatchUpPlan) {
  const host = await listHostTree(rule.path, (path, isDir) => verdictOf(rule, path, isDir));
  const containerPath = (rel: string) => (rel === '' ? target : posix.join(target, rel));
  const hostPath = (rel: string) => (rel === '' ? rule.path : join(rule.path, rel));
  const listed = new Map<string, ContainerEntry | undefined>();
  const whole: string[] = [];
  const single: string[] = [];
  const visit = (rel: string) => {
    const entry = host.entries.get(rel);
    if (!entry) return;
    if (entry.kind !== 'directory' || !host.partial.has(rel)) return void whole.push(rel);
    single.push(rel);
    for (const child of host.children.get(rel) ?? []) {
      if (host.entries.get(child)?.kind === 'directory') visit(child);
      else single.push(child);
    }
  };
  visit('');
  await inBatches(whole, 4, async (rel) => {
    const hashFor = (sub: string, size: number, mtimeSec: number) => {
      const h = host.entries.get(join2(rel, sub));
      return h?.kind === 'file' && h.size === size && Math.floor(h.mtimeMs / 1000) !== mtimeSec;
    };
    const tree = await readContainerTree(o.engine, o.containerId, containerPath(rel), hashFor);
    for (const [sub, entry] of tree ?? []) listed.set(join2(rel, sub), entry);
  });
  await inBatches(single, 16, async (rel) => {
    const stat = await o.engine.statPath(o.containerId, containerPath(rel));
    listed.set(
      rel,
      stat && {
        kind: stat.isDirectory ? 'directory' : stat.linkTarget ? 'symlink' : 'file',
        size: stat.size,
        mtimeSec: Math.floor(Date.parse(stat.mtime) / 1000),
        ...(stat.linkTarget ? { linkTarget: stat.linkTarget } : {}),
      },
    );
  });
  for (const [rel, entry] of host.entries) {
    plan.known.add(containerPath(rel));
    if (entry.kind === 'directory' && rule.include && !decideLayer(rule.include, hostPath(rel), true).ignored)
      continue;
    if (inPlace(entry, listed.get(rel), () => hashOf(hostPath(rel)))) plan.inPlace++;
    else plan.items.push({ hostPath: hostPath(rel), containerPath: containerPath(rel) });
  }
  for (const path of o.manifest ?? []) {
    const rel = relativeInside(target, path);
    if (rel === undefined || host.entries.has(rel)) continue;
    if (judgePath(rule, hostPath(rel)).kind !== 'kept') continue;
    // Inside a unit listed whole, the listing says whether it is there; elsewhere, ask.
    const covered = whole.some((unit) => relativeTo(unit, rel) !== undefined);
    const there = covered ? listed.has(rel) : (await o.engine.statPath(o.containerId, path)) !== undefined;
    if (there) plan.remove.push(path);
  }
}

/** Whether the container's entry matches the host's. */
export function inPlace(
  host: HostEntry,
  container: ContainerEntry | undefined,
  hostHash: () => string,
): boolean {
  if (!container || container.kind !== host.kind) return false;
  if (host.kind === 'directory') return true;
  if (host.kind === 'symlink') return container.linkTarget === host.linkTarget;
  if (container.size !== host.size) return false;
  if (container.mtimeSec === Math.floor(host.mtimeMs / 1000)) return true;
  return container.hash !== undefined && container.hash === hostHash();
}

function verdictOf(rule: CompiledRule, path: string, isDir: boolean): Verdict {
  const v = judgePath(rule, path, isDir);
  if (v.kind === 'kept') return 'keep';
  return isDir && prunesDirectory(rule.ignore, path) ? 'prune' : 'drop';
}

function hashOf(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}

function join2(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

function relativeTo(base: string, rel: string): string | undefined {
  if (base === '') return rel;
  if (rel === base) return '';
  return rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : undefined;
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
