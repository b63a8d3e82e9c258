// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings under test are compose templates
import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolateDocument, substitute, type VariableLookup } from './interpolate.js';
import { Origins } from './origins.js';
import { parseComposeYaml } from './parse-yaml.js';

const shell = (env: Record<string, string>): VariableLookup => {
  return (name) => (Object.hasOwn(env, name) ? { value: env[name] as string, source: 'shell' } : undefined);
};

function load(yaml: string, env: Record<string, string>) {
  const origins = new Origins();
  const parsed = parseComposeYaml(yaml, 'compose.yaml', origins);
  expect(parsed.issues).toEqual([]);
  // biome-ignore lint/suspicious/noExplicitAny: tests read known paths of the loaded document
  const doc = parsed.documents[0] as Record<string, any>;
  const issues = interpolateDocument(doc, shell(env), origins, 'compose.yaml');
  return { doc, origins, issues };
}

describe('substitute', () => {
  it('records who supplied each variable', () => {
    const lookup: VariableLookup = (name) =>
      name === 'TAG' ? { value: '1.2', source: 'env-file', file: '/p/.env' } : undefined;
    const result = substitute('app:${TAG} ${PORT:-80} $MISSING ${TAG}', lookup);
    expect(result.value).toBe('app:1.2 80  1.2');
    expect(result.variables).toEqual([
      { name: 'TAG', source: 'env-file', file: '/p/.env' },
      { name: 'PORT', source: 'default' },
      { name: 'MISSING', source: 'unset' },
    ]);
    expect(result.unset).toEqual(['MISSING']);
  });

  it('does not warn about a variable tested by :+ or +', () => {
    const result = substitute('${A:+x}${A+y}', shell({}));
    expect(result.value).toBe('');
    expect(result.unset).toEqual([]);
    expect(result.variables).toEqual([{ name: 'A', source: 'unset' }]);
  });

  it('gives the missing variable and kind on errors', () => {
    const error = (() => {
      try {
        substitute('${DB_PASSWORD:?set it in .env}', shell({}));
      } catch (e) {
        return e as InterpolationError;
      }
    })();
    expect(error).toBeInstanceOf(InterpolationError);
    expect(error?.kind).toBe('required');
    expect(error?.variable).toBe('DB_PASSWORD');
    expect(error?.message).toBe('required variable DB_PASSWORD is missing a value: set it in .env');
  });

  it('refuses a default that runs past the end of the line', () => {
    expect(() => substitute('${A:-x\n}', shell({}))).toThrow('Invalid template: "${A:-x\\n}"');
  });
});

describe('the spec examples (12-interpolation.md)', () => {
  const env = shell({ FOO: 'foo', EMPTY: '' });

  it.each([
    ['${VARIABLE:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${VARIABLE-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${EMPTY?err}', ''],
    ['${VARIABLE:-${FOO}}', 'foo'],
    ['${FOO?$FOO}', 'foo'],
    ['${VARIABLE:-${FOO:-default}}', 'foo'],
    ['${VARIABLE:-${UNSET:-default}}', 'default'],
    ['$VARIABLE', ''],
    ['${VARIABLE}', ''],
    ['$$VAR_NOT_INTERPOLATED_BY_COMPOSE', '$VAR_NOT_INTERPOLATED_BY_COMPOSE'],
    ['price: $5 and $-x', 'price: $5 and $-x'],
  ])('%s → %j', (template, expected) => {
    expect(substitute(template, env).value).toBe(expected);
  });

  it.each([
    ['${VARIABLE:?err}', 'required variable VARIABLE is missing a value: err'],
    ['${EMPTY:?err}', 'required variable EMPTY is missing a value: err'],
    ['${VARIABLE?err}', 'required variable VARIABLE is missing a value: err'],
    ['${VARIABLE?$FOO}', 'required variable VARIABLE is missing a value: foo'],
    ['${VARIABLE/foo/bar}', 'Invalid template: "${VARIABLE/foo/bar}"'],
  ])('%s fails', (template, message) => {
    expect(() => substitute(template, env)).toThrow(message);
  });

  it('interpolates values, never keys', () => {
    const { doc } = load(
      [
        'services:',
        '  foo:',
        '    labels:',
        '      "$VAR_NOT_INTERPOLATED_BY_COMPOSE": "BAR"',
        '  bar:',
        '    labels:',
        '      - "$VAR_INTERPOLATED_BY_COMPOSE=BAR"',
      ].join('\n'),
      { VAR_NOT_INTERPOLATED_BY_COMPOSE: 'no', VAR_INTERPOLATED_BY_COMPOSE: 'yes' },
    );
    expect(doc.services.foo.labels).toEqual({ $VAR_NOT_INTERPOLATED_BY_COMPOSE: 'BAR' });
    expect(doc.services.bar.labels).toEqual(['yes=BAR']);
  });
});

