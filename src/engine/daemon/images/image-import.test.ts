import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerApi, hasDocker } from '../../../../test/daemon/images/docker-host.js';
import { chunked, isRoot, removeDir, tempDir } from '../../../../test/daemon/images/tar-fixtures.js';
import { applyConfigChanges } from './config-changes.js';
import { importImage } from './image-import.js';
import { ImageStore } from './image-store.js';
import type { ImageConfig } from './image-types.js';
import { imageHistory, inspectImage, listImages } from './image-views.js';

describe('applyConfigChanges', () => {
  it('follows dockerd on ENV, LABEL, WORKDIR, EXPOSE, VOLUME, ENTRYPOINT and HEALTHCHECK', () => {
    const config = applyConfigChanges({}, [
      'ENV A=1 B="two words" C=$A-x',
      'ENV LEGACY some value here',
      'WORKDIR /app',
      'WORKDIR sub/../x',
      'EXPOSE 80 443/udp 8000-8002',
      'LABEL a=b "c d"="e f" g=$A',
      'VOLUME ["/data", "/logs"]',
      'VOLUME /v1 /v2',
      'USER nobody:nogroup',
      'ENTRYPOINT echo hi',
      'HEALTHCHECK --interval=5s --retries=2 CMD curl -f http://x/ || exit 1',
      'ONBUILD RUN echo x',
    ]);
    expect(config).toEqual({
      Env: ['A=1', 'B=two words', 'C=-x', 'LEGACY=some value here'],
      WorkingDir: '/app/x',
      ExposedPorts: { '443/udp': {}, '80/tcp': {}, '8000/tcp': {}, '8001/tcp': {}, '8002/tcp': {} },
      Labels: { a: 'b', 'c d': 'e f', g: '1' },
      Volumes: { '/data': {}, '/logs': {}, '/v1': {}, '/v2': {} },
      User: 'nobody:nogroup',
      Entrypoint: ['/bin/sh', '-c', 'echo hi'],
      Cmd: null,
      Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://x/ || exit 1'], Interval: 5e9, Retries: 2 },
      OnBuild: ['RUN echo x'],
    });
  });

  it('expands defaults and keeps escaped dollars', () => {
    const config = applyConfigChanges({}, ['ENV X=1', 'ENV Y=${X:-d}_${Z:-zz} W=\\$X', 'WORKDIR rel']);
    expect(config.Env).toEqual(['X=1', 'Y=1_zz', 'W=$X']);
    expect(config.WorkingDir).toBe('/rel');
  });

  it('keeps CMD set before ENTRYPOINT', () => {
    expect(applyConfigChanges({}, ['CMD ["a"]', 'ENTRYPOINT ["b"]'])).toMatchObject({
      Cmd: ['a'],
      Entrypoint: ['b'],
    });
    expect(applyConfigChanges({ Cmd: ['old'] }, ['ENTRYPOINT ["b"]']).Cmd).toBeNull();
  });

  it('refuses what dockerd refuses, with its messages', () => {
    expect(() => applyConfigChanges({}, ['RUN x'])).toThrow('run is not a valid change command');
    expect(() => applyConfigChanges({}, ['STOPSIGNAL 9'])).toThrow(
      'stopsignal is not a valid change command',
    );
    expect(() => applyConfigChanges({}, ['EXPOSE abc'])).toThrow('Invalid containerPort: abc');
    expect(() => applyConfigChanges({}, ['ENV'])).toThrow('ENV requires at least one argument');
    expect(() => applyConfigChanges({}, ['ENV A'])).toThrow('ENV must have two arguments');
    expect(() => applyConfigChanges({}, ['VOLUME []'])).toThrow('VOLUME requires at least one argument');
  });
});

