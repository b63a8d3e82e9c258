/**
 * Dockerfile word handling for `--change` instructions: splitting an instruction's arguments
 * into words (quotes and escapes kept, as Docker's parser does), then quote removal and
 * `$VAR` / `${VAR:-default}` expansion of each word (Docker's shell lexer).
 */

/** Splits on unquoted, unescaped whitespace; quotes and backslashes stay in the words. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      word += ch + text[++i];
      inWord = true;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = undefined;
      word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      word += ch;
      inWord = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += ch;
    inWord = true;
  }
  if (inWord) words.push(word);
  return words;
}

/** Removes quotes and expands variables from `env` (`KEY=value` entries); unknown variables are empty. */
export function processWord(word: string, env: readonly string[]): string {
  const vars = new Map<string, string>();
  for (const entry of env) {
    const equals = entry.indexOf('=');
    if (equals > 0) vars.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return new Lexer(word, vars).process(undefined);
}

/** Splits on whitespace after expansion (EXPOSE, VOLUME shell form), quotes respected. */
export function processWords(text: string, env: readonly string[]): string[] {
  return splitWords(text).map((w) => processWord(w, env));
}

class Lexer {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly vars: Map<string, string>,
  ) {}

  /** Reads until `stop` (unquoted) or the end; the stop character is consumed. */
  process(stop: string | undefined): string {
    let out = '';
    while (this.at < this.text.length) {
      const ch = this.text[this.at]!;
      if (stop !== undefined && ch === stop) {
        this.at++;
        return out;
      }
      this.at++;
      if (ch === "'") out += this.until("'");
      else if (ch === '"') out += this.doubleQuoted();
      else if (ch === '$') out += this.dollar();
      else if (ch === '\\') {
        if (this.at < this.text.length) out += this.text[this.at++];
      } else out += ch;
    }
    return out;
  }

  private until(end: string): string {
    const close = this.text.indexOf(end, this.at);
    const stopAt = close < 0 ? this.text.length : close;
    const out = this.text.slice(this.at, stopAt);
    this.at = stopAt + 1;
    return out;
  }

  private doubleQuoted(): string {
    let out = '';
    while (this.at < this.text.length) {
      const ch = this.text[this.at++]!;
      if (ch === '"') return out;
      if (ch === '$') out += this.dollar();
      else if (ch === '\\') {
        const next = this.text[this.at];
        if (next === '"' || next === '$' || next === '\\') {
          out += next;
          this.at++;
        } else out += ch;
      } else out += ch;
    }
    return out;
  }

  private dollar(): string {
    const next = this.text[this.at];
    if (next === '{') {
      this.at++;
      const name = this.name();
      const op = this.text[this.at];
      if (op === '}') {
        this.at++;
        return this.vars.get(name) ?? '';
      }
      let modifier = op ?? '';
      this.at++;
      if (modifier === ':') {
        modifier += this.text[this.at] ?? '';
        this.at++;
      }
      const word = this.process('}');
      const value = this.vars.get(name);
      const set = value !== undefined && (!modifier.startsWith(':') || value !== '');
      switch (modifier.replace(':', '')) {
        case '-':
          return set ? value! : word;
        case '+':
          return set ? word : '';
        case '?':
          if (!set) throw new Error(`${name}: ${word || 'is not allowed to be unset'}`);
          return value!;
        default:
          throw new Error(`unsupported modifier (${modifier}) in substitution`);
      }
    }
    const name = this.name();
    if (name === '') return '$';
    return this.vars.get(name) ?? '';
  }

  private name(): string {
    const match = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.at));
    const name = match?.[0] ?? '';
    this.at += name.length;
    return name;
  }
}