describe('interpolateDocument', () => {
  it('replaces string values in place and leaves other scalars alone', () => {
    const { doc, issues } = load(
      [
        'services:',
        '  web:',
        '    image: "nginx:${TAG:-latest}"',
        '    command: ["echo", "$$HOME", "${GREETING}"]',
        '    ports: [8080]',
        '    tty: true',
      ].join('\n'),
      { GREETING: 'hi', HOME: '/root' },
    );
    expect(issues).toEqual([]);
    expect(doc.services.web).toEqual({
      image: 'nginx:latest',
      command: ['echo', '$HOME', 'hi'],
      ports: [8080],
      tty: true,
    });
  });

  it('records the variables in the value origins', () => {
    const { doc, origins } = load('services:\n  web:\n    image: "${REGISTRY}/app:${TAG:-dev}"\n', {
      REGISTRY: 'ghcr.io',
    });
    const origin = origins.get(doc.services.web, 'image');
    expect(origin?.file).toBe('compose.yaml');
    expect(origin && origins.positionOf(origin)).toMatchObject({ line: 3, column: 12 });
    expect(origin?.variables).toEqual([
      { name: 'REGISTRY', source: 'shell' },
      { name: 'TAG', source: 'default' },
    ]);
    expect(origins.get(doc.services, 'web')?.variables).toBeUndefined();
  });

  it('reports every failing value with its position and pointer, and keeps it as written', () => {
    const { doc, issues } = load(
      [
        'services:',
        '  web:',
        '    image: "app:${"',
        '    environment:',
        '      - PASSWORD=${PASSWORD:?set PASSWORD}',
        '      - OK=${OK:-fine}',
        '  db:',
        '    user: "${USER:?}"',
      ].join('\n'),
      {},
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        position: { file: 'compose.yaml', line: 3, column: 12 },
        pointer: '/services/web/image',
        message: 'invalid interpolation format for services.web.image: "app:${"',
        hint: expect.stringContaining('$$'),
      },
      {
        severity: 'error',
        position: { file: 'compose.yaml', line: 5, column: 9 },
        pointer: '/services/web/environment/0',
        message:
          'error while interpolating services.web.environment.0: required variable PASSWORD is missing a value: set PASSWORD',
        hint: expect.stringContaining('PASSWORD'),
      },
      {
        severity: 'error',
        position: { file: 'compose.yaml', line: 8, column: 11 },
        pointer: '/services/db/user',
        message: 'error while interpolating services.db.user: required variable USER is missing a value',
        hint: expect.stringContaining('USER'),
      },
    ]);
    expect(doc.services.web.image).toBe('app:${');
    expect(doc.services.web.environment).toEqual(['PASSWORD=${PASSWORD:?set PASSWORD}', 'OK=fine']);
  });

  it('warns once per unset variable, at its first use', () => {
    const { issues } = load(
      'services:\n  a:\n    image: "$NAME"\n    command: "${NAME} ${OTHER}"\n  b:\n    image: "${NAME:-x}"\n',
      {},
    );
    expect(issues.map((i) => [i.severity, i.message, i.position?.line])).toEqual([
      ['warning', 'The "NAME" variable is not set. Defaulting to a blank string.', 3],
      ['warning', 'The "OTHER" variable is not set. Defaulting to a blank string.', 4],
    ]);
  });

  it('expands nested defaults lazily', () => {
    const { doc, issues } = load('x-value: "${A:-${B:-${C:-deep}}}-${D:+${NEVER}}"\n', { D: '' });
    expect(doc['x-value']).toBe('deep-');
    expect(issues).toEqual([]);
  });

  it('expands a value reached twice only once', () => {
    const shared = { command: '$$FOO' };
    const doc = { services: { a: shared, b: shared } };
    const issues = interpolateDocument(doc, shell({ FOO: 'expanded' }), new Origins(), 'compose.yaml');
    expect(issues).toEqual([]);
    expect(shared.command).toBe('$FOO');
  });

  it('expands each alias copy once (a YAML alias is a copy)', () => {
    const { doc } = load(
      'x-cmd: &cmd ["$$FOO", "$FOO"]\nservices:\n  a:\n    command: *cmd\n  b:\n    command: *cmd\n',
      { FOO: 'bar' },
    );
    expect(doc.services.a.command).toEqual(['$FOO', 'bar']);
    expect(doc.services.b.command).toEqual(['$FOO', 'bar']);
    expect(doc['x-cmd']).toEqual(['$FOO', 'bar']);
  });

  it('positions an issue at the file when the value has no origin', () => {
    const issues = interpolateDocument({ image: '${X?}' }, shell({}), new Origins(), 'compose.yaml');
    expect(issues).toMatchObject([{ severity: 'error', file: 'compose.yaml', pointer: '/image' }]);
    expect(issues[0]?.position).toBeUndefined();
  });
});
