import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchRule } from '../model/develop.js';
import type { Project, ServiceConfig } from '../model/project.js';
import { compileRules } from './compile-rules.js';
import { judgePath } from './rules.js';

function project(dir: string, services: Record<string, ServiceConfig>): Project {
  return {
    name: 'p',
    workingDir: dir,
    services,
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    extensions: {},
  };
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dev-watch-rules-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const watch = (...rules: WatchRule[]): ServiceConfig => ({ image: 'x', develop: { watch: rules } });

describe('compileRules', () => {
  it('names the rule and the problem: a target that is not absolute', () => {
    const dir = tree({ 'src/a.js': '' });
    const p = project(dir, { web: watch({ path: join(dir, 'src'), action: 'sync', target: 'app' }) });
    expect(() => compileRules({ project: p, services: [] })).toThrow(
      /web develop\.watch\[0\] \(sync \.\/src → app\): target "app" is not an absolute path/,
    );
  });

  it('refuses a path outside the project, a rebuild without build, sync+exec without a command', () => {
    const dir = tree({});
    const outside = project(dir, { web: watch({ path: '/etc', action: 'sync', target: '/x' }) });
    expect(() => compileRules({ project: outside, services: [] })).toThrow(
      /path .* is outside the project directory/,
    );
    const noBuild = project(dir, { web: watch({ path: dir, action: 'rebuild' }) });
    expect(() => compileRules({ project: noBuild, services: [] })).toThrow(/rebuild needs a build section/);
    const noCommand = project(dir, { web: watch({ path: dir, action: 'sync+exec', target: '/a' }) });
    expect(() => compileRules({ project: noCommand, services: [] })).toThrow(
      /sync\+exec needs exec\.command/,
    );
    const unknown = project(dir, { web: watch({ path: dir, action: 'copy' }) });
    expect(() => compileRules({ project: unknown, services: [] })).toThrow(/unknown action "copy"/);
  });

  it('says when there is nothing to watch', () => {
    const dir = tree({});
    expect(() => compileRules({ project: project(dir, { web: { image: 'x' } }), services: [] })).toThrow(
      /nothing to watch/,
    );
  });

  it('reads .dockerignore of the build context and .gitignore files, nested ones included', () => {
    const dir = tree({
      '.gitignore': 'node_modules/\n*.log\n',
      'app/Dockerfile': 'FROM x\n',
      'app/.dockerignore': 'secret.txt\n',
      'app/lib/.gitignore': 'gen/\n',
      'app/lib/gen/x.js': '',
      'app/node_modules/m/index.js': '',
    });
    const app = join(dir, 'app');
    const p = project(dir, {
      web: {
        build: { context: app, dockerfile: 'Dockerfile' },
        develop: { watch: [{ path: app, action: 'sync', target: '/app' }] },
      },
    });
    const { rules, ignoreFiles } = compileRules({ project: p, services: [] });
    const [r] = rules;
    if (!r) throw new Error('no rule');
    expect(judgePath(r, join(app, 'secret.txt'), false)).toMatchObject({
      kind: 'ignored',
      layer: 'app/.dockerignore',
    });
    expect(judgePath(r, join(app, 'debug.log'), false)).toMatchObject({
      kind: 'ignored',
      layer: '.gitignore',
    });
    expect(judgePath(r, join(app, 'node_modules'), true)).toMatchObject({
      kind: 'ignored',
      by: { text: 'node_modules/' },
    });
    expect(judgePath(r, join(app, 'lib/gen/x.js'), false)).toMatchObject({
      kind: 'ignored',
      by: { source: 'app/lib/.gitignore' },
    });
    expect(judgePath(r, join(app, 'lib/a.js'), false).kind).toBe('kept');
    expect(ignoreFiles).toContain(join(app, '.dockerignore'));
    expect(ignoreFiles).toContain(join(dir, '.gitignore'));
  });

  it('does not apply .gitignore to a rule whose path it ignores, and says so', () => {
    const dir = tree({ '.gitignore': 'dist/\n', 'dist/app.js': '' });
    const p = project(dir, { web: watch({ path: join(dir, 'dist'), action: 'sync', target: '/srv' }) });
    const [r] = compileRules({ project: p, services: [] }).rules;
    expect(r?.notes[0]).toMatch(/\.gitignore ignores \.\/dist itself/);
    expect(r && judgePath(r, join(dir, 'dist/app.js'), false).kind).toBe('kept');
  });

  it('skips, with a warning, a sync path the service bind-mounts', () => {
    const dir = tree({ 'src/a.js': '' });
    const p = project(dir, {
      web: {
        image: 'x',
        volumes: [{ type: 'bind', source: dir, target: '/app' }],
        develop: { watch: [{ path: join(dir, 'src'), action: 'sync', target: '/app/src' }] },
      },
    });
    const out = compileRules({ project: p, services: [] });
    expect(out.rules).toEqual([]);
    expect(out.warnings[0]).toMatch(/bind-mounted/);
  });
});
