/**
 * The two YAML paths agree: the fast one (js-yaml, positions found later) and the positioned one
 * (`yaml` AST) give the same values, tags and positions for every YAML file of the corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Origin, Origins } from '../../src/compose/origins.js';
import { parseComposeYaml, parsePositioned } from '../../src/compose/parse-yaml.js';
import { corpusDir, describeCorpus, hasCorpus } from '../helpers/corpus.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every (path, value-or-container, origin) of a document, in order. */
function entries(doc: unknown, origins: Origins, resolve: boolean): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const key = Array.isArray(node) ? Number(k) : k;
      const o = origins.get(node, key) as Origin;
      const p = resolve ? origins.positionOf(o) : undefined;
      out.push({
        path: [...path, key].join('/'),
        leaf: v !== null && typeof v === 'object' ? typeof v : v,
        tag: o?.tag,
        p,
      });
      walk(v, [...path, key]);
    }
  };
  walk(doc, []);
  return out;
}

const inline = [
  'a: &x {p: 1, q: [1, 2]}\nb:\n  <<: *x\n  q: !override [3]\n  r: !reset\n  s: !reset null\n',
  '---\nservices: {a: {image: x}}\n---\nservices:\n  b:\n    image: y\n',
  'x: |\n  line one\n  line two\ny: >-\n  folded\n  text\nz: "esc\\tape"\n',
  'list:\n- a\n- b: 1\n  c: 2\n- [x, y]\n',
  'k: 0o17\nl: 0x1F\nm: 1e3\nn: .inf\no: ~\np: 2001-01-01\nq: yes\n',
];

describe('fast and positioned YAML parsing agree', () => {
  for (const [i, text] of inline.entries()) {
    it(`inline case ${i}`, () => compare(text, `inline-${i}.yaml`));
  }
});

describeCorpus('fast and positioned YAML parsing agree on the corpus', () => {
  const files = hasCorpus ? yamlFiles(corpusDir) : [];
  it('covers the corpus', () => expect(files.length).toBeGreaterThan(350));
  it('on every file', () => {
    let compared = 0;
    for (const file of files) if (compare(readFileSync(file, 'utf8'), file)) compared++;
    expect(compared).toBeGreaterThan(350);
  });
});

/** Returns false when the positioned parser refuses the file (then there is nothing fast to compare). */
function compare(text: string, file: string): boolean {
  const slowOrigins = new Origins();
  const slow = parsePositioned(text, file, slowOrigins);
  if (slow.issues.some((i) => i.severity === 'error')) return false;
  const fastOrigins = new Origins();
  const fast = parseComposeYaml(text, file, fastOrigins);
  expect(fast.documents, file).toEqual(slow.documents);
  fast.documents.forEach((doc, d) => {
    expect(entries(doc, fastOrigins, true), file).toEqual(entries(slow.documents[d], slowOrigins, true));
  });
  return true;
}
