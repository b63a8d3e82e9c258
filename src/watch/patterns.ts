/**
 * Ignore patterns of the two dialects a watch meets, compiled to one form: `.dockerignore`
 * and a rule's `ignore:`/`include:` (Docker's: anchored at their root, `**` for any depth),
 * and `.gitignore` (a pattern without a slash matches at any depth; a trailing slash means
 * directories only). Pure: the files are read elsewhere.
 */
import { posix } from 'node:path';

/** One compiled pattern, with where it was written (for `dev watch --explain`). */
export interface IgnorePattern {
  /** The pattern as written (negation included). */
  text: string;
  /** `.gitignore`, `compose.yaml develop.watch[0].ignore`, … as the user would name it. */
  source: string;
  /** 1-based line in `source`, for files. */
  line?: number;
  /** Absolute directory the pattern is relative to. */
  base: string;
  negate: boolean;
  /** Matches directories only (gitignore's trailing `/`). */
  dirOnly: boolean;
  regex: RegExp;
  /** The literal leading part, before any wildcard: decides whether a negation can reach into a directory. */
  literalPrefix: string;
}

export type PatternDialect = 'docker' | 'gitignore';

export interface PatternOrigin {
  dialect: PatternDialect;
  base: string;
  source: string;
  line?: number;
}

/** Compiles one line; undefined for blank lines and comments. */
export function compilePattern(line: string, origin: PatternOrigin): IgnorePattern | undefined {
  return origin.dialect === 'gitignore' ? compileGitignore(line, origin) : compileDocker(line, origin);
}

/** Compiles every line of an ignore file's text, numbering them. */
export function compilePatternFile(text: string, origin: Omit<PatternOrigin, 'line'>): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const p = compilePattern(line, { ...origin, line: i + 1 });
    if (p) out.push(p);
  }
  return out;
}

/** Docker's reading (moby/patternmatcher ignorefile): trimmed, cleaned, leading `/` dropped. */
function compileDocker(line: string, origin: PatternOrigin): IgnorePattern | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const negate = text.startsWith('!');
  let body = negate ? text.slice(1).trim() : text;
  if (body === '') return undefined;
  body = posix.normalize(body).replace(/\/+$/, '');
  if (body.length > 1 && body.startsWith('/')) body = body.slice(1);
  if (body === '.' || body === '') body = '**';
  return build(text, body, negate, false, origin);
}

function compileGitignore(line: string, origin: PatternOrigin): IgnorePattern | undefined {
  // Trailing spaces are dropped unless escaped; `\#` and `\!` start literal patterns.
  let body = line.replace(/(?<!\\)\s+$/, '');
  if (body === '' || body.startsWith('#')) return undefined;
  const negate = body.startsWith('!');
  if (negate) body = body.slice(1);
  if (body.startsWith('\\#') || body.startsWith('\\!')) body = body.slice(1);
  const dirOnly = body.endsWith('/');
  body = body.replace(/\/+$/, '');
  if (body === '') return undefined;
  // A slash at the start or in the middle anchors the pattern to the file's directory.
  const anchored = body.includes('/');
  body = body.replace(/^\/+/, '');
  if (!anchored && !body.startsWith('**')) body = `**/${body}`;
  return build(line.trim(), body, negate, dirOnly, origin);
}

function build(
  text: string,
  glob: string,
  negate: boolean,
  dirOnly: boolean,
  origin: PatternOrigin,
): IgnorePattern {
  return {
    text,
    source: origin.source,
    ...(origin.line !== undefined ? { line: origin.line } : {}),
    base: origin.base,
    negate,
    dirOnly,
    regex: new RegExp(globToRegex(glob)),
    literalPrefix: literalPrefix(glob),
  };
}

/** `*` within a segment, `**` across segments (`a/**` is everything under a), `?`, `[...]`, `\x`. */
export function globToRegex(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let inner = glob.slice(i + 1, end);
      if (inner.startsWith('!') || inner.startsWith('^')) inner = `^${inner.slice(1)}`;
      re += `[${inner.replace(/\\(?!\])/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) {
      i++;
      re += escapeRegex(glob[i] as string);
    } else {
      re += escapeRegex(c);
    }
  }
  return `^${re}$`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function literalPrefix(glob: string): string {
  const at = glob.search(/[*?[\\]/);
  return at < 0 ? glob : glob.slice(0, at);
}

/** Whether `pattern` matches `rel` (relative to its base, `/`-separated) or one of rel's parent directories. */
export function patternMatches(pattern: IgnorePattern, rel: string, isDir: boolean | undefined): boolean {
  if (rel === '') return false;
  if (pattern.regex.test(rel) && (!pattern.dirOnly || isDir === true)) return true;
  // A pattern that matches a parent directory covers everything in it.
  let at = rel.indexOf('/');
  while (at > 0) {
    if (pattern.regex.test(rel.slice(0, at))) return true;
    at = rel.indexOf('/', at + 1);
  }
  return false;
}

/** `path` relative to `base` (both absolute), or undefined when it is not inside. */
export function relativeInside(base: string, path: string): string | undefined {
  if (path === base) return '';
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}
