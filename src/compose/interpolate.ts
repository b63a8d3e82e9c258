/**
 * Variable interpolation as Docker Compose (compose-go `template` + `interpolation`) does it:
 * `$VAR`, `${VAR}`, the `:-` `-` `:?` `?` `:+` `+` forms with templates nested in their
 * arguments (evaluated only when used), and `$$` for a literal `$`.
 */
import type { ComposeIssue } from '../model/errors.js';
import { type Origins, pathToPointer, type VariableUse } from './origins.js';

/** Looks a variable up; returns undefined when unset. `source` says who supplied it (for --explain). */
export type VariableLookup = (
  name: string,
) => { value: string; source: 'shell' | 'env-file'; file?: string } | undefined;

export interface SubstituteResult {
  value: string;
  /** Variables read, once per name and source, in order of first use. */
  variables: VariableUse[];
  /** Variables that were unset and had no default, so became "": compose warns once about each. */
  unset: string[];
}

/** A template compose refuses: a required variable is missing, or the `${...}` syntax is wrong. */
export class InterpolationError extends Error {
  readonly kind: 'required' | 'invalid';
  /** The required variable that is missing (kind `required`). */
  readonly variable?: string;
  /** The whole template being expanded. */
  readonly template: string;

  constructor(kind: 'required' | 'invalid', message: string, template: string, variable?: string) {
    super(message);
    this.name = 'InterpolationError';
    this.kind = kind;
    this.template = template;
    if (variable !== undefined) this.variable = variable;
  }
}

const NAME = /[_a-z][_a-z0-9]*/iy;

/**
 * Expands $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?msg}, ${VAR?msg}, ${VAR:+alt}, ${VAR+alt},
 * nesting in defaults/alternatives, and $$ → $. A `$` not followed by a name or `{` stays as is.
 * Throws InterpolationError: `required variable FOO is missing a value: msg`, or
 * `Invalid template: "<template>"` for a bad `${...}` (compose-go's wording).
 */
export function substitute(template: string, lookup: VariableLookup): SubstituteResult {
  const expander = new Expander(template, lookup);
  const value = expander.expand(template);
  return { value, variables: expander.variables, unset: expander.unset };
}

class Expander {
  readonly variables: VariableUse[] = [];
  readonly unset: string[] = [];
  private readonly recorded = new Set<string>();

  constructor(
    private readonly template: string,
    private readonly lookup: VariableLookup,
  ) {}

  expand(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) return out + text.slice(i);
      out += text.slice(i, dollar);
      const next = text[dollar + 1];
      if (next === '$') {
        // Emitted, never rescanned: `$${FOO}` is the text `${FOO}`.
        out += '$';
        i = dollar + 2;
      } else if (next === '{') {
        const braced = this.braced(text, dollar);
        out += braced.value;
        i = braced.end;
      } else {
        const name = matchName(text, dollar + 1);
        out += name ? this.plain(name) : '$';
        i = dollar + 1 + (name?.length ?? 0);
      }
    }
    return out;
  }

  private braced(text: string, dollar: number): { value: string; end: number } {
    const name = matchName(text, dollar + 2);
    if (!name) throw this.invalid();
    const after = dollar + 2 + name.length;
    if (text[after] === '}') return { value: this.plain(name), end: after + 1 };
    const colon = text[after] === ':';
    const op = text[colon ? after + 1 : after];
    if (op !== '-' && op !== '+' && op !== '?') throw this.invalid();
    const argStart = after + (colon ? 2 : 1);
    const close = closingBrace(text, dollar, argStart);
    if (close < 0) throw this.invalid();
    return { value: this.operator(name, colon, op, text.slice(argStart, close)), end: close + 1 };
  }

  /** `:` makes an empty value count as unset. The argument is expanded only when it is used. */
  private operator(name: string, colon: boolean, op: '-' | '+' | '?', arg: string): string {
    const found = this.lookup(name);
    const present = found !== undefined && (!colon || found.value !== '');
    if (found) this.record(name, found.source, found.file);
    if (op === '-') {
      if (present) return found.value;
      this.record(name, 'default');
      return this.expand(arg);
    }
    if (op === '?') {
      if (present) return found.value;
      const reason = this.expand(arg);
      const message = `required variable ${name} is missing a value${reason ? `: ${reason}` : ''}`;
      throw new InterpolationError('required', message, this.template, name);
    }
    if (!found) this.record(name, 'unset');
    return present ? this.expand(arg) : '';
  }

  private plain(name: string): string {
    const found = this.lookup(name);
    if (found) {
      this.record(name, found.source, found.file);
      return found.value;
    }
    this.record(name, 'unset');
    if (!this.unset.includes(name)) this.unset.push(name);
    return '';
  }

  private record(name: string, source: VariableUse['source'], file?: string): void {
    const key = `${name}\0${source}\0${file ?? ''}`;
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.variables.push(file === undefined ? { name, source } : { name, source, file });
  }

  private invalid(): InterpolationError {
    return new InterpolationError(
      'invalid',
      `Invalid template: ${JSON.stringify(this.template)}`,
      this.template,
    );
  }
}

