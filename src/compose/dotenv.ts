/**
 * `.env` files read the way Docker Compose (compose-go `dotenv`) reads them. A parser of our own:
 * the npm `dotenv` package does not expand `${VAR}`, ends values at any `#` (compose needs ` #`),
 * drops bare `KEY` lines and bad lines silently (compose inherits or fails with a line number),
 * and decodes only `\n` and `\r` (compose also `\t`, `\a`, `\0ooo`, …).
 */
import { InterpolationError, substitute } from './interpolate.js';

export interface DotenvOptions {
  /** The shell environment: `${VAR}` references and bare `KEY` lines read it first. */
  lookup?: (name: string) => string | undefined;
  /** Named in error messages. */
  file?: string;
}

/** A `.env` file compose would refuse; `line` is 1-based. */
export class DotenvError extends Error {
  readonly line?: number;
  readonly file?: string;
  /** The problem alone, without file and line (the message has them, as compose prints it). */
  readonly detail: string;

  constructor(detail: string, line?: number, file?: string, prefix = 'failed to read') {
    super(`${file ? `${prefix} ${file}: ` : ''}${line ? `line ${line}: ` : ''}${detail}`);
    this.name = 'DotenvError';
    this.detail = detail;
    if (line !== undefined) this.line = line;
    if (file !== undefined) this.file = file;
  }
}

// Go's unicode.IsSpace, and compose's narrower "blank but not a line break".
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const IS_SPACE = new RegExp(`[${SPACE}]`);
const TRAILING_SPACE = new RegExp(`[${SPACE}]+$`);
const LEADING_SPACE = new RegExp(`^[${SPACE}]+`);
const BLANK = /[\t\v\f\r \u0085\u00a0]/;
const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
const EXPORT = /export[\t\n\f\r ]+/y;
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
  // Left for interpolation, which turns `$$` into a literal `$`.
  $: '$$',
};

/**
 * Parses .env text. `lookup` resolves ${VAR} references to variables not defined earlier in the
 * file (the shell environment). Throws DotenvError with line number on bad syntax.
 * Keys keep the file's order; keys starting with a digit are dropped, as compose does.
 */
export function parseDotenv(text: string, options: DotenvOptions = {}): Record<string, string> {
  const parser = new DotenvParser(stripBom(text), options);
  parser.parse();
  // Compose reads keys starting with a digit but leaves them out of the result.
  return Object.fromEntries([...parser.values].filter(([key]) => !/^\d/.test(key)));
}

/**
 * Parses an `env_file` with `format: raw` (docker run --env-file): `KEY=value` lines taken
 * literally (no quotes, escapes, comments after values or interpolation), `#` comment lines,
 * bare `KEY` lines read from `lookup`. Throws DotenvError for a missing or blank-holding name.
 */
