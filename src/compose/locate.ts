/**
 * Finds where a value was written in the raw document, whichever syntax was used
 * (`depends_on: [db]` or `depends_on: {db: ...}`, `environment: [A=1]` or `{A: 1}`), so checks
 * and explanations made on the normalised project still point at a line.
 */
import type { ComposeIssue } from '../model/errors.js';
import { type Origin, type Origins, pathToPointer } from './origins.js';

type Located = Pick<ComposeIssue, 'pointer' | 'position' | 'file'>;

export interface FoundOrigin {
  origin: Origin;
  /** The raw path the origin belongs to (shorter than asked when only an ancestor was found). */
  path: (string | number)[];
  exact: boolean;
}

/**
 * The origin of the value at `path` (normalised names allowed: a name segment matches a list
 * entry `name`, `name=…` or `name:…`), or of its nearest ancestor that has one.
 */
export function findOrigin(raw: unknown, origins: Origins, path: readonly string[]): FoundOrigin | undefined {
  let node: unknown = raw;
  let best: FoundOrigin | undefined;
  const walked: (string | number)[] = [];
  for (const seg of path) {
    if (node === null || typeof node !== 'object') break;
    let key: string | number | undefined;
    if (Array.isArray(node)) {
      key = /^\d+$/.test(seg)
        ? Number(seg)
        : node.findIndex(
            (v) => typeof v === 'string' && (v === seg || v.startsWith(`${seg}=`) || v.startsWith(`${seg}:`)),
          );
      if (key === -1) break;
    } else if (seg in node) key = seg;
    if (key === undefined) break;
    walked.push(key);
    const origin = origins.get(node, key);
    if (origin) best = { origin, path: [...walked], exact: false };
    node = (node as Record<string | number, unknown>)[key];
  }
  if (best) best.exact = best.path.length === path.length;
  return best;
}

/** Position of entry `name` under `path` (or of `path` itself when the entry is not found), for issues. */
export function locate(raw: unknown, origins: Origins, path: string[], name?: string): Located {
  const wanted = name === undefined ? path : [...path, name];
  const found = findOrigin(raw, origins, wanted);
  if (!found) {
    const doc = raw !== null && typeof raw === 'object' ? origins.find(raw, []) : undefined;
    const o = doc?.origin;
    return o
      ? { pointer: pathToPointer(wanted), position: origins.sourcePosition(o) }
      : { pointer: pathToPointer(wanted) };
  }
  const o = found.origin;
  const at = origins.positionOf(o);
  // An entry reported by name points at its key when it has one.
  const useKey = found.exact && at.keyLine !== undefined;
  const position = {
    file: o.file,
    line: useKey ? (at.keyLine as number) : at.line,
    column: useKey ? (at.keyColumn ?? at.column) : at.column,
  };
  return { pointer: pathToPointer(found.path), position };
}
