import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const allowed = [
  /^\.\//,
  /^\.\.\/model\//,
  /^\.\.\/engine\/engine\.js$/,
  /^\.\.\/engine\/archive\//,
  /^\.\.\/planner\//,
  /^node:/,
  /^chokidar$/,
  /^tar-stream$/,
];

describe('watch imports', () => {
  it('uses the model, the planner, the engine contract and archives, node and its libraries: never the cli', () => {
    const offending: string[] = [];
    for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(join(here, file), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (!allowed.some((re) => re.test(spec ?? ''))) offending.push(`${file}: ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
