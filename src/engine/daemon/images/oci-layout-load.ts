/**
 * The OCI image layout half of `docker load`: index.json → (nested index → the host's
 * platform) → manifest → config and layers, every JSON blob checked against its digest, names
 * from the `io.containerd.image.name` annotation (or a full reference in
 * `org.opencontainers.image.ref.name`; a bare tag there names nothing, as in Docker).
 */
import {
  type ArchiveContents,
  type LoadArchiveResult,
  type LoadedImage,
  layerDiffId,
  tagLoaded,
} from './archive-contents.js';
import { digestHex, sha256Digest } from './digest.js';
import { DigestMismatchError, ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndexMediaType,
  isManifestMediaType,
  type Platform,
} from './image-types.js';
import { formatPlatform, hostPlatform, pickPlatform } from './platform.js';

/** Loads the images an OCI layout's index.json names. */
export function loadOciLayout(
  store: ImageStore,
  contents: ArchiveContents,
  platform: Platform = hostPlatform(),
): LoadArchiveResult {
  const index = blobJson<ImageIndex>(contents, 'index.json');
  const result: LoadArchiveResult = { images: [], messages: [] };
  const seen = new Map<string, LoadedImage>();
  for (const descriptor of index.manifests ?? []) {
    const manifestDescriptor = resolveManifest(contents, descriptor, platform);
    const manifest = blobJson<ImageManifest>(
      contents,
      blobPath(manifestDescriptor.digest),
      manifestDescriptor.digest,
    );
    const configBytes = blob(contents, blobPath(manifest.config.digest), manifest.config.digest);
    const config = JSON.parse(configBytes.toString()) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw invalid(
        `manifest ${manifestDescriptor.digest} has ${manifest.layers.length} layers, its config ${diffIds.length}`,
      );
    }
    manifest.layers.forEach((layer, i) => {
      const diffId = layerDiffId(store, contents, blobPath(layer.digest));
      if (!diffId) throw invalid(`layer blob ${layer.digest} is missing from the layout`);
      if (diffId !== diffIds[i])
        throw new DigestMismatchError(`layer ${layer.digest}`, diffIds[i] ?? '', diffId);
    });
    const record = store.createImage({ config: configBytes });
    let image = seen.get(record.id);
    if (!image) {
      image = { id: record.id, references: [] };
      seen.set(record.id, image);
      result.images.push(image);
    }
    const name = imageName(descriptor.annotations ?? {});
    if (name) tagLoaded(store, image, name, result.messages);
  }
  for (const image of result.images) {
    if (image.references.length === 0) result.messages.push(`Loaded image ID: ${image.id}`);
  }
  return result;
}

function resolveManifest(contents: ArchiveContents, descriptor: Descriptor, platform: Platform): Descriptor {
  let current = descriptor;
  for (let depth = 0; depth < 4; depth++) {
    if (isManifestMediaType(current.mediaType)) return current;
    if (!isIndexMediaType(current.mediaType)) {
      throw new ImageError('IMAGE_UNSUPPORTED', `unsupported manifest media type ${current.mediaType}`, {
        hint: 'only OCI and Docker v2 schema 2 images can be loaded',
      });
    }
    const index = blobJson<ImageIndex>(contents, blobPath(current.digest), current.digest);
    const picked = pickPlatform(index.manifests ?? [], platform);
    if (!picked) {
      throw new ImageError(
        'REGISTRY_PLATFORM_MISSING',
        `no image for ${formatPlatform(platform)} in the layout`,
        {
          hint: 'the archive holds images for other platforms only',
        },
      );
    }
    current = picked;
  }
  throw invalid('indexes nested too deeply');
}

function imageName(annotations: Record<string, string>): string | undefined {
  const full = annotations['io.containerd.image.name'];
  if (full) return full;
  const ref = annotations['org.opencontainers.image.ref.name'];
  return ref && /[/:]/.test(ref) && !ref.startsWith(':') ? ref : undefined;
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

function blob(contents: ArchiveContents, path: string, digest?: string): Buffer {
  const bytes = contents.files.get(path);
  if (!bytes) throw invalid(`${path} is missing from the layout`);
  if (digest) {
    const actual = sha256Digest(bytes);
    if (actual !== digest) throw new DigestMismatchError(path, digest, actual);
  }
  return bytes;
}

function blobJson<T>(contents: ArchiveContents, path: string, digest?: string): T {
  return JSON.parse(blob(contents, path, digest).toString()) as T;
}

function invalid(message: string): ImageError {
  return new ImageError('IMAGE_ARCHIVE_INVALID', message, {
    hint: 'the OCI layout is incomplete or malformed',
  });
}
