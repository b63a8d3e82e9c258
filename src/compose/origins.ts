/**
 * Where each value of a loaded compose document came from. Values stay plain JS (what ajv,
 * merge and normalize want); origins live beside them, keyed by (container object, key), so
 * they survive in-place interpolation and are carried over explicitly by merge.
 */

/** A variable substituted into a value, and who supplied it. */
export interface VariableUse {
  name: string;
  /** `shell`: the process environment; `env-file`: a `.env`/`--env-file` (see `file`); `default`: the template's own default; `unset`: empty. */
  source: 'shell' | 'env-file' | 'default' | 'unset';
  file?: string;
}

/** A line and column (1-based) of a value, and of its key for mapping entries. */
export interface Position {
  line: number;
  column: number;
  keyLine?: number;
  keyColumn?: number;
}

/**
 * Where one value was written. The fast parser records only the value's place in its document
 * (`doc`, `parent`, `key`); line and column are worked out when asked for, by
 * `Origins.positionOf`, which is only needed for messages and explanations.
 */
export interface Origin extends Partial<Position> {
  file: string;
  /** Index of the YAML document in the file (files may hold several). */
  doc?: number;
  /** The origin of the container holding this value (absent at a document's top level). */
  parent?: Origin;
  /** This value's key in its container. */
  key?: string | number;
  /** A `!reset` or `!override` YAML tag on the value. */
  tag?: 'reset' | 'override';
  /** Variables interpolated into this value. */
  variables?: VariableUse[];
  /** How the value reached its service: `extends: base (compose.yaml)`, `include: ./db/compose.yaml`. */
  via?: string;
  /** The value this one replaced when files were merged. */
  previous?: Origin;
}

type Key = string | number;

/** Finds the position of the value at `path` of document `doc` of a file. */
export type PositionResolver = (doc: number, path: Key[]) => Position | undefined;

/** Origins of the values held by container objects (mappings and sequences). */
export class Origins {
  private readonly byContainer = new WeakMap<object, Map<Key, Origin>>();
  private readonly documents = new WeakMap<object, string>();
  private readonly resolvers = new Map<string, PositionResolver>();
  private readonly resolved = new WeakMap<Origin, Position>();

  /** Registers how positions of `file` are found for origins that carry only a path. */
  setResolver(file: string, resolver: PositionResolver): void {
    this.resolvers.set(file, resolver);
  }

  /** file:line:column of the value, for issues. */
  sourcePosition(origin: Origin): { file: string; line: number; column: number } {
    const { line, column } = this.positionOf(origin);
    return { file: origin.file, line, column };
  }

  /** Line and column of the value (and of its key); 1:1 when they cannot be found. */
  positionOf(origin: Origin): Position {
    if (origin.line !== undefined) {
      const p: Position = { line: origin.line, column: origin.column ?? 1 };
      if (origin.keyLine !== undefined) {
        p.keyLine = origin.keyLine;
        p.keyColumn = origin.keyColumn ?? 1;
      }
      return p;
    }
    const known = this.resolved.get(origin);
    if (known) return known;
    const path: Key[] = [];
    for (let o: Origin | undefined = origin; o && o.key !== undefined; o = o.parent) path.unshift(o.key);
    const found = this.resolvers.get(origin.file)?.(origin.doc ?? 0, path) ?? { line: 1, column: 1 };
    this.resolved.set(origin, found);
    return found;
  }

  /** Marks `root` as the top of a document read from `file` (the fallback origin of everything in it). */
  setDocument(root: object, file: string): void {
    this.documents.set(root, file);
  }

  documentFile(root: object): string | undefined {
    return this.documents.get(root);
  }

  get(container: object, key: Key): Origin | undefined {
    return this.byContainer.get(container)?.get(key);
  }

  set(container: object, key: Key, origin: Origin): void {
    let entries = this.byContainer.get(container);
    if (!entries) {
      entries = new Map();
      this.byContainer.set(container, entries);
    }
    entries.set(key, origin);
  }

  delete(container: object, key: Key): void {
    this.byContainer.get(container)?.delete(key);
  }

  /** Copies the origin of `src[srcKey]` to `dst[dstKey]`; `replaced` becomes its `previous`. */
  copy(dst: object, dstKey: Key, src: object, srcKey: Key, replaced?: Origin): void {
    const origin = this.get(src, srcKey);
    if (!origin) return;
    this.set(dst, dstKey, replaced && replaced !== origin ? { ...origin, previous: replaced } : origin);
  }

  /** Adds `via` to the origins of every value under `value` that has none yet (extends, include). */
  markVia(value: unknown, via: string): void {
    if (value === null || typeof value !== 'object') return;
    const entries = this.byContainer.get(value);
    if (entries) for (const [k, o] of entries) if (!o.via) entries.set(k, { ...o, via });
    for (const child of Object.values(value)) this.markVia(child, via);
  }

  /**
   * The origin of the value at `path` under `root`, or of its nearest ancestor that has one
   * (then `exact` is false): errors about missing keys point at the mapping that lacks them.
   */
  find(root: unknown, path: readonly Key[]): { origin: Origin; exact: boolean } | undefined {
    let best: Origin | undefined;
    let node: unknown = root;
    let depth = 0;
    for (const key of path) {
      if (node === null || typeof node !== 'object') break;
      const origin = this.get(node, key);
      if (origin) best = origin;
      node = (node as Record<Key, unknown>)[key];
      depth++;
    }
    if (!best) {
      const file = root !== null && typeof root === 'object' ? this.documents.get(root) : undefined;
      return file ? { origin: { file, line: 1, column: 1 }, exact: false } : undefined;
    }
    return { origin: best, exact: depth === path.length && best === this.lastOrigin(root, path) };
  }

  private lastOrigin(root: unknown, path: readonly Key[]): Origin | undefined {
    let node: unknown = root;
    for (let i = 0; i < path.length - 1; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<Key, unknown>)[path[i] as Key];
    }
    const last = path[path.length - 1];
    return node !== null && typeof node === 'object' && last !== undefined ? this.get(node, last) : undefined;
  }
}

/** A deep copy of a plain value whose containers carry the same origins as the original's. */
export function cloneWithOrigins<T>(value: T, origins: Origins): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => cloneWithOrigins(v, origins));
    for (let i = 0; i < value.length; i++) origins.copy(out, i, value, i);
    return out as T;
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) {
    out[k] = cloneWithOrigins(v, origins);
    origins.copy(out, k, value, k);
  }
  const file = origins.documentFile(value);
  if (file) origins.setDocument(out, file);
  return out as T;
}

/** `/a/b~1c` ⇄ `['a', 'b/c']` (RFC 6901). */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pathToPointer(path: readonly Key[]): string {
  return path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
