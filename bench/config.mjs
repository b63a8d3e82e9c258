// `dev config` against `docker-compose config` (Debian's docker-compose v1) on the same files,
// measured in the same run. Goals: >= 5x faster than v1 on 50 services; < 150 ms cold.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProject } from './compose-files.mjs';
import { fmt, have, printTable, ratio, timeCommand } from './lib.mjs';

export function benchConfig({ dev, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'dev-bench-config-'));
  const small = join(root, 'fifty');
  const large = join(root, 'thousand');
  writeProject(small, 50);
  writeProject(large, 1000);
  const env = { ...process.env, DEV_CACHE_DIR: join(root, 'cache') };
  const node = process.execPath;

  const rows = [['case', 'median', 'p95', 'vs docker-compose v1']];
  const baseline = timeCommand(node, ['-e', '0'], { runs, env });
  rows.push(['node -e 0 (floor)', fmt(baseline.median), fmt(baseline.p95), '']);
  const ours = timeCommand(node, [dev, '-p', 'bench', 'config'], { runs, cwd: small, env });
  const noCache = timeCommand(node, [dev, '-p', 'bench', 'config'], {
    runs,
    cwd: small,
    env: { ...env, DEV_NO_CODE_CACHE: '1' },
  });
  let peer;
  if (have('docker-compose')) {
    peer = timeCommand('docker-compose', ['-p', 'bench', 'config'], {
      runs: Math.min(runs, 10),
      warmup: 1,
      cwd: small,
      env,
    });
  }
  rows.push([
    'dev config, 50 services',
    fmt(ours.median),
    fmt(ours.p95),
    peer ? ratio(peer.median, ours.median) : 'n/a',
  ]);
  rows.push([
    'dev config, 50 services, no code cache',
    fmt(noCache.median),
    fmt(noCache.p95),
    peer ? ratio(peer.median, noCache.median) : 'n/a',
  ]);
  if (peer) rows.push(['docker-compose config, 50 services', fmt(peer.median), fmt(peer.p95), '1.0x']);
  const big = timeCommand(node, [dev, '-p', 'bench', 'config', '-q'], {
    runs: Math.max(3, Math.floor(runs / 4)),
    cwd: large,
    env,
  });
  rows.push(['dev config -q, 1,000 services', fmt(big.median), fmt(big.p95), '']);
  printTable(rows);
  if (!peer) console.log('docker-compose not installed: no ratio (apt-get install docker-compose)');
  console.log(
    `goals: >= 5x faster than v1 (${peer ? ratio(peer.median, ours.median) : 'n/a'}), cold < 150 ms (${fmt(ours.median)})`,
  );
}
