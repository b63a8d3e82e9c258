import { describe, expect, it } from 'vitest';
import { parseHardLimits, probeHost } from './host-probe.js';

describe('host facts', () => {
  it('reads hard limits from /proc/<pid>/limits text', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             96365                96365                processes ',
      'Max open files            1024                 20000                files     ',
      'Max core file size        0                    unlimited            bytes     ',
    ].join('\n');
    expect(parseHardLimits(text)).toEqual({ nproc: 96365, nofile: 20000, core: Number.POSITIVE_INFINITY });
  });

  it('probes this host without spawning anything', () => {
    const host = probeHost();
    expect(host.capLastCap).toBeGreaterThan(30);
    expect(host.hardLimits.nofile).toBeGreaterThan(0);
    expect(host.memTotal).toBeGreaterThan(0);
    expect([1, 2]).toContain(host.cgroup.version);
  });
});
