/**
 * The actions beyond a plain sync, against a real engine: restart, sync+restart, sync+exec,
 * rebuild (one per burst, that service only, its `restart: true` dependent restarted, a failed
 * build keeping the watch alive), a compose file change re-planned, and the two `up --watch`
 * modes: attached (logs and watch, Ctrl-C stops the project) and background (status, logs, stop).
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupProject, docker, hasDocker, inspect, uniqueProject } from '../helpers/docker.js';
import { finished, projectCopy, startBuilt } from '../helpers/run-built.js';

const suite = hasDocker ? describe : describe.skip;

/** What the running watch printed, for failure messages. */
let context: () => string = () => '';

async function eventually(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the watch said:\n${context()}`);
}

/** Gone, or a zombie nobody reaped (a detached child's parent is init, which may not reap). */
function gone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Removes an image the tests built, if it is there. */
function removeImage(ref: string): void {
  spawnSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
}

/** `docker exec` output, '' while the container is away (being recreated). */
function execOr(container: string, script: string): string {
  try {
    return docker(['exec', container, 'sh', '-c', script]);
  } catch {
    return '';
  }
}

function watching(child: ChildProcess) {
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    done: finished(child),
    output: () => out,
    until: (re: RegExp, ms = 60_000) => eventually(`${re} in the output:\n${out}`, () => re.test(out), ms),
  };
}

type State = { Id: string; State: { StartedAt: string; Running: boolean } };
const started = (name: string) => inspect<State>(name).State.StartedAt;
const id = (name: string) => inspect<State>(name).Id;

suite('dev watch: restart, exec, rebuild, re-plan', () => {
  const project = uniqueProject('watchact');
  const state = mkdtempSync(join(tmpdir(), 'dev-watch-state-'));
  const env = { XDG_STATE_HOME: state };
  const { dir, dev } = projectCopy('test/fixtures/projects/watch', project, env);
  const c = (service: string) => `${project}-${service}-1`;
  const sh = (service: string, script: string) => execOr(c(service), script);
  let watch: ReturnType<typeof watching>;

  beforeAll(async () => {
    const up = dev(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    watch = watching(startBuilt(['-p', project, 'watch'], { cwd: dir, env }));
    context = () => watch.output();
    await watch.until(/watching app, built: \d+ rules/);
  }, 120_000);

  afterAll(() => {
    watch?.child.kill('SIGKILL');
    cleanupProject(project);
    removeImage(`${project}-built`);
    rmSync(state, { recursive: true, force: true });
  });

  it('restarts the service for a restart rule, in the same container', async () => {
    const before = { id: id(c('app')), started: started(c('app')) };
    writeFileSync(join(dir, 'restart.txt'), 'second\n');
    await eventually('a restart', () => started(c('app')) !== before.started);
    expect(id(c('app'))).toBe(before.id);
    await watch.until(/app: restarted in /);
  }, 60_000);

  it('syncs then restarts for sync+restart, and syncs then runs the command for sync+exec', async () => {
    const before = started(c('app'));
    writeFileSync(join(dir, 'config/app.conf'), 'port=2\n');
    await eventually('the restart', () => started(c('app')) !== before);
    expect(sh('app', 'cat /app/config/app.conf')).toBe('port=2');
    writeFileSync(join(dir, 'hooks/hook.txt'), 'hook v2\n');
    await eventually('the command', () => sh('app', 'cat /tmp/exec-ran 2>/dev/null || true') === 'hook v2');
    await watch.until(/app: ran `sh -c 'cat \/app\/hooks\/\* > \/tmp\/exec-ran'` in app-1/);
  }, 60_000);

  it('rebuilds once for a burst, recreating that service only and restarting its restart: true dependent', async () => {
    const before = { built: id(c('built')), app: id(c('app')), dependent: id(c('dependent')) };
    const dependentStarted = started(c('dependent'));
    const rebuildsBefore = (watch.output().match(/built: rebuilding/g) ?? []).length;
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir, 'built/version.txt'), `v2.${i}\n`);
      writeFileSync(join(dir, `built/extra-${i}.txt`), `${i}\n`);
    }
    await watch.until(/built: rebuilt in .*, recreated; restarted dependent-1/);
    expect(id(c('built'))).not.toBe(before.built);
    expect(sh('built', 'cat /version.txt')).toBe('v2.4');
    expect(id(c('app'))).toBe(before.app);
    expect(id(c('dependent'))).toBe(before.dependent);
    expect(started(c('dependent'))).not.toBe(dependentStarted);
    // Give a second rebuild every chance to show up: there must be none.
    writeFileSync(join(dir, 'src/after-burst.js'), 'x\n');
    await watch.until(/app: synced 1 file/);
    await new Promise((r) => setTimeout(r, 1500));
    expect((watch.output().match(/built: rebuilding/g) ?? []).length - rebuildsBefore).toBe(1);
  }, 120_000);

  it('keeps watching after a failed rebuild, and rebuilds once the build is fixed', async () => {
    const dockerfile = join(dir, 'built/Dockerfile');
    const good = readFileSync(dockerfile, 'utf8');
    writeFileSync(dockerfile, good.replace('COPY', 'RUN exit 3\nCOPY'));
    await watch.until(
      /built: rebuild failed: .*\n {2}rule: built develop\.watch\[0\] \(rebuild \.\/built\)[\s\S]*still watching/,
    );
    writeFileSync(join(dir, 'src/while-broken.js'), 'still syncing\n');
    await eventually(
      'a sync meanwhile',
      () => sh('app', 'cat /app/src/while-broken.js 2>/dev/null || true') === 'still syncing',
    );
    writeFileSync(join(dir, 'built/version.txt'), 'v3\n');
    writeFileSync(dockerfile, good);
    await eventually(
      'the fixed build',
      () => sh('built', 'cat /version.txt 2>/dev/null || true') === 'v3',
      60_000,
    );
  }, 120_000);

  it('re-plans a compose file change and applies only the difference', async () => {
    const before = { app: id(c('app')), built: id(c('built')) };
    const compose = join(dir, 'compose.yaml');
    writeFileSync(
      compose,
      readFileSync(compose, 'utf8').replace(
        '  app:\n    image:',
        '  app:\n    environment:\n      MODE: watched\n    image:',
      ),
    );
    await watch.until(/compose\.yaml changed: recreated app-1/);
    expect(sh('app', 'echo $MODE')).toBe('watched');
    expect(id(c('app'))).not.toBe(before.app);
    expect(id(c('built'))).toBe(before.built);
    // The new container got the synced files back.
    await eventually(
      'the catch-up',
      () => sh('app', 'cat /app/src/while-broken.js 2>/dev/null || true') === 'still syncing',
    );
  }, 60_000);
});

suite('dev up --watch', () => {
  const project = uniqueProject('watchup');
  const state = mkdtempSync(join(tmpdir(), 'dev-watch-state-'));
  const env = { XDG_STATE_HOME: state };
  const { dir, dev } = projectCopy('test/fixtures/projects/watch', project, env);
  const app = `${project}-app-1`;
  const sh = (script: string) => execOr(app, script);

  afterAll(() => {
    dev(['watch', 'stop']);
    cleanupProject(project);
    removeImage(`${project}-built`);
    rmSync(state, { recursive: true, force: true });
  });

  it('attached: logs and watch lines together; Ctrl-C stops the watch, then the project', async () => {
    const up = watching(startBuilt(['-p', project, 'up', '--watch', 'app', 'built'], { cwd: dir, env }));
    context = () => up.output();
    await up.until(/watch +\| watching app, built: /);
    expect(up.output()).toContain('Attaching to app-1, built-1');
    await up.until(/built-1 +\| version v1/);
    // A rebuilt container is followed from its start.
    writeFileSync(join(dir, 'built/version.txt'), 'v-attached\n');
    await up.until(/built-1 +\| version v-attached/);
    writeFileSync(join(dir, 'src/attached.js'), 'attached\n');
    await eventually('the sync', () => sh('cat /app/src/attached.js 2>/dev/null || true') === 'attached');
    await up.until(/watch +\| app: synced 1 file/);
    up.child.kill('SIGINT');
    const result = await up.done;
    expect(result.code).toBe(130);
    expect(up.output()).toContain('stopped watching');
    expect(inspect<State>(app).State.Running).toBe(false);
    expect(inspect<State>(`${project}-built-1`).State.Running).toBe(false);
  }, 120_000);

  it('detached: the watch runs in the background; status, logs and stop', async () => {
    const up = dev(['up', '-d', '--watch', 'app']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/watching in the background \(pid (\d+)\)/);
    const pid = Number(/pid (\d+)/.exec(up.stdout)?.[1]);
    const status = dev(['watch', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`pid ${pid}`);
    writeFileSync(join(dir, 'src/background.js'), 'background\n');
    await eventually('the sync', () => sh('cat /app/src/background.js 2>/dev/null || true') === 'background');
    await eventually('the log line', () => /app: synced 1 file/.test(dev(['watch', 'logs']).stdout));
    expect(dev(['up', '-d', '--watch', 'app']).stdout).toContain(
      `already runs in the background (pid ${pid})`,
    );
    const stop = dev(['watch', 'stop']);
    expect(stop.stdout).toContain(`stopped the background watch of ${project} (pid ${pid})`);
    expect(gone(pid)).toBe(true);
    expect(dev(['watch', 'status']).code).toBe(1);
    expect(dev(['watch', 'logs']).stdout).toContain('stopped watching');
  }, 120_000);
});
