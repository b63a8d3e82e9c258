// Hot reload, measured against the engine DOCKER_HOST (or the default socket) points at:
// 1. latency from a file write on the host to the new content visible inside the container,
//    p50 and p95 over N edits, with `dev watch` syncing, and with a plain `docker cp` of the
//    same file (the floor) in the same run. The container sees the change through a shell
//    loop reading the file every 2 ms and printing it; both cases are observed the same way.
// 2. a 100,000-file tree (node_modules ignored through .gitignore): RSS once watching, and
//    CPU while idle.
// Goals: p50 < 100 ms, p95 < 250 ms, within 2x of docker cp; 100k files < 200 MB RSS, idle CPU ~0.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, printTable, stats } from './lib.mjs';

const IMAGE = 'dev-example/busybox:latest';
const OBSERVER = [
  'sh',
  '-c',
  'last=""; while :; do read -r v < /app/src/probe.txt 2>/dev/null; if [ "$v" != "$last" ]; then echo "seen $v"; last="$v"; fi; usleep 2000; done',
];

/** Runs `dev watch` until `until` matches its output; returns the child and the output so far. */
function startWatch(dev, args, { cwd, env, until, timeoutMs = 120_000 }) {
  const child = spawn(process.execPath, [dev, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev watch not ready:\n${out}`)), timeoutMs);
    const on = (d) => {
      out += d.toString();
      if (until.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`dev watch exited (${code}):\n${out}`)));
  });
  return { child, ready, output: () => out };
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** The container's "seen <token>" lines, with the time each arrived. */
function observe(container) {
  const seen = new Map();
  const waiters = new Map();
  const logs = spawn('docker', ['logs', '-f', '--since', '0s', container], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let rest = '';
  logs.stdout.on('data', (d) => {
    const now = performance.now();
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const token = /^seen (\S+)$/.exec(line)?.[1];
      if (!token || seen.has(token)) continue;
      seen.set(token, now);
      waiters.get(token)?.(now);
    }
  });
  return {
    /** Resolves with the time the token was seen (ms, performance.now), or rejects after 5 s. */
    when(token) {
      if (seen.has(token)) return Promise.resolve(seen.get(token));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${token} never seen in the container`)), 5000);
        waiters.set(token, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });
    },
    close: () => logs.kill(),
  };
}

