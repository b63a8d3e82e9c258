import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerApi, ensureBusybox, hasDocker } from '../../../../test/daemon/images/docker-host.js';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../test/daemon/images/tar-fixtures.js';
import { loadArchive } from './archive-load.js';
import { saveImages } from './archive-save.js';
import { sha256Digest } from './digest.js';
import { UnsafeArchiveError } from './errors.js';
import { ImageStore } from './image-store.js';
import { MediaType } from './image-types.js';
import { inspectImage } from './image-views.js';
import { hostPlatform } from './platform.js';
import { readTar } from './tar-reader.js';

const projectRoot = join(import.meta.dirname, '../../../..');
const collect = async (source: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
};
const entriesOf = async (tar: Buffer) => {
  const names: string[] = [];
  for await (const entry of readTar(chunked(tar))) names.push(entry.header.name);
  return names;
};

describe.skipIf(!isRoot)('docker save / docker load', () => {
  let base: string;
  let store: ImageStore;
  beforeAll(() => {
    base = tempDir('archive');
    store = new ImageStore({ root: join(base, 'store') });
  });
  afterAll(() => removeDir(base));

  describe.skipIf(!hasDocker)('with dockerd', () => {
    let dockerSave: Buffer;
    let dockerId: string;
    beforeAll(() => {
      ensureBusybox(projectRoot);
      dockerSave = execFileSync('docker', ['save', 'dev-example/busybox:latest'], { maxBuffer: 1 << 28 });
      dockerId = docker(['image', 'inspect', '-f', '{{.Id}}', 'dev-example/busybox:latest']).trim();
    });

    it('loads an archive dockerd saved: same id, config, layers and tag', async () => {
      const result = await loadArchive(store, { source: chunked(dockerSave, 65536) });
      expect(result.messages).toEqual(['Loaded image: dev-example/busybox:latest']);
      expect(result.images).toEqual([{ id: dockerId, references: ['docker.io/dev-example/busybox:latest'] }]);
      const theirs = (
        await dockerApi<{ Config: unknown; RootFS: unknown; Size: number }>(`/images/${dockerId}/json`)
      ).body;
      const ours = inspectImage(store, 'dev-example/busybox');
      expect(ours.Config).toEqual(theirs.Config);
      expect(ours.RootFS).toEqual(theirs.RootFS);
      expect(ours.Size).toBe(theirs.Size);
      const diff = store.layers.diffDir(store.diffIds(dockerId)[0]!);
      expect(existsSync(join(diff, 'bin', 'busybox'))).toBe(true);
      expect(readFileSync(join(diff, 'etc', 'passwd'), 'utf8')).toMatch(/^root:x:0:0/);
    });

    it('saves an archive dockerd loads back, with the same image id', async () => {
      store.tag(dockerId, 'dev-images-test/roundtrip:v1');
      const archive = await collect(saveImages(store, ['dev-images-test/roundtrip:v1']));
      try {
        const out = docker(['load'], archive);
        expect(out).toContain('dev-images-test/roundtrip:v1');
        expect(docker(['image', 'inspect', '-f', '{{.Id}}', 'dev-images-test/roundtrip:v1']).trim()).toBe(
          dockerId,
        );
      } finally {
        docker(['rmi', 'dev-images-test/roundtrip:v1']);
      }
    });

    it('round-trips save → load into a fresh store, gzip-compressed', async () => {
      const archive = await collect(saveImages(store, ['dev-example/busybox']));
      const names = await entriesOf(archive);
      expect(names).toContain('oci-layout');
      expect(names).toContain('index.json');
      expect(names.slice(-4)).toEqual(['index.json', 'manifest.json', 'oci-layout', 'repositories']);
      const fresh = new ImageStore({ root: join(base, 'fresh') });
      const result = await loadArchive(fresh, { source: chunked(gzipSync(archive), 50_000) });
      expect(result.images).toEqual([{ id: dockerId, references: ['docker.io/dev-example/busybox:latest'] }]);
      const rebuilt = await collect(fresh.layers.tarStream(fresh.diffIds(dockerId)[0]!));
      expect(sha256Digest(rebuilt)).toBe(fresh.diffIds(dockerId)[0]);
    });
  });

  it('loads a bare OCI layout with a gzip layer behind a multi-platform index', async () => {
    const layerTar = buildTar([
      { name: 'hello.txt', type: 'file', data: 'hello from OCI' },
      { name: 'dir/', type: 'directory' },
    ]);
    const layerGz = gzipSync(layerTar);
    const config = Buffer.from(
      JSON.stringify({
        architecture: hostPlatform().architecture,
        os: 'linux',
        config: { Cmd: ['/hello'] },
        rootfs: { type: 'layers', diff_ids: [sha256Digest(layerTar)] },
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: sha256Digest(config), size: config.length },
        layers: [{ mediaType: MediaType.ociLayerGzip, digest: sha256Digest(layerGz), size: layerGz.length }],
      }),
    );
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: `sha256:${'1'.repeat(64)}`,
            size: 1,
            platform: { os: 'linux', architecture: 'not-this-one' },
          },
          {
            mediaType: MediaType.ociManifest,
            digest: sha256Digest(manifest),
            size: manifest.length,
            platform: hostPlatform(),
          },
        ],
      }),
    );
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaType.ociIndex,
          digest: sha256Digest(nested),
          size: nested.length,
          annotations: { 'org.opencontainers.image.ref.name': 'example.com/oci/app:1.0' },
        },
      ],
    });
    const blob = (data: Buffer) => ({
      name: `blobs/sha256/${sha256Digest(data).slice(7)}`,
      type: 'file' as const,
      data,
    });
    const archive = buildTar([
      { name: 'oci-layout', type: 'file', data: '{"imageLayoutVersion":"1.0.0"}' },
      blob(layerGz),
      blob(config),
      blob(manifest),
      blob(nested),
      { name: 'index.json', type: 'file', data: index },
    ]);
    const result = await loadArchive(store, { source: chunked(archive) });
    expect(result.messages).toEqual(['Loaded image: example.com/oci/app:1.0']);
    const id = result.images[0]!.id;
    expect(id).toBe(sha256Digest(config));
    expect(readFileSync(join(store.layers.diffDir(sha256Digest(layerTar)), 'hello.txt'), 'utf8')).toBe(
      'hello from OCI',
    );
    expect(store.layers.findBySource(sha256Digest(layerGz))).toBe(sha256Digest(layerTar));
  });

  it('refuses an archive whose layer escapes, writing nothing outside the store', async () => {
    const evil = buildTar([{ name: '../../../../../../tmp/dev-images-evil', type: 'file', data: 'x' }]);
    const archive = buildTar([
      { name: 'abc/layer.tar', type: 'file', data: evil },
      { name: 'manifest.json', type: 'file', data: '[]' },
    ]);
    await expect(loadArchive(store, { source: chunked(archive) })).rejects.toBeInstanceOf(UnsafeArchiveError);
    expect(existsSync('/tmp/dev-images-evil')).toBe(false);
  });
});
