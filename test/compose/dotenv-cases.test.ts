/** compose-go's dotenv cases (corpus compose-go/dotenv/cases.json), one test each. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DotenvError, parseDotenv, parseRawEnv } from '../../src/compose/dotenv.js';
import { corpusPath, describeCorpus } from '../helpers/corpus.js';

type Env = Record<string, string>;

type DotenvCase = { source: string; note?: string } & (
  | { kind: 'line'; input: string; key: string; expected: string }
  | { kind: 'parse'; input: string; expected: Env; exact: boolean; lookup?: Env }
  | { kind: 'error'; input: string; errorContains?: string }
  | { kind: 'file'; file: string; expected?: Env; exact?: boolean; lookup?: Env; errorContains?: string }
  | { kind: 'files'; inputs: string[]; expected: Env; exact: boolean; lookup?: Env }
);

const casesFile = corpusPath('compose-go', 'dotenv', 'cases.json');
const cases: DotenvCase[] = existsSync(casesFile) ? JSON.parse(readFileSync(casesFile, 'utf8')) : [];

function lookupOf(env: Env | undefined): ((name: string) => string | undefined) | undefined {
  return env && ((name) => (Object.hasOwn(env, name) ? env[name] : undefined));
}

function expectValues(actual: Env, expected: Env, exact: boolean | undefined): void {
  if (exact) expect(actual).toEqual(expected);
  else for (const [key, value] of Object.entries(expected)) expect(actual[key], key).toBe(value);
}

function expectError(parse: () => unknown, contains: string | undefined): void {
  let error: unknown;
  try {
    parse();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DotenvError);
  if (contains) expect((error as Error).message).toContain(contains);
}

function caseName(c: DotenvCase, index: number): string {
  const test = c.source.split('#')[1] ?? c.source;
  switch (c.kind) {
    case 'line':
      return `#${index} line ${JSON.stringify(c.input)} → ${c.key}=${JSON.stringify(c.expected)}`;
    case 'parse':
      return `#${index} parse (${test}) ${JSON.stringify(c.input)}`;
    case 'error':
      return `#${index} error ${JSON.stringify(c.input)}`;
    case 'file':
      return `#${index} file ${c.file} (${test})`;
    case 'files':
      return `#${index} files (${test})${c.note ? ` with a shell value` : ''}`;
  }
}

describeCorpus('compose-go dotenv cases', () => {
  it('has the 90 cases', () => {
    expect(cases).toHaveLength(90);
  });

  cases.forEach((c, index) => {
    it(caseName(c, index), () => {
      switch (c.kind) {
        case 'line':
          expect(parseDotenv(c.input)[c.key]).toBe(c.expected);
          return;
        case 'parse':
          expectValues(parseDotenv(c.input, { lookup: lookupOf(c.lookup) }), c.expected, c.exact);
          return;
        case 'error':
          expectError(() => parseDotenv(c.input), c.errorContains);
          return;
        case 'file': {
          const text = readFileSync(corpusPath('compose-go', 'dotenv', c.file), 'utf8');
          const parse = () => parseDotenv(text, { lookup: lookupOf(c.lookup), file: c.file });
          if (c.errorContains !== undefined) expectError(parse, c.errorContains);
          else expectValues(parse(), c.expected ?? {}, c.exact);
          return;
        }
        case 'files': {
          // Each file is read on its own against the shell; later files win.
          const merged: Env = {};
          for (const input of c.inputs)
            Object.assign(merged, parseDotenv(input, { lookup: lookupOf(c.lookup) }));
          expectValues(merged, c.expected, c.exact);
          return;
        }
      }
    });
  });
});

describe('dotenv beyond the corpus', () => {
  it('keeps the order of keys, reads CRLF files and expands from earlier keys', () => {
    expect(Object.entries(parseDotenv('B=1\r\nA="x"\r\n  # note\r\nC=$B$A\r\nA=3\n'))).toEqual([
      ['B', '1'],
      ['A', '3'],
      ['C', '1x'],
    ]);
  });

  it('reads a bare key on the last line, without a newline, from the lookup', () => {
    expect(parseDotenv('A=1\nLAST', { lookup: (n) => (n === 'LAST' ? 'v' : undefined) })).toEqual({
      A: '1',
      LAST: 'v',
    });
  });

  it('names the file and the line where a bad value starts', () => {
    expectError(
      () => parseDotenv('A=1\n\nB="multi\nline\n', { file: '.env' }),
      'failed to read .env: line 3: unterminated',
    );
    const error = (() => {
      try {
        parseDotenv('A=1\nB=${X:?need X}\n');
      } catch (e) {
        return e as DotenvError;
      }
    })();
    expect(error).toMatchObject({ line: 2, detail: 'required variable X is missing a value: need X' });
  });

  it('decodes octal escapes as compose does', () => {
    expect(parseDotenv('C="\\0" D="\\01\\0999\\c" E="\\0101"')).toEqual({
      C: '\\',
      D: '\\1\\999\\c',
      E: 'A',
    });
  });

  it('reads format: raw files literally', () => {
    const text = '\ufeffA="q" $x # no\r\n  # comment\nB\nC=\n';
    expect(parseRawEnv(text, { lookup: () => 'inherited' })).toEqual({
      A: '"q" $x # no',
      B: 'inherited',
      C: '',
    });
    expectError(
      () => parseRawEnv('A=1\nB C=2\n', { file: 'raw.env' }),
      "raw.env: line 2: poorly formatted environment: variable 'B C' contains whitespaces",
    );
    expectError(() => parseRawEnv('=2\n'), "no variable name on line '=2'");
  });
});
