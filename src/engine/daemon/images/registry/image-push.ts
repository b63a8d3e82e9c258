/**
 * `docker push` (POST /images/{name}/push): for each layer, a blob the registry already has
 * is found with a HEAD first ("Layer already exists"), or mounted from another repository of
 * the same registry ("Mounted from"); otherwise the layer's tar is rebuilt, gzipped on the fly
 * and uploaded, in one streamed PATCH or in fixed-size chunks with Content-Range. The config
 * goes up monolithically, then a Docker v2 schema 2 manifest under the tag.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { sha256Digest, shortId } from '../digest.js';
import { DigestMismatchError, ImageError, ImageNotFoundError } from '../errors.js';
import type { ImageStore } from '../image-store.js';
import { type Descriptor, type ImageManifest, MediaType } from '../image-types.js';
import type { LayerRecord } from '../layer-store.js';
import { type ProgressSink, progressMessage, throttled } from '../progress.js';
import { formatReference, type ImageReference, parseReference, repositoryName } from '../reference.js';
import type { RegistryCredentials } from './credentials.js';
import { RegistryClient } from './registry-client.js';
import { registryEndpoint } from './registry-endpoint.js';

export interface ImagePusherOptions {
  store: ImageStore;
  fetch?: typeof fetch;
  insecureRegistries?: readonly string[];
  lookupCredentials?: (host: string) => Promise<RegistryCredentials | undefined>;
  /** Upload layers in chunks of this many bytes (Content-Range); default: one streamed PATCH. */
  chunkSize?: number;
  userAgent?: string;
}

export interface PushOptions {
  /** `host/repo:tag`; without a tag, every tag of the repository is pushed (as dockerd does). */
  reference: string;
  credentials?: RegistryCredentials;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

export interface PushedTag {
  tag: string;
  digest: string;
  size: number;
}

const GZIP_TYPES = new Set<string>([MediaType.dockerLayerGzip, MediaType.ociLayerGzip]);

/** Pushes images of one store. */
export class ImagePusher {
  constructor(private readonly options: ImagePusherOptions) {}

  async push(request: PushOptions): Promise<PushedTag[]> {
    const store = this.options.store;
    const ref = parseReference(request.reference, { defaultTag: false });
    if (ref.digest) {
      throw new ImageError('IMAGE_REFERENCE_INVALID', 'cannot push a digest reference', {
        hint: 'push a tag',
      });
    }
    const repo = repositoryName(ref);
    const tags = ref.tag
      ? [ref.tag]
      : store.references
          .entries()
          .map(([r]) => r)
          .filter((r) => r.startsWith(`${repo}:`))
          .map((r) => r.slice(repo.length + 1));
    if (tags.length === 0) throw new ImageNotFoundError(request.reference);
    const progress = request.onProgress ?? (() => {});
    progress({ status: `The push refers to repository [${repo}]` });
    const pushed: PushedTag[] = [];
    for (const tag of tags) pushed.push(await this.pushTag({ ...ref, tag }, request, progress));
    return pushed;
  }

  private async pushTag(
    ref: ImageReference & { tag: string },
    request: PushOptions,
    progress: ProgressSink,
  ): Promise<PushedTag> {
    const store = this.options.store;
    const id = store.references.get(formatReference(ref));
    if (!id) throw new ImageNotFoundError(formatReference(ref));
    const diffIds = store.diffIds(id);
    const layers = diffIds.map((d) => store.layers.require(d));
    const mountFrom = new Set(
      layers.flatMap((l) =>
        l.sources.filter((s) => s.registry === ref.domain && s.repository && s.repository !== ref.path),
      ),
    );
    const client = new RegistryClient({
      endpoint: registryEndpoint(ref.domain, { insecureRegistries: this.options.insecureRegistries }),
      repository: ref.path,
      actions: ['pull', 'push'],
      credentials: request.credentials ?? (await this.options.lookupCredentials?.(ref.domain)),
      extraScopes: [...new Set([...mountFrom].map((s) => `repository:${s.repository}:pull`))],
      fetch: this.options.fetch,
      userAgent: this.options.userAgent,
      signal: request.signal,
    });
    for (const layer of [...layers].reverse())
      progress({ status: 'Preparing', progressDetail: {}, id: shortId(layer.diffId) });
    const descriptors: Descriptor[] = [];
    for (const layer of layers) descriptors.push(await this.pushLayer(client, ref, layer, progress));
    const config = store.rawConfig(id);
    if ((await client.headBlob(id)) === undefined) {
      const location = await client.startUpload();
      await client.completeUpload(location!, id, config);
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, size: config.length, digest: id },
      layers: descriptors,
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const digest = sha256Digest(bytes);
    const reported = await client.putManifest(ref.tag, bytes, MediaType.dockerManifest);
    if (reported && reported !== digest) throw new DigestMismatchError('pushed manifest', digest, reported);
    store.addDigestReference(id, ref, digest);
    progress({ status: `${ref.tag}: digest: ${digest} size: ${bytes.length}` });
    progress({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: bytes.length } });
    return { tag: ref.tag, digest, size: bytes.length };
  }

