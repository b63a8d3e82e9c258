/**
 * What every normalisation step shares: the options, the issues found so far, and path
 * resolution (relative to the working directory, `~` to the home directory).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ComposeIssue } from '../model/errors.js';
import { pathToPointer } from './origins.js';

/** Options of `normalizeProject`. */
export interface NormalizeOptions {
  projectName: string;
  /** Absolute directory relative paths are resolved against (the project directory). */
  workingDir: string;
  /** Resolve relative paths (false for --no-path-resolution). Default true. */
  resolvePaths?: boolean;
  /** Home directory for `~`; defaults to the current user's. */
  homeDir?: string;
  /** Looks up variables for `environment: [FOO]` entries with no value; defaults to process.env. */
  lookup?: (name: string) => string | undefined;
}

/** A location in the compose document, as keys and indexes. */
export type DocPath = readonly (string | number)[];

/** Shared state of one normalisation run. */
export interface NormalizeContext {
  projectName: string;
  workingDir: string;
  resolvePaths: boolean;
  homeDir: string;
  lookup: (name: string) => string | undefined;
  issues: ComposeIssue[];
}

/** Fills in option defaults. */
export function createContext(options: NormalizeOptions): NormalizeContext {
  return {
    projectName: options.projectName,
    workingDir: options.workingDir,
    resolvePaths: options.resolvePaths ?? true,
    homeDir: options.homeDir ?? homedir(),
    lookup: options.lookup ?? ((name) => process.env[name]),
    issues: [],
  };
}

/** Records an error at `path`; normalisation goes on so that all problems are reported at once. */
export function addIssue(ctx: NormalizeContext, path: DocPath, message: string, hint?: string): void {
  const where = path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  ctx.issues.push({
    pointer: pathToPointer(path),
    message: `${where.slice(1)}: ${message}`,
    severity: 'error',
    ...(hint ? { hint } : {}),
  });
}

/** Runs `fn`, turning a thrown error into an issue at `path`; returns undefined then. */
export function attempt<T>(ctx: NormalizeContext, path: DocPath, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    addIssue(ctx, path, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** `~` and `~/x` → the home directory; other paths unchanged. */
export function expandHome(path: string, ctx: NormalizeContext): string {
  if (path === '~') return ctx.homeDir;
  if (path.startsWith('~/')) return join(ctx.homeDir, path.slice(2));
  return path;
}

/** A host path made absolute against the working directory (unless path resolution is off). */
export function absolutePath(path: string, ctx: NormalizeContext): string {
  if (!ctx.resolvePaths) return path;
  const expanded = expandHome(path, ctx);
  return isAbsolute(expanded) ? expanded : join(ctx.workingDir, expanded);
}

const REMOTE_PREFIXES = ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'];

/** A build context: local paths are made absolute; URLs, `type://` and `service:` references are kept. */
export function absoluteContextPath(path: string, ctx: NormalizeContext): string {
  if (path.includes('://') || path.startsWith('service:')) return path;
  if (REMOTE_PREFIXES.some((prefix) => path.startsWith(prefix))) return path;
  return absolutePath(path, ctx);
}
