/**
 * `dev watch` syncing into a real container, checked by exec: edits, new files, deletions,
 * renames (of files and directories), a burst of 1,000 files, the ignore rules, the catch-up
 * after the watch was stopped, `--explain`, bad rules, and Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupProject, docker, uniqueProject } from '../helpers/docker.js';
import { finished, projectCopy, startBuilt } from '../helpers/run-built.js';
import { forEachEngine } from '../helpers/test-engines.js';

/** Polls `check` until it returns true; fails with `what` after `ms`. */
async function eventually(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A started `dev watch` and its output so far. */
function watching(child: ChildProcess) {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const done = finished(child);
  return {
    child,
    output: () => out,
    done,
    until: (re: RegExp, ms = 30_000) =>
      eventually(`${re} in the watch output:\n${out}`, () => re.test(out), ms),
  };
}

forEachEngine('dev watch syncs files into the container', (engine) => {
  const project = uniqueProject('watch');
  const state = mkdtempSync(join(tmpdir(), 'dev-watch-state-'));
  // DOCKER_HOST of the engine joins once it has started (the first beforeAll).
  const env: Record<string, string> = { XDG_STATE_HOME: state };
  const { dir, dev } = projectCopy('test/fixtures/projects/watch', project, env);
  const container = `${project}-app-1`;
  const sh = (script: string) => docker(['exec', container, 'sh', '-c', script]);
  const exists = (path: string) => sh(`test -e ${path} && echo yes || echo no`) === 'yes';
  const startWatch = (args: string[] = []) =>
    watching(startBuilt(['-p', project, 'watch', ...args, 'app'], { cwd: dir, env }));
  let watch: ReturnType<typeof watching>;

  beforeAll(async () => {
    Object.assign(env, engine.env());
    const up = dev(['up', '-d', 'app']);
    expect(up.code, up.stderr).toBe(0);
    watch = startWatch();
    await watch.until(/watching app: \d+ rules/);
  }, 60_000);

  afterAll(() => {
    watch?.child.kill('SIGKILL');
    cleanupProject(project);
    rmSync(state, { recursive: true, force: true });
  });

  it('caught up on start: the files of the sync rules are in the container', () => {
    expect(watch.output()).toMatch(/app-1: caught up in .*: sent \d+ files/);
    expect(sh('cat /app/src/one.js')).toBe('export const one = 1;');
    expect(sh('cat /app/config/app.conf')).toBe('port=1');
  });

  it('syncs an edit, a new file, a deletion, and renames of a file and of a directory', async () => {
    writeFileSync(join(dir, 'src/one.js'), 'export const one = "edited";\n');
    await eventually('the edit', () => sh('cat /app/src/one.js') === 'export const one = "edited";');
    mkdirSync(join(dir, 'src/dir/deeper'), { recursive: true });
    writeFileSync(join(dir, 'src/dir/deeper/new.js'), 'new\n');
    await eventually('the new file', () => exists('/app/src/dir/deeper/new.js'));
    expect(sh('cat /app/src/dir/deeper/new.js')).toBe('new');
    writeFileSync(join(dir, 'src/doomed.js'), 'doomed\n');
    await eventually('the doomed file', () => exists('/app/src/doomed.js'));
    rmSync(join(dir, 'src/doomed.js'));
    await eventually('the deletion', () => !exists('/app/src/doomed.js'));
    renameSync(join(dir, 'src/dir/deeper/new.js'), join(dir, 'src/dir/deeper/renamed.js'));
    await eventually('the renamed file', () => exists('/app/src/dir/deeper/renamed.js'));
    await eventually('the old name gone', () => !exists('/app/src/dir/deeper/new.js'));
    renameSync(join(dir, 'src/dir'), join(dir, 'src/moved'));
    await eventually('the moved directory', () => exists('/app/src/moved/deeper/renamed.js'));
    await eventually('the old directory gone', () => !exists('/app/src/dir'));
    expect(watch.output()).toMatch(/app: synced 1 file in \d+ ms/);
    expect(watch.output()).toMatch(/app: deleted 1 file in \d+ ms/);
  }, 60_000);

  it('syncs a burst of 1,000 files completely', async () => {
    const burst = join(dir, 'src/burst');
    mkdirSync(burst);
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = `file-${String(i).padStart(4, '0')}.txt`;
      const content = `content of ${name}\n${'x'.repeat(i)}\n`;
      writeFileSync(join(burst, name), content);
      lines.push(`${createHash('md5').update(content).digest('hex')}  ${name}`);
    }
    await eventually('1,000 files', () => sh('ls /app/src/burst | wc -l') === '1000', 60_000);
    const expected = createHash('md5')
      .update(`${lines.join('\n')}\n`)
      .digest('hex');
    await eventually('their content', () =>
      sh('cd /app/src/burst && md5sum * | md5sum').startsWith(expected),
    );
  }, 90_000);

  it('leaves out what the ignore rules drop: rule ignore:, .gitignore, editor files, .git', async () => {
    writeFileSync(join(dir, 'src/scratch.tmp'), 'tmp\n');
    mkdirSync(join(dir, 'src/ignored'), { recursive: true });
    writeFileSync(join(dir, 'src/ignored/a.js'), 'a\n');
    writeFileSync(join(dir, 'src/debug.log'), 'log\n');
    mkdirSync(join(dir, 'src/generated'), { recursive: true });
    writeFileSync(join(dir, 'src/generated/g.js'), 'g\n');
    writeFileSync(join(dir, 'src/.one.js.swp'), 'swap\n');
    mkdirSync(join(dir, 'src/.git'), { recursive: true });
    writeFileSync(join(dir, 'src/.git/HEAD'), 'ref\n');
    writeFileSync(join(dir, 'src/marker.js'), 'marker\n');
    await eventually('the marker', () => exists('/app/src/marker.js'));
    for (const path of ['scratch.tmp', 'ignored', 'debug.log', 'generated', '.one.js.swp', '.git']) {
      expect(exists(`/app/src/${path}`), path).toBe(false);
    }
  }, 60_000);

  it('explains which rule keeps or drops a path, and what a change would do', () => {
    const kept = dev(['watch', '--explain', 'src/one.js']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(
      'app develop.watch[0] (sync ./src → /app/src): kept → sync to app:/app/src/one.js',
    );
    const dropped = dev(['watch', '--explain', 'src/debug.log']);
    expect(dropped.stdout).toContain('dropped by .gitignore:1 `*.log`');
    expect(dropped.stdout).toContain('no rule keeps src/debug.log');
    const rule = dev(['watch', '--explain', 'src/x.tmp']);
    expect(rule.stdout).toContain('dropped by app develop.watch[0].ignore `*.tmp`');
    const built = dev(['watch', '--explain', 'built/notes.md']);
    expect(built.stdout).toContain('dropped by built/.dockerignore:1 `notes.md`');
    const restart = dev(['watch', '--explain', 'restart.txt']);
    expect(restart.stdout).toContain('kept → restart app');
    const compose = dev(['watch', '--explain', 'compose.yaml']);
    expect(compose.stdout).toContain('a compose or env file of the project');
  });

  it('stops on Ctrl-C, and catches up on the next start: changed, added and deleted files', async () => {
    sh('touch /app/src/made-in-the-container.txt');
    watch.child.kill('SIGINT');
    const result = await watch.done;
    expect(result.code).toBe(0);
    expect(watch.output()).toContain('stopped watching');
    writeFileSync(join(dir, 'src/one.js'), 'while stopped\n');
    writeFileSync(join(dir, 'src/offline.js'), 'offline\n');
    rmSync(join(dir, 'src/marker.js'));
    watch = startWatch();
    await watch.until(/watching app/);
    expect(sh('cat /app/src/one.js')).toBe('while stopped');
    expect(sh('cat /app/src/offline.js')).toBe('offline');
    expect(exists('/app/src/marker.js')).toBe(false);
    // What dev never synced stays: the container's own files are not the host's to delete.
    expect(exists('/app/src/made-in-the-container.txt')).toBe(true);
    expect(exists('/app/src/burst/file-0999.txt')).toBe(true);
    expect(watch.output()).toMatch(/app-1: caught up in .*: sent 2 files, deleted 1, \d+ already in place/);
  }, 60_000);

  it('refuses bad rules, naming the rule and the path', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      [
        'services:',
        '  web:',
        '    image: dev-example/busybox:latest',
        '    develop:',
        '      watch:',
        '        - { action: sync, path: ./src, target: app/src }',
        '        - { action: sync, path: ../elsewhere, target: /x }',
        '',
      ].join('\n'),
    );
    const bad = dev(['-f', 'bad.yaml', 'watch']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'web develop.watch[0] (sync ./src → app/src): target "app/src" is not an absolute path',
    );
    expect(bad.stderr).toContain('(and 1 more)');
    expect(bad.stderr).toMatch(
      /web develop\.watch\[1\] .*: path \.\.\/elsewhere is outside the project directory/,
    );
  });
});
