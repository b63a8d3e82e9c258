/**
 * A small YAML writer for the laid-out project (Maps, arrays, scalars), several times faster on
 * a cold process than the `yaml` package. It writes what that package writes with
 * `lineWidth: 0`; values it does not handle the same way (multi-line strings, control
 * characters, document markers) make it give up, and the caller uses the `yaml` package.
 */

/** A string that must be double-quoted (YAML 1.1 readers would take it for something else). */
export class Quoted {
  constructor(readonly value: string) {}
}

/** Thrown for values this writer leaves to the `yaml` package. */
export class NeedsFullWriter extends Error {}

/** YAML text of `value`, or throws NeedsFullWriter. */
export function emitYaml(value: unknown): string {
  const out: string[] = [];
  if (isCollection(value) && !isEmpty(value)) writeBlock(value, '', out);
  else out.push(`${scalar(value)}\n`);
  return out.join('');
}

type Collection = Map<unknown, unknown> | unknown[];

const isCollection = (v: unknown): v is Collection => v instanceof Map || Array.isArray(v);
const isEmpty = (v: Collection): boolean => (v instanceof Map ? v.size === 0 : v.length === 0);

/** A non-empty collection, each line starting with `indent` (the first one is written by the caller). */
function writeBlock(value: Collection, indent: string, out: string[], firstLineDone = false): void {
  let first = firstLineDone;
  const lead = () => {
    const s = first ? '' : indent;
    first = false;
    return s;
  };
  if (value instanceof Map) {
    for (const [k, v] of value) {
      // The `yaml` package writes keys over 1024 characters in the explicit `? key` form.
      if (typeof k === 'string' && k.length > 1024) throw new NeedsFullWriter();
      const key = scalar(k);
      if (isCollection(v) && !isEmpty(v)) {
        out.push(`${lead()}${key}:\n`);
        writeBlock(v, `${indent}  `, out);
      } else {
        out.push(`${lead()}${key}: ${scalar(v)}\n`);
      }
    }
    return;
  }
  for (const item of value) {
    if (isCollection(item) && !isEmpty(item)) {
      out.push(`${lead()}- `);
      writeBlock(item, `${indent}  `, out, true);
    } else {
      out.push(`${lead()}- ${scalar(item)}\n`);
    }
  }
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Quoted) return doubleQuoted(value.value);
  if (value instanceof Map) return '{}';
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return string(value);
  throw new NeedsFullWriter();
}

function number(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n < 0 ? '-.inf' : '.inf';
  return Object.is(n, -0) ? '-0' : String(n);
}

// What needs quotes or a block scalar: indicators at the start, `: ` and ` #` inside,
// white space or `:` at the end, newlines and control characters anywhere.
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[ \t]#|[\t :]$/;
const UNSUPPORTED = /[\n\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\uD800-\uDFFF]|^(%|---|\.\.\.)/u;
// Strings a YAML 1.2 core reader would not read back as strings.
const CORE_NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function string(s: string): string {
  if (UNSUPPORTED.test(s)) throw new NeedsFullWriter();
  if (s === '' || NOT_PLAIN.test(s) || CORE_NON_STRING.test(s)) return doubleQuoted(s);
  return s;
}

function doubleQuoted(s: string): string {
  if (UNSUPPORTED.test(s)) throw new NeedsFullWriter();
  return JSON.stringify(s);
}
