/**
 * The image part of the bundled engine, composed for the API layer: one instance per daemon,
 * built from explicit options (root, tools, clock, registries), no module state. Each method
 * is what one Docker API endpoint needs; results are the API's JSON shapes and failures are
 * ImageError subclasses carrying the HTTP status to answer with.
 */
import { join } from 'node:path';
import type { LoadArchiveResult } from './archive-contents.js';
import { type LoadArchiveOptions, loadArchive } from './archive-load.js';
import { saveImages } from './archive-save.js';
import {
  type CommitImageOptions,
  type CommitImageResult,
  commitImage,
  mergeContainerConfig,
} from './commit-image.js';
import type { DecompressOptions } from './decompress.js';
import type { FsToolPaths } from './fs-tools.js';
import { copyImagePath, readImageFile } from './image-files.js';
import { type ImportImageOptions, type ImportImageResult, importImage } from './image-import.js';
import {
  type ImageDeleteItem,
  type ImageUser,
  type PruneImagesOptions,
  type PruneImagesResult,
  pruneImages,
  removeImage,
} from './image-remove.js';
import { ImageStore } from './image-store.js';
import type { ContainerConfig, Platform } from './image-types.js';
import {
  type ImageHistoryItem,
  type ImageInspect,
  type ImageSummary,
  imageHistory,
  inspectImage,
  type ListImagesOptions,
  listImages,
} from './image-views.js';
import { hostPlatform } from './platform.js';
import {
  credentialsFromDockerConfig,
  decodeRegistryAuth,
  type RegistryCredentials,
} from './registry/credentials.js';
import { ImagePuller, type PullOptions, type PullResult } from './registry/image-pull.js';
import { ImagePusher, type PushedTag, type PushOptions } from './registry/image-push.js';
import { SnapshotStore } from './snapshot-store.js';

export interface ImageServiceOptions {
  /** The engine's state root; images live under `<root>/images`. */
  root: string;
  tools?: FsToolPaths;
  decompress?: DecompressOptions;
  clock?: () => Date;
  /** Registries to reach over plain HTTP besides localhost and 127.0.0.0/8. */
  insecureRegistries?: readonly string[];
  /** Environment for the Docker config lookup (DOCKER_CONFIG, HOME); default process.env. */
  env?: Record<string, string | undefined>;
  /** Credentials when a request carries no X-Registry-Auth; default: the Docker config of `env`. */
  lookupCredentials?: (host: string) => Promise<RegistryCredentials | undefined>;
  fetch?: typeof fetch;
  /** Written into configs as docker_version, sent as User-Agent. */
  engineVersion?: string;
  platform?: Platform;
  maxConcurrentDownloads?: number;
  /** Push layers in chunks of this size instead of one streamed request. */
  uploadChunkSize?: number;
  /** Which containers use an image (for delete conflicts); the container part knows. */
  usedBy?: (imageId: string) => ImageUser[];
}

/** Images, snapshots and registries of one engine. */
export class ImageService {
  readonly store: ImageStore;
  readonly snapshots: SnapshotStore;
  private readonly puller: ImagePuller;
  private readonly pusher: ImagePusher;
  private readonly platform: Platform;

  constructor(private readonly options: ImageServiceOptions) {
    this.store = new ImageStore({
      root: join(options.root, 'images'),
      tools: options.tools,
      decompress: options.decompress,
      clock: options.clock,
    });
    this.snapshots = new SnapshotStore(this.store);
    this.platform = options.platform ?? hostPlatform();
    const lookupCredentials =
      options.lookupCredentials ??
      ((host: string) => credentialsFromDockerConfig(host, { env: options.env }));
    const userAgent = `dev-engine/${options.engineVersion ?? 'dev'}`;
    this.puller = new ImagePuller({
      store: this.store,
      fetch: options.fetch,
      insecureRegistries: options.insecureRegistries,
      lookupCredentials,
      maxConcurrentDownloads: options.maxConcurrentDownloads,
      platform: this.platform,
      userAgent,
    });
    this.pusher = new ImagePusher({
      store: this.store,
      fetch: options.fetch,
      insecureRegistries: options.insecureRegistries,
      lookupCredentials,
      chunkSize: options.uploadChunkSize,
      userAgent,
    });
  }

  /** GET /images/json. */
  list(options: ListImagesOptions = {}): ImageSummary[] {
    return listImages(this.store, options);
  }

