import { describe, expect, it } from 'vitest';
import { inPlace } from './catch-up.js';

const file = { kind: 'file' as const, size: 3, mtimeMs: 10_500 };

describe('inPlace', () => {
  it('compares size and whole-second mtime first, then the content hash', () => {
    expect(inPlace(file, { kind: 'file', size: 3, mtimeSec: 10 }, () => 'h')).toBe(true);
    expect(inPlace(file, { kind: 'file', size: 4, mtimeSec: 10 }, () => 'h')).toBe(false);
    expect(inPlace(file, { kind: 'file', size: 3, mtimeSec: 9, hash: 'h' }, () => 'h')).toBe(true);
    expect(inPlace(file, { kind: 'file', size: 3, mtimeSec: 9, hash: 'x' }, () => 'h')).toBe(false);
    expect(inPlace(file, undefined, () => 'h')).toBe(false);
    expect(inPlace(file, { kind: 'directory', size: 0, mtimeSec: 10 }, () => 'h')).toBe(false);
  });

  it('compares links by target and directories by existence', () => {
    const link = { kind: 'symlink' as const, size: 0, mtimeMs: 0, linkTarget: 'a' };
    expect(inPlace(link, { kind: 'symlink', size: 0, mtimeSec: 5, linkTarget: 'a' }, () => '')).toBe(true);
    expect(inPlace(link, { kind: 'symlink', size: 0, mtimeSec: 5, linkTarget: 'b' }, () => '')).toBe(false);
    expect(
      inPlace(
        { kind: 'directory', size: 0, mtimeMs: 0 },
        { kind: 'directory', size: 0, mtimeSec: 99 },
        () => '',
      ),
    ).toBe(true);
  });
});
