// `dev up -d` / no-op `up -d` / `down` against docker-compose v1 on a 10-service project, both
// on the same engine in the same run; and `dev plan` of a generated 1,000-service project.
// Goals: cold up >= 2x faster than v1, no-op up < 300 ms and >= 3x, down >= 2x; plan(1,000) < 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProject } from './compose-files.mjs';
import { fmt, have, printTable, ratio, stats, timeCommand } from './lib.mjs';

const IMAGE = 'dev-example/busybox:latest';

/** Times one command once (ms); throws when it fails. */
function once(cmd, args, options) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(0, 500)}`);
  return ms;
}

/** cold up, no-op up and down of one tool, `runs` rounds. */
function cycle(tool, { runs, cwd, env }) {
  const cold = [];
  const noop = [];
  const down = [];
  for (let i = 0; i < runs; i++) {
    cold.push(once(tool.cmd, [...tool.args, 'up', '-d'], { cwd, env }));
    noop.push(once(tool.cmd, [...tool.args, 'up', '-d'], { cwd, env }));
    down.push(once(tool.cmd, [...tool.args, 'down', '-v'], { cwd, env }));
  }
  return { cold: stats(cold), noop: stats(noop), down: stats(down) };
}

export function benchUp({ dev, runs }) {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status !== 0) {
    console.log(`no ${IMAGE} on the engine: run scripts/make-test-images.sh first`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'dev-bench-up-'));
  const ten = join(root, 'ten');
  // PID 1 handles SIGTERM, so `down` measures the tools, not a 10 s stop timeout.
  writeProject(ten, 10, {
    image: IMAGE,
    command: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
    tree: true,
  });
  const env = { ...process.env, DEV_CACHE_DIR: join(root, 'cache') };
  const rounds = Math.max(3, Math.min(runs, 10));
  // Fresh project names each run: what an earlier, interrupted run left cannot get in the way.
  const tag = Math.random().toString(36).slice(2, 8);
  const ours = cycle(
    { cmd: process.execPath, args: [dev, '-p', `benchdev${tag}`] },
    { runs: rounds, cwd: ten, env },
  );
  const peer = have('docker-compose')
    ? cycle({ cmd: 'docker-compose', args: ['-p', `benchv1${tag}`] }, { runs: rounds, cwd: ten, env })
    : undefined;

  const rows = [['case (10 services)', 'dev median', 'dev p95', 'v1 median', 'dev vs v1']];
  for (const [key, label] of [
    ['cold', 'up -d, cold'],
    ['noop', 'up -d, nothing to do'],
    ['down', 'down -v'],
  ]) {
    rows.push([
      label,
      fmt(ours[key].median),
      fmt(ours[key].p95),
      peer ? fmt(peer[key].median) : 'n/a',
      peer ? ratio(peer[key].median, ours[key].median) : 'n/a',
    ]);
  }
  const thousand = join(root, 'thousand');
  writeProject(thousand, 1000, { image: IMAGE });
  const plan = timeCommand(process.execPath, [dev, '-p', 'benchplan', 'plan'], {
    runs: Math.max(3, Math.floor(runs / 4)),
    warmup: 1,
    cwd: thousand,
    env,
  });
  rows.push(['dev plan, 1,000 services', fmt(plan.median), fmt(plan.p95), '', '']);
  printTable(rows);
  if (!peer) console.log('docker-compose not installed: no ratio (apt-get install docker-compose)');
  const r = (k) => (peer ? ratio(peer[k].median, ours[k].median) : 'n/a');
  console.log(
    `goals: cold up >= 2x (${r('cold')}), no-op up < 300 ms (${fmt(ours.noop.median)}) and >= 3x (${r('noop')}), down >= 2x (${r('down')}), plan(1,000) < 1 s (${fmt(plan.median)})`,
  );
}
