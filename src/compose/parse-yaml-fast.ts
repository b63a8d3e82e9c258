/**
 * The fast path of YAML parsing: js-yaml (several times faster than `yaml` on a cold process)
 * builds the values; each value's origin records only its place in the document, and line and
 * column are found later, by the positioned parser, for the few values a message names.
 * Any error sends the text to the positioned parser, whose messages are better.
 */
import * as jsyaml from 'js-yaml';
import { CORE_SCHEMA, loadAll, Type } from 'js-yaml';
import type { Origin, Origins } from './origins.js';

/** A value written with `!reset` or `!override`. */
class Tagged {
  constructor(
    readonly tag: 'reset' | 'override',
    readonly value: unknown,
  ) {}
}

const tagTypes = (['reset', 'override'] as const).flatMap((tag) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    // An empty tagged node is '' (as the positioned parser reads it), whatever kind js-yaml picks.
    (kind) => new Type(`!${tag}`, { kind, construct: (data: unknown) => new Tagged(tag, data ?? '') }),
  ),
);

/** YAML 1.2 core schema, `<<` merge keys, and Compose's two tags. */
// The merge type is exported at run time but missing from @types/js-yaml.
const { merge } = (jsyaml as unknown as { types: { merge: Type } }).types;
const SCHEMA = CORE_SCHEMA.extend({ implicit: [merge], explicit: tagTypes });

export type FastParse = { documents: unknown[] } | { budgetExceeded: true } | undefined;

/**
 * Parses `source`; undefined when js-yaml reports an error (the caller then uses the positioned
 * parser). `maxNodes` bounds the values materialised once aliases are expanded.
 */
export function parseFast(source: string, file: string, origins: Origins, maxNodes: number): FastParse {
  let raw: unknown[];
  try {
    raw = loadAll(source, null, { schema: SCHEMA, filename: file });
  } catch {
    return undefined;
  }
  const memo = new WeakMap<object, number>();
  let total = 0;
  for (const doc of raw) {
    total += expandedSize(doc, memo);
    if (total > maxNodes) return { budgetExceeded: true };
  }
  const documents: unknown[] = [];
  raw.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const value = toValue(doc instanceof Tagged ? doc.value : doc, { file, doc: index }, origins);
    if (value !== null && typeof value === 'object') origins.setDocument(value, file);
    documents.push(value);
  });
  return { documents };
}

/** Values the document becomes once shared (aliased) parts are copied, counted once per object. */
function expandedSize(value: unknown, memo: WeakMap<object, number>): number {
  if (value === null || typeof value !== 'object') return 1;
  const known = memo.get(value);
  if (known !== undefined) return known;
  memo.set(value, Number.POSITIVE_INFINITY); // a cycle through aliases
  let size = 1;
  const inner = value instanceof Tagged ? [value.value] : Object.values(value);
  for (const child of inner) size += expandedSize(child, memo);
  memo.set(value, size);
  return size;
}

/** Fresh containers (js-yaml shares aliased objects; later passes edit values in place). */
function toValue(value: unknown, parent: Origin, origins: Origins): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(child(out, i, value[i], parent, origins));
    return out;
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value))
    out[key] = child(out, key, (value as Record<string, unknown>)[key], parent, origins);
  return out;
}

function child(
  container: object,
  key: string | number,
  value: unknown,
  parent: Origin,
  origins: Origins,
): unknown {
  const origin: Origin = { file: parent.file, doc: parent.doc ?? 0, key };
  if (parent.key !== undefined) origin.parent = parent;
  let inner = value;
  if (inner instanceof Tagged) {
    origin.tag = inner.tag;
    inner = inner.value;
  }
  origins.set(container, key, origin);
  return toValue(inner, origin, origins);
}
