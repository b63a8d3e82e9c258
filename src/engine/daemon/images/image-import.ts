/**
 * `docker import` (POST /images/create?fromSrc=-): a root file system tar (plain or compressed)
 * becomes a one-layer image whose config is the one dockerd writes: the `--change`s applied to
 * an empty container config, comment and history "Imported from <source>" unless a message is
 * given, the host platform, keys in dockerd's (alphabetical) order.
 */
import { applyConfigChanges } from './config-changes.js';
import { fullContainerConfig } from './container-config.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import type { ImageConfig, Platform } from './image-types.js';
import { hostPlatform } from './platform.js';

export interface ImportImageOptions {
  /** The tar stream (the request body). */
  source: AsyncIterable<Buffer | Uint8Array>;
  /** Dockerfile-syntax changes (`changes` query parameters). */
  changes?: readonly string[];
  /** Commit message (`message`); default `Imported from <sourceName>`. */
  message?: string;
  /** Where the tar came from, for the default message: `-` for the request body, or a URL. */
  sourceName?: string;
  /** `repo[:tag]` to tag the result with. */
  reference?: string;
  platform?: Platform;
  /** Written as `docker_version`. */
  engineVersion?: string;
  /** Bytes of input read so far, for progress. */
  onProgress?: (bytes: number) => void;
}

export interface ImportImageResult {
  image: ImageRecord;
  /** The normalised reference it was tagged with, if any. */
  reference?: string;
}

/** Imports a root file system tar as a new image. */
export async function importImage(
  store: ImageStore,
  options: ImportImageOptions,
): Promise<ImportImageResult> {
  // Validate the changes before reading a byte of the (possibly large) stream.
  const config = applyConfigChanges({}, options.changes ?? []);
  const layer = await store.layers.register(options.source, { onProgress: options.onProgress });
  const platform = options.platform ?? hostPlatform();
  const created = store.clock().toISOString();
  const message = options.message || `Imported from ${options.sourceName ?? '-'}`;
  const imageConfig: ImageConfig = {
    architecture: platform.architecture,
    comment: message,
    config: fullContainerConfig(config),
    container_config: fullContainerConfig({}),
    created,
    docker_version: options.engineVersion ?? '',
    history: [{ created, comment: message }],
    os: platform.os,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  };
  if (platform.variant) imageConfig.variant = platform.variant;
  const image = store.createImage({ config: imageConfig });
  const result: ImportImageResult = { image };
  if (options.reference) result.reference = store.tag(image.id, options.reference);
  return result;
}
