import { describe, expect, it } from 'vitest';
import { cgroupDirsForPath, mapCgroupFile, readCgroupLayout } from './cgroup-layout.js';

const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;

const V2 = `25 20 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate`;

describe('cgroup layout', () => {
  it('reads a hybrid host as v1 with a unified mount', () => {
    const layout = readCgroupLayout(HYBRID);
    expect(layout.version).toBe(1);
    expect(layout.unified?.mountpoint).toBe('/sys/fs/cgroup/unified');
    expect(Object.keys(layout.controllers).sort()).toEqual(['cpu', 'cpuacct', 'memory', 'name=systemd']);
    expect(layout.controllers.cpuacct?.mountpoint).toBe('/sys/fs/cgroup/cpu,cpuacct');
  });

  it('reads a pure unified host as v2', () => {
    const layout = readCgroupLayout(V2);
    expect(layout).toEqual({
      version: 2,
      unified: { mountpoint: '/sys/fs/cgroup', root: '/' },
      controllers: {},
    });
  });

  it('maps /proc/<pid>/cgroup to directories', () => {
    const layout = readCgroupLayout(HYBRID);
    const dirs = mapCgroupFile(
      layout,
      '4:memory:/dev-engine/c1\n2:cpu,cpuacct:/dev-engine/c1\n0::/dev-engine/c1\n',
    );
    expect(dirs).toEqual({
      unified: '/sys/fs/cgroup/unified/dev-engine/c1',
      controllers: {
        memory: '/sys/fs/cgroup/memory/dev-engine/c1',
        cpu: '/sys/fs/cgroup/cpu,cpuacct/dev-engine/c1',
        cpuacct: '/sys/fs/cgroup/cpu,cpuacct/dev-engine/c1',
      },
    });
    expect(cgroupDirsForPath(readCgroupLayout(V2), '/dev-engine/c1')).toEqual({
      unified: '/sys/fs/cgroup/dev-engine/c1',
      controllers: {},
    });
  });

  it('maps paths of a mount whose root is a sub-cgroup (a cgroup namespace)', () => {
    const layout = readCgroupLayout('30 20 0:22 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
    expect(mapCgroupFile(layout, '0::/docker/abc/dev-engine/c1').unified).toBe(
      '/sys/fs/cgroup/dev-engine/c1',
    );
  });
});