  private async pushLayer(
    client: RegistryClient,
    ref: ImageReference,
    layer: LayerRecord,
    progress: ProgressSink,
  ): Promise<Descriptor> {
    const id = shortId(layer.diffId);
    const known = layer.sources.filter((s) => s.registry === ref.domain && GZIP_TYPES.has(s.mediaType));
    for (const candidate of known) {
      const size = await client.headBlob(candidate.digest);
      if (size !== undefined) {
        progress({ status: 'Layer already exists', progressDetail: {}, id });
        return { mediaType: MediaType.dockerLayerGzip, size: candidate.size, digest: candidate.digest };
      }
    }
    let location: string | undefined;
    for (const candidate of known) {
      if (!candidate.repository || candidate.repository === ref.path) continue;
      location = await client.startUpload({ digest: candidate.digest, from: candidate.repository });
      if (location === undefined) {
        progress({ status: `Mounted from ${candidate.repository}`, progressDetail: {}, id });
        this.options.store.layers.noteSource(layer, { ...candidate, repository: ref.path });
        return { mediaType: MediaType.dockerLayerGzip, size: candidate.size, digest: candidate.digest };
      }
      break; // the registry opened a plain upload instead: use it
    }
    location ??= await client.startUpload();
    const { digest, size } = await this.upload(client, location!, layer, (current) =>
      progress(progressMessage(id, 'Pushing', current, layer.tarSize)),
    );
    progress({ status: 'Pushed', progressDetail: {}, id });
    this.options.store.layers.noteSource(layer, {
      digest,
      mediaType: MediaType.dockerLayerGzip,
      size,
      registry: ref.domain,
      repository: ref.path,
    });
    return { mediaType: MediaType.dockerLayerGzip, size, digest };
  }

  private async upload(
    client: RegistryClient,
    start: string,
    layer: LayerRecord,
    onProgress: (current: number) => void,
  ): Promise<{ digest: string; size: number }> {
    const report = throttled(onProgress);
    let read = 0;
    const store = this.options.store;
    const tar = (async function* () {
      for await (const chunk of store.layers.tarStream(layer.diffId)) {
        read += chunk.length;
        report(read, read === layer.tarSize);
        yield chunk;
      }
    })();
    const gzip = Readable.from(tar).pipe(createGzip());
    const hash = createHash('sha256');
    let size = 0;
    const compressed = (async function* () {
      for await (const chunk of gzip) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })();
    let location = start;
    const chunkSize = this.options.chunkSize;
    if (chunkSize) {
      let pending: Buffer[] = [];
      let pendingSize = 0;
      let offset = 0;
      const flush = async () => {
        const body = Buffer.concat(pending);
        location = await client.patchUpload(location, body, offset);
        offset += body.length;
        pending = [];
        pendingSize = 0;
      };
      for await (const chunk of compressed) {
        pending.push(chunk);
        pendingSize += chunk.length;
        if (pendingSize >= chunkSize) await flush();
      }
      if (pendingSize > 0) await flush();
    } else {
      location = await client.patchUpload(location, compressed);
    }
    const digest = `sha256:${hash.digest('hex')}`;
    await client.completeUpload(location, digest);
    return { digest, size };
  }
}
