import { describe, expect, it } from 'vitest';
import {
  builtInLayer,
  decideIgnore,
  dependsOnDirectory,
  type IgnoreLayer,
  prunesDirectory,
} from './ignore-model.js';
import { compilePatternFile } from './patterns.js';

const layer = (name: string, dialect: 'docker' | 'gitignore', text: string, base = '/p'): IgnoreLayer => ({
  name,
  dialect,
  patterns: compilePatternFile(text, { dialect, base, source: name }),
});

describe('decideIgnore', () => {
  it('names the layer and the pattern (with its line) that dropped a path', () => {
    const git = layer('.gitignore', 'gitignore', '# deps\nnode_modules/\n*.log\n');
    const d = decideIgnore([builtInLayer('/'), git], '/p/src/debug.log', false);
    expect(d).toMatchObject({ ignored: true, layer: '.gitignore', by: { text: '*.log', line: 3 } });
  });

  it('drops .git and editor files by default', () => {
    const layers = [builtInLayer('/')];
    expect(decideIgnore(layers, '/p/.git/HEAD', false).ignored).toBe(true);
    expect(decideIgnore(layers, '/p/src/.app.js.swp', false).ignored).toBe(true);
    expect(decideIgnore(layers, '/p/src/app.js~', false).ignored).toBe(true);
    expect(decideIgnore(layers, '/p/src/4913', false).ignored).toBe(true);
    expect(decideIgnore(layers, '/p/src/app.js', false).ignored).toBe(false);
  });

  it('lets a Docker `!` re-include a file inside an ignored directory, and says which', () => {
    const d = layer('.dockerignore', 'docker', 'logs\n!logs/keep.txt\n');
    expect(decideIgnore([d], '/p/logs/other.txt', false).ignored).toBe(true);
    const kept = decideIgnore([d], '/p/logs/keep.txt', false);
    expect(kept).toMatchObject({ ignored: false, by: { text: '!logs/keep.txt' } });
  });

  it('follows git: nothing inside an ignored directory comes back, a file-level `!` does', () => {
    const g = layer('.gitignore', 'gitignore', 'build/\n!build/keep.txt\n*.tmp\n!important.tmp\n');
    expect(decideIgnore([g], '/p/build/keep.txt', false).ignored).toBe(true);
    expect(decideIgnore([g], '/p/a.tmp', false).ignored).toBe(true);
    expect(decideIgnore([g], '/p/x/important.tmp', false).ignored).toBe(false);
  });

  it('lets a deeper .gitignore win over a shallower one', () => {
    const g: IgnoreLayer = {
      name: '.gitignore',
      dialect: 'gitignore',
      patterns: [
        ...compilePatternFile('*.gen\n', { dialect: 'gitignore', base: '/p', source: '.gitignore' }),
        ...compilePatternFile('!*.gen\n', {
          dialect: 'gitignore',
          base: '/p/keep',
          source: 'keep/.gitignore',
        }),
      ],
    };
    expect(decideIgnore([g], '/p/a.gen', false).ignored).toBe(true);
    expect(decideIgnore([g], '/p/keep/a.gen', false).ignored).toBe(false);
  });

  it('drops a path when any layer drops it', () => {
    const a = layer('a', 'docker', 'x');
    const b = layer('b', 'docker', '!x');
    expect(decideIgnore([b, a], '/p/x', false)).toMatchObject({ ignored: true, layer: 'a' });
  });
});

describe('prunesDirectory', () => {
  it('prunes an ignored directory unless a Docker `!` may reach into it', () => {
    expect(prunesDirectory([layer('d', 'docker', 'node_modules\n')], '/p/node_modules')).toBe(true);
    expect(
      prunesDirectory([layer('d', 'docker', 'node_modules\n!node_modules/keep\n')], '/p/node_modules'),
    ).toBe(false);
    expect(prunesDirectory([layer('d', 'docker', 'node_modules\n!src/keep\n')], '/p/node_modules')).toBe(
      true,
    );
    expect(prunesDirectory([layer('d', 'docker', 'node_modules\n!**/keep\n')], '/p/node_modules')).toBe(
      false,
    );
  });

  it('always prunes a directory git ignores', () => {
    expect(prunesDirectory([layer('g', 'gitignore', 'node_modules/\n!keep\n')], '/p/a/node_modules')).toBe(
      true,
    );
    expect(prunesDirectory([layer('g', 'gitignore', 'node_modules/\n')], '/p/src')).toBe(false);
  });
});

describe('dependsOnDirectory', () => {
  it('is true where a directory-only pattern matches the name', () => {
    const g = [layer('g', 'gitignore', 'cache/\n')];
    expect(dependsOnDirectory(g, '/p/cache')).toBe(true);
    expect(dependsOnDirectory(g, '/p/src')).toBe(false);
  });
});
