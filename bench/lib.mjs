// Shared helpers of the benchmarks: timing whole commands, and printing ratios.
import { spawnSync } from 'node:child_process';

/** Runs `cmd args` `runs` times (after `warmup` runs) and returns wall-time statistics in ms. */
export function timeCommand(cmd, args, { runs = 20, warmup = 2, cwd, env = process.env, check = true } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (check && result.status !== 0) {
      throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr?.slice(0, 500)}`);
    }
    if (i >= warmup) samples.push(ms);
  }
  return stats(samples);
}

/** Median, p95, mean and min of samples (ms). */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    runs: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    min: sorted[0],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** Whether a command exists on PATH. */
export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Prints rows as an aligned table. */
export function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => String(c).padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

export const fmt = (ms) => `${ms.toFixed(0)} ms`;
export const ratio = (peer, ours) => `${(peer / ours).toFixed(1)}x`;
