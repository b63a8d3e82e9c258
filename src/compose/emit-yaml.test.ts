/** The small YAML writer writes exactly what the `yaml` package writes, or gives up. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitYaml, NeedsFullWriter, Quoted } from './emit-yaml.js';
import { stringifyWithYamlPackage } from './format-config.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'web',
  ' ',
  ':',
  ': ',
  ' #',
  '#',
  '-',
  '- ',
  '?',
  '"',
  "'",
  '\\',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '1',
  '0x1F',
  '1.5',
  'true',
  'null',
  '~',
  'yes',
  'é',
  '日本',
  '\t',
  '.inf',
  '=',
  '/',
  '${X}',
  '---',
  '\n',
  '\u0007',
];

function randomString(r: () => number): string {
  const n = Math.floor(r() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const roll = r();
  if (depth > 3 || roll < 0.45) {
    const k = Math.floor(r() * 7);
    return [
      randomString(r),
      new Quoted(randomString(r)),
      Math.floor(r() * 1e6) - 5e5,
      r() * 10,
      true,
      null,
      -0,
    ][k];
  }
  if (roll < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const m = new Map<unknown, unknown>();
  for (let i = Math.floor(r() * 4); i > 0; i--)
    m.set(r() < 0.2 ? new Quoted(randomString(r)) : randomString(r) || 'k', randomValue(r, depth + 1));
  return m;
}

describe('emitYaml', () => {
  it('matches the yaml package on 5,000 random documents, or gives up', () => {
    const r = rng(42);
    let written = 0;
    let gaveUp = 0;
    for (let i = 0; i < 5000; i++) {
      const doc = new Map([['root', randomValue(r, 0)]]);
      let ours: string;
      try {
        ours = emitYaml(doc);
      } catch (e) {
        if (!(e instanceof NeedsFullWriter)) throw e;
        gaveUp++;
        continue;
      }
      expect(ours).toBe(stringifyWithYamlPackage(doc));
      written++;
    }
    expect(written).toBeGreaterThan(1500);
    expect(gaveUp).toBeGreaterThan(100);
  });

  it('writes nested collections the block way', () => {
    const doc = new Map<unknown, unknown>([
      [
        'services',
        new Map([
          [
            'web',
            new Map<unknown, unknown>([
              ['ports', [new Map([['target', 80]])]],
              ['x', []],
              ['y', new Map()],
            ]),
          ],
        ]),
      ],
      ['list', [['a', 'b'], 'c']],
    ]);
    const text = emitYaml(doc);
    expect(text).toBe(
      'services:\n  web:\n    ports:\n      - target: 80\n    x: []\n    y: {}\nlist:\n  - - a\n    - b\n  - c\n',
    );
    expect(parse(text)).toEqual({
      services: { web: { ports: [{ target: 80 }], x: [], y: {} } },
      list: [['a', 'b'], 'c'],
    });
  });

  it('gives up on multi-line strings', () => {
    expect(() => emitYaml(new Map([['a', 'one\ntwo']]))).toThrow(NeedsFullWriter);
  });
});
