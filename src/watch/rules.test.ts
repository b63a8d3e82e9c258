import { describe, expect, it } from 'vitest';
import { builtInLayer, type IgnoreLayer } from './ignore-model.js';
import { compilePatternFile } from './patterns.js';
import { type CompiledRule, judgePath, planBatch, watcherSkips } from './rules.js';

const layer = (name: string, text: string, base = '/p'): IgnoreLayer => ({
  name,
  dialect: 'docker',
  patterns: compilePatternFile(text, { dialect: 'docker', base, source: name }),
});

function rule(over: Partial<CompiledRule> & Pick<CompiledRule, 'service' | 'action' | 'path'>): CompiledRule {
  return { index: 0, ignore: [builtInLayer('/')], label: `${over.service} rule`, notes: [], ...over };
}

const none = { projectFiles: new Set<string>(), ignoreFiles: new Set<string>() };

describe('judgePath', () => {
  const web = rule({
    service: 'web',
    action: 'sync',
    path: '/p/src',
    target: '/app/src',
    ignore: [builtInLayer('/'), layer('ignore:', 'dist\n*.tmp', '/p/src')],
  });

  it('maps a kept path under the rule to the target', () => {
    expect(judgePath(web, '/p/src/a/b.js', false)).toEqual({
      kind: 'kept',
      containerPath: '/app/src/a/b.js',
    });
    expect(judgePath(web, '/p/src', true)).toEqual({ kind: 'kept', containerPath: '/app/src' });
  });

  it('says why a path is not kept', () => {
    expect(judgePath(web, '/p/other.js', false)).toEqual({ kind: 'outside' });
    expect(judgePath(web, '/p/srcx/a.js', false)).toEqual({ kind: 'outside' });
    expect(judgePath(web, '/p/src/x.tmp', false)).toMatchObject({
      kind: 'ignored',
      layer: 'ignore:',
      by: { text: '*.tmp' },
    });
    expect(judgePath(web, '/p/src/dist/a.js', false)).toMatchObject({
      kind: 'ignored',
      by: { text: 'dist' },
    });
    expect(judgePath(web, '/p/src/.git/HEAD', false)).toMatchObject({ kind: 'ignored', layer: 'built-in' });
  });

  it('keeps only what include picks, but keeps directories for what they hold', () => {
    const r = rule({
      service: 'w',
      action: 'sync',
      path: '/p',
      target: '/a',
      include: layer('include:', '**/*.js'),
    });
    expect(judgePath(r, '/p/x/y.js', false).kind).toBe('kept');
    expect(judgePath(r, '/p/x/y.css', false).kind).toBe('not-included');
    expect(judgePath(r, '/p/x', true).kind).toBe('kept');
  });
});

describe('planBatch', () => {
  const rules = [
    rule({ service: 'web', index: 0, action: 'sync', path: '/p/web', target: '/srv' }),
    rule({
      service: 'web',
      index: 1,
      action: 'sync+exec',
      path: '/p/web/hooks',
      target: '/hooks',
      exec: { command: ['make'] },
    }),
    rule({ service: 'api', index: 0, action: 'rebuild', path: '/p/api' }),
    rule({ service: 'api', index: 1, action: 'sync+restart', path: '/p/api/conf', target: '/etc/api' }),
    rule({ service: 'worker', index: 0, action: 'restart', path: '/p/worker.env' }),
  ];

  it('sorts a batch into work per service, every matching rule applying', () => {
    const plan = planBatch(
      rules,
      [
        { path: '/p/web/index.html' },
        { path: '/p/web/hooks/h.sh' },
        { path: '/p/api/conf/a.ini' },
        { path: '/p/worker.env' },
        { path: '/p/README.md' },
      ],
      none,
    );
    const web = plan.services.get('web');
    expect([...(web?.sync.keys() ?? [])]).toEqual(['/srv/index.html', '/srv/hooks/h.sh', '/hooks/h.sh']);
    expect([...(web?.exec.keys() ?? [])]).toEqual([1]);
    expect(plan.services.get('api')).toMatchObject({ rebuild: true, restart: true });
    expect([...(plan.services.get('api')?.sync.keys() ?? [])]).toEqual(['/etc/api/a.ini']);
    expect(plan.services.get('worker')).toMatchObject({ restart: true, rebuild: false });
    expect(plan.services.size).toBe(3);
  });

  it('reports compose files and ignore files apart', () => {
    const plan = planBatch(rules, [{ path: '/p/compose.yaml' }, { path: '/p/web/.gitignore' }], {
      projectFiles: new Set(['/p/compose.yaml']),
      ignoreFiles: new Set(['/p/web/.gitignore']),
    });
    expect(plan.projectFiles).toEqual(['/p/compose.yaml']);
    expect(plan.ignoreFiles).toEqual(['/p/web/.gitignore']);
  });

  it('turns a burst of 1,000 events into one work item per service', () => {
    const burst = Array.from({ length: 1000 }, (_, i) => ({ path: `/p/web/f${i}.txt` }));
    const plan = planBatch(rules, burst, none);
    expect(plan.services.get('web')?.sync.size).toBe(1000);
  });
});

describe('watcherSkips', () => {
  const rules = [
    rule({
      service: 'web',
      action: 'sync',
      path: '/p/app',
      target: '/app',
      ignore: [builtInLayer('/'), layer('.dockerignore', 'node_modules\n', '/p/app')],
    }),
  ];

  it('skips ignored directories whole and keeps the way to the rule paths', () => {
    expect(watcherSkips(rules, '/p/app/node_modules', true)).toBe(true);
    expect(watcherSkips(rules, '/p/app/src', true)).toBe(false);
    expect(watcherSkips(rules, '/p/app/src/a.js', false)).toBe(false);
    expect(watcherSkips(rules, '/p', true)).toBe(false);
    expect(watcherSkips(rules, '/p/app/.git', true)).toBe(true);
  });
});