export function parseRawEnv(text: string, options: DotenvOptions = {}): Record<string, string> {
  const values = new Map<string, string>();
  stripBom(text)
    .split('\n')
    .forEach((raw, index) => {
      const line = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).replace(LEADING_SPACE, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const name = eq < 0 ? line : line.slice(0, eq);
      const fail = (detail: string) =>
        new DotenvError(
          `poorly formatted environment: ${detail}`,
          index + 1,
          options.file,
          'failed to parse env_file',
        );
      if (/[ \t]/.test(name)) throw fail(`variable '${name}' contains whitespaces`);
      if (name === '') throw fail(`no variable name on line '${line}'`);
      if (eq >= 0) values.set(name, line.slice(eq + 1));
      else {
        const inherited = options.lookup?.(name);
        if (inherited !== undefined) values.set(name, inherited);
      }
    });
  return Object.fromEntries(values);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

class DotenvParser {
  readonly values = new Map<string, string>();
  private pos = 0;
  private lineCount = { at: 0, line: 1 };

  constructor(
    private readonly src: string,
    private readonly options: DotenvOptions,
  ) {}

  parse(): void {
    for (;;) {
      this.skipBlanksAndComments();
      if (this.pos >= this.src.length) return;
      this.statement();
    }
  }

  private skipBlanksAndComments(): void {
    const { src } = this;
    while (this.pos < src.length) {
      const c = src[this.pos] as string;
      if (IS_SPACE.test(c)) this.pos++;
      else if (c === '#') {
        const newline = src.indexOf('\n', this.pos);
        this.pos = newline < 0 ? src.length : newline;
      } else return;
    }
  }

  /** One `KEY=value`, `KEY: value` or bare `KEY` statement, from this.pos. */
  private statement(): void {
    const { src } = this;
    const line = this.lineAt(this.pos);
    let keyStart = this.pos;
    EXPORT.lastIndex = keyStart;
    if (EXPORT.test(src)) {
      keyStart += 'export'.length;
      while (keyStart < src.length && BLANK.test(src[keyStart] as string)) keyStart++;
    }

    let sep = -1;
    for (let i = keyStart; i < src.length; ) {
      const ch = String.fromCodePoint(src.codePointAt(i) as number);
      if (ch === '=' || ch === ':' || ch === '\n') {
        sep = i;
        break;
      }
      if (!BLANK.test(ch) && !KEY_CHAR.test(ch)) {
        const firstLine = src.slice(keyStart).split('\n')[0] ?? '';
        throw this.error(
          line,
          `unexpected character ${JSON.stringify(ch)} in variable name ${JSON.stringify(firstLine)}`,
        );
      }
      i += ch.length;
    }
    const key = src.slice(keyStart, sep < 0 ? src.length : sep).replace(TRAILING_SPACE, '');
    if (key.includes(' ')) throw this.error(line, 'key cannot contain a space');

    // A bare KEY takes the shell's value, or stays unset. compose-go reads a bare key on the
    // last line without a newline as the value of an empty key; we read it as a bare key.
    if (sep < 0 || src[sep] === '\n') {
      const inherited = this.options.lookup?.(key);
      if (inherited !== undefined) this.values.set(key, inherited);
      this.pos = sep < 0 ? src.length : sep + 1;
      return;
    }

    let start = sep + 1;
    while (start < src.length && BLANK.test(src[start] as string)) start++;
    const quote = src[start];
    const value =
      quote === '"' || quote === "'" ? this.quotedValue(start, quote, line) : this.unquotedValue(start, line);
    this.values.set(key, value);
  }

  /** Up to the end of the line, cut at ` #` (a `#` glued to the value is kept). */
  private unquotedValue(start: number, line: number): string {
    const newline = this.src.indexOf('\n', start);
    let raw = this.src.slice(start, newline < 0 ? this.src.length : newline);
    this.pos = newline < 0 ? this.src.length : newline + 1;
    const comment = raw.indexOf(' #');
    if (comment >= 0) raw = raw.slice(0, comment);
    return this.expand(raw.replace(TRAILING_SPACE, ''), line);
  }

  /**
   * Up to the matching unescaped quote, across lines. `\<quote>` loses its backslash, other
   * escapes are kept and, in double quotes only, decoded and interpolated afterwards. What
   * follows the closing quote is read as the next statement (a `# comment` is skipped there).
   */
  private quotedValue(start: number, quote: string, line: number): string {
    const { src } = this;
    let chars = '';
    let escaped = false;
    for (let i = start + 1; i < src.length; i++) {
      const c = src[i] as string;
      if (escaped) {
        escaped = false;
        chars += c === quote ? c : `\\${c}`;
      } else if (c === '\\') {
        escaped = true;
      } else if (c === quote) {
        this.pos = i + 1;
        return quote === '"' ? this.expand(decodeEscapes(chars), line) : chars;
      } else {
        chars += c;
      }
    }
    const newline = src.indexOf('\n', start);
    throw this.error(
      line,
      `unterminated quoted value ${src.slice(start, newline < 0 ? src.length : newline)}`,
    );
  }

  /** `${VAR}` reads the shell first, then keys defined earlier in this file. */
  private expand(text: string, line: number): string {
    if (!text.includes('$')) return text;
    const { lookup, file } = this.options;
    try {
      return substitute(text, (name) => {
        const shell = lookup?.(name);
        if (shell !== undefined) return { value: shell, source: 'shell' };
        const earlier = this.values.get(name);
        if (earlier === undefined) return undefined;
        return file === undefined
          ? { value: earlier, source: 'env-file' }
          : { value: earlier, source: 'env-file', file };
      }).value;
    } catch (e) {
      if (e instanceof InterpolationError) throw this.error(line, e.message);
      throw e;
    }
  }

  private error(line: number, detail: string): DotenvError {
    return new DotenvError(detail, line, this.options.file);
  }

  /** 1-based line of `pos`; counts forward from the last position asked about. */
  private lineAt(pos: number): number {
    if (pos < this.lineCount.at) this.lineCount = { at: 0, line: 1 };
    let { line } = this.lineCount;
    for (let i = this.lineCount.at; i < pos; i++) if (this.src.charCodeAt(i) === 10) line++;
    this.lineCount = { at: pos, line };
    return line;
  }
}

/**
 * Decodes the escapes compose knows in double quotes. `\0ooo` is octal (three digits, at most
 * 0o377); compose rewrites it to `\ooo` first, so a malformed one is kept without its `0`, and
 * `\c` is matched but kept as is.
 */
function decodeEscapes(value: string): string {
  return value.replace(ESCAPE, (match) => {
    const c = match[1] as string;
    if (c !== '0') return ESCAPES[c] ?? match;
    const digits = match.slice(2);
    if (/^[0-7]{3}$/.test(digits) && Number.parseInt(digits, 8) <= 0o377) {
      return String.fromCharCode(Number.parseInt(digits, 8));
    }
    return `\\${digits}`;
  });
}
