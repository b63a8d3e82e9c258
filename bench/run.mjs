#!/usr/bin/env node
// Runs the benchmarks: `node bench/run.mjs [config] [--runs N]`. Each prints its numbers next to
// the peers measured in the same run, as ratios.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig } from './config.mjs';
import { benchEngine } from './engine.mjs';
import { benchUp } from './up.mjs';
import { benchWatch } from './watch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = join(root, 'dist/dev.cjs');
if (!existsSync(dev)) {
  console.error('dist/dev.cjs is missing: run `npm run build` first');
  process.exit(1);
}
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
const selected = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const benches = { config: benchConfig, up: benchUp, engine: benchEngine, watch: benchWatch };
for (const [name, bench] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  console.log(`\n## ${name}`);
  await bench({ dev, runs });
}
