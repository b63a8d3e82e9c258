/**
 * YAML text → plain JS values with origins. YAML 1.2 (anchors, aliases, `<<` merge keys,
 * `!reset`/`!override` tags kept in origins). Untrusted input is bounded: file size, alias
 * expansion, binary content; every failure becomes a ComposeIssue with file:line:column.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
  type YAMLMap,
} from 'yaml';
import type { ComposeIssue } from '../model/errors.js';
import { type Origin, Origins, type PositionResolver } from './origins.js';
import { parseFast } from './parse-yaml-fast.js';

/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Values materialised from one file, aliases expanded: bounds "billion laughs" documents. */
export const MAX_NODES = 1_000_000;

export interface ParsedYaml {
  /** One value per YAML document in the file (usually one). */
  documents: unknown[];
  issues: ComposeIssue[];
}

const MERGE_KEY = '<<';

class BudgetExceeded extends Error {}

interface WalkContext {
  doc: Document.Parsed;
  file: string;
  lc: LineCounter;
  origins: Origins;
  budget: number;
  issues: ComposeIssue[];
  /** Anchors being expanded, to refuse recursive aliases. */
  expanding: Set<Node>;
  /** Anchor name → node, or null when the name is defined twice (then the library resolves it). */
  anchors: Map<string, Node | null>;
}

/** Parses compose YAML text read from `file`. Never throws for bad input. */
export function parseComposeYaml(text: string, file: string, origins: Origins): ParsedYaml {
  const early = checkText(text, file);
  if (early) return { documents: [], issues: [early] };
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fast = parseFast(source, file, origins, MAX_NODES);
  if (fast && 'budgetExceeded' in fast) return { documents: [], issues: [budgetIssue(file)] };
  if (fast && fast.documents.length > 0) {
    origins.setResolver(file, positionsLater(source, file));
    return { documents: fast.documents, issues: [] };
  }
  return parsePositioned(source, file, origins);
}

/** Resolves positions of fast-parsed values by parsing the text again, with positions, on first need. */
function positionsLater(source: string, file: string): PositionResolver {
  let parsed: { byIndex: unknown[]; origins: Origins } | undefined;
  return (doc, path) => {
    if (!parsed) {
      const own = new Origins();
      parsed = { byIndex: parsePositioned(source, file, own).byIndex, origins: own };
    }
    const found = parsed.origins.find(parsed.byIndex[doc], path);
    return found ? parsed.origins.positionOf(found.origin) : undefined;
  };
}

function budgetIssue(file: string): ComposeIssue {
  return {
    severity: 'error',
    file,
    pointer: '',
    message: `YAML aliases expand to more than ${MAX_NODES.toLocaleString('en')} values`,
    hint: 'the file nests aliases of aliases (a "billion laughs" document); expand fewer levels',
  };
}

/**
 * The positioned parser (the `yaml` package's AST): slower, but every value gets its line and
 * column, and errors are reported with good messages. `byIndex` holds each YAML document by
 * its index in the file (null for empty ones).
 */
