import { describe, expect, test } from 'vitest';
import { applyResets, enforceUnicity, mergeComposeDocuments, mergeServices } from './merge.js';
import { Origins } from './origins.js';
import { parseComposeYaml } from './parse-yaml.js';

type Mapping = Record<string, unknown>;

function parse(origins: Origins, file: string, text: string): Mapping {
  const parsed = parseComposeYaml(text, file, origins);
  expect(parsed.issues).toEqual([]);
  return parsed.documents[0] as Mapping;
}

/** Merges YAML texts in order, as `-f a.yaml -f b.yaml …` would. */
function merge(...texts: string[]): { doc: Mapping; origins: Origins } {
  const origins = new Origins();
  const [first = '', ...rest] = texts;
  let doc = applyResets(parse(origins, 'a.yaml', first), origins);
  rest.forEach((text, i) => {
    doc = mergeComposeDocuments(doc, parse(origins, `${String.fromCharCode(98 + i)}.yaml`, text), origins);
  });
  return { doc, origins };
}

function service(doc: Mapping, name = 'foo'): Mapping {
  return (doc.services as Mapping)[name] as Mapping;
}

describe('the examples of the Compose spec (13-merge.md)', () => {
  test('mappings merge by key', () => {
    const { doc } = merge(
      'services:\n  foo:\n    key1: value1\n    key2: value2\n',
      'services:\n  foo:\n    key2: VALUE\n    key3: value3\n',
    );
    expect(service(doc)).toEqual({ key1: 'value1', key2: 'VALUE', key3: 'value3' });
  });

  test('sequences are appended', () => {
    const { doc } = merge(
      'services:\n  foo:\n    DNS:\n      - 1.1.1.1\n',
      'services:\n  foo:\n    DNS:\n      - 8.8.8.8\n',
    );
    expect(service(doc).DNS).toEqual(['1.1.1.1', '8.8.8.8']);
  });

  test('shell commands are replaced', () => {
    const { doc } = merge(
      'services:\n  foo:\n    command: ["echo", "foo"]\n    entrypoint: [sh, -c]\n    healthcheck:\n      test: [CMD, a]\n',
      'services:\n  foo:\n    command: ["echo", "bar"]\n    entrypoint: bash\n    healthcheck:\n      test: [CMD, b]\n',
    );
    expect(service(doc)).toEqual({
      command: ['echo', 'bar'],
      entrypoint: 'bash',
      healthcheck: { test: ['CMD', 'b'] },
    });
  });

  test('unique resources: a volume with the same target is replaced', () => {
    const { doc } = merge(
      'services:\n  foo:\n    volumes:\n      - foo:/work\n',
      'services:\n  foo:\n    volumes:\n      - bar:/work\n',
    );
    expect(service(doc).volumes).toEqual(['bar:/work']);
  });

  test('!reset removes a value', () => {
    const { doc } = merge(
      'services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n    environment:\n      FOO: BAR\n',
      'services:\n  app:\n    image: myapp\n    ports: !reset []\n    environment:\n      FOO: !reset null\n',
    );
    // Both files give `environment`, so the merge yields the (empty) KEY=VALUE list form.
    expect(service(doc, 'app')).toEqual({ image: 'myapp', environment: [] });
  });

  test('!override replaces a value instead of merging', () => {
    const { doc } = merge(
      'services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n',
      'services:\n  app:\n    ports: !override\n      - "8443:443"\n',
    );
    expect(service(doc, 'app')).toEqual({ image: 'myapp', ports: ['8443:443'] });
  });
});

