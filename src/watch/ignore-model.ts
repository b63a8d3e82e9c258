/**
 * One ignore model for watch rules: layers of patterns (built-in, `.dockerignore`, `.gitignore`,
 * the rule's `ignore:`), each read the way its tool reads it (the last matching pattern of a
 * layer wins, `!` re-includes), and a path is dropped when any layer drops it. Every decision
 * names the pattern that made it, for `dev watch --explain`. Pure.
 */
import { compilePattern, type IgnorePattern, patternMatches, relativeInside } from './patterns.js';

/** Patterns read together, as one tool reads them. */
export interface IgnoreLayer {
  /** `built-in`, `.dockerignore`, `.gitignore`, `ignore:` — what --explain calls it. */
  name: string;
  /** git never re-includes a file whose directory is ignored; Docker's `!` can. */
  dialect: 'docker' | 'gitignore';
  patterns: IgnorePattern[];
}

/** A layer's verdict on one path. */
export interface LayerDecision {
  ignored: boolean;
  /** The last pattern that matched: the one that ignored it, or the `!` one that kept it. */
  by?: IgnorePattern;
}

/** The model's verdict: the first layer that drops the path, or kept (with a `!` that kept it, if any). */
export interface IgnoreDecision {
  ignored: boolean;
  layer?: string;
  by?: IgnorePattern;
}

/** Editors' temporary and backup files, and `.git`, as Docker Compose ignores them. */
export function builtInLayer(root: string): IgnoreLayer {
  const patterns = [
    '**/.git',
    '**/*___jb_old___',
    '**/*___jb_tmp___',
    '**/.idea/**',
    '**/.#*',
    '**/4913',
    '**/*~',
    '**/.*.swp',
    '**/.*.swx',
    '**/.*.swo',
    '**/.*.swn',
  ].map(
    (text) => compilePattern(text, { dialect: 'docker', base: root, source: 'built-in' }) as IgnorePattern,
  );
  return { name: 'built-in', dialect: 'docker', patterns };
}

/**
 * Docker's algorithm (patternmatcher.MatchesOrParentMatches: a pattern matching a parent
 * covers the path, and a later `!` can undo it), or git's (an ignored directory hides all
 * that is in it, whatever `!` says; otherwise the path's own last match decides).
 */
export function decideLayer(layer: IgnoreLayer, path: string, isDir: boolean | undefined): LayerDecision {
  if (layer.dialect === 'docker') return lastMatch(layer, path, isDir, true);
  for (let at = path.indexOf('/', 1); at > 0; at = path.indexOf('/', at + 1)) {
    const parent = lastMatch(layer, path.slice(0, at), true, false);
    if (parent.ignored) return parent;
  }
  return lastMatch(layer, path, isDir, false);
}

function lastMatch(
  layer: IgnoreLayer,
  path: string,
  isDir: boolean | undefined,
  parents: boolean,
): LayerDecision {
  let ignored = false;
  let by: IgnorePattern | undefined;
  for (const p of layer.patterns) {
    if (p.negate !== ignored) continue;
    const rel = relativeInside(p.base, path);
    if (rel === undefined) continue;
    const hit = parents ? patternMatches(p, rel, isDir) : directMatch(p, rel, isDir);
    if (!hit) continue;
    ignored = !p.negate;
    by = p;
  }
  return by ? { ignored, by } : { ignored };
}

function directMatch(p: IgnorePattern, rel: string, isDir: boolean | undefined): boolean {
  return rel !== '' && p.regex.test(rel) && (!p.dirOnly || isDir === true);
}

/** Dropped by the first layer that drops it; else kept. */
export function decideIgnore(
  layers: IgnoreLayer[],
  path: string,
  isDir: boolean | undefined,
): IgnoreDecision {
  let kept: IgnorePattern | undefined;
  for (const layer of layers) {
    const d = decideLayer(layer, path, isDir);
    if (d.ignored) return { ignored: true, layer: layer.name, ...(d.by ? { by: d.by } : {}) };
    if (d.by) kept = d.by;
  }
  return kept ? { ignored: false, by: kept } : { ignored: false };
}

/**
 * True when nothing under `dir` can be kept: some layer drops the directory and none of that
 * layer's `!` patterns could reach below it. The watcher then never reads the directory.
 */
export function prunesDirectory(layers: IgnoreLayer[], dir: string): boolean {
  for (const layer of layers) {
    if (!decideLayer(layer, dir, true).ignored) continue;
    if (layer.dialect === 'gitignore') return true;
    if (!layer.patterns.some((p) => p.negate && negationReaches(p, dir))) return true;
  }
  return false;
}

/** Whether a directory-only pattern could decide `path`: then it is worth knowing if it is a directory. */
export function dependsOnDirectory(layers: IgnoreLayer[], path: string): boolean {
  return layers.some((layer) =>
    layer.patterns.some((p) => {
      if (!p.dirOnly) return false;
      const rel = relativeInside(p.base, path);
      return rel !== undefined && rel !== '' && p.regex.test(rel);
    }),
  );
}

function negationReaches(p: IgnorePattern, dir: string): boolean {
  const rel = relativeInside(p.base, dir);
  // A nested .gitignore below the directory, or one elsewhere: only the first can reach in.
  if (rel === undefined) return relativeInside(dir, p.base) !== undefined;
  if (p.literalPrefix.startsWith('**') || p.literalPrefix === '') return true;
  return p.literalPrefix.startsWith(`${rel}/`) || `${rel}/`.startsWith(p.literalPrefix);
}
