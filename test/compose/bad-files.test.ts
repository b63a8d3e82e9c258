/**
 * A corpus of broken inputs (test/fixtures/bad/<case>/) and the exact error each must give:
 * `expected.txt` holds `exit: N` then the exact stderr. One line per problem, file:line:column,
 * a hint, a non-zero exit, never a stack trace. UPDATE_BAD_FIXTURES=1 rewrites the files
 * (then read the diff: each message is part of the interface).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/corpus.js';
import { runDev } from '../helpers/run-in-process.js';

const root = join(projectRoot, 'test/fixtures/bad');

interface CaseSpec {
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

describe('bad input gives a clear error', () => {
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    it(name, async () => {
      const specFile = join(dir, 'case.json');
      const spec: CaseSpec = existsSync(specFile) ? JSON.parse(readFileSync(specFile, 'utf8')) : {};
      const { code, stderr } = await runDev(
        spec.args ?? ['config', '-q'],
        join(dir, spec.cwd ?? ''),
        spec.env,
      );
      const actual = `exit: ${code}\n${stderr}`;
      const expectedFile = join(dir, 'expected.txt');
      if (process.env.UPDATE_BAD_FIXTURES) writeFileSync(expectedFile, actual);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('bad input made at test time', () => {
  it('a file over the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-huge-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      `services:\n${'  # padding padding padding padding padding\n'.repeat(220_000)}`,
    );
    const { code, stderr } = await runDev(['config', '-q'], dir);
    expect(code).toBe(14);
    expect(stderr).toBe(
      'compose.yaml: error: compose file is 9.2 MiB, over the 8 MiB limit — is this the right file?\n',
    );
  });

  it('a BOM and CRLF line ends are fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-bom-'));
    writeFileSync(join(dir, 'compose.yaml'), '\ufeffservices:\r\n  web:\r\n    image: nginx\r\n');
    const { code, stdout, stderr } = await runDev(['config', '--services'], dir);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'web\n', stderr: '' });
  });
});