async function latency({ dev, runs, root, env }) {
  const dir = join(root, 'latency');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/probe.txt'), 'start\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  app:',
      `    image: ${IMAGE}`,
      '    init: true',
      // `$$`: compose would interpolate a single `$`.
      `    command: ${JSON.stringify(OBSERVER).replaceAll('$', '$$$$')}`,
      '    develop:',
      '      watch:',
      '        - { action: sync, path: ./src, target: /app/src }',
      '',
    ].join('\n'),
  );
  const project = `benchwatch${Math.random().toString(36).slice(2, 8)}`;
  const up = spawnSync(process.execPath, [dev, '-p', project, 'up', '-d'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  if (up.status !== 0) throw new Error(`dev up failed: ${up.stderr}`);
  const container = `${project}-app-1`;
  const eyes = observe(container);
  const edits = Math.max(10, runs);
  const pause = () => new Promise((r) => setTimeout(r, 120));
  try {
    const watch = startWatch(dev, ['-p', project, 'watch'], { cwd: dir, env, until: /watching app/ });
    await watch.ready;
    const ours = [];
    for (let i = 0; i < edits + 3; i++) {
      const token = `dev-${i}`;
      const t0 = performance.now();
      writeFileSync(join(dir, 'src/probe.txt'), `${token}\n`);
      const t1 = await eyes.when(token);
      if (i >= 3) ours.push(t1 - t0);
      await pause();
    }
    await stop(watch.child);
    const floor = [];
    const staging = join(dir, 'cp');
    mkdirSync(staging);
    for (let i = 0; i < edits + 3; i++) {
      const token = `cp-${i}`;
      const t0 = performance.now();
      writeFileSync(join(staging, 'probe.txt'), `${token}\n`);
      const cp = spawnSync('docker', ['cp', join(staging, 'probe.txt'), `${container}:/app/src/probe.txt`]);
      if (cp.status !== 0) throw new Error(`docker cp failed: ${cp.stderr}`);
      const t1 = await eyes.when(token);
      if (i >= 3) floor.push(t1 - t0);
      await pause();
    }
    return { ours: stats(ours), floor: stats(floor), edits };
  } finally {
    eyes.close();
    spawnSync(process.execPath, [dev, '-p', project, 'down', '-t', '0'], { cwd: dir, env });
  }
}

/** 90,000 files in node_modules (ignored) and 10,000 in src. */
function writeLargeTree(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  for (let p = 0; p < 3000; p++) {
    const pkg = join(dir, 'node_modules', `pkg-${p}`, 'lib');
    mkdirSync(pkg, { recursive: true });
    for (let f = 0; f < 30; f++) writeFileSync(join(pkg, `f${f}.js`), 'module.exports = 1;\n');
  }
  for (let d = 0; d < 500; d++) {
    const sub = join(dir, 'src', `mod-${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 20; f++) writeFileSync(join(sub, `f${f}.js`), `export const v = ${f};\n`);
  }
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  app:',
      `    image: ${IMAGE}`,
      '    init: true',
      '    command: ["sleep", "2147483647"]',
      '    develop:',
      '      watch:',
      '        - { action: sync, path: ., target: /app }',
      '',
    ].join('\n'),
  );
}

function procStat(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 (1-based), in clock ticks of 10 ms.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, cpuMs: ticks * 10 };
}

async function largeTree({ dev, root, env }) {
  const dir = join(root, 'large');
  writeLargeTree(dir);
  const project = `benchwatchbig${Math.random().toString(36).slice(2, 8)}`;
  const up = spawnSync(process.execPath, [dev, '-p', project, 'up', '-d'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  if (up.status !== 0) throw new Error(`dev up failed: ${up.stderr}`);
  try {
    const t0 = performance.now();
    const watch = startWatch(dev, ['-p', project, 'watch'], {
      cwd: dir,
      env,
      until: /watching app/,
      timeoutMs: 300_000,
    });
    await watch.ready;
    const readyMs = performance.now() - t0;
    const paths = Number(/(\d[\d,]*) paths/.exec(watch.output())?.[1]?.replaceAll(',', '') ?? 0);
    await new Promise((r) => setTimeout(r, 2000));
    const before = procStat(watch.child.pid);
    const idleMs = 10_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const after = procStat(watch.child.pid);
    await stop(watch.child);
    return {
      readyMs,
      paths,
      rssMb: after.rssMb,
      peakMb: after.peakMb,
      idleCpu: (after.cpuMs - before.cpuMs) / idleMs,
    };
  } finally {
    spawnSync(process.execPath, [dev, '-p', project, 'down', '-t', '0'], { cwd: dir, env });
  }
}

export async function benchWatch({ dev, runs }) {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status !== 0) {
    console.log(`no ${IMAGE} on the engine: run scripts/make-test-images.sh first`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'dev-bench-watch-'));
  const env = { ...process.env, DEV_CACHE_DIR: join(root, 'cache'), XDG_STATE_HOME: join(root, 'state') };
  try {
    const lat = await latency({ dev, runs: Math.max(runs, 100), root, env });
    printTable([
      [`write → visible in the container (${lat.edits} edits)`, 'p50', 'p95', 'min'],
      ['dev watch (sync)', fmt(lat.ours.median), fmt(lat.ours.p95), fmt(lat.ours.min)],
      ['docker cp (floor)', fmt(lat.floor.median), fmt(lat.floor.p95), fmt(lat.floor.min)],
      [
        'dev / floor',
        `${(lat.ours.median / lat.floor.median).toFixed(2)}x`,
        `${(lat.ours.p95 / lat.floor.p95).toFixed(2)}x`,
        '',
      ],
    ]);
    const big = await largeTree({ dev, root, env });
    printTable([
      ['100,000 files (90,000 in node_modules, ignored)', 'value'],
      ['paths watched', big.paths.toLocaleString('en-US')],
      ['ready (scan + catch-up of 10,000 files)', fmt(big.readyMs)],
      ['RSS while watching', `${big.rssMb.toFixed(0)} MB`],
      ['peak RSS', `${big.peakMb.toFixed(0)} MB`],
      ['CPU while idle (10 s)', `${(big.idleCpu * 100).toFixed(2)} % of a core`],
    ]);
    console.log(
      `goals: p50 < 100 ms (${fmt(lat.ours.median)}), p95 < 250 ms (${fmt(lat.ours.p95)}), within 2x of docker cp (${(lat.ours.median / lat.floor.median).toFixed(2)}x); 100k files < 200 MB RSS (${big.peakMb.toFixed(0)} MB peak), idle CPU ~0 (${(big.idleCpu * 100).toFixed(2)} %)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
