/**
 * The public corpus loads as Docker Compose loads it: every awesome-compose sample, every
 * valid compose e2e fixture, and compose-go's merge cases through the whole loader.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  configYamlTree,
  formatConfigYaml,
  stringifyWithYamlPackage,
} from '../../src/compose/format-config.js';
import { type LoadProjectOptions, loadProject } from '../../src/compose/load-project.js';
import { ComposeFileError, formatIssue } from '../../src/model/errors.js';
import { corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';

const env = { HOME: '/home/test', PATH: '/usr/bin' };

function load(options: LoadProjectOptions) {
  try {
    return loadProject({ env, homeDir: '/home/test', ...options });
  } catch (e) {
    if (e instanceof ComposeFileError) throw new Error(e.issues.map(formatIssue).join('\n'));
    throw e;
  }
}

/**
 * The project a load gives, or the problems it reports (without places, which differ between
 * the merged files and the expected one): some compose-go fragments are not valid on their own
 * (a `platform` key, env files that do not exist), and then both sides must fail alike.
 */
function outcome(options: LoadProjectOptions): unknown {
  try {
    return { project: loadProject({ env, homeDir: '/home/test', ...options }).project };
  } catch (e) {
    if (!(e instanceof ComposeFileError)) throw e;
    return { problems: e.issues.map((i) => i.message).sort() };
  }
}

/**
 * The env_file cases name files that do not exist: a copy of the case gets them, each setting
 * SOURCE to its own name (so the order of the merged list shows in the result) and a key of
 * its own (so the set of files shows).
 */
function withEnvFiles(dir: string): string {
  const names = readdirSync(dir).flatMap((f) =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/(\w+\.env)/g)].map((m) => m[1] as string),
  );
  if (names.length === 0) return dir;
  const copy = mkdtempSync(join(tmpdir(), 'dev-merge-'));
  cpSync(dir, copy, { recursive: true });
  for (const n of new Set(names))
    writeFileSync(join(copy, n), `SOURCE=${n}\n${n.replace('.env', '').toUpperCase()}=1\n`);
  return copy;
}

function composeFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...composeFilesUnder(path));
    else if (/^(docker-)?compose[^/]*\.ya?ml$/.test(name) && !name.includes('override')) out.push(path);
  }
  return out.sort();
}

describeCorpus('awesome-compose samples', () => {
  const root = corpusPath('awesome-compose');
  const samples = hasCorpus ? composeFilesUnder(root) : [];
  it('has the 39 samples', () => expect(samples.length).toBe(39));
  for (const file of samples) {
    it(`loads ${file.slice(root.length + 1)}`, () => {
      const { project } = load({ files: [file] });
      expect(Object.keys(project.services).length).toBeGreaterThan(0);
      for (const s of Object.values(project.services)) expect(s.image ?? s.build).toBeDefined();
      // the fast YAML writer prints what the yaml package prints
      expect(formatConfigYaml(project)).toBe(stringifyWithYamlPackage(configYamlTree(project)));
    });
  }
});

/** e2e fixtures that are broken on purpose, with what is wrong in them. */
const INVALID_E2E: Record<string, string> = {
  'wrong-composefile/compose.yaml': 'unknown key `wrongField` in service "simple"',
};
/** e2e fixtures that compose loads only with some options, as their tests run them. */
const E2E_OPTIONS: Record<string, LoadProjectOptions> = {
  // serviceB's env file is missing on purpose: commands naming other services still work
  'env_file/compose.yaml': { services: ['serviceA'] },
  // an override file, loaded over compose.yaml as its test does
  'publish/oci/compose-override.yaml': {
    files: [
      corpusPath('compose-e2e/fixtures/publish/oci/compose.yaml'),
      corpusPath('compose-e2e/fixtures/publish/oci/compose-override.yaml'),
    ],
  },
  // its test sets FILE to the file to mount
  'logs-test/cat.yaml': { env: { ...env, FILE: './hello.txt' } },
};

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!name.startsWith('expected-')) out.push(...yamlFilesUnder(path));
    } else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out.sort();
}

describeCorpus('compose e2e fixtures', () => {
  const root = corpusPath('compose-e2e/fixtures');
  const files = hasCorpus ? yamlFilesUnder(root) : [];
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    const rel = file.slice(root.length + 1);
    const broken = INVALID_E2E[rel];
    it(`${broken ? 'rejects' : 'loads'} ${rel}`, () => {
      if (broken) expect(() => load({ files: [file] })).toThrow(broken);
      else
        expect(
          Object.keys(load({ files: [file], ...E2E_OPTIONS[rel] }).project.services).length,
        ).toBeGreaterThan(0);
    });
  }
});

describeCorpus('compose-go merge cases through the loader', () => {
  const root = corpusPath('compose-go/override');
  const index = hasCorpus
    ? (JSON.parse(readFileSync(join(root, 'INDEX.json'), 'utf8')) as { case: string }[])
    : [];
  for (const { case: name } of index) {
    it(name, () => {
      const dir = withEnvFiles(join(root, name));
      const options = { consistency: false, projectName: 'merge' } as const;
      const merged = outcome({
        ...options,
        files: [join(dir, '01-base.yaml'), join(dir, '02-override.yaml')],
      });
      const expected = outcome({ ...options, files: [join(dir, '03-expected.yaml')] });
      expect(merged).toEqual(expected);
    });
  }
});

describeCorpus('compose-go unicity cases through the loader', () => {
  const root = corpusPath('compose-go/unicity');
  const index = hasCorpus
    ? (JSON.parse(readFileSync(join(root, 'INDEX.json'), 'utf8')) as { case: string }[])
    : [];
  for (const { case: name } of index) {
    it(name, () => {
      const dir = join(root, name);
      const options = { consistency: false, projectName: 'unicity' } as const;
      const input = outcome({ ...options, files: [join(dir, '01-input.yaml')] });
      const expected = outcome({ ...options, files: [join(dir, '02-expected.yaml')] });
      expect(input).toEqual(expected);
    });
  }
});