export function parsePositioned(
  source: string,
  file: string,
  origins: Origins,
): ParsedYaml & { byIndex: unknown[] } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(source, {
    lineCounter: lc,
    merge: true,
    version: '1.2',
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  const issues: ComposeIssue[] = [];
  for (const doc of list) {
    for (const e of doc.errors) {
      const at = lc.linePos(e.pos[0]);
      issues.push({
        severity: 'error',
        position: { file, line: at.line, column: at.col },
        pointer: '',
        message: `invalid YAML: ${firstLine(e.message)}`,
        hint: yamlHint(e.code),
      });
    }
  }
  if (issues.length > 0) return { documents: [], issues, byIndex: [] };

  const documents: unknown[] = [];
  const byIndex: unknown[] = [];
  const ctx: WalkContext = {
    doc: list[0] as Document.Parsed,
    file,
    lc,
    origins,
    budget: MAX_NODES,
    issues,
    expanding: new Set(),
    anchors: new Map(),
  };
  for (const doc of list) {
    if (doc.contents === null) {
      byIndex.push(null);
      continue;
    }
    ctx.doc = doc;
    // Most files have no anchors: skip the walks that only aliases need.
    const hasAliases = source.includes('*');
    ctx.anchors = hasAliases ? collectAnchors(doc) : new Map();
    try {
      if (hasAliases && expandedSize(doc.contents as Node, ctx, new Map()) > MAX_NODES)
        throw new BudgetExceeded();
      const value = toValue(doc.contents as Node, ctx);
      if (value !== null && typeof value === 'object') origins.setDocument(value, file);
      documents.push(value);
      byIndex.push(value);
    } catch (e) {
      if (e instanceof BudgetExceeded) return { documents: [], issues: [budgetIssue(file)], byIndex: [] };
      if (e instanceof RangeError) {
        const issue: ComposeIssue = {
          severity: 'error',
          file,
          pointer: '',
          message: 'YAML nested too deeply',
          hint: 'flatten the document',
        };
        return { documents: [], issues: [issue], byIndex: [] };
      }
      throw e;
    }
  }
  if (documents.length === 0) {
    issues.push({
      severity: 'error',
      file,
      pointer: '',
      message: 'empty compose file',
      hint: 'a compose file needs at least a `services:` mapping',
    });
  }
  return { documents, issues, byIndex };
}

function checkText(text: string, file: string): ComposeIssue | undefined {
  const issue = (message: string, hint: string): ComposeIssue => ({
    severity: 'error',
    file,
    pointer: '',
    message,
    hint,
  });
  if (text.length > MAX_FILE_BYTES) {
    return issue(
      `file is ${(text.length / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit`,
      'is this really a compose file? split it or pass the right file with -f',
    );
  }
  if (text.includes('\u0000')) {
    return issue('not a text file (it holds NUL bytes)', 'pass a YAML compose file with -f');
  }
  if (/^\s*<(!doctype html|html|\?xml)/i.test(text.replace(/^\ufeff/, ''))) {
    return issue(
      'this is an HTML/XML page, not YAML',
      'it was probably saved from a web page; download the raw file instead',
    );
  }
  return undefined;
}

/** Alias.resolve() searches the whole document each time; a map makes expansion linear. */
function collectAnchors(doc: Document.Parsed): Map<string, Node | null> {
  const anchors = new Map<string, Node | null>();
  visit(doc, (_key, node) => {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && (isScalar(node) || isMap(node) || isSeq(node))) {
      anchors.set(anchor, anchors.has(anchor) ? null : (node as Node));
    }
  });
  return anchors;
}

/** Values the node becomes once aliases are expanded, memoised so it costs one pass. */
function expandedSize(node: Node | null, ctx: WalkContext, memo: Map<Node, number>): number {
  if (node === null) return 1;
  const known = memo.get(node);
  if (known !== undefined) return known;
  memo.set(node, Number.POSITIVE_INFINITY); // a node reached again while counting itself: recursive alias
  let size = 1;
  if (isAlias(node)) {
    const target = ctx.anchors.get(node.source) ?? (node.resolve(ctx.doc) as Node | undefined);
    size = target ? expandedSize(target, ctx, memo) : 1;
  } else if (isSeq(node)) {
    for (const item of node.items) size += expandedSize(item as Node | null, ctx, memo);
  } else if (isMap(node)) {
    for (const pair of node.items as Pair<Node | null, Node | null>[])
      size += 1 + expandedSize(pair.value, ctx, memo);
  }
  memo.set(node, size);
  return size;
}

