import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureBusybox, hasDocker } from '../../../../../test/daemon/images/docker-host.js';
import { startFaultProxy } from '../../../../../test/daemon/images/fault-proxy.js';
import {
  canHtpasswd,
  hasOpenssl,
  hasRegistry,
  type RunningRegistry,
  startRegistry,
} from '../../../../../test/daemon/images/registry-server.js';
import {
  buildTar,
  chunked,
  isRoot,
  removeDir,
  tempDir,
} from '../../../../../test/daemon/images/tar-fixtures.js';
import { sha256Digest } from '../digest.js';
import { DigestMismatchError, RegistryError } from '../errors.js';
import { importImage } from '../image-import.js';
import { ImageStore } from '../image-store.js';
import { MediaType } from '../image-types.js';
import { inspectImage } from '../image-views.js';
import { hostPlatform } from '../platform.js';
import type { ProgressMessage } from '../progress.js';
import { credentialsFromDockerConfig, decodeRegistryAuth } from './credentials.js';
import { ImagePuller } from './image-pull.js';
import { ImagePusher } from './image-push.js';
import { RegistryClient } from './registry-client.js';
import { registryEndpoint } from './registry-endpoint.js';

const projectRoot = join(import.meta.dirname, '../../../../..');

/** A one-layer image with `kb` KiB of random (incompressible) content, tagged `reference`. */
async function randomImage(store: ImageStore, reference: string, kb = 64): Promise<string> {
  const tar = buildTar([
    { name: 'data/', type: 'directory' },
    { name: 'data/random.bin', type: 'file', data: randomBytes(kb * 1024) },
  ]);
  return (await importImage(store, { source: chunked(tar), reference, changes: ['CMD ["/data"]'] })).image.id;
}

const statuses = (events: ProgressMessage[]) => events.map((e) => e.status).filter(Boolean);

