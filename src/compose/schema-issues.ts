/**
 * ajv's errors → one readable issue per problem, placed at file:line:column through the
 * origins: branch noise of `oneOf`/`anyOf` dropped, type alternatives joined, typos named.
 */
import type { ComposeIssue } from '../model/errors.js';
import { closest } from './did-you-mean.js';
import { type Origin, type Origins, pointerToPath } from './origins.js';
import { knownProperties, type SchemaError } from './schema-validator.js';

/** Attributes of newer Compose releases than the schema `dev` knows; named so the user is not told they misspelt them. */
const NEWER_ATTRIBUTES = new Set(['pre_start', 'no_cache_filter']);

/** Patterns that are lists of words in disguise, said in words. */
const PATTERN_HELP: Record<string, { says: string; words: string[] }> = {
  pull_policy: {
    says: 'one of always, never, missing, build, refresh, daily, weekly, every_<duration>',
    words: ['always', 'never', 'missing', 'build', 'refresh', 'daily', 'weekly', 'if_not_present'],
  },
};

/** Turns schema errors of `doc` into issues. */
export function schemaIssues(errors: SchemaError[], doc: unknown, origins: Origins): ComposeIssue[] {
  const kept = pruneBranchNoise(errors);
  const byPath = new Map<string, SchemaError[]>();
  for (const e of kept) {
    const key =
      e.keyword === 'additionalProperties'
        ? `${e.instancePath}#${String(e.params.additionalProperty)}`
        : e.instancePath;
    const list = byPath.get(key) ?? [];
    list.push(e);
    byPath.set(key, list);
  }
  const issues: ComposeIssue[] = [];
  for (const group of byPath.values()) {
    const issue = describeGroup(group, doc, origins);
    if (issue) issues.push(issue);
  }
  return issues.sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

/**
 * Drops errors that only say "another branch did not match": a `type` error where the value
 * matched another branch's type and failed inside it, and `oneOf`/`anyOf` summaries when a
 * branch error explains more.
 */
function pruneBranchNoise(errors: SchemaError[]): SchemaError[] {
  const branchy = (e: SchemaError) => ['oneOf', 'anyOf', 'if', 'not', 'type'].includes(e.keyword);
  const explained = (path: string) =>
    errors.some((e) => !branchy(e) && (e.instancePath === path || e.instancePath.startsWith(`${path}/`)));
  return errors.filter((e) => {
    if (e.keyword === 'type') return !explained(e.instancePath);
    if (branchy(e)) {
      return !errors.some(
        (o) =>
          o !== e &&
          o.instancePath.startsWith(e.instancePath) &&
          !['oneOf', 'anyOf', 'if', 'not'].includes(o.keyword),
      );
    }
    return true;
  });
}

function describeGroup(group: SchemaError[], doc: unknown, origins: Origins): ComposeIssue | undefined {
  const first = group[0];
  if (!first) return undefined;
  const path = pointerToPath(first.instancePath);
  const where = displayPath(path);
  const types = group.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));

  if (first.keyword === 'additionalProperties') {
    const key = String(first.params.additionalProperty);
    const known = knownProperties(first.instancePath) ?? [];
    const suggestion = closest(
      key,
      known.filter((k) => !k.startsWith('x-')),
    );
    const place = describePlace(path);
    const origin = origins.find(doc, [...path, key]);
    const value = valueAt(doc, [...path, key]);
    const looksLikeService =
      path.length === 0 &&
      value !== null &&
      typeof value === 'object' &&
      ['image', 'build', 'command'].some((k) => k in value);
    const hint = looksLikeService
      ? `\`${key}\` looks like a service: put it under a top-level \`services:\` key`
      : NEWER_ATTRIBUTES.has(key)
        ? `\`${key}\` comes from a newer Compose release than the spec dev knows; remove it or prefix it with x-`
        : suggestion
          ? `did you mean \`${suggestion}\`?`
          : isServiceNameError(path)
            ? 'names may hold only letters, digits, `.`, `_` and `-`'
            : 'remove it, or prefix it with x- for your own extension data';
    return atKey(origin?.origin, origins, first.instancePath, key, {
      message: isServiceNameError(path)
        ? `invalid name \`${key}\` in ${place}`
        : `unknown key \`${key}\` in ${place}`,
      hint,
    });
  }
  const found = origins.find(doc, path)?.origin;
  const origin = found ? origins.sourcePosition(found) : undefined;
  const at = (message: string, hint?: string): ComposeIssue =>
    atValue(origin, first.instancePath, message, hint);

  if (types.length > 0 && types.length === group.length) {
    const value = valueAt(doc, path);
    const expected = [...new Set(types.flatMap((t) => t.split(',')))].map(typeName).join(' or ');
    return at(`${where} must be ${expected}, not ${describeValue(value)}`, typeHint(value, types));
  }
  switch (first.keyword) {
    case 'required':
      return at(
        `${where || 'the file'} is missing the required key \`${String(first.params.missingProperty)}\``,
      );
    case 'enum': {
      const allowed = (first.params.allowedValues as unknown[]).map(String);
      const value = String(valueAt(doc, path));
      const suggestion = closest(value, allowed);
      return at(
        `${where} must be one of ${allowed.join(', ')}, not "${value}"`,
        suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      );
    }
    case 'pattern': {
      const value = String(valueAt(doc, path));
      const known = PATTERN_HELP[String(path[path.length - 1])];
      if (known) {
        const suggestion = closest(value, known.words);
        return at(
          `${where} must be ${known.says}, not "${value}"`,
          suggestion ? `did you mean \`${suggestion}\`?` : undefined,
        );
      }
      return at(
        `${where} has an invalid format ("${value}")`,
        `it must match ${String(first.params.pattern)}`,
      );
    }
    case 'uniqueItems':
      return at(
        `${where} lists the same value twice (items ${first.params.j} and ${first.params.i})`,
        'remove the duplicate',
      );
    case 'oneOf':
    case 'anyOf':
      return at(
        `${where} does not match any of its allowed forms`,
        'see the Compose specification for this attribute',
      );
    default:
      return at(`${where} ${first.message ?? 'is invalid'}`);
  }
}

