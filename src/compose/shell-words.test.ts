import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shell-words.js';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['bundle exec thin -p 3000', ['bundle', 'exec', 'thin', '-p', '3000']],
    ['  spaced \t out\n words  ', ['spaced', 'out', 'words']],
    ['', []],
    ['   ', []],
    [`/bin/sh -c 'echo "hello $$HOSTNAME"'`, ['/bin/sh', '-c', 'echo "hello $$HOSTNAME"']],
    [`echo "a b" 'c d'`, ['echo', 'a b', 'c d']],
    [`a"b c"d`, ['ab cd']],
    [`'it'\\''s'`, ["it's"]],
    [`"" ''`, ['', '']],
    [`a "" b`, ['a', '', 'b']],
    [`echo \\"quoted\\"`, ['echo', '"quoted"']],
    [`a\\ b c`, ['a b', 'c']],
    [`"double \\" quote"`, ['double " quote']],
    [`"keeps \\n and \\a"`, ['keeps \\n and \\a']],
    [`"escapes \\$ \\\\ \\\`"`, ['escapes $ \\ `']],
    [`'no \\escapes in single'`, ['no \\escapes in single']],
    ['line \\\ncontinued', ['line', 'continued']],
    ['joi\\\nned', ['joined']],
    ['"multi\nline"', ['multi\nline']],
    ['echo $HOME *.txt', ['echo', '$HOME', '*.txt']],
    ['a && b | c; d', ['a', '&&', 'b', '|', 'c;', 'd']],
    ['ünïcödé "ünï cödé"', ['ünïcödé', 'ünï cödé']],
  ])('%j', (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });

  it.each([
    `echo 'unterminated`,
    `echo "unterminated`,
    `echo "bad \\"`,
    'trailing \\',
  ])('rejects %j', (line) => {
    expect(() => splitShellWords(line)).toThrow(SyntaxError);
  });
});
