import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCgroupStats } from './cgroup-stats.js';

const root = mkdtempSync(join(tmpdir(), 'dev-cgroup-stats-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string, contents: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return dir;
}

const proc = files(join(root, 'proc'), {
  stat: 'cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 50 0 25 500 0 0 0 0 0 0\n',
});
const now = new Date('2026-12-01T07:00:00Z');

describe('readCgroupStats', () => {
  it('reads cgroup v1 controllers', () => {
    const memory = files(join(root, 'v1/memory'), {
      'memory.usage_in_bytes': '1048576\n',
      'memory.limit_in_bytes': '9223372036854771712\n',
      'memory.max_usage_in_bytes': '2097152\n',
      'memory.failcnt': '0\n',
      'memory.stat': 'cache 4096\nrss 8192\n',
    });
    const cpuacct = files(join(root, 'v1/cpuacct'), {
      'cpuacct.usage': '123456789\n',
      'cpuacct.stat': 'user 10\nsystem 5\n',
      'cpuacct.usage_percpu': '100000000 23456789 \n',
    });
    const cpu = files(join(root, 'v1/cpu'), {
      'cpu.stat': 'nr_periods 4\nnr_throttled 1\nthrottled_time 500\n',
    });
    const pids = files(join(root, 'v1/pids'), { 'pids.current': '3\n', 'pids.max': 'max\n' });
    const blkio = files(join(root, 'v1/blkio'), {
      'blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 512\nTotal 4608\n',
    });
    const stats = readCgroupStats({
      dirs: { controllers: { memory, cpuacct, cpu, pids, blkio } },
      memTotal: 1e9,
      onlineCpus: 2,
      now,
      procDir: proc,
    });
    expect(stats).toEqual({
      read: '2026-12-01T07:00:00.000Z',
      pids: { current: 3 },
      memory: {
        usage: 1048576,
        limit: 1e9,
        maxUsage: 2097152,
        failcnt: 0,
        stats: { cache: 4096, rss: 8192 },
      },
      cpu: {
        totalNs: 123456789,
        userNs: 1e8,
        systemNs: 5e7,
        perCpuNs: [100000000, 23456789],
        systemUsageNs: 11.5e9, // all of /proc/stat's cpu line, idle included, as Docker counts
        onlineCpus: 2,
        throttling: { periods: 4, throttledPeriods: 1, throttledTimeNs: 500 },
      },
      blkio: [
        { major: 8, minor: 0, op: 'read', value: 4096 },
        { major: 8, minor: 0, op: 'write', value: 512 },
      ],
    });
  });

  it('reads cgroup v2 files', () => {
    const unified = files(join(root, 'v2/c1'), {
      'memory.current': '4096\n',
      'memory.max': '67108864\n',
      'memory.stat': 'anon 1024\nfile 2048\n',
      'memory.events': 'low 0\nhigh 0\nmax 2\noom 0\n',
      'cpu.stat':
        'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
      'pids.current': '1\n',
      'pids.max': '50\n',
      'io.stat': '8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n',
    });
    const stats = readCgroupStats({
      dirs: { unified, controllers: {} },
      memTotal: 1e9,
      onlineCpus: 2,
      now,
      procDir: proc,
    });
    expect(stats.memory).toEqual({
      usage: 4096,
      limit: 67108864,
      failcnt: 2,
      stats: { anon: 1024, file: 2048 },
    });
    expect(stats.cpu).toMatchObject({ totalNs: 1500000, userNs: 1000000, systemNs: 500000 });
    expect(stats.pids).toEqual({ current: 1, limit: 50 });
    expect(stats.blkio).toEqual([
      { major: 8, minor: 0, op: 'read', value: 100 },
      { major: 8, minor: 0, op: 'write', value: 200 },
    ]);
  });
});