function atKey(
  origin: Origin | undefined,
  origins: Origins,
  pointer: string,
  key: string,
  m: { message: string; hint?: string },
): ComposeIssue {
  const at = origin ? origins.positionOf(origin) : undefined;
  const position =
    origin && at
      ? { file: origin.file, line: at.keyLine ?? at.line, column: at.keyColumn ?? at.column }
      : undefined;
  return {
    severity: 'error',
    pointer: `${pointer}/${key}`,
    ...(position ? { position } : {}),
    message: m.message,
    ...(m.hint ? { hint: m.hint } : {}),
  };
}

function atValue(
  origin: { file: string; line: number; column: number } | undefined,
  pointer: string,
  message: string,
  hint?: string,
): ComposeIssue {
  return {
    severity: 'error',
    pointer,
    ...(origin ? { position: { file: origin.file, line: origin.line, column: origin.column } } : {}),
    message,
    ...(hint ? { hint } : {}),
  };
}

function isServiceNameError(path: string[]): boolean {
  return (
    path.length === 1 && ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(path[0] as string)
  );
}

/** `service "web"`, `the top level`, `services.web.build`. */
function describePlace(path: string[]): string {
  if (path.length === 0) return 'the top level';
  if (path.length === 2 && path[0] === 'services') return `service "${path[1]}"`;
  if (path.length === 2) return `${(path[0] as string).replace(/s$/, '')} "${path[1]}"`;
  return `\`${displayPath(path)}\``;
}

/** `services.web.ports[0].target` */
export function displayPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, seg) => (/^\d+$/.test(String(seg)) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : String(seg)),
    '',
  );
}

function valueAt(doc: unknown, path: string[]): unknown {
  let node = doc;
  for (const seg of path)
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  return node;
}

function typeName(t: string): string {
  return (
    {
      object: 'a mapping',
      array: 'a list',
      string: 'a string',
      number: 'a number',
      integer: 'a whole number',
      boolean: 'true or false',
      null: 'empty',
    }[t] ?? t
  );
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
}

function typeHint(value: unknown, types: string[]): string | undefined {
  if (value === null && types.includes('object'))
    return 'the key has no value: indent its entries below it, or remove the key';
  if (typeof value === 'string' && types.includes('array'))
    return 'write it as a list: one `- item` per line';
  if (Array.isArray(value) && types.includes('object'))
    return 'write it as a mapping (`key: value` lines), not a list';
  return undefined;
}
