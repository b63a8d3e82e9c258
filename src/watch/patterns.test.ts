import { describe, expect, it } from 'vitest';
import { compilePattern, globToRegex, patternMatches } from './patterns.js';

const docker = (text: string) => compilePattern(text, { dialect: 'docker', base: '/p', source: 't' });
const git = (text: string) => compilePattern(text, { dialect: 'gitignore', base: '/p', source: 't' });

describe('globToRegex', () => {
  it('keeps * within a segment and lets ** cross segments', () => {
    expect(new RegExp(globToRegex('*.js')).test('a.js')).toBe(true);
    expect(new RegExp(globToRegex('*.js')).test('src/a.js')).toBe(false);
    expect(new RegExp(globToRegex('**/*.js')).test('src/deep/a.js')).toBe(true);
    expect(new RegExp(globToRegex('**/*.js')).test('a.js')).toBe(true);
    expect(new RegExp(globToRegex('a/**')).test('a/b/c')).toBe(true);
    expect(new RegExp(globToRegex('file?.[ch]')).test('file1.c')).toBe(true);
    expect(new RegExp(globToRegex('[!a]x')).test('ax')).toBe(false);
    expect(new RegExp(globToRegex('a\\*b')).test('a*b')).toBe(true);
    expect(new RegExp(globToRegex('a.b')).test('axb')).toBe(false);
  });
});

describe('docker patterns', () => {
  it('are anchored at their root and cover what is under a matching directory', () => {
    const p = docker('node_modules');
    expect(p && patternMatches(p, 'node_modules', true)).toBe(true);
    expect(p && patternMatches(p, 'node_modules/x/y.js', false)).toBe(true);
    expect(p && patternMatches(p, 'pkg/node_modules', true)).toBe(false);
  });

  it('are cleaned as Docker reads them: leading slash, trailing slash, comments', () => {
    expect(docker('/dist/')?.regex.source).toBe(docker('dist')?.regex.source);
    expect(docker('# comment')).toBeUndefined();
    expect(docker('   ')).toBeUndefined();
    expect(docker('!keep.js')?.negate).toBe(true);
  });
});

describe('gitignore patterns', () => {
  it('match a bare name at any depth and anchor a name with a slash', () => {
    const bare = git('*.log');
    expect(bare && patternMatches(bare, 'a/b/c.log', false)).toBe(true);
    const anchored = git('/build');
    expect(anchored && patternMatches(anchored, 'build', true)).toBe(true);
    expect(anchored && patternMatches(anchored, 'src/build', true)).toBe(false);
    const middle = git('doc/*.txt');
    expect(middle && patternMatches(middle, 'doc/a.txt', false)).toBe(true);
    expect(middle && patternMatches(middle, 'x/doc/a.txt', false)).toBe(false);
  });

  it('with a trailing slash match directories only', () => {
    const p = git('cache/');
    expect(p?.dirOnly).toBe(true);
    expect(p && patternMatches(p, 'cache', false)).toBe(false);
    expect(p && patternMatches(p, 'cache', true)).toBe(true);
    expect(p && patternMatches(p, 'cache/file', false)).toBe(true);
  });

  it('read escapes and comments', () => {
    expect(git('#x')).toBeUndefined();
    expect(git('\\#x')?.negate).toBe(false);
    expect(git('\\!x')?.negate).toBe(false);
    expect(git('!x')?.negate).toBe(true);
  });
});
