/**
 * `docker load`: a `docker save` archive (manifest.json, configs, layer tars; Docker 25+ also an
 * OCI layout) or a bare OCI image layout (oci-layout, index.json, blobs/), plain or compressed,
 * read as one stream. Layer tars are unpacked as they stream past (their diff id is computed on
 * the way), small JSON files are kept in memory, and the manifests, read at the end, bind
 * configs to layers; nothing of the archive is buffered whole or copied to disk first.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import {
  type ArchiveContents,
  cleanArchiveName,
  type LoadArchiveResult,
  type LoadedImage,
  layerDiffId,
  resolveEntry,
  tagLoaded,
} from './archive-contents.js';
import { decompressStream, detectCompression } from './decompress.js';
import { isDigest, sha256Digest, shortId } from './digest.js';
import { DigestMismatchError, ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import { type ImageConfig, MediaType, type Platform } from './image-types.js';
import { loadOciLayout } from './oci-layout-load.js';
import type { ProgressSink } from './progress.js';
import { readTar } from './tar-reader.js';

export interface LoadArchiveOptions {
  source: AsyncIterable<Buffer | Uint8Array>;
  onProgress?: ProgressSink;
  /** Platform to pick from multi-platform OCI indexes (default: the host's). */
  platform?: Platform;
}

const SMALL_FILE_LIMIT = 32 * 1024 * 1024;
const COMPRESSED_TYPES: Record<string, string> = {
  gzip: MediaType.ociLayerGzip,
  zstd: MediaType.ociLayerZstd,
};

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** Loads every image of an archive into the store. */
export async function loadArchive(
  store: ImageStore,
  options: LoadArchiveOptions,
): Promise<LoadArchiveResult> {
  const releases: (() => void)[] = [];
  try {
    const contents = await readArchive(store, options, releases);
    const manifest = contents.files.get('manifest.json');
    if (manifest) {
      return loadDockerArchive(store, contents, JSON.parse(manifest.toString()) as DockerManifestEntry[]);
    }
    if (contents.files.has('index.json')) return loadOciLayout(store, contents, options.platform);
    throw new ImageError('IMAGE_ARCHIVE_INVALID', 'the archive has neither manifest.json nor index.json', {
      hint: 'docker load takes archives written by docker save, or an OCI image layout as a tar',
    });
  } finally {
    for (const release of releases) release();
  }
}

async function readArchive(
  store: ImageStore,
  options: LoadArchiveOptions,
  releases: (() => void)[],
): Promise<ArchiveContents> {
  const contents: ArchiveContents = { files: new Map(), layers: new Map(), links: new Map() };
  for await (const entry of readTar(decompressStream(options.source, store.layers.decompressOptions))) {
    const { header } = entry;
    const name = cleanArchiveName(header.name);
    if (header.type === 'symlink') {
      contents.links.set(name, cleanArchiveName(posix.join(posix.dirname(name), header.linkname)));
      continue;
    }
    if (header.type === 'hardlink') {
      contents.links.set(name, cleanArchiveName(header.linkname));
      continue;
    }
    if (header.type !== 'file') continue;
    const { head, body } = await peek(entry.body, 512);
    if (looksLikeLayer(head)) {
      await readLayer(store, contents, {
        name,
        size: header.size,
        head,
        body,
        onProgress: options.onProgress,
      });
      // held until the images naming it exist, so a concurrent prune cannot take it
      releases.push(store.layers.hold([contents.layers.get(name)!]));
    } else if (header.size <= SMALL_FILE_LIMIT) {
      const parts: Buffer[] = [];
      for await (const chunk of body) parts.push(chunk);
      contents.files.set(name, Buffer.concat(parts));
    } else {
      for await (const _ of body) {
        // not a layer and too big for a JSON document: not ours to keep
      }
    }
  }
  return contents;
}

interface LayerEntry {
  name: string;
  size: number;
  head: Buffer;
  body: AsyncIterable<Buffer>;
  onProgress: ProgressSink | undefined;
}