function toValue(node: Node | null, ctx: WalkContext): unknown {
  if (--ctx.budget < 0) throw new BudgetExceeded();
  if (node === null) return null;
  if (isAlias(node)) {
    const known = ctx.anchors.get(node.source);
    const target = known ?? (node.resolve(ctx.doc) as Node | undefined);
    if (!target || ctx.expanding.has(target)) return null;
    ctx.expanding.add(target);
    try {
      // A fresh copy per alias: later passes change values in place.
      return toValue(target, ctx);
    } finally {
      ctx.expanding.delete(target);
    }
  }
  if (isScalar(node)) return node.value === undefined ? null : node.value;
  if (isSeq(node)) {
    const out: unknown[] = [];
    for (const item of node.items) {
      const child = item as Node | null;
      out.push(toValue(child, ctx));
      if (child) ctx.origins.set(out, out.length - 1, originOf(child, undefined, ctx));
    }
    return out;
  }
  if (isMap(node)) return mapToValue(node as YAMLMap<unknown, unknown>, ctx);
  return null;
}

function mapToValue(node: YAMLMap<unknown, unknown>, ctx: WalkContext): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  const seen = new Map<string, number>();
  // Keys brought by `<<` stand where the `<<` is (as js-yaml places them); a key written
  // later in the mapping replaces the merged value, in place.
  const merged = new Set<string>();
  for (const pair of node.items as Pair<Node | null, Node | null>[]) {
    const keyNode = pair.key;
    if (isScalar(keyNode) && (keyNode.value === MERGE_KEY || typeof keyNode.value === 'symbol')) {
      if (pair.value) mergeInto(out, merged, pair.value, ctx);
      continue;
    }
    const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      addIssue(ctx, keyNode ?? node, 'mapping keys must be plain scalars', 'quote the key');
      continue;
    }
    const keyLine = keyNode ? ctx.lc.linePos(keyNode.range?.[0] ?? 0).line : 0;
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      addIssue(
        ctx,
        keyNode ?? node,
        `mapping key "${key}" already defined at line ${firstLine}`,
        'remove one of the two',
      );
      continue;
    }
    seen.set(key, keyLine);
    merged.delete(key);
    out[key] = toValue(pair.value, ctx);
    ctx.origins.set(out, key, originOf(pair.value ?? keyNode ?? node, keyNode ?? undefined, ctx));
  }
  return out;
}

/** `<<: *a` or `<<: [*a, *b]`: adds keys not present yet; earlier sources win. */
function mergeInto(out: Record<string, unknown>, merged: Set<string>, m: Node, ctx: WalkContext): void {
  const sources = isSeq(m) ? (m.items as Node[]) : [m];
  for (const s of sources) {
    const value = toValue(s, ctx);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      addIssue(
        ctx,
        s,
        'a `<<` merge key takes a mapping or a list of mappings',
        'point it at an anchored mapping',
      );
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(out, k)) continue;
      out[k] = v;
      merged.add(k);
      ctx.origins.copy(out, k, value, k);
    }
  }
}

function originOf(node: Node, keyNode: Node | undefined, ctx: WalkContext): Origin {
  const at = ctx.lc.linePos(node.range?.[0] ?? 0);
  const origin: Origin = { file: ctx.file, line: at.line, column: at.col };
  if (keyNode?.range) {
    const k = ctx.lc.linePos(keyNode.range[0]);
    origin.keyLine = k.line;
    origin.keyColumn = k.col;
  }
  const tag = node.tag;
  if (tag === '!reset') origin.tag = 'reset';
  else if (tag === '!override') origin.tag = 'override';
  return origin;
}

function addIssue(ctx: WalkContext, node: Node, message: string, hint: string): void {
  const at = ctx.lc.linePos(node.range?.[0] ?? 0);
  ctx.issues.push({
    severity: 'error',
    position: { file: ctx.file, line: at.line, column: at.col },
    pointer: '',
    message,
    hint,
  });
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? s;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'YAML indents with spaces, never tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation of this line against the lines above';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a `key: value` line is probably missing its colon or a quote';
    default:
      return undefined;
  }
}
