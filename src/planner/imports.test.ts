import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('planner imports', () => {
  it('uses only the model and itself: no I/O, no clock, no engine', () => {
    const offending: string[] = [];
    let seen = 0;
    for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(join(here, file), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        seen++;
        if (!spec?.startsWith('./') && !spec?.startsWith('../model/')) offending.push(`${file}: ${spec}`);
      }
      if (/\b(Date\.now|new Date|process\.|performance\.now)/.test(text))
        offending.push(`${file}: clock or process`);
    }
    expect(seen).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });
});
