/**
 * compose-go's loader fixtures (extends, include, overrides, resets, cycles) give the results
 * its tests assert, through the whole loader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadProjectOptions, loadProject } from '../../src/compose/load-project.js';
import { ComposeFileError, formatIssue } from '../../src/model/errors.js';
import { corpusPath, describeCorpus } from '../helpers/corpus.js';

const env = { HOME: '/home/test' };
const overrides = (name: string, ...files: string[]) =>
  files.map((f) => corpusPath('compose-go/loader-override', name, f));
const testdata = (...parts: string[]) => corpusPath('compose-go/loader/testdata', ...parts);

function load(options: LoadProjectOptions) {
  try {
    return loadProject({ env, homeDir: '/home/test', ...options });
  } catch (e) {
    if (e instanceof ComposeFileError) throw new Error(e.issues.map(formatIssue).join('\n'));
    throw e;
  }
}

/** A compose file in a temporary directory whose `main` service extends `service` of extends/base.yaml. */
function extending(service: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'dev-extends-'));
  const file = join(dir, 'compose.yaml');
  const lines = [
    'services:',
    '  main:',
    '    extends:',
    `      file: ${testdata('extends/base.yaml')}`,
    `      service: ${service}`,
  ];
  if (extra) lines.push(`    ${extra}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function problems(options: LoadProjectOptions): string[] {
  try {
    loadProject({ env, homeDir: '/home/test', ...options });
  } catch (e) {
    if (e instanceof ComposeFileError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected the load to fail');
}

describeCorpus('compose-go loader-override cases', () => {
  it('TestOverrideNetworks: list form then mapping form of a service network', () => {
    const { project } = load({
      files: overrides('TestOverrideNetworks', '01-base.yaml', '02-override.yaml'),
    });
    expect(project.services.test?.networks?.test_network?.aliases).toEqual(['alias1', 'alias2']);
  });

  it('TestOverrideBuildContext: a string context replaced by the long form', () => {
    const files = overrides('TestOverrideBuildContext', '01-base.yaml', '02-override.yaml');
    const { project } = load({ files });
    expect(project.services.test?.build?.context).toBe(
      join(corpusPath('compose-go/loader-override/TestOverrideBuildContext'), 'src'),
    );
  });

  it('TestOverrideDepends_on: list form then mapping form', () => {
    const { project } = load({
      files: overrides('TestOverrideDepends_on', '01-base.yaml', '02-override.yaml'),
      consistency: false,
    });
    expect(project.services.test?.depends_on?.foo?.required).toBe(false);
  });

  it('TestOverridePartial: validation happens after the merge', () => {
    load({ files: overrides('TestOverridePartial', '01-base.yaml', '02-override.yaml'), consistency: false });
  });

  it('TestOverrideVolume: the same bind mount in both files is kept once', () => {
    const { project } = load({ files: overrides('TestOverrideVolume', '01-base.yaml', '02-override.yaml') });
    expect(project.services.test?.volumes).toHaveLength(1);
  });

  it('TestOverrideMiddle: !override in the middle of an extends chain', () => {
    const { project } = load({ files: overrides('TestOverrideMiddle', 'compose.yaml') });
    const test = project.services.test;
    expect(test?.volumes?.map((v) => [v.type, v.source, v.target])).toEqual([
      ['bind', '/bar', '/bar'],
      ['bind', '/zot', '/zot'],
    ]);
    expect(test?.networks).toEqual({ zot: null });
  });

  it('TestOverrideSelfExtends: extends chains in one file with !override', () => {
    const { project } = load({ files: overrides('TestOverrideSelfExtends', 'compose.yaml') });
    expect(project.services.main?.depends_on).toEqual({
      depend_base: { condition: 'service_started', required: true },
      depend_two: { condition: 'service_started', required: true },
    });
  });

  it('Test_LoadWithReset: !reset removes a mapping and a key', () => {
    const { project } = load({ files: overrides('Test_LoadWithReset', '01-base.yaml', '02-override.yaml') });
    const foo = project.services.foo;
    expect(foo?.image).toBe('foo');
    expect(foo?.build).toBeUndefined();
    expect(foo?.environment ?? {}).toEqual({});
  });

  it('Test_DuplicateReset: a duplicate key is an error even with !reset', () => {
    const [first] = problems({ files: overrides('Test_DuplicateReset', 'compose.yaml') });
    expect(first).toMatch(/compose\.yaml:6:6: mapping key "command" already defined at line 5$/);
  });
});

describeCorpus('compose-go loader testdata: extends', () => {
  it('extends by name, in a file extended from another (base.yaml holds an empty service on purpose)', () => {
    const { project } = load({ files: [extending('another')] });
    expect(project.services.main?.image).toBe('base');
  });

  it('extends from a sibling file resolves the build context there', () => {
    const { project } = load({ files: [testdata('extends/nested.yaml')] });
    expect(project.services['with-build']?.build?.context).toBe(testdata('extends'));
  });

  it('extends chains across directories', () => {
    const { project } = load({ files: [testdata('extends/withdir/compose.yaml')] });
    expect(project.services.test?.image).toBe('hello-world');
  });

  it('paths of an imported service stay relative to its own file', () => {
    const { project } = load({ files: [testdata('compose-test-extends.yaml')] });
    const importer = project.services.importer;
    expect(importer?.image).toBe('nginx');
    // env_file read relative to subdir/, and SOURCE is not set in the shell: the default applies
    expect(importer?.environment).toEqual({ SOURCE: 'extends' });
    expect(importer?.container_name).toBe('imported');
  });

  it('!reset in an extending service drops the inherited value', () => {
    const { project } = load({ files: [testdata('extends/reset.yaml')] });
    expect(project.services.base?.command).toBeUndefined();
    expect(project.services.init?.command).toEqual(['sleep', 'infinity']);
  });

  it('ulimits are inherited', () => {
    const { project } = load({ files: [extending('withUlimits')] });
    expect(project.services.main?.ulimits).toEqual({ nproc: 65535, nofile: { soft: 20000, hard: 40000 } });
  });

  it('an empty service can be extended', () => {
    const { project } = load({ files: [extending('nil', 'image: added')] });
    expect(project.services.main?.image).toBe('added');
  });

  it('a remote build context is kept as written', () => {
    const { project } = load({ files: [testdata('compose-test-extends-with-context-url.yaml')] });
    expect(project.services['importer-with-https-url']?.build?.context).toBe(
      'https://github.com/docker/compose.git',
    );
  });
});

describeCorpus('compose-go loader testdata: include', () => {
  it('includes a project with its own paths', () => {
    const { project } = load({ files: [testdata('include/compose.yaml')] });
    const included = project.services.included;
    expect(included?.build?.context).toBe(testdata('include'));
    expect(included?.volumes?.[0]?.source).toBe(testdata('include'));
  });

  it('include with project_directory resolves paths there', () => {
    const { project } = load({ files: [testdata('include/project-directory.yaml')] });
    const service = project.services.service;
    expect(service?.volumes?.[0]?.source).toBe(testdata('subdir/compose-test-extends-imported.yaml'));
    expect(service?.environment).toEqual({ SOURCE: 'extends' });
  });

  it('an included file may extend another file of its own directory', () => {
    const { project } = load({ files: [testdata('combined/compose.yaml')] });
    expect(project.services.service?.build?.context).toBe(testdata('combined/dir'));
  });

  it('include next to own services', () => {
    const { project } = load({ files: [testdata('compose-include.yaml')] });
    expect(Object.keys(project.services).sort()).toEqual(['bar', 'imported']);
  });

  it('an include cycle is named', () => {
    const [first] = problems({ files: [testdata('compose-include-cycle.yaml')] });
    expect(first).toContain('include cycle: compose-include-cycle.yaml -> compose-include-cycle.yaml');
  });
});

describeCorpus('compose-go loader testdata: validation', () => {
  it('a depends_on cycle is named with its path', () => {
    const found = problems({ files: [testdata('compose-depends-on-cycle.yaml')] });
    expect(found).toEqual([
      expect.stringContaining('dependency cycle: service1 -> service2 -> service3 -> service1'),
    ]);
  });

  it('a service depending on itself is a cycle', () => {
    const found = problems({ files: [testdata('compose-depends-on-self.yaml')] });
    expect(found).toEqual([expect.stringContaining('dependency cycle: service1 -> service1')]);
  });

  it('an empty file is refused', () => {
    expect(problems({ files: [testdata('empty.yaml')] })).toEqual([
      expect.stringContaining('empty compose file'),
    ]);
  });

  it('`version` is accepted with a warning', () => {
    const loaded = load({ files: [testdata('compose-test-with-version.yaml')] });
    expect(loaded.warnings.map((w) => w.message)).toContain(
      'the `version` attribute is obsolete and ignored',
    );
  });
});

describe('loader without the corpus', () => {
  it('runs', () => expect(typeof loadProject).toBe('function'));
});