async function readLayer(store: ImageStore, contents: ArchiveContents, entry: LayerEntry): Promise<void> {
  const { name, size, body, onProgress } = entry;
  const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
  const digest = blob ? `sha256:${blob[1]}` : undefined;
  const known = digest && (store.layers.has(digest) ? digest : store.layers.findBySource(digest));
  const id = shortId(digest ?? sha256Digest(name));
  if (known) {
    for await (const _ of body) {
      // already unpacked: skip the bytes
    }
    contents.layers.set(name, known);
    return;
  }
  const hash = createHash('sha256');
  const hashed = (async function* () {
    for await (const chunk of body) {
      hash.update(chunk);
      yield chunk;
    }
  })();
  const record = await store.layers.register(hashed, {
    onProgress: (current) =>
      onProgress?.({ id, status: 'Loading layer', progressDetail: { current, total: size } }),
  });
  if (digest) {
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) throw new DigestMismatchError(`archive blob ${name}`, digest, actual);
    if (digest !== record.diffId) {
      const mediaType = COMPRESSED_TYPES[detectCompression(entry.head)] ?? MediaType.ociLayer;
      store.layers.noteSource(record, { digest, mediaType, size });
    }
  }
  contents.layers.set(name, record.diffId);
}

function loadDockerArchive(
  store: ImageStore,
  contents: ArchiveContents,
  manifest: DockerManifestEntry[],
): LoadArchiveResult {
  if (!Array.isArray(manifest)) throw invalid('manifest.json is not a list');
  const result: LoadArchiveResult = { images: [], messages: [] };
  for (const entry of manifest) {
    const configPath = resolveEntry(contents, entry.Config);
    const configBytes = contents.files.get(configPath);
    if (!configBytes) throw invalid(`config ${entry.Config} is missing from the archive`);
    const config = JSON.parse(configBytes.toString()) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== entry.Layers.length) {
      throw invalid(
        `image ${entry.Config} names ${entry.Layers.length} layers but its config has ${diffIds.length}`,
      );
    }
    entry.Layers.forEach((path, i) => {
      const diffId = layerDiffId(store, contents, path);
      if (!diffId) throw invalid(`layer ${path} is missing from the archive`);
      if (diffId !== diffIds[i]) throw new DigestMismatchError(`layer ${path}`, diffIds[i] ?? '', diffId);
    });
    const expected = /([a-f0-9]{64})(\.json)?$/.exec(configPath)?.[1];
    const record = store.createImage({ config: configBytes });
    if (expected && `sha256:${expected}` !== record.id && isDigest(`sha256:${expected}`)) {
      throw new DigestMismatchError(`config ${entry.Config}`, `sha256:${expected}`, record.id);
    }
    const image: LoadedImage = { id: record.id, references: [] };
    for (const tag of entry.RepoTags ?? []) tagLoaded(store, image, tag, result.messages);
    if (image.references.length === 0) result.messages.push(`Loaded image ID: ${record.id}`);
    result.images.push(image);
  }
  return result;
}

function looksLikeLayer(head: Buffer): boolean {
  if (detectCompression(head) !== 'none') return true;
  if (head.length < 512) return head.length > 0 && head.every((b) => b === 0);
  if (head.every((b) => b === 0)) return true;
  // A tar header: ustar magic, or at least a valid checksum.
  if (head.toString('latin1', 257, 262) === 'ustar') return true;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (head[i] ?? 0);
  const stored = Number.parseInt(head.toString('latin1', 148, 156).replace(/[\0 ]/g, ''), 8);
  return stored === sum;
}

async function peek(
  body: AsyncIterable<Buffer>,
  n: number,
): Promise<{ head: Buffer; body: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  const rest = (async function* () {
    yield* taken;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  return { head: Buffer.concat(taken).subarray(0, n), body: rest };
}

function invalid(message: string): ImageError {
  return new ImageError('IMAGE_ARCHIVE_INVALID', message, {
    hint: 'the archive is incomplete or not from docker save',
  });
}