describe('rules beyond the spec examples', () => {
  test('a null override keeps a mapping or list, and replaces a scalar', () => {
    const { doc } = merge(
      'services:\n  foo:\n    image: a\n    networks:\n      front:\n        aliases: [x]\n',
      'services:\n  foo:\n    image: null\n    networks:\n      front:\n',
    );
    expect(service(doc)).toEqual({ image: null, networks: { front: { aliases: ['x'] } } });
  });

  test('x- extensions are replaced, not merged', () => {
    const { doc } = merge('x-common:\n  a: 1\n  b: 2\n', 'x-common:\n  b: 3\n');
    expect(doc['x-common']).toEqual({ b: 3 });
  });

  test('listing a dependency again keeps its base condition', () => {
    const { doc } = merge(
      'services:\n  foo:\n    depends_on:\n      db:\n        condition: service_healthy\n',
      'services:\n  foo:\n    depends_on: [db, cache]\n',
    );
    expect(service(doc).depends_on).toEqual({
      db: { condition: 'service_healthy' },
      cache: { condition: 'service_started', required: true },
    });
  });

  test('a logging driver change drops the base options; the same driver merges them', () => {
    const base =
      'services:\n  foo:\n    logging:\n      driver: local\n      options:\n        max-size: 10m\n';
    expect(
      service(merge(base, 'services:\n  foo:\n    logging:\n      driver: syslog\n').doc).logging,
    ).toEqual({
      driver: 'syslog',
    });
    const same = merge(base, 'services:\n  foo:\n    logging:\n      options:\n        max-file: 3\n').doc;
    expect(service(same).logging).toEqual({ driver: 'local', options: { 'max-size': '10m', 'max-file': 3 } });
  });

  test('build: a string context and a mapping merge into a mapping', () => {
    const { doc } = merge(
      'services:\n  foo:\n    build:\n      context: .\n      dockerfile: x.Dockerfile\n',
      'services:\n  foo:\n    build: ./src\n',
    );
    expect(service(doc).build).toEqual({ context: './src', dockerfile: 'x.Dockerfile' });
  });

  test('!reset works nested and in a file with no base', () => {
    const { doc } = merge(
      'services:\n  foo:\n    image: a\n    deploy:\n      resources:\n        limits:\n          cpus: "1"\n          memory: 1g\n    labels: !reset {}\n',
      'services:\n  foo:\n    deploy:\n      resources:\n        limits:\n          memory: !reset\n',
    );
    expect(service(doc)).toEqual({ image: 'a', deploy: { resources: { limits: { cpus: '1' } } } });
  });

  test('secrets and configs are unique by target, relative targets under their default directory', () => {
    const { doc } = merge(
      'services:\n  foo:\n    secrets: [a, b]\n    configs: [c]\n',
      'services:\n  foo:\n    secrets:\n      - source: x\n        target: a\n    configs:\n      - source: y\n        target: /c\n',
    );
    expect(service(doc).secrets).toEqual([{ source: 'x', target: 'a' }, 'b']);
    expect(service(doc).configs).toEqual([{ source: 'y', target: '/c' }]);
  });

  test('mergeServices applies the service rules (extends)', () => {
    const origins = new Origins();
    const base = parse(origins, 'a.yaml', 'command: a\nenvironment: {A: "1"}\nports: ["80:80"]\n');
    const child = parse(
      origins,
      'b.yaml',
      'command: [b]\nenvironment: [B=2]\nports: ["80:80/tcp", "81:81"]\n',
    );
    expect(mergeServices(base, child, origins)).toEqual({
      command: ['b'],
      environment: ['A=1', 'B=2'],
      ports: ['80:80/tcp', '81:81'],
    });
  });
});

describe('enforceUnicity', () => {
  test('ports are the same in short and long form; host ip and protocol tell them apart', () => {
    const origins = new Origins();
    const doc = parse(
      origins,
      'a.yaml',
      [
        'services:',
        '  foo:',
        '    ports:',
        '      - "8080:80"',
        '      - target: 80',
        '        published: 8080',
        '      - "127.0.0.1:8080:80"',
        '      - "[::1]:8080:80"',
        '      - "8080:80/udp"',
        '',
      ].join('\n'),
    );
    expect(service(enforceUnicity(doc, origins)).ports).toEqual([
      { target: 80, published: 8080 },
      '127.0.0.1:8080:80',
      '[::1]:8080:80',
      '8080:80/udp',
    ]);
  });

  test('volume targets: modes, Windows drives, and a one-letter volume name', () => {
    const origins = new Origins();
    const doc = parse(
      origins,
      'a.yaml',
      'services:\n  foo:\n    volumes:\n      - /data:ro\n      - C:\\src:/data\n      - c:/c\n      - "C:/x:/c:rw"\n',
    );
    expect(service(enforceUnicity(doc, origins)).volumes).toEqual(['C:\\src:/data', 'C:/x:/c:rw']);
  });

  test('keeps repeats in sequences that are not sets (command)', () => {
    const origins = new Origins();
    const doc = parse(
      origins,
      'a.yaml',
      'services:\n  foo:\n    command: [echo, a, a]\n    cap_add: [A, A]\n',
    );
    expect(service(enforceUnicity(doc, origins))).toEqual({ command: ['echo', 'a', 'a'], cap_add: ['A'] });
  });
});

