/**
 * From changed paths to what to do, per service: which files to sync where, and whether to
 * restart, rebuild or run a rule's command. Pure: rules come compiled (see compile-rules.ts),
 * paths come from the watcher; what exists on disk is looked at later, when syncing.
 */
import { posix } from 'node:path';
import type { ServiceHook } from '../model/develop.js';
import {
  decideIgnore,
  decideLayer,
  type IgnoreDecision,
  type IgnoreLayer,
  prunesDirectory,
} from './ignore-model.js';
import { type IgnorePattern, relativeInside } from './patterns.js';

export type WatchAction = 'sync' | 'sync+restart' | 'sync+exec' | 'rebuild' | 'restart';

/** A watch rule ready to match paths. */
export interface CompiledRule {
  service: string;
  /** Position in the service's `develop.watch` list. */
  index: number;
  action: WatchAction;
  /** Absolute host path (file or directory). */
  path: string;
  /** Absolute container path, for the sync actions. */
  target?: string;
  exec?: ServiceHook;
  /** Layers that drop paths, first match wins (built-in, .dockerignore, .gitignore, ignore:). */
  ignore: IgnoreLayer[];
  /** `include:`: when present, only paths it matches are watched. */
  include?: IgnoreLayer;
  /** `initial_sync` as written: false turns the catch-up off for this rule. */
  initialSync?: boolean;
  /** `web develop.watch[0] (sync ./src -> /app/src)`: how messages name the rule. */
  label: string;
  /** Things worth saying about how the rule was read (a .gitignore that does not apply, …). */
  notes: string[];
}

/** One file or directory to copy into a service's containers. */
export interface SyncItem {
  hostPath: string;
  containerPath: string;
  /** The label of the rule that asked for it, for messages. */
  rule?: string;
}

/** What one batch asks of one service. */
export interface ServiceWork {
  /** Keyed by container path: the last rule naming a path wins. */
  sync: Map<string, SyncItem>;
  restart: boolean;
  rebuild: boolean;
  /** `sync+exec` rules whose command runs after the sync, by rule index. */
  exec: Map<number, ServiceHook>;
}

/** A path and whether it is a directory (from the event kind; undefined when unknown). */
export interface ChangedPath {
  path: string;
  isDir?: boolean;
}

/** What a batch of changed paths asks for. */
export interface BatchPlan {
  services: Map<string, ServiceWork>;
  /** Compose files and env files that changed: the project is re-planned. */
  projectFiles: string[];
  /** .gitignore / .dockerignore files that changed: the rules are compiled again. */
  ignoreFiles: string[];
}

/** How one rule sees one path. */
export type RuleVerdict =
  | { kind: 'outside' }
  | { kind: 'ignored'; layer: string; by?: IgnorePattern }
  | { kind: 'not-included' }
  | { kind: 'kept'; containerPath?: string; by?: IgnorePattern };

/** An empty piece of work. */
export function emptyWork(): ServiceWork {
  return { sync: new Map(), restart: false, rebuild: false, exec: new Map() };
}

/** Whether `rule` keeps `path`, and why not when it does not. */
export function judgePath(rule: CompiledRule, path: string, isDir?: boolean): RuleVerdict {
  const rel = relativeInside(rule.path, path);
  if (rel === undefined) return { kind: 'outside' };
  if (rel !== '') {
    const d: IgnoreDecision = decideIgnore(rule.ignore, path, isDir);
    if (d.ignored) return { kind: 'ignored', layer: d.layer ?? 'ignore', ...(d.by ? { by: d.by } : {}) };
    // Directories are kept for what they may hold; `include` picks files.
    if (rule.include && isDir !== true && !decideLayer(rule.include, path, isDir).ignored) {
      return { kind: 'not-included' };
    }
    const containerPath = rule.target === undefined ? undefined : posix.join(rule.target, rel);
    return { kind: 'kept', ...(containerPath ? { containerPath } : {}), ...(d.by ? { by: d.by } : {}) };
  }
  return { kind: 'kept', ...(rule.target ? { containerPath: rule.target } : {}) };
}

/** Sorts a batch into work per service; paths no rule keeps are dropped. */
export function planBatch(
  rules: CompiledRule[],
  changed: ChangedPath[],
  special: { projectFiles: ReadonlySet<string>; ignoreFiles: ReadonlySet<string> },
): BatchPlan {
  const plan: BatchPlan = { services: new Map(), projectFiles: [], ignoreFiles: [] };
  for (const { path, isDir } of changed) {
    if (special.projectFiles.has(path)) plan.projectFiles.push(path);
    if (special.ignoreFiles.has(path)) plan.ignoreFiles.push(path);
    for (const rule of rules) {
      const verdict = judgePath(rule, path, isDir);
      if (verdict.kind !== 'kept') continue;
      let work = plan.services.get(rule.service);
      if (!work) {
        work = emptyWork();
        plan.services.set(rule.service, work);
      }
      addToWork(work, rule, path, verdict.containerPath);
    }
  }
  plan.projectFiles.sort();
  plan.ignoreFiles.sort();
  return plan;
}

function addToWork(work: ServiceWork, rule: CompiledRule, hostPath: string, containerPath?: string): void {
  const syncs = rule.action === 'sync' || rule.action === 'sync+restart' || rule.action === 'sync+exec';
  if (syncs && containerPath !== undefined) {
    work.sync.delete(containerPath);
    work.sync.set(containerPath, { hostPath, containerPath, rule: rule.label });
  }
  if (rule.action === 'rebuild') work.rebuild = true;
  if (rule.action === 'restart' || rule.action === 'sync+restart') work.restart = true;
  if (rule.action === 'sync+exec' && rule.exec) work.exec.set(rule.index, rule.exec);
}

/** Merges `more` into `into` (later syncs of a path win). */
export function mergeWork(into: ServiceWork, more: ServiceWork): ServiceWork {
  for (const [key, item] of more.sync) {
    into.sync.delete(key);
    into.sync.set(key, item);
  }
  into.restart ||= more.restart;
  into.rebuild ||= more.rebuild;
  for (const [i, hook] of more.exec) into.exec.set(i, hook);
  return into;
}

/** True when the work does nothing. */
export function isEmptyWork(work: ServiceWork): boolean {
  return work.sync.size === 0 && !work.restart && !work.rebuild && work.exec.size === 0;
}

/**
 * Whether the watcher can skip `path` altogether: no rule keeps it (for a directory: every
 * rule drops all it may hold). Paths outside every rule are the caller's (project files).
 */
export function watcherSkips(rules: CompiledRule[], path: string, isDir: boolean | undefined): boolean {
  let covered = false;
  for (const rule of rules) {
    const rel = relativeInside(rule.path, path);
    if (rel === undefined) {
      // An ancestor of a rule's path must be read to reach it.
      if (relativeInside(path, rule.path) !== undefined) return false;
      continue;
    }
    covered = true;
    if (rel === '') return false;
    if (isDir === true) {
      if (!prunesDirectory(rule.ignore, path)) return false;
    } else if (judgePath(rule, path, isDir).kind === 'kept') {
      return false;
    }
  }
  return covered;
}
