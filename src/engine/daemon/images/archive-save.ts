/**
 * `docker save`: images and tags written as one tar stream in the format Docker 25+ writes:
 * an OCI image layout (oci-layout, index.json, blobs/sha256/: uncompressed layer tars rebuilt
 * byte for byte, configs, OCI manifests) plus the docker-save manifest.json and repositories
 * files that older loaders read. Entries are deterministic (mtime 0), each blob written once.
 */
import { digestHex, sha256Digest } from './digest.js';
import type { ImageStore } from './image-store.js';
import { type Descriptor, type ImageManifest, MediaType } from './image-types.js';
import {
  familiarName,
  familiarString,
  formatReference,
  type ImageReference,
  parseReference,
  repositoryName,
} from './reference.js';
import { encodeTarHeader, TAR_END, tarPadding } from './tar-writer.js';

interface SavedImage {
  id: string;
  /** Normalised tag references to save it under. */
  tags: string[];
}

/**
 * Resolves what `docker save <names...>` means: a repository without a tag means all its tags,
 * `name:tag` that tag, an id the image without names. Throws ImageNotFoundError for unknown names.
 */
export function resolveSaveNames(store: ImageStore, names: readonly string[]): SavedImage[] {
  const byId = new Map<string, SavedImage>();
  const add = (id: string, tag?: string) => {
    let image = byId.get(id);
    if (!image) {
      image = { id, tags: [] };
      byId.set(id, image);
    }
    if (tag && !image.tags.includes(tag)) image.tags.push(tag);
  };
  for (const name of names) {
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(name, { defaultTag: false });
    } catch {
      ref = undefined;
    }
    if (ref && !ref.tag && !ref.digest) {
      const prefix = `${repositoryName(ref)}:`;
      const tags = store.references.entries().filter(([r]) => r.startsWith(prefix));
      if (tags.length > 0) {
        for (const [reference, id] of tags) add(id, reference);
        continue;
      }
    }
    const record = store.resolve(name);
    add(record.id, ref?.tag ? formatReference(ref) : undefined);
  }
  return [...byId.values()];
}

/** The archive as a stream of chunks. */
export async function* saveImages(store: ImageStore, names: readonly string[]): AsyncGenerator<Buffer> {
  const images = resolveSaveNames(store, names);
  const written = new Set<string>();
  const manifestJson: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const index: Descriptor[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  yield dir('blobs/');
  yield dir('blobs/sha256/');
  for (const image of images) {
    const diffIds = store.diffIds(image.id);
    const layers: Descriptor[] = [];
    for (const diffId of diffIds) {
      const record = store.layers.require(diffId);
      layers.push({ mediaType: MediaType.ociLayer, digest: diffId, size: record.tarSize });
      if (written.has(diffId)) continue;
      written.add(diffId);
      yield encodeTarHeader({ name: blobName(diffId), type: 'file', mode: 0o444, size: record.tarSize });
      yield* store.layers.tarStream(diffId);
      yield tarPadding(record.tarSize);
    }
    const config = store.rawConfig(image.id);
    if (!written.has(image.id)) {
      written.add(image.id);
      yield* file(blobName(image.id), config);
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: image.id, size: config.length },
      layers,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = sha256Digest(manifestBytes);
    if (!written.has(manifestDigest)) {
      written.add(manifestDigest);
      yield* file(blobName(manifestDigest), manifestBytes);
    }
    const descriptor = {
      mediaType: MediaType.ociManifest,
      digest: manifestDigest,
      size: manifestBytes.length,
    };
    if (image.tags.length === 0) index.push(descriptor);
    for (const tag of image.tags) {
      const ref = parseReference(tag);
      index.push({
        ...descriptor,
        annotations: {
          'io.containerd.image.name': tag,
          'org.opencontainers.image.ref.name': ref.tag ?? 'latest',
        },
      });
      const top = diffIds[diffIds.length - 1];
      if (top && ref.tag) {
        const repository = familiarName(ref);
        repositories[repository] = { ...repositories[repository], [ref.tag]: digestHex(top) };
      }
    }
    manifestJson.push({
      Config: blobName(image.id),
      RepoTags: image.tags.length > 0 ? image.tags.map((t) => familiarString(parseReference(t))) : null,
      Layers: diffIds.map(blobName),
    });
  }
  yield* file('index.json', json({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index }));
  yield* file('manifest.json', json(manifestJson));
  yield* file('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  if (Object.keys(repositories).length > 0) yield* file('repositories', json(repositories));
  yield TAR_END;
}

function blobName(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

function dir(name: string): Buffer {
  return encodeTarHeader({ name, type: 'directory', mode: 0o755 });
}

function* file(name: string, data: Buffer): Generator<Buffer> {
  yield encodeTarHeader({ name, type: 'file', mode: 0o444, size: data.length });
  yield data;
  yield tarPadding(data.length);
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`);
}