function matchName(text: string, at: number): string | undefined {
  NAME.lastIndex = at;
  return NAME.exec(text)?.[0];
}

/**
 * Index of the `}` closing the `${` at `dollar`, or -1. Compose matches `${name<op>` then a greedy
 * `.*}`, so the argument never spans lines and reaches the line's last `}` unless braces balance
 * earlier; its balance count skips the character after each `{` (so `{}` counts as an open
 * brace only), which we keep so odd defaults split where compose splits them.
 */
function closingBrace(text: string, dollar: number, argStart: number): number {
  const newline = text.indexOf('\n', argStart);
  const lineEnd = newline < 0 ? text.length : newline;
  const last = text.lastIndexOf('}', lineEnd - 1);
  if (last < argStart) return -1;
  let depth = 0;
  for (let j = dollar + 1; j <= last; j++) {
    const c = text[j];
    if (c === '}' && --depth === 0) return j;
    if (c === '{') {
      depth++;
      j++;
    }
  }
  return last;
}

type Key = string | number;

/**
 * Interpolates every string value (not keys) of a parsed compose document in place and records
 * the variables each value used in its Origin. Returns, without stopping at the first problem:
 * one `error` issue per value that fails (compose's wording: `invalid interpolation format for
 * services.web.image.\nYou may need to escape any $ with another $.\n<value>` or
 * `error while interpolating services.web.image: required variable FOO is missing a value`),
 * and one `warning` per unset variable name, at its first use:
 * `The "FOO" variable is not set. Defaulting to a blank string.` (dedupe by message across files).
 */
export function interpolateDocument(
  doc: unknown,
  lookup: VariableLookup,
  origins: Origins,
  file: string,
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  const warned = new Set<string>();
  // Containers reached twice (shared by a merge key) must not be expanded twice: `$$x` → `$x` → "".
  const seen = new WeakSet<object>();

  const where = (container: object, key: Key, path: Key[]) => {
    const origin = origins.get(container, key);
    const base = { pointer: pathToPointer(path) };
    return origin ? { ...base, position: origins.sourcePosition(origin) } : { ...base, file };
  };

  const visitValue = (container: object, key: Key, template: string, path: Key[]): void => {
    if (!template.includes('$')) return;
    let result: SubstituteResult;
    try {
      result = substitute(template, lookup);
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      issues.push({
        severity: 'error',
        ...where(container, key, path),
        ...describeFailure(e, path, template),
      });
      return;
    }
    (container as Record<Key, unknown>)[key] = result.value;
    if (result.variables.length > 0) {
      const origin = origins.get(container, key);
      if (origin) origins.set(container, key, { ...origin, variables: result.variables });
    }
    for (const name of result.unset) {
      if (warned.has(name)) continue;
      warned.add(name);
      issues.push({
        severity: 'warning',
        ...where(container, key, path),
        message: `The "${name}" variable is not set. Defaulting to a blank string.`,
        hint: `set ${name} in the environment or in .env, or give a default: \${${name}:-value}`,
      });
    }
  };

  const walk = (node: unknown, path: Key[]): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const entries: [Key, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      const childPath = [...path, key];
      if (typeof value === 'string') visitValue(node, key, value, childPath);
      else walk(value, childPath);
    }
  };

  walk(doc, []);
  return issues;
}

function describeFailure(
  e: InterpolationError,
  path: Key[],
  template: string,
): { message: string; hint: string } {
  const dotted = path.join('.');
  if (e.kind === 'invalid') {
    return {
      message: `invalid interpolation format for ${dotted}: ${JSON.stringify(template)}`,
      hint: 'escape a literal $ as $$; a variable is $NAME, ${NAME}, ${NAME:-default} or ${NAME:?error}',
    };
  }
  return {
    message: `error while interpolating ${dotted}: ${e.message}`,
    hint: `set ${e.variable ?? 'the variable'} in the environment or in .env`,
  };
}
