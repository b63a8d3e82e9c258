import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { ImageService } from './image-service.js';

describe.skipIf(!isRoot)('ImageService', () => {
  let base: string;
  let service: ImageService;
  const users = new Map<string, { container: string; running: boolean }[]>();
  beforeAll(() => {
    base = tempDir('service');
    service = new ImageService({
      root: join(base, 'engine'),
      engineVersion: '0.1.0-test',
      usedBy: (id) => users.get(id) ?? [],
      clock: () => new Date('2026-01-02T03:04:05.000Z'),
    });
  });
  afterAll(() => removeDir(base));

  it('imports, runs a container snapshot, commits it, saves and loads it elsewhere', async () => {
    const rootfs = buildTar([
      { name: 'etc/', type: 'directory' },
      {
        name: 'etc/passwd',
        type: 'file',
        data: 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n',
      },
      { name: 'data/', type: 'directory' },
      { name: 'data/seed', type: 'file', data: 'seed' },
    ]);
    const { image } = await service.import({
      source: chunked(rootfs),
      reference: 'svc/base',
      changes: ['CMD ["/bin/app"]'],
    });
    expect(service.inspect('svc/base').Created).toBe('2026-01-02T03:04:05.000Z');
    expect(service.inspect('svc/base').DockerVersion).toBe('0.1.0-test');
    expect(service.readFile('svc/base', '/etc/passwd')?.toString()).toContain('app:x:1000');
    const containerId = 'a'.repeat(64);
    service.snapshots.prepare(containerId, 'svc/base');
    const rootDir = await service.snapshots.mount(containerId);
    writeFileSync(join(rootDir, 'data', 'written'), 'by the container');
    expect(await service.snapshots.changes(containerId)).toEqual([
      { Path: '/data', Kind: 0 },
      { Path: '/data/written', Kind: 1 },
    ]);
    const { image: committed, reference } = await service.commitContainer({
      containerId,
      containerConfig: { Cmd: ['/bin/app', '--serve'], Env: ['A=1'] },
      config: { Env: ['B=2'] },
      changes: ['LABEL committed=yes'],
      author: 'tester',
      reference: 'svc/committed:v1',
    });
    expect(reference).toBe('docker.io/svc/committed:v1');
    const inspect = service.inspect('svc/committed:v1');
    expect(inspect.Parent).toBe(image.id);
    expect(inspect.Author).toBe('tester');
    expect(inspect.Container).toBe(containerId);
    expect(inspect.Config).toMatchObject({
      Env: ['B=2', 'A=1'],
      Cmd: ['/bin/app', '--serve'],
      Labels: { committed: 'yes' },
    });
    expect(service.history('svc/committed:v1').map((h) => h.Id)).toEqual([committed.id, image.id]);

    users.set(image.id, [{ container: containerId, running: true }]);
    expect(() => service.remove(image.id, { force: true })).toThrow(/dependent child images/);
    expect(() => service.remove('svc/base')).toThrow(/must force/);

    const parts: Buffer[] = [];
    for await (const chunk of service.save(['svc/committed:v1'])) parts.push(chunk);
    const other = new ImageService({ root: join(base, 'other') });
    const loaded = await other.load({ source: chunked(Buffer.concat(parts), 1 << 16) });
    expect(loaded.messages).toEqual(['Loaded image: svc/committed:v1']);
    expect(other.readFile('svc/committed:v1', '/data/written')?.toString()).toBe('by the container');

    await service.snapshots.remove(containerId);
    users.clear();
    expect(service.remove('svc/committed:v1').map((i) => Object.keys(i)[0])).toEqual([
      'Untagged',
      'Deleted',
      'Deleted',
    ]);
    expect(service.list().map((i) => i.RepoTags)).toEqual([['svc/base:latest']]);
    expect(service.prune({ all: true }).ImagesDeleted).toContainEqual({ Deleted: image.id });
    expect(service.list()).toEqual([]);
  });
});
