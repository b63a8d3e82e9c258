/** compose-go's interpolation cases (corpus compose-go/interpolation/cases.json), one test each. */
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  InterpolationError,
  interpolateDocument,
  substitute,
  type VariableLookup,
} from '../../src/compose/interpolate.js';
import { Origins } from '../../src/compose/origins.js';
import { corpusPath, describeCorpus } from '../helpers/corpus.js';

interface InterpolationCase {
  template: string;
  env: Record<string, string>;
  expected?: string;
  error: boolean;
  errorContains?: string;
  source: string;
  note?: string;
}

const file = corpusPath('compose-go', 'interpolation', 'cases.json');
const cases: InterpolationCase[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];

/**
 * Compose spreads a bad template over three lines; dev keeps one line per problem:
 * `invalid interpolation format for X: "template"`. Same facts, compared in dev's wording.
 */
function oneLine(goMessage: string): string {
  const m =
    /^invalid interpolation format for (.*)\.\nYou may need to escape any \$ with another \$\.(?:\n(.*))?$/s.exec(
      goMessage,
    );
  if (!m) return goMessage;
  return m[2] === undefined
    ? `invalid interpolation format for ${m[1]}`
    : `invalid interpolation format for ${m[1]}: ${JSON.stringify(m[2])}`;
}

function lookupOf(env: Record<string, string>): VariableLookup {
  return (name) => (Object.hasOwn(env, name) ? { value: env[name] as string, source: 'shell' } : undefined);
}

/** The warnings compose-go's tests count, by template (see the cases' notes). */
const expectedUnset: Record<string, string[]> = {
  '${A:+${A},}B': [],
  '${A:-${B}}': ['B'],
  '${A?${B}}': [],
};

/**
 * interpolation_test.go runs its templates through a whole mapping (a service's environment, or
 * `servicea.image`), and its errors name that path: run them through interpolateDocument too.
 */
function documentFor(c: InterpolationCase): { doc: Record<string, unknown>; read: () => unknown } {
  if (c.note?.includes('services.servicea.image')) {
    const doc = { servicea: { image: c.template } };
    return { doc, read: () => doc.servicea.image };
  }
  const doc = { myservice: { environment: { TESTVAR: c.template } } };
  return { doc, read: () => doc.myservice.environment.TESTVAR };
}

describeCorpus('compose-go interpolation cases', () => {
  it('has the 110 cases', () => {
    expect(cases).toHaveLength(110);
  });

  cases.forEach((c, index) => {
    const test = c.source.split('#')[1] ?? c.source;
    const name = `#${index} ${test}: ${JSON.stringify(c.template)} ${c.error ? 'fails' : `→ ${JSON.stringify(c.expected)}`}`;
    it(name, () => {
      const lookup = lookupOf(c.env);
      if (c.error) {
        let error: unknown;
        try {
          substitute(c.template, lookup);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InterpolationError);
        if (c.errorContains && !c.source.startsWith('interpolation/')) {
          expect((error as Error).message).toContain(c.errorContains);
        }
      } else {
        const result = substitute(c.template, lookup);
        expect(result.value).toBe(c.expected);
        const unset = expectedUnset[c.template];
        if (unset) expect(result.unset).toEqual(unset);
      }

      if (c.source.startsWith('interpolation/')) {
        const { doc, read } = documentFor(c);
        const issues = interpolateDocument(doc, lookup, new Origins(), 'compose.yaml');
        const errors = issues.filter((i) => i.severity === 'error');
        if (c.error) {
          expect(errors).toHaveLength(1);
          const message = errors[0]?.message ?? '';
          expect(message).toContain(oneLine(c.errorContains ?? ''));
          const full = /full Go error: '(.*)'$/s.exec(c.note ?? '')?.[1];
          if (full) expect(message).toBe(oneLine(full));
          expect(read()).toBe(c.template);
        } else {
          expect(errors).toEqual([]);
          expect(read()).toBe(c.expected);
        }
      }
    });
  });
});
