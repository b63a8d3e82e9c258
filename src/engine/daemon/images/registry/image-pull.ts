/**
 * `docker pull` (POST /images/create?fromImage=): manifest (a manifest list or index picks the
 * host platform), config and layers, each checked against its digest; layers already unpacked
 * are skipped ("Already exists"), the others downloaded a few at a time, resumably, and
 * unpacked as soon as they are verified. Concurrent pulls share downloads and unpacks of the
 * same layer. Progress comes as Docker's JSON messages.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { sha256Digest, shortId } from '../digest.js';
import { DigestMismatchError, ImageError } from '../errors.js';
import type { ImageRecord, ImageStore } from '../image-store.js';
import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndexMediaType,
  isManifestMediaType,
  MediaType,
  type Platform,
} from '../image-types.js';
import type { LayerRecord } from '../layer-store.js';
import { formatPlatform, hostPlatform, pickPlatform } from '../platform.js';
import { type ProgressSink, progressMessage, throttled } from '../progress.js';
import { familiarString, formatReference, type ImageReference, parseReference } from '../reference.js';
import { downloadBlob } from './blob-download.js';
import type { RegistryCredentials } from './credentials.js';
import { RegistryClient } from './registry-client.js';
import { registryEndpoint } from './registry-endpoint.js';
import { readLimited } from './registry-errors.js';

export interface ImagePullerOptions {
  store: ImageStore;
  fetch?: typeof fetch;
  /** Registries spoken to over plain HTTP besides localhost and 127.0.0.0/8. */
  insecureRegistries?: readonly string[];
  /** Credentials for a registry host when the request brings none (e.g. the Docker config). */
  lookupCredentials?: (host: string) => Promise<RegistryCredentials | undefined>;
  /** Parallel layer downloads (Docker's default: 3). */
  maxConcurrentDownloads?: number;
  retries?: number;
  platform?: Platform;
  userAgent?: string;
}

export interface PullOptions {
  /** `busybox`, `host:5000/app:tag`, `app@sha256:...`. */
  reference: string;
  /** From the X-Registry-Auth header. */
  credentials?: RegistryCredentials;
  platform?: Platform;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

export interface PullResult {
  id: string;
  /** The normalised reference that now names the image. */
  reference: string;
  /** Digest of the manifest (or manifest list) pulled: the image's repo digest. */
  digest: string;
  upToDate: boolean;
}

const CONFIG_LIMIT = 8 * 1024 * 1024;

/** Pulls images into one store; share one instance so concurrent pulls share layers. */
export class ImagePuller {
  private readonly layerJobs = new Map<string, Promise<LayerRecord>>();

  constructor(private readonly options: ImagePullerOptions) {}

  async pull(request: PullOptions): Promise<PullResult> {
    const store = this.options.store;
    const ref = parseReference(request.reference);
    const progress = request.onProgress ?? (() => {});
    const endpoint = registryEndpoint(ref.domain, { insecureRegistries: this.options.insecureRegistries });
    const credentials = request.credentials ?? (await this.options.lookupCredentials?.(ref.domain));
    const client = new RegistryClient({
      endpoint,
      repository: ref.path,
      actions: ['pull'],
      credentials,
      fetch: this.options.fetch,
      userAgent: this.options.userAgent,
      signal: request.signal,
    });
    const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
    progress({ status: `Pulling from ${ref.path}`, id: ref.digest ? ref.digest : tagOrDigest });
    const top = await client.getManifest(tagOrDigest);
    const topDigest = checkManifestDigest(top.bytes, top.digest, ref.digest);
    let manifestBytes = top.bytes;
    let mediaType = top.mediaType;
    if (isIndexMediaType(mediaType)) {
      const platform = request.platform ?? this.options.platform ?? hostPlatform();
      const index = JSON.parse(top.bytes.toString()) as ImageIndex;
      const picked = pickPlatform(index.manifests ?? [], platform);
      if (!picked) {
        throw new ImageError(
          'REGISTRY_PLATFORM_MISSING',
          `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`,
          {
            hint: `the image is not built for ${formatPlatform(platform)}; pick another tag or platform`,
          },
        );
      }
      const chosen = await client.getManifest(picked.digest);
      checkManifestDigest(chosen.bytes, chosen.digest, picked.digest);
      manifestBytes = chosen.bytes;
      mediaType = chosen.mediaType || picked.mediaType;
    }
    if (mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed) {
      throw new ImageError('IMAGE_UNSUPPORTED', `${familiarString(ref)} uses the retired manifest schema 1`, {
        hint: 'rebuild and push the image with a current Docker or buildkit',
      });
    }
    if (!isManifestMediaType(mediaType)) {
      throw new ImageError('IMAGE_UNSUPPORTED', `unsupported manifest media type ${mediaType}`, {
        hint: 'only OCI and Docker v2 schema 2 images can be pulled',
      });
    }
    const manifest = JSON.parse(manifestBytes.toString()) as ImageManifest;
    const existed = store.get(manifest.config.digest) !== undefined;
    const configBytes = existed
      ? store.rawConfig(manifest.config.digest)
      : await this.fetchConfig(client, manifest.config);
    const config = JSON.parse(configBytes.toString()) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new ImageError(
        'IMAGE_ARCHIVE_INVALID',
        `manifest has ${manifest.layers.length} layers, its config ${diffIds.length}`,
        {
          hint: 'the image in the registry is broken',
        },
      );
    }
    const release = store.layers.hold(diffIds);
    let image: ImageRecord;
    try {
      await this.pullLayers({ client, ref, manifest, diffIds, progress, signal: request.signal });
      image = store.createImage({ config: configBytes });
    } finally {
      release();
    }
    const previous = ref.tag && !ref.digest ? store.references.get(formatReference(ref)) : undefined;
    const reference = ref.digest
      ? store.addDigestReference(image.id, ref, ref.digest)
      : store.tag(image.id, formatReference(ref));
    store.addDigestReference(image.id, ref, topDigest);
    const upToDate = existed && (ref.digest !== undefined || previous === image.id);
    progress({ status: `Digest: ${topDigest}` });
    progress({
      status: `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${familiarString(ref)}`,
    });
    return { id: image.id, reference, digest: topDigest, upToDate };
  }

