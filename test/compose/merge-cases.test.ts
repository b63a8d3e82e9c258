/**
 * compose-go's merge cases (corpus: compose-go/override, unicity, loader-override) run through our merge.
 * Results are compared with vitest `toEqual`: mapping key order ignored, list order significant. No
 * field is converted before comparing: our merge returns the forms compose-go's expected files show.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import {
  applyResets,
  enforceUnicity,
  mergeComposeDocuments,
  mergeServices,
} from '../../src/compose/merge.js';
import { Origins } from '../../src/compose/origins.js';
import { parseComposeYaml } from '../../src/compose/parse-yaml.js';
import { corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';

type Mapping = Record<string, unknown>;

function load(origins: Origins, ...parts: string[]): Mapping {
  const file = corpusPath(...parts);
  const parsed = parseComposeYaml(readFileSync(file, 'utf8'), file, origins);
  expect(parsed.issues).toEqual([]);
  return parsed.documents[0] as Mapping;
}

/** A file with no base (first file, expected result): its own !reset values go, as the loader does. */
function loadFirst(origins: Origins, ...parts: string[]): Mapping {
  return applyResets(load(origins, ...parts), origins);
}

/** The cases of an INDEX.json; none when the corpus is missing (skipped suites still collect their tests). */
function readIndex<T>(...parts: string[]): T[] {
  return hasCorpus ? (JSON.parse(readFileSync(corpusPath(...parts), 'utf8')) as T[]) : [];
}

function at(doc: Mapping, ...path: string[]): unknown {
  let node: unknown = doc;
  for (const key of path) node = (node as Mapping | undefined)?.[key];
  return node;
}

describeCorpus('compose-go override cases', () => {
  const cases = readIndex<{ case: string; unicity: boolean }>('compose-go', 'override', 'INDEX.json');

  test('the corpus holds the 67 cases', () => {
    expect(cases).toHaveLength(67);
  });

  test.each(cases)('$case', ({ case: name, unicity }) => {
    const origins = new Origins();
    const base = loadFirst(origins, 'compose-go', 'override', name, '01-base.yaml');
    const override = load(origins, 'compose-go', 'override', name, '02-override.yaml');
    const expected = loadFirst(origins, 'compose-go', 'override', name, '03-expected.yaml');
    const merged = mergeComposeDocuments(base, override, origins);
    expect(unicity ? enforceUnicity(merged, origins) : merged).toEqual(expected);
  });
});

describeCorpus('compose-go unicity cases', () => {
  const cases = readIndex<{ case: string }>('compose-go', 'unicity', 'INDEX.json');

  test.each(cases)('$case', ({ case: name }) => {
    const origins = new Origins();
    const input = loadFirst(origins, 'compose-go', 'unicity', name, '01-input.yaml');
    const expected = loadFirst(origins, 'compose-go', 'unicity', name, '02-expected.yaml');
    expect(enforceUnicity(input, origins)).toEqual(expected);
  });
});

describeCorpus('compose-go loader override cases, at merge level', () => {
  /** Loads both files of a case and merges them, then runs the unicity pass (as the loader does). */
  function mergeCase(name: string): Mapping {
    const origins = new Origins();
    const base = loadFirst(origins, 'compose-go', 'loader-override', name, '01-base.yaml');
    const override = load(origins, 'compose-go', 'loader-override', name, '02-override.yaml');
    return enforceUnicity(mergeComposeDocuments(base, override, origins), origins);
  }

  test('TestOverrideNetworks: sequence-form network gains the aliases of the mapping form', () => {
    const doc = mergeCase('TestOverrideNetworks');
    expect(at(doc, 'services', 'test', 'networks', 'test_network', 'aliases')).toEqual(['alias1', 'alias2']);
  });

  test('TestOverrideBuildContext: string context replaced by the long form', () => {
    expect(at(mergeCase('TestOverrideBuildContext'), 'services', 'test', 'build', 'context')).toBe('src');
  });

  test('TestOverrideDepends_on: sequence-form dependency merged with the mapping form', () => {
    const doc = mergeCase('TestOverrideDepends_on');
    expect(at(doc, 'services', 'test', 'depends_on', 'foo', 'required')).toBe(false);
    expect(at(doc, 'services', 'test', 'depends_on', 'foo', 'condition')).toBe('service_healthy');
  });

  test('TestOverridePartial: a partial override keeps the base condition', () => {
    expect(at(mergeCase('TestOverridePartial'), 'services', 'test', 'depends_on')).toEqual({
      foo: { condition: 'service_healthy', required: false },
    });
  });

  test('TestOverrideVolume: the same bind mount in both files is kept once', () => {
    expect(at(mergeCase('TestOverrideVolume'), 'services', 'test', 'volumes')).toEqual(['./src:/src']);
  });

  test('Test_LoadWithReset: !reset removes build and the FOO variable', () => {
    const foo = at(mergeCase('Test_LoadWithReset'), 'services', 'foo') as Mapping;
    expect(foo.image).toBe('foo');
    expect('build' in foo).toBe(false);
    // Both files give `environment`, so the merge returns the list form; it is empty.
    expect(foo.environment).toEqual([]);
  });

  // The two extends cases, with the extends chain resolved by hand through mergeServices (the lead's
  // loader does this for real). Service-level `networks: [zot]` is what normalisation turns into {zot: null}.
  test('TestOverrideMiddle: !override in the middle of an extends chain', () => {
    const origins = new Origins();
    const dir = ['compose-go', 'loader-override', 'TestOverrideMiddle'];
    const base = at(load(origins, ...dir, 'base.yaml'), 'services', 'base') as Mapping;
    const middle = at(load(origins, ...dir, 'override.yaml'), 'services', 'override') as Mapping;
    const top = at(load(origins, ...dir, 'compose.yaml'), 'services', 'test') as Mapping;
    const test = mergeServices(mergeServices(base, middle, origins), top, origins);
    expect(test.volumes).toEqual(['/bar:/bar', '/zot:/zot']);
    expect(test.networks).toEqual(['zot']);
  });

  test('TestOverrideSelfExtends: !override drops an inherited dependency', () => {
    const origins = new Origins();
    const services = at(
      load(origins, 'compose-go', 'loader-override', 'TestOverrideSelfExtends', 'compose.yaml'),
      'services',
    ) as Mapping;
    const mainTwo = mergeServices(services.main_one as Mapping, services.main_two as Mapping, origins);
    const main = mergeServices(mainTwo, services.main as Mapping, origins);
    expect(main.depends_on).toEqual({
      depend_base: { condition: 'service_started', required: true },
      depend_two: { condition: 'service_started', required: true },
    });
  });
});
