/**
 * Conversions of compose's flexible value forms to one canonical form: list-or-dict mappings,
 * string-or-list lists, environment entries, extra hosts, sizes and durations.
 */
import type { Mapping } from '../model/project.js';
import { parseByteSize } from './byte-size.js';
import { normalizeDuration } from './duration.js';
import { addIssue, attempt, type DocPath, type NormalizeContext } from './normalize-context.js';

/** A plain object (a YAML mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as compose prints it in a string field (`42`, `true`, `1.5`); null → ''. */
export function scalarString(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** A string or a list of scalars → list of strings (`dns: 8.8.8.8` → `['8.8.8.8']`). */
export function toStringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(scalarString);
  return [scalarString(value)];
}

/** `KEY=VALUE` → [KEY, VALUE]; `KEY` → [KEY, undefined]. The first `=` separates. */
function splitEntry(entry: string): [string, string | undefined] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, undefined] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** A list-or-dict of labels, options or sysctls → mapping; a key without value maps to ''. */
export function toMapping(value: unknown): Mapping {
  const out: Mapping = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const [key, val] = splitEntry(scalarString(entry));
      out[key] = val ?? '';
    }
  } else if (isRecord(value)) {
    for (const [key, val] of Object.entries(value)) out[key] = scalarString(val);
  }
  return out;
}

/**
 * A list-or-dict of variables → mapping. Entries without a value (`- FOO`, `FOO:`) take the
 * value `lookup` gives; when it gives none they are null (environment) or dropped (build args).
 */
export function toVariables(
  value: unknown,
  lookup: (name: string) => string | undefined,
  unresolved: 'null' | 'drop',
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const put = (key: string, val: string | undefined): void => {
    const resolved = val ?? lookup(key);
    if (resolved !== undefined) out[key] = resolved;
    else if (unresolved === 'null') out[key] = null;
  };
  if (Array.isArray(value)) {
    for (const entry of value) put(...splitEntry(scalarString(entry)));
  } else if (isRecord(value)) {
    for (const [key, val] of Object.entries(value)) put(key, val === null ? undefined : scalarString(val));
  }
  return out;
}

/**
 * `extra_hosts` (list of `host=ip` / `host:ip`, or mapping host → ip or ips) → sorted `host=ip`
 * list. `=` is the separator compose prints (since v2.24.1), because `host:::1` is hard to read;
 * brackets around IPv6 addresses are dropped and `host=ip1,ip2` gives one entry per address.
 */
export function toExtraHosts(value: unknown, ctx: NormalizeContext, path: DocPath): string[] {
  const pairs: [string, string][] = [];
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const text = scalarString(entry);
      const eq = text.indexOf('=');
      const sep = eq >= 0 ? eq : text.indexOf(':');
      if (sep < 0) {
        addIssue(ctx, [...path, i], `invalid additional host, missing IP: ${text}`);
        return;
      }
      for (const ip of text.slice(sep + 1).split(',')) pairs.push([text.slice(0, sep), ip]);
    });
  } else if (isRecord(value)) {
    for (const [host, ips] of Object.entries(value)) {
      for (const ip of Array.isArray(ips) ? ips : [ips]) pairs.push([host, scalarString(ip)]);
    }
  }
  const out: string[] = [];
  for (const [host, ip] of pairs) {
    if (host === '' || /[:=]/.test(host)) {
      addIssue(ctx, path, `bad host name '${host}'`);
      continue;
    }
    const bare = ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
    out.push(`${host}=${bare}`);
  }
  return out.sort();
}

/** A byte size → bytes; records an issue and returns undefined when invalid. */
export function toBytes(value: unknown, ctx: NormalizeContext, path: DocPath): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    addIssue(ctx, path, `invalid size: ${JSON.stringify(value)}`);
    return undefined;
  }
  return attempt(ctx, path, () => parseByteSize(value));
}

/** A duration → Go's printed form (`90s` → `1m30s`); records an issue when invalid. */
export function toDuration(value: unknown, ctx: NormalizeContext, path: DocPath): string | undefined {
  return attempt(ctx, path, () => normalizeDuration(scalarString(value)));
}

/** A number written as a number or numeric string; records an issue otherwise. */
export function toNumber(value: unknown, ctx: NormalizeContext, path: DocPath): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (Number.isFinite(n) && !(typeof value === 'string' && value.trim() === '')) return n;
  addIssue(ctx, path, `${JSON.stringify(value)} is not a number`);
  return undefined;
}

/** A file mode: numbers as written, strings read as octal (`"0440"` → 288), as compose does. */
export function toFileMode(value: unknown, ctx: NormalizeContext, path: DocPath): number | undefined {
  if (typeof value === 'number') return value;
  const text = scalarString(value).trim().replace(/^0o/i, '');
  if (/^[0-7]+$/.test(text)) return Number.parseInt(text, 8);
  addIssue(ctx, path, `invalid file mode ${JSON.stringify(value)}`);
  return undefined;
}

/** Copies `x-*` keys of `from` onto `to`. */
export function copyExtensions(from: Record<string, unknown>, to: object): void {
  const target = to as Record<string, unknown>;
  for (const [key, value] of Object.entries(from))
    if (key.startsWith('x-')) target[key] = structuredClone(value);
}

/** Deep copy of a plain YAML value, so the project never aliases the input document. */
export function cloneValue<T>(value: T): T {
  return structuredClone(value);
}
