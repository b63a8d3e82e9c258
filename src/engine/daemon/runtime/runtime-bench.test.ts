/**
 * On-demand measurement of the hot path, create + start until the process runs, against a
 * bare `runc run -d` of a config with the same shape. Not part of the normal test run (it
 * only reports, asserting nothing about time): DEV_RUNTIME_BENCH=1 npx vitest run <this file>.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeFixture, runtimeSkipReason } from './testing/runtime-fixture.js';

const runs = Number(process.env.DEV_RUNTIME_BENCH_RUNS ?? 20);
const enabled = process.env.DEV_RUNTIME_BENCH === '1' && runtimeSkipReason() === undefined;

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `${label}: median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${at(0).toFixed(1)} ms (n=${times.length})`;
}

describe.skipIf(!enabled)('create + start timing (DEV_RUNTIME_BENCH=1)', () => {
  const f = enabled ? new RuntimeFixture('bench') : undefined;
  afterAll(async () => {
    await f?.cleanup();
  });

  it('measures create+start to running, and a bare runc run', async () => {
    if (!f) return;
    await f.runtime.recover();
    const create: number[] = [];
    const start: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const id = f.id(`b${i}`);
      const t0 = performance.now();
      await f.runtime.create({ id, rootfs: f.rootfs, process: { args: ['sleep', '600'] } });
      const t1 = performance.now();
      await f.runtime.start(id);
      const t2 = performance.now();
      create.push(t1 - t0);
      start.push(t2 - t1);
      total.push(t2 - t0);
      await f.runtime.delete(id, { force: true });
    }
    // The same config.json, run by runc alone (no shim, no bookkeeping), for scale.
    const bare: number[] = [];
    const probe = f.id('probe');
    await f.runtime.create({ id: probe, rootfs: f.rootfs, process: { args: ['sleep', '600'] } });
    const bundle = join(f.dir, 'bare');
    mkdirSync(bundle);
    cpSync(join(f.runtime.state(probe).bundle, 'config.json'), join(bundle, 'config.json'));
    const runc = f.runtime.ociRuntime?.path ?? 'runc';
    const root = join(f.dir, 'bare-state');
    for (let i = 0; i < runs; i += 1) {
      const id = `bare${i}`;
      const t0 = performance.now();
      execFileSync(runc, ['--root', root, 'run', '-d', '--bundle', bundle, id], { stdio: 'ignore' });
      bare.push(performance.now() - t0);
      execFileSync(runc, ['--root', root, 'delete', '-f', id], { stdio: 'ignore' });
    }
    rmSync(root, { recursive: true, force: true });
    console.log(
      [
        summary('create', create),
        summary('start', start),
        summary('create+start', total),
        summary('bare runc run -d', bare),
      ].join('\n'),
    );
    expect(total).toHaveLength(runs);
  });
});