  /** GET /images/{name}/json. */
  inspect(name: string): ImageInspect {
    return inspectImage(this.store, name);
  }

  /** GET /images/{name}/history. */
  history(name: string): ImageHistoryItem[] {
    return imageHistory(this.store, name);
  }

  /** The image id a name or id resolves to (ImageNotFoundError when none). */
  resolve(name: string): string {
    return this.store.resolve(name).id;
  }

  /** POST /images/{name}/tag?repo=&tag=. */
  tag(name: string, repo: string, tag?: string): string {
    return this.store.tag(this.resolve(name), tag ? `${repo}:${tag}` : repo);
  }

  /** DELETE /images/{name}?force=&noprune=. */
  remove(name: string, options: { force?: boolean; noPrune?: boolean } = {}): ImageDeleteItem[] {
    return removeImage(this.store, name, {
      ...options,
      usedBy: this.options.usedBy,
      keepLayers: () => this.snapshots.usedLayers(),
    });
  }

  /** POST /images/prune. */
  prune(options: Omit<PruneImagesOptions, 'usedBy' | 'keepLayers'> = {}): PruneImagesResult {
    return pruneImages(this.store, {
      ...options,
      usedBy: this.options.usedBy,
      keepLayers: () => this.snapshots.usedLayers(),
    });
  }

  /** POST /images/create?fromImage= (X-Registry-Auth passed as `registryAuth`). */
  pull(options: Omit<PullOptions, 'credentials'> & { registryAuth?: string }): Promise<PullResult> {
    return this.puller.pull({ ...options, credentials: decodeRegistryAuth(options.registryAuth) });
  }

  /** POST /images/{name}/push?tag= (X-Registry-Auth passed as `registryAuth`). */
  push(options: Omit<PushOptions, 'credentials'> & { registryAuth?: string }): Promise<PushedTag[]> {
    return this.pusher.push({ ...options, credentials: decodeRegistryAuth(options.registryAuth) });
  }

  /** POST /images/create?fromSrc=-&changes=&message=&repo=&tag=. */
  import(options: Omit<ImportImageOptions, 'engineVersion' | 'platform'>): Promise<ImportImageResult> {
    return importImage(this.store, {
      ...options,
      engineVersion: this.options.engineVersion,
      platform: this.platform,
    });
  }

  /** POST /images/load. */
  load(options: LoadArchiveOptions): Promise<LoadArchiveResult> {
    return loadArchive(this.store, { platform: this.platform, ...options });
  }

  /** GET /images/get?names= and GET /images/{name}/get: the archive as a stream. */
  save(names: readonly string[]): AsyncGenerator<Buffer> {
    return saveImages(this.store, names);
  }

  /**
   * POST /commit: the container's changes as a layer on its image, config = request config
   * merged with the container's (dockerd's rules) plus `changes`.
   */
  async commitContainer(options: {
    containerId: string;
    containerConfig: ContainerConfig;
    config?: ContainerConfig;
    changes?: string[];
    author?: string;
    comment?: string;
    reference?: string;
  }): Promise<CommitImageResult> {
    const snapshot = this.snapshots.get(options.containerId);
    const layer = await this.snapshots.commitLayer(options.containerId);
    const commit: CommitImageOptions = {
      diffId: layer.diffId,
      config: mergeContainerConfig(options.config ?? {}, options.containerConfig),
      changes: options.changes,
      containerConfig: options.containerConfig,
      containerId: options.containerId,
      author: options.author,
      comment: options.comment,
      reference: options.reference,
      engineVersion: this.options.engineVersion,
      platform: this.platform,
    };
    if (snapshot?.image) commit.parent = snapshot.image;
    return commitImage(this.store, commit);
  }

  /** A new image from a parent, a layer and a config (the Dockerfile builder's steps). */
  commit(options: CommitImageOptions): CommitImageResult {
    return commitImage(this.store, {
      engineVersion: this.options.engineVersion,
      platform: this.platform,
      ...options,
    });
  }

  /** A file of an image (e.g. /etc/passwd to resolve `User`), or undefined. */
  readFile(image: string, path: string): Buffer | undefined {
    return readImageFile(this.store, image, path);
  }

  /** Fills a new volume directory with the image's content at `path` (false when none). */
  copyToVolume(image: string, path: string, dest: string): Promise<boolean> {
    return copyImagePath(this.store, { image, path, dest });
  }
}
