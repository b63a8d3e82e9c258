#!/usr/bin/env node
// The planner on a generated 1,000-service project: `node bench/plan-1000.mjs [--runs N]`.
// Bundles src/planner with esbuild (no build step needed) and times reconcile on a fresh
// engine, a steady one (everything kept), one that drifted (recreates, starts, scale, orphans),
// then planDown and formatPlan. Goal: each well under 1 s (a CLI run should not wait on planning).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { fmt, printTable, stats } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads the planner and the model helpers it needs, bundled from the TypeScript sources. */
async function loadPlanner() {
  const entry = [
    "export { reconcile } from './src/planner/reconcile.ts';",
    "export { planDown } from './src/planner/plan-down.ts';",
    "export { formatPlan } from './src/planner/format-plan.ts';",
    "export { configHash } from './src/model/config-hash.ts';",
    "export { configDigests } from './src/model/config-digest.ts';",
    "export { Labels } from './src/model/labels.ts';",
  ].join('\n');
  const out = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const dir = mkdtempSync(join(tmpdir(), 'dev-bench-plan-'));
  const file = join(dir, 'planner.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A normalised project of `n` services in layers: each depends on up to three earlier ones. */
export function generateProject(n) {
  const services = {};
  for (let i = 0; i < n; i++) {
    const name = `svc${String(i).padStart(4, '0')}`;
    const depends_on = {};
    for (const back of [1, 7, 31]) {
      if (i - back >= 0 && (i + back) % 3 !== 0) {
        const d = `svc${String(i - back).padStart(4, '0')}`;
        depends_on[d] = {
          condition: back === 1 ? 'service_healthy' : 'service_started',
          required: back !== 31,
          ...(back === 7 ? { restart: true } : {}),
        };
      }
    }
    services[name] = {
      ...(i % 10 === 0
        ? { build: { context: `/src/${name}`, dockerfile: 'Dockerfile' } }
        : { image: `img${i % 50}:1` }),
      environment: { INDEX: String(i), MODE: 'dev', PEERS: String(Object.keys(depends_on).length) },
      ports: [{ mode: 'ingress', target: 8000, published: String(10000 + i), protocol: 'tcp' }],
      volumes: [{ type: 'volume', source: `data${i % 20}`, target: '/data' }],
      networks: { default: null, [`net${i % 5}`]: null },
      healthcheck: { test: ['CMD', 'true'], interval: '5s' },
      ...(i % 25 === 0 ? { deploy: { replicas: 3 } } : {}),
      ...(Object.keys(depends_on).length > 0 ? { depends_on } : {}),
    };
  }
  const networks = { default: { name: 'big_default' } };
  for (let k = 0; k < 5; k++) networks[`net${k}`] = { name: `big_net${k}` };
  const volumes = {};
  for (let k = 0; k < 20; k++) volumes[`data${k}`] = { name: `big_data${k}` };
  return { name: 'big', services, networks, volumes, secrets: {}, configs: {}, extensions: {} };
}

/** The engine after `dev up` of the project: every image, resource and container in place. */
function stateAfterUp(p, project) {
  const state = { project: project.name, containers: [], networks: [], volumes: [], images: {} };
  for (const [name, s] of Object.entries(project.services)) {
    const ref = s.image ?? `${project.name}-${name}`;
    state.images[ref] = { ref, id: `sha256:${ref}` };
    const hash = p.configHash(s);
    const digests = p.configDigests(s);
    for (let n = 1; n <= (s.deploy?.replicas ?? 1); n++) {
      state.containers.push({
        id: `${name}-${n}`,
        name: `${project.name}-${name}-${n}`,
        service: name,
        number: n,
        oneoff: false,
        state: 'running',
        configHash: hash,
        configDigest: digests,
        imageId: `sha256:${ref}`,
        image: ref,
        labels: { [p.Labels.project]: project.name, [p.Labels.devVersion]: '0.1.0' },
        created: 1_700_000_000,
      });
    }
  }
  const labels = (kind, key) => ({ [p.Labels.project]: project.name, [kind]: key });
  for (const [key, n] of Object.entries(project.networks)) {
    state.networks.push({ id: key, name: n.name, labels: labels(p.Labels.network, key), driver: 'bridge' });
  }
  for (const [key, v] of Object.entries(project.volumes)) {
    state.volumes.push({ name: v.name, labels: labels(p.Labels.volume, key), driver: 'local' });
  }
  return state;
}

/** Some drift: changed environments, updated images, stopped containers, an orphan. */
function drift(state) {
  const out = structuredClone(state);
  out.containers.forEach((c, i) => {
    if (i % 17 === 0) c.configDigest = { ...c.configDigest, 'environment.MODE': 'old' };
    if (i % 17 === 0) c.configHash = 'old';
    if (i % 23 === 0) c.state = 'exited';
  });
  out.images['img3:1'] = { ref: 'img3:1', id: 'sha256:new' };
  out.containers.push({ ...out.containers[0], id: 'orphan', name: 'big-gone-1', service: 'gone' });
  return out;
}

function time(fn, runs) {
  const samples = [];
  let result;
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    result = fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 2) samples.push(ms);
  }
  return { ...stats(samples), result };
}

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
const p = await loadPlanner();
const project = generateProject(1000);
const empty = { project: 'big', containers: [], networks: [], volumes: [], images: {} };
const steady = stateAfterUp(p, project);
const drifted = drift(steady);
const options = { devVersion: '0.1.0', removeOrphans: true };

const cases = [
  ['reconcile, fresh engine', () => p.reconcile(project, empty, options)],
  ['reconcile, steady (all kept)', () => p.reconcile(project, steady, options)],
  ['reconcile, drifted', () => p.reconcile(project, drifted, options)],
  ['planDown --volumes --rmi all', () => p.planDown(project, steady, { volumes: true, rmi: 'all' })],
];
const rows = [['case (1,000 services)', 'median', 'p95', 'steps']];
for (const [name, fn] of cases) {
  const t = time(fn, runs);
  rows.push([name, fmt(t.median), fmt(t.p95), String(t.result.steps.length)]);
}
const plan = p.reconcile(project, drifted, options);
const text = time(() => p.formatPlan(plan), runs);
rows.push([
  'formatPlan of the drifted plan',
  fmt(text.median),
  fmt(text.p95),
  `${text.result.split('\n').length} lines`,
]);
printTable(rows);
console.log('goal: each well under 1 s');
