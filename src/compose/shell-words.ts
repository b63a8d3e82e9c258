/**
 * Splits a command string into words the way a POSIX shell does before running it, without
 * expanding anything: blanks separate words; single quotes keep everything literally; double
 * quotes keep everything but let `\` escape `$`, `` ` ``, `"`, `\` and newline; outside quotes
 * `\` escapes any character and `\<newline>` joins lines. `$VAR`, globs and operators (`&&`,
 * `|`, `;`) stay ordinary characters: compose runs the list as exec form, not through a shell.
 */

const BLANKS = new Set([' ', '\t', '\n', '\r']);
const ESCAPABLE_IN_DOUBLE_QUOTES = new Set(['$', '`', '"', '\\', '\n']);

/** Words of `line`; `''` → `[]`. Throws SyntaxError on an unterminated quote or trailing `\`. */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once any character or quote pair was seen, so `""` yields an empty word.
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (BLANKS.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    const wasInWord: boolean = inWord;
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError(`unterminated single quote in: ${line}`);
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const [text, next] = readDoubleQuoted(line, i + 1);
      word += text;
      i = next;
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) throw new SyntaxError(`trailing backslash in: ${line}`);
      if (next === '\n') {
        // Line continuation: both characters vanish without starting a word.
        inWord = wasInWord;
      } else {
        word += next;
      }
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads a double-quoted string whose content starts at `start`; returns the text and the index after the closing quote. */
function readDoubleQuoted(line: string, start: number): [string, number] {
  let text = '';
  let i = start;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '"') return [text, i + 1];
    if (c === '\\') {
      const next = line[i + 1];
      if (next !== undefined && ESCAPABLE_IN_DOUBLE_QUOTES.has(next)) {
        if (next !== '\n') text += next;
        i += 2;
        continue;
      }
    }
    text += c;
    i++;
  }
  throw new SyntaxError(`unterminated double quote in: ${line}`);
}