describe('origins and inputs', () => {
  test('an overridden value keeps where it came from and what it replaced', () => {
    const { doc, origins } = merge(
      'services:\n  foo:\n    image: a\n    dns: [1.1.1.1]\n    environment:\n      A: "1"\n',
      'services:\n  foo:\n    image: b\n    dns: [8.8.8.8]\n    environment:\n      A: "2"\n      B: "3"\n',
    );
    const foo = service(doc);
    const image = origins.get(foo, 'image');
    expect(image).toMatchObject({ file: 'b.yaml', previous: { file: 'a.yaml' } });
    expect(image && origins.positionOf(image).line).toBe(3);
    expect(image?.previous && origins.positionOf(image.previous).line).toBe(3);
    expect(origins.get(foo.dns as object, 0)).toMatchObject({ file: 'a.yaml' });
    expect(origins.get(foo.dns as object, 1)).toMatchObject({ file: 'b.yaml' });
    expect(foo.environment).toEqual(['A=2', 'B=3']);
    const env = origins.get(foo.environment as object, 0);
    expect(env).toMatchObject({ file: 'b.yaml', previous: { file: 'a.yaml' } });
    expect(env && origins.positionOf(env).line).toBe(6);
    expect(env?.previous && origins.positionOf(env.previous).line).toBe(6);
    const found = origins.find(doc, ['services', 'foo', 'environment', 1]);
    expect(found).toMatchObject({ origin: { file: 'b.yaml' }, exact: true });
    expect(found && origins.positionOf(found.origin).line).toBe(7);
    expect(origins.documentFile(doc)).toBe('a.yaml');
  });

  test('an !override tag acts where it is written, not again once merged', () => {
    const origins = new Origins();
    const parent = parse(origins, 'a.yaml', 'ports: !override ["80:80"]\n');
    const child = parse(origins, 'a.yaml', 'image: x\n');
    const resolved = mergeServices(parent, child, origins);
    expect(origins.get(resolved, 'ports')?.tag).toBeUndefined();
    const other = parse(origins, 'b.yaml', 'ports: ["81:81"]\n');
    expect(mergeServices(other, resolved, origins).ports).toEqual(['81:81', '80:80']);
  });

  test('inputs are not mutated and share nothing with the result', () => {
    const origins = new Origins();
    const base = parse(
      origins,
      'a.yaml',
      'services:\n  foo:\n    volumes: [a:/a]\n    labels: {A: "1"}\n    deploy: {resources: {limits: {cpus: "1"}}}\n',
    );
    const over = parse(
      origins,
      'b.yaml',
      'services:\n  foo:\n    volumes: [b:/b]\n    build: {context: .}\n  bar:\n    x: [1]\n',
    );
    const before = [JSON.stringify(base), JSON.stringify(over)];
    const doc = mergeComposeDocuments(base, over, origins);
    expect([JSON.stringify(base), JSON.stringify(over)]).toEqual(before);

    const foo = service(doc);
    (foo.volumes as unknown[]).push('c:/c');
    (foo.labels as Mapping).B = '2';
    (((foo.deploy as Mapping).resources as Mapping).limits as Mapping).cpus = '2';
    (foo.build as Mapping).context = 'elsewhere';
    (service(doc, 'bar').x as unknown[]).push(2);
    expect([JSON.stringify(base), JSON.stringify(over)]).toEqual(before);
  });

  test('enforceUnicity and applyResets return new documents', () => {
    const origins = new Origins();
    const doc = parse(
      origins,
      'a.yaml',
      'services:\n  foo:\n    environment: [A=1, A=2]\n    image: !reset x\n',
    );
    const before = JSON.stringify(doc);
    expect(service(enforceUnicity(doc, origins)).environment).toEqual(['A=2']);
    expect(service(applyResets(doc, origins))).toEqual({ environment: ['A=1', 'A=2'] });
    expect(JSON.stringify(doc)).toBe(before);
  });
});
