// The bundled engine against dockerd, measured in the same run: create+start of one container
// to running (goal >= 3x faster), `dev up -d` / `down` of a 10-service project (goal >= 2x),
// the daemon's idle RSS (goal < 60 MB), and 100 containers started and running at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProject } from './compose-files.mjs';
import { fmt, printTable, ratio, stats } from './lib.mjs';

const IMAGE = 'dev-example/busybox:latest';
const DOCKERD = '/var/run/docker.sock';

/** One Engine API call over a unix socket; resolves with the parsed body. */
function api(socket, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        socketPath: socket,
        method,
        path: `/v1.41${path}`,
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 500) >= 400)
            reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** create + start of one container until start returns (the container runs), `runs` times. */
async function createStart(socket, runs, tag) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    const { Id } = await api(socket, 'POST', `/containers/create?name=bench-${tag}-${i}`, {
      Image: IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { 'dev.bench': tag },
    });
    await api(socket, 'POST', `/containers/${Id}/start`);
    samples.push(now() - t);
    await api(socket, 'DELETE', `/containers/${Id}?force=1`);
  }
  return stats(samples);
}

/** 100 containers started, 10 at a time; the time until all run. */
async function hundred(socket, tag) {
  const t = now();
  const ids = [];
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const { Id } = await api(socket, 'POST', `/containers/create?name=bench-${tag}-h${batch * 10 + i}`, {
          Image: IMAGE,
          Cmd: ['sleep', '600'],
          Labels: { 'dev.bench': tag },
        });
        await api(socket, 'POST', `/containers/${Id}/start`);
        ids.push(Id);
      }),
    );
  }
  const ms = now() - t;
  const running = (
    await api(
      socket,
      'GET',
      `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: [`dev.bench=${tag}`] }))}`,
    )
  ).length;
  await Promise.all(ids.map((id) => api(socket, 'DELETE', `/containers/${id}?force=1`)));
  return { ms, running };
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function pidOf(name) {
  const r = spawnSync('pidof', [name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().split(' ')[0]) : undefined;
}

export async function benchEngine({ dev, runs }) {
  if (process.getuid?.() !== 0) {
    console.log('the bundled engine needs root: skipped');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'dev-bench-engine-'));
  const socket = join(root, 'engine.sock');
  const env = { ...process.env, DEV_CACHE_DIR: join(root, 'cache') };
  const engineArgs = ['--root', join(root, 'state'), '--socket', socket];
  execFileSync(process.execPath, [dev, 'engine', 'start', ...engineArgs], { env, stdio: 'inherit' });
  try {
    execFileSync('sh', ['-c', `docker save ${IMAGE} | docker -H unix://${socket} load -q`], {
      stdio: 'ignore',
    });
    const status = JSON.parse(
      execFileSync(process.execPath, [dev, 'engine', 'status', '--format', 'json', ...engineArgs], {
        env,
        encoding: 'utf8',
      }),
    );
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMb(status.pid);
    const n = Math.max(5, runs);
    const ours = await createStart(socket, n, 'bundled');
    const peer = await createStart(DOCKERD, n, 'dockerd');

    const ten = join(root, 'ten');
    writeProject(ten, 10, {
      image: IMAGE,
      command: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
      tree: true,
    });
    const cycle = (host, name) => {
      const opts = { cwd: ten, env: { ...env, DOCKER_HOST: `unix://${host}` }, stdio: 'ignore' };
      const up = [];
      const down = [];
      for (let i = 0; i < 3; i++) {
        let t = now();
        execFileSync(process.execPath, [dev, '-p', name, 'up', '-d'], opts);
        up.push(now() - t);
        t = now();
        execFileSync(process.execPath, [dev, '-p', name, 'down', '-v'], opts);
        down.push(now() - t);
      }
      return { up: stats(up), down: stats(down) };
    };
    const upOurs = cycle(socket, 'benchbundled');
    const upPeer = cycle(DOCKERD, 'benchdockerd');
    const hOurs = await hundred(socket, 'bundled100');
    const hPeer = await hundred(DOCKERD, 'dockerd100');
    const dockerdPid = pidOf('dockerd');
    const containerdPid = pidOf('containerd');

    printTable([
      ['case', 'bundled', 'dockerd', 'bundled vs dockerd'],
      [
        'create+start one container (median)',
        fmt(ours.median),
        fmt(peer.median),
        ratio(peer.median, ours.median),
      ],
      ['create+start one container (p95)', fmt(ours.p95), fmt(peer.p95), ratio(peer.p95, ours.p95)],
      [
        'dev up -d, 10 services',
        fmt(upOurs.up.median),
        fmt(upPeer.up.median),
        ratio(upPeer.up.median, upOurs.up.median),
      ],
      [
        'dev down -v, 10 services',
        fmt(upOurs.down.median),
        fmt(upPeer.down.median),
        ratio(upPeer.down.median, upOurs.down.median),
      ],
      [
        '100 containers, 10 at a time',
        `${fmt(hOurs.ms)} (${hOurs.running} ran)`,
        `${fmt(hPeer.ms)} (${hPeer.running} ran)`,
        ratio(hPeer.ms, hOurs.ms),
      ],
      [
        'daemon RSS, idle',
        `${idle.toFixed(0)} MB`,
        dockerdPid
          ? `${(rssMb(dockerdPid) + (containerdPid ? rssMb(containerdPid) : 0)).toFixed(0)} MB (dockerd + containerd)`
          : 'n/a',
        '',
      ],
    ]);
    console.log(
      `goals: create+start >= 3x (${ratio(peer.median, ours.median)}), up -d >= 2x (${ratio(upPeer.up.median, upOurs.up.median)}), idle RSS < 60 MB (${idle.toFixed(0)} MB)`,
    );
  } finally {
    execFileSync(process.execPath, [dev, 'engine', 'stop', ...engineArgs], { env, stdio: 'inherit' });
  }
}