describe.skipIf(!isRoot || !hasRegistry)('registry client against docker-registry', () => {
  let base: string;
  let registry: RunningRegistry;
  let store: ImageStore;
  let puller: ImagePuller;
  let pusher: ImagePusher;

  beforeAll(async () => {
    base = tempDir('registry');
    registry = await startRegistry(join(base, 'registry'));
    store = new ImageStore({ root: join(base, 'store') });
    puller = new ImagePuller({ store });
    pusher = new ImagePusher({ store });
  });
  afterAll(async () => {
    await registry?.stop();
    removeDir(base);
  });

  it.skipIf(!hasDocker)('pulls an image dockerd pushed: same id, layers and repo digest', async () => {
    ensureBusybox(projectRoot);
    const name = `${registry.host}/test/busybox:1`;
    docker(['tag', 'dev-example/busybox:latest', name]);
    let pushedDigest: string;
    try {
      const out = docker(['push', name]);
      pushedDigest = /digest: (sha256:[a-f0-9]{64})/.exec(out)![1]!;
    } finally {
      docker(['rmi', name]);
    }
    const dockerId = docker(['image', 'inspect', '-f', '{{.Id}}', 'dev-example/busybox:latest']).trim();
    const events: ProgressMessage[] = [];
    const result = await puller.pull({ reference: name, onProgress: (e) => events.push(e) });
    expect(result).toMatchObject({ id: dockerId, digest: pushedDigest, upToDate: false });
    expect(result.reference).toBe(`${registry.host}/test/busybox:1`);
    expect(statuses(events)).toEqual(
      expect.arrayContaining([
        'Pulling from test/busybox',
        'Pulling fs layer',
        'Downloading',
        'Verifying Checksum',
        'Download complete',
        'Extracting',
        'Pull complete',
        `Digest: ${pushedDigest}`,
        `Status: Downloaded newer image for ${name}`,
      ]),
    );
    const inspect = inspectImage(store, name);
    expect(inspect.RepoDigests).toEqual([`${registry.host}/test/busybox@${pushedDigest}`]);
    expect(readdirSync(join(store.root, 'ingest'))).toEqual([]);
    const again: ProgressMessage[] = [];
    const second = await puller.pull({ reference: name, onProgress: (e) => again.push(e) });
    expect(second.upToDate).toBe(true);
    expect(statuses(again)).toContain(`Status: Image is up to date for ${name}`);
    expect(statuses(again)).toContain('Already exists');
  });

  it.skipIf(!hasDocker)('pushes an image dockerd can pull, streamed and in chunks', async () => {
    const id = await randomImage(store, `${registry.host}/test/ours:1`, 300);
    const events: ProgressMessage[] = [];
    const [pushed] = await pusher.push({
      reference: `${registry.host}/test/ours:1`,
      onProgress: (e) => events.push(e),
    });
    expect(statuses(events)).toEqual(
      expect.arrayContaining([
        `The push refers to repository [${registry.host}/test/ours]`,
        'Preparing',
        'Pushing',
        'Pushed',
      ]),
    );
    expect(events.at(-1)?.aux).toEqual({ Tag: '1', Digest: pushed!.digest, Size: pushed!.size });
    expect(inspectImage(store, id).RepoDigests).toContain(`${registry.host}/test/ours@${pushed!.digest}`);
    docker(['pull', `${registry.host}/test/ours:1`]);
    try {
      expect(docker(['image', 'inspect', '-f', '{{.Id}}', `${registry.host}/test/ours:1`]).trim()).toBe(id);
    } finally {
      docker(['rmi', `${registry.host}/test/ours:1`]);
    }
    const chunkedPusher = new ImagePusher({ store, chunkSize: 64 * 1024 });
    const chunkedId = await randomImage(store, `${registry.host}/test/chunked:1`, 200);
    await chunkedPusher.push({ reference: `${registry.host}/test/chunked:1` });
    const fresh = new ImageStore({ root: join(base, 'fresh-chunked') });
    const pulled = await new ImagePuller({ store: fresh }).pull({
      reference: `${registry.host}/test/chunked:1`,
    });
    expect(pulled.id).toBe(chunkedId);
  });

  it('finds layers already there, and mounts them from another repository', async () => {
    await randomImage(store, `${registry.host}/test/mount-a:1`);
    await pusher.push({ reference: `${registry.host}/test/mount-a:1` });
    const again: ProgressMessage[] = [];
    await pusher.push({ reference: `${registry.host}/test/mount-a:1`, onProgress: (e) => again.push(e) });
    expect(statuses(again)).toContain('Layer already exists');
    store.tag(store.resolve(`${registry.host}/test/mount-a:1`).id, `${registry.host}/test/mount-b:1`);
    const events: ProgressMessage[] = [];
    await pusher.push({ reference: `${registry.host}/test/mount-b:1`, onProgress: (e) => events.push(e) });
    expect(statuses(events)).toContain('Mounted from test/mount-a');
  });

  it('resumes a blob download cut short with a Range request', async () => {
    const id = await randomImage(store, `${registry.host}/test/resume:1`, 256);
    await pusher.push({ reference: `${registry.host}/test/resume:1` });
    const proxy = await startFaultProxy(registry.host);
    try {
      proxy.faults.push({ kind: 'cut', afterBytes: 100_000, minSize: 200_000 });
      const fresh = new ImageStore({ root: join(base, 'fresh-resume') });
      const result = await new ImagePuller({ store: fresh }).pull({
        reference: `${proxy.host}/test/resume:1`,
      });
      expect(result.id).toBe(id);
      const layerGets = proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/'));
      const resumed = layerGets.map((r) => /^bytes=(\d+)-$/.exec(r.range ?? '')?.[1]).filter(Boolean);
      expect(resumed).toHaveLength(1);
      expect(Number(resumed[0])).toBeGreaterThan(0);
      expect(Number(resumed[0])).toBeLessThanOrEqual(100_000);
      // A pull that fails for good keeps what it got; the next pull asks only for the rest.
      const later = new ImageStore({ root: join(base, 'fresh-resume-later') });
      proxy.faults.push({ kind: 'cut', afterBytes: 150_000, minSize: 200_000 });
      await expect(
        new ImagePuller({ store: later, retries: 0 }).pull({ reference: `${proxy.host}/test/resume:1` }),
      ).rejects.toBeDefined();
      proxy.requests.length = 0;
      expect(
        (await new ImagePuller({ store: later }).pull({ reference: `${proxy.host}/test/resume:1` })).id,
      ).toBe(id);
      const ranges = proxy.requests.map((r) => r.range).filter(Boolean);
      expect(ranges).toHaveLength(1);
      expect(Number(/\d+/.exec(ranges[0]!)![0])).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a layer whose bytes do not match its digest, unpacking nothing', async () => {
    await randomImage(store, `${registry.host}/test/corrupt:1`);
    await pusher.push({ reference: `${registry.host}/test/corrupt:1` });
    const proxy = await startFaultProxy(registry.host);
    try {
      proxy.faults.push({ kind: 'corrupt', minSize: 10_000 });
      const fresh = new ImageStore({ root: join(base, 'fresh-corrupt') });
      const error = await new ImagePuller({ store: fresh })
        .pull({ reference: `${proxy.host}/test/corrupt:1` })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect(fresh.layers.list()).toEqual([]);
      expect(readdirSync(join(fresh.root, 'ingest'))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('picks the host platform from a manifest list and records the list digest', async () => {
    const host = hostPlatform();
    const a = await randomImage(store, `${registry.host}/test/multi:a`);
    await randomImage(store, `${registry.host}/test/multi:b`);
    const [pa, pb] = await pusher.push({ reference: `${registry.host}/test/multi` });
    expect([pa?.tag, pb?.tag].sort()).toEqual(['a', 'b']);
    const byTag = new Map([pa!, pb!].map((p) => [p.tag, p]));
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.dockerManifestList,
        manifests: [
          {
            mediaType: MediaType.dockerManifest,
            ...pick(byTag.get('b')!),
            platform: { os: 'linux', architecture: 's390x' },
          },
          { mediaType: MediaType.dockerManifest, ...pick(byTag.get('a')!), platform: host },
        ],
      }),
    );
    const client = new RegistryClient({
      endpoint: registryEndpoint(registry.host),
      repository: 'test/multi',
      actions: ['pull', 'push'],
    });
    await client.putManifest('list', index, MediaType.dockerManifestList);
    const fresh = new ImageStore({ root: join(base, 'fresh-multi') });
    const result = await new ImagePuller({ store: fresh }).pull({
      reference: `${registry.host}/test/multi:list`,
    });
    expect(result.id).toBe(a);
    expect(result.digest).toBe(sha256Digest(index));
    await expect(
      new ImagePuller({ store: fresh }).pull({
        reference: `${registry.host}/test/multi:list`,
        platform: { os: 'linux', architecture: 'riscv64' },
      }),
    ).rejects.toThrow(/no matching manifest for linux\/riscv64/);
  });

  it('shares blob downloads between concurrent pulls of the same image', async () => {
    await randomImage(store, `${registry.host}/test/shared:1`, 128);
    await pusher.push({ reference: `${registry.host}/test/shared:1` });
    const proxy = await startFaultProxy(registry.host);
    try {
      const fresh = new ImageStore({ root: join(base, 'fresh-shared') });
      const shared = new ImagePuller({ store: fresh });
      const [x, y] = await Promise.all([
        shared.pull({ reference: `${proxy.host}/test/shared:1` }),
        shared.pull({ reference: `${proxy.host}/test/shared:1` }),
      ]);
      expect(x.id).toBe(y.id);
      const blobGets = proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/'));
      const perBlob = new Map<string, number>();
      for (const r of blobGets) perBlob.set(r.path, (perBlob.get(r.path) ?? 0) + 1);
      const layerDigest = fresh.layers.list()[0]!.sources[0]!.digest;
      expect(perBlob.get(`/v2/test/shared/blobs/${layerDigest}`)).toBe(1);
      expect(fresh.layers.list()).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('says clearly when a tag is missing or the registry is down', async () => {
    await expect(puller.pull({ reference: `${registry.host}/test/ours:nope` })).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
      status: 404,
    });
    await expect(puller.pull({ reference: '127.0.0.1:1/test/x' })).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
    });
  });
});

describe.skipIf(!isRoot || !hasRegistry || !canHtpasswd)('basic auth (htpasswd)', () => {
  let base: string;
  let registry: RunningRegistry;
  let store: ImageStore;
  beforeAll(async () => {
    base = tempDir('registry-basic');
    registry = await startRegistry(join(base, 'registry'), {
      kind: 'htpasswd',
      user: 'alice',
      password: 's3cret',
    });
    store = new ImageStore({ root: join(base, 'store') });
  });
  afterAll(async () => {
    await registry?.stop();
    removeDir(base);
  });

  it('pushes and pulls with credentials from an X-Registry-Auth header, and refuses without', async () => {
    const header = Buffer.from(
      JSON.stringify({ username: 'alice', password: 's3cret', serveraddress: registry.host }),
    ).toString('base64url');
    const credentials = decodeRegistryAuth(header);
    expect(credentials).toEqual({ username: 'alice', password: 's3cret' });
    const id = await randomImage(store, `${registry.host}/private/app:1`);
    await new ImagePusher({ store }).push({ reference: `${registry.host}/private/app:1`, credentials });
    const fresh = new ImageStore({ root: join(base, 'fresh') });
    await expect(
      new ImagePuller({ store: fresh }).pull({ reference: `${registry.host}/private/app:1` }),
    ).rejects.toBeInstanceOf(RegistryError);
    const result = await new ImagePuller({ store: fresh }).pull({
      reference: `${registry.host}/private/app:1`,
      credentials,
    });
    expect(result.id).toBe(id);
  });
});

describe.skipIf(!isRoot || !hasRegistry || !hasOpenssl)('bearer token auth', () => {
  let base: string;
  let registry: RunningRegistry;
  let store: ImageStore;
  let configDir: string;
  beforeAll(async () => {
    base = tempDir('registry-token');
    registry = await startRegistry(join(base, 'registry'), {
      kind: 'token',
      user: 'bob',
      password: 'hunter2',
    });
    store = new ImageStore({ root: join(base, 'store') });
    configDir = join(base, 'docker-config');
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({
        auths: { [`https://${registry.host}`]: { auth: Buffer.from('bob:hunter2').toString('base64') } },
      }),
    );
  });
  afterAll(async () => {
    await registry?.stop();
    removeDir(base);
  });

  it('gets tokens for the repository scope with credentials from the Docker config', async () => {
    const lookupCredentials = (host: string) =>
      credentialsFromDockerConfig(host, { env: { DOCKER_CONFIG: configDir } });
    const id = await randomImage(store, `${registry.host}/tok/app:1`);
    await new ImagePusher({ store, lookupCredentials }).push({ reference: `${registry.host}/tok/app:1` });
    expect(registry.tokenRequests).toContain('repository:tok/app:pull,push');
    const fresh = new ImageStore({ root: join(base, 'fresh') });
    const pulled = await new ImagePuller({ store: fresh, lookupCredentials }).pull({
      reference: `${registry.host}/tok/app:1`,
    });
    expect(pulled.id).toBe(id);
    expect(registry.tokenRequests).toContain('repository:tok/app:pull');
    await expect(
      new ImagePuller({ store: fresh }).pull({ reference: `${registry.host}/tok/app:1` }),
    ).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    });
  });

  it('exchanges an identity token (OAuth2 refresh token) for an access token', async () => {
    const id = await randomImage(store, `${registry.host}/tok/refresh:1`);
    await new ImagePusher({ store }).push({
      reference: `${registry.host}/tok/refresh:1`,
      credentials: { username: 'bob', password: 'hunter2' },
    });
    const fresh = new ImageStore({ root: join(base, 'fresh-refresh') });
    const pulled = await new ImagePuller({ store: fresh }).pull({
      reference: `${registry.host}/tok/refresh:1`,
      credentials: { identityToken: 'refresh-bob' },
    });
    expect(pulled.id).toBe(id);
    await expect(
      new ImagePuller({ store: fresh }).pull({
        reference: `${registry.host}/tok/refresh:1`,
        credentials: { identityToken: 'wrong' },
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_UNAUTHORIZED' });
  });
});

function pick(p: { digest: string; size: number }) {
  return { digest: p.digest, size: p.size };
}