describe.skipIf(!isRoot)('importImage', () => {
  let base: string;
  let store: ImageStore;
  let rootfsTar: Buffer;

  beforeAll(() => {
    base = tempDir('import');
    store = new ImageStore({ root: join(base, 'store') });
    const rootfs = join(base, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    mkdirSync(join(rootfs, 'etc'));
    writeFileSync(join(rootfs, 'bin', 'busybox'), 'not really busybox');
    symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
    writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    rootfsTar = execFileSync('tar', ['-C', rootfs, '-c', '.']);
  });
  afterAll(() => removeDir(base));

  it('imports a gzip root file system with changes and a tag, and shows it as the API does', async () => {
    const { image, reference } = await importImage(store, {
      source: chunked(gzipSync(rootfsTar)),
      changes: ['ENV PATH=/bin', 'CMD ["sh"]', 'LABEL x=y'],
      reference: 'example/imported:v1',
      engineVersion: 'dev-test',
    });
    expect(reference).toBe('docker.io/example/imported:v1');
    const config = store.config(image.id);
    expect(config.comment).toBe('Imported from -');
    expect(config.history).toEqual([{ created: config.created, comment: 'Imported from -' }]);
    expect(Object.keys(config)).toEqual([
      'architecture',
      'comment',
      'config',
      'container_config',
      'created',
      'docker_version',
      'history',
      'os',
      'rootfs',
    ]);
    const inspect = inspectImage(store, 'example/imported:v1');
    expect(inspect.Id).toBe(image.id);
    expect(inspect.RepoTags).toEqual(['example/imported:v1']);
    expect(inspect.Config.Env).toEqual(['PATH=/bin']);
    expect(inspect.Config.Labels).toEqual({ x: 'y' });
    expect(inspect.RootFS.Layers).toHaveLength(1);
    expect(inspect.Size).toBe(
      'not really busybox'.length + 'root:x:0:0:root:/root:/bin/sh\n'.length + 'busybox'.length,
    );
    const list = listImages(store);
    expect(list.map((i) => i.RepoTags)).toContainEqual(['example/imported:v1']);
    expect(listImages(store, { filters: { label: ['x=y'] } })).toHaveLength(1);
    expect(listImages(store, { filters: { reference: ['example/*'] } })).toHaveLength(1);
    expect(listImages(store, { filters: { dangling: ['true'] } })).toHaveLength(0);
    const history = imageHistory(store, image.id.slice(7, 19));
    expect(history).toEqual([
      {
        Id: image.id,
        Created: Math.floor(Date.parse(config.created!) / 1000),
        CreatedBy: '',
        Tags: ['example/imported:v1'],
        Size: inspect.Size,
        Comment: 'Imported from -',
      },
    ]);
  });

  it.skipIf(!hasDocker)('writes the same config as dockerd for the same tar and changes', async () => {
    const changes = [
      'ENV PATH=/bin',
      'CMD ["sh"]',
      'ENTRYPOINT ["/bin/sh", "-c"]',
      'EXPOSE 80 53/udp',
      'VOLUME /data',
      'WORKDIR /srv',
      'USER 1000:1000',
      'LABEL org.example=yes',
      'HEALTHCHECK --interval=10s CMD true',
    ];
    const args = ['import', ...changes.flatMap((c) => ['-c', c]), '-', 'dev-images-test/import:compare'];
    const dockerId = docker(args, rootfsTar).trim();
    try {
      const theirs = (
        await dockerApi<{ Config: unknown; RootFS: { Layers: string[] }; Comment: string; Size: number }>(
          `/images/${dockerId}/json`,
        )
      ).body;
      const { image } = await importImage(store, { source: chunked(rootfsTar), changes });
      const ours = inspectImage(store, image.id);
      expect(ours.Config).toEqual(theirs.Config);
      expect(JSON.stringify(ours.Config)).toBe(JSON.stringify(theirs.Config));
      expect(ours.RootFS.Layers).toEqual(theirs.RootFS.Layers);
      expect(ours.Comment).toBe(theirs.Comment);
      expect(ours.Size).toBe(theirs.Size);
      const raw = JSON.parse(store.rawConfig(image.id).toString()) as ImageConfig;
      expect(Object.keys(raw.config!)).toEqual(Object.keys(theirs.Config as object));
    } finally {
      docker(['rmi', 'dev-images-test/import:compare']);
    }
  });
});
