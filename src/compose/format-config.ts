/**
 * Prints a Project the way `docker compose config` does: compose's key order (see
 * config-shape.ts), free-form mappings sorted, byte sizes as strings, `x-*` keys last, no
 * document marker, long strings never folded.
 */
import { Scalar, stringify } from 'yaml';
import type { Project } from '../model/project.js';
import { PROJECT_SHAPE, type Shape } from './config-shape.js';
import { emitYaml, NeedsFullWriter, Quoted } from './emit-yaml.js';

/** The project as `docker compose config` prints it: YAML with compose's key order (name, services, networks, volumes, secrets, configs, then x-*; service keys in compose's order), no document marker. */
export function formatConfigYaml(project: Project): string {
  const tree = configYamlTree(project);
  try {
    return emitYaml(tree);
  } catch (e) {
    if (!(e instanceof NeedsFullWriter)) throw e;
    return stringifyWithYamlPackage(tree);
  }
}

/** The project laid out for YAML: Maps in print order, strings YAML 1.1 would misread wrapped in Quoted. */
export function configYamlTree(project: Project): unknown {
  return layout(projectValue(project), PROJECT_SHAPE, compareYamlKeys, quoteForOldYaml);
}

/** The same text through the `yaml` package, for values the small writer leaves to it. */
export function stringifyWithYamlPackage(tree: unknown): string {
  return stringify(toYamlNodes(tree), { lineWidth: 0, minContentWidth: 0, singleQuote: false });
}

function toYamlNodes(value: unknown): unknown {
  if (value instanceof Quoted) {
    const node = new Scalar(value.value);
    node.type = Scalar.QUOTE_DOUBLE;
    return node;
  }
  if (Array.isArray(value)) return value.map(toYamlNodes);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [toYamlNodes(k), toYamlNodes(v)]));
  return value;
}

/** The project as `docker compose config --format json` prints it: top-level keys sorted, 2-space indent. */
export function formatConfigJson(project: Project): string {
  const tree = layout(projectValue(project), PROJECT_SHAPE, compareJsonKeys, (s) => s);
  // compose's JSON is a map at the top level, so its keys come out sorted.
  const sorted = new Map([...(tree as Map<string, unknown>)].sort(([a], [b]) => compareJsonKeys(a, b)));
  return `${writeJson(sorted, '')}\n`;
}

/** Project fields as printed: no working directory, empty sections left out, extensions last. */
function projectValue(project: Project): Record<string, unknown> {
  const value: Record<string, unknown> = { name: project.name, services: project.services };
  for (const key of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) {
    const section = project[key];
    if (section && Object.keys(section).length > 0) value[key] = section;
  }
  return Object.assign(value, project.extensions);
}

type Compare = (a: string, b: string) => number;

/** Rebuilds `value` as Maps in print order; `quote` may wrap strings in a forced-quote node. */
function layout(
  value: unknown,
  shape: Shape | undefined,
  compare: Compare,
  quote: (s: string) => unknown,
): unknown {
  if (typeof value === 'number' && shape?.kind === 'bytes') return quote(String(value));
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) {
    const items = shape?.kind === 'list' ? shape.items : undefined;
    return value.map((v) => layout(v, items, compare, quote));
  }
  if (value === null || typeof value !== 'object') return value;

  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const out = new Map<unknown, unknown>();
  // Free-form keys may need quoting like values (`"on": x`); struct keys never do.
  const put = ([key, v]: [string, unknown], inner?: Shape) =>
    out.set(quote(key), layout(v, inner, compare, quote));
  const byName = ([a]: [string, unknown], [b]: [string, unknown]) => compare(a, b);
  if (shape?.kind === 'struct') {
    const byKey = new Map(entries);
    for (const key of shape.keys) {
      if (byKey.has(key)) out.set(key, layout(byKey.get(key), shape.fields[key], compare, quote));
    }
    // Keys compose does not know come next, then extensions, each group sorted.
    const rest = entries.filter(([k]) => !shape.keys.includes(k)).sort(byName);
    for (const entry of rest.filter(([k]) => !k.startsWith('x-'))) put(entry);
    for (const entry of rest.filter(([k]) => k.startsWith('x-'))) put(entry);
    return out;
  }
  for (const entry of entries.sort(byName)) put(entry, shape?.kind === 'record' ? shape.values : undefined);
  return out;
}

/**
 * Strings a YAML 1.1 reader would take for something else are double-quoted, as compose's
 * YAML library does: `yes`/`no`/`on`/`off`/`y`/`n`, sexagesimal numbers (`12:30`), and
 * integers with underscores or a base prefix. The yaml package already quotes what YAML 1.2
 * would misread (`"8080"`, `"true"`, `"1.5"`, `""`).
 */
function quoteForOldYaml(s: string): unknown {
  const ambiguous =
    /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s) ||
    /^[-+]?\d[\d_]*(:[0-5]?\d)+(\.[\d_]*)?$/.test(s) ||
    /^[-+]?(\d[\d_]*|0b[01_]+|0o?[0-7_]+|0x[\da-f_]+)$/i.test(s);
  return ambiguous ? new Quoted(s) : s;
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Mapping-key order of compose's YAML output (Go's yaml encoder): a "natural" order where
 * runs of digits compare as numbers (`a2` < `a10`), and at the first difference a letter
 * sorts after punctuation (`FOO_BAR` < `FOOBAR`) but before a digit that continues a number.
 */
export function compareYamlKeys(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc ? -1 : 1;
    if (al || bl) {
      const inNumber = i > 0 && isDigit(ar[i - 1]);
      return al === inNumber ? -1 : 1;
    }
    // Neither is a letter: compare the digit runs these characters belong to as numbers.
    let start = i;
    while (start > 0 && isDigit(ar[start - 1])) start--;
    const an = digitRun(ar, start);
    const bn = digitRun(br, start);
    if (an.value !== bn.value) return an.value < bn.value ? -1 : 1;
    if (an.end !== bn.end) return an.end < bn.end ? -1 : 1;
    return ac < bc ? -1 : 1;
  }
  return ar.length - br.length;
}

function digitRun(chars: string[], start: number): { value: bigint; end: number } {
  let end = start;
  while (isDigit(chars[end])) end++;
  return { value: end > start ? BigInt(chars.slice(start, end).join('')) : 0n, end };
}

/** Go's JSON encoder sorts map keys by plain string comparison. */
function compareJsonKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with 2-space indentation, escaping `<`, `>` and `&` as Go's encoder does. */
function writeJson(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    const body = [...value].map(([k, v]) => `${inner}${jsonString(k)}: ${writeJson(v, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${writeJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'string') return jsonString(value);
  return value === undefined ? 'null' : JSON.stringify(value);
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