  private async fetchConfig(client: RegistryClient, descriptor: Descriptor): Promise<Buffer> {
    const res = await client.fetchBlob(descriptor.digest);
    const bytes = await readLimited(res, CONFIG_LIMIT, 'image config');
    const actual = sha256Digest(bytes);
    if (actual !== descriptor.digest)
      throw new DigestMismatchError('image config', descriptor.digest, actual);
    return bytes;
  }

  private async pullLayers(context: {
    client: RegistryClient;
    ref: ImageReference;
    manifest: ImageManifest;
    diffIds: string[];
    progress: ProgressSink;
    signal: AbortSignal | undefined;
  }): Promise<void> {
    const { client, ref, manifest, diffIds, progress } = context;
    const store = this.options.store;
    const todo: { descriptor: Descriptor; diffId: string; id: string }[] = [];
    manifest.layers.forEach((descriptor, i) => {
      const diffId = diffIds[i]!;
      const id = shortId(descriptor.digest);
      if (store.layers.has(diffId)) {
        progress({ status: 'Already exists', progressDetail: {}, id });
        store.layers.noteSource(store.layers.require(diffId), source(descriptor, ref));
      } else if (!todo.some((t) => t.diffId === diffId)) {
        todo.push({ descriptor, diffId, id });
        progress({ status: 'Pulling fs layer', progressDetail: {}, id });
      }
    });
    const limit = Math.max(1, this.options.maxConcurrentDownloads ?? 3);
    for (const item of todo.slice(limit)) progress({ status: 'Waiting', progressDetail: {}, id: item.id });
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const item = todo[next++]!;
        let job = this.layerJobs.get(item.diffId);
        if (!job) {
          job = this.downloadAndUnpack(client, ref, item, progress, context.signal).finally(() =>
            this.layerJobs.delete(item.diffId),
          );
          this.layerJobs.set(item.diffId, job);
        } else progress({ status: 'Waiting', progressDetail: {}, id: item.id });
        const record = await job;
        store.layers.noteSource(record, source(item.descriptor, ref));
        progress({ status: 'Pull complete', progressDetail: {}, id: item.id });
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, todo.length) }, worker));
  }

  private async downloadAndUnpack(
    client: RegistryClient,
    ref: ImageReference,
    item: { descriptor: Descriptor; diffId: string; id: string },
    progress: ProgressSink,
    signal: AbortSignal | undefined,
  ): Promise<LayerRecord> {
    const { descriptor, id } = item;
    if (descriptor.urls?.length || descriptor.mediaType === MediaType.dockerForeignLayer) {
      throw new ImageError(
        'IMAGE_UNSUPPORTED',
        `foreign layer ${descriptor.digest} (Windows images) is not supported`,
        {
          hint: 'pull a Linux image',
        },
      );
    }
    const path = await downloadBlob({
      client,
      blobs: this.options.store.blobs,
      descriptor,
      retries: this.options.retries,
      signal,
      onProgress: (current) => progress(progressMessage(id, 'Downloading', current, descriptor.size)),
    });
    progress({ status: 'Verifying Checksum', progressDetail: {}, id });
    progress({ status: 'Download complete', progressDetail: {}, id });
    const extracting = throttled((current) =>
      progress(progressMessage(id, 'Extracting', current, descriptor.size)),
    );
    try {
      return await this.options.store.layers.register(createReadStream(path, { highWaterMark: 256 * 1024 }), {
        expectedDiffId: item.diffId,
        source: source(descriptor, ref),
        onProgress: (current) => extracting(current, current === descriptor.size),
      });
    } finally {
      await rm(path, { force: true });
    }
  }
}

function source(descriptor: Descriptor, ref: ImageReference) {
  return {
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    registry: ref.domain,
    repository: ref.path,
  };
}

/** The manifest's digest: computed, and equal to what the registry and the reference say. */
function checkManifestDigest(
  bytes: Buffer,
  announced: string | undefined,
  expected: string | undefined,
): string {
  const actual = sha256Digest(bytes);
  if (expected?.startsWith('sha256:') && actual !== expected) {
    throw new DigestMismatchError('manifest', expected, actual);
  }
  if (announced?.startsWith('sha256:') && announced !== actual)
    throw new DigestMismatchError('manifest', announced, actual);
  return actual;
}
