/**
 * The image store: image records (id = digest of the config blob), their configs in the blob
 * store, their layers in the layer store, and the tags and digests naming them. Layout under
 * `<root>/`: images/<hex>.json, blobs/, ingest/, layers/, l/, repositories.json.
 */
import { mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import { BlobStore } from './blob-store.js';
import type { DecompressOptions } from './decompress.js';
import { digestHex, isDigest } from './digest.js';
import { ImageError, ImageNotFoundError } from './errors.js';
import { type FsToolPaths, FsTools } from './fs-tools.js';
import type { ImageConfig } from './image-types.js';
import { LayerStore } from './layer-store.js';
import {
  familiarize,
  formatReference,
  type ImageReference,
  parseReference,
  parseTagReference,
} from './reference.js';
import { ReferenceStore } from './reference-store.js';

/** What the store keeps of an image beyond its config. */
export interface ImageRecord {
  /** `sha256:<hex>` of the config blob. */
  id: string;
  /** The local image it was committed or built from, if any. */
  parent?: string;
  /** When it entered this store. */
  stored: string;
  lastTagTime?: string;
}

export interface ImageStoreOptions {
  /** Directory of the image store (e.g. `<engine root>/images`). */
  root: string;
  tools?: FsTools | FsToolPaths;
  decompress?: DecompressOptions;
  clock?: () => Date;
}

export interface CreateImageOptions {
  /** The config: bytes as received (pull, load: their digest is the id) or an object to serialise. */
  config: Buffer | ImageConfig;
  parent?: string;
}

export interface GarbageResult {
  layers: string[];
  blobs: string[];
  /** Bytes of layer content freed. */
  reclaimed: number;
}

/** Images, layers and references of one engine. */
export class ImageStore {
  readonly root: string;
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly references: ReferenceStore;
  readonly tools: FsTools;
  readonly clock: () => Date;
  private readonly recordsDir: string;
  private readonly configs = new Map<string, ImageConfig>();
  /** Every image record, read once at start and kept in step with each write. */
  private readonly records = new Map<string, ImageRecord>();

  constructor(options: ImageStoreOptions) {
    this.root = options.root;
    this.clock = options.clock ?? (() => new Date());
    this.tools = options.tools instanceof FsTools ? options.tools : new FsTools(options.tools);
    this.recordsDir = join(this.root, 'images');
    mkdirSync(this.recordsDir, { recursive: true, mode: 0o700 });
    this.blobs = new BlobStore(this.root);
    this.layers = new LayerStore({
      root: this.root,
      tools: this.tools,
      decompress: options.decompress,
      clock: this.clock,
    });
    this.references = new ReferenceStore(join(this.root, 'repositories.json'));
    for (const name of readdirSync(this.recordsDir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const record = readJson<ImageRecord>(join(this.recordsDir, name));
      if (record) this.records.set(record.id, record);
    }
  }

  get(id: string): ImageRecord | undefined {
    const record = this.records.get(id);
    return record ? { ...record } : undefined;
  }

  list(): ImageRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  /** The parsed config of an image, cached and frozen (configs never change: copy to modify). */
  config(id: string): ImageConfig {
    let config = this.configs.get(id);
    if (!config) {
      config = deepFreeze(this.blobs.getJson<ImageConfig>(id));
      this.configs.set(id, config);
    }
    return config;
  }

  /** The config bytes exactly as stored (their sha256 is the id). */
  rawConfig(id: string): Buffer {
    return this.blobs.get(id);
  }

  /** The image's diff ids, bottom first (a copy: the cached config stays untouched). */
  diffIds(id: string): string[] {
    return [...(this.config(id).rootfs?.diff_ids ?? [])];
  }

  /** Unpacked layer directories of an image, top layer first (overlayfs lowerdir order). */
  layerDirs(id: string): string[] {
    return this.diffIds(id)
      .map((diffId) => this.layers.diffDir(diffId))
      .reverse();
  }

  /** Sum of the image's layer sizes, as Docker's `Size`. */
  size(id: string): number {
    let total = 0;
    for (const diffId of new Set(this.diffIds(id))) total += this.layers.get(diffId)?.size ?? 0;
    return total;
  }

  /** Stores a config as an image; every layer it names must be in the layer store. */
  createImage(options: CreateImageOptions): ImageRecord {
    const bytes = Buffer.isBuffer(options.config)
      ? options.config
      : Buffer.from(JSON.stringify(options.config));
    const config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids;
    if (config.rootfs?.type !== 'layers' || !Array.isArray(diffIds)) {
      throw new ImageError('IMAGE_ARCHIVE_INVALID', 'image config has no rootfs.diff_ids', {
        hint: 'the config is not an image config',
      });
    }
    for (const diffId of diffIds) {
      if (!this.layers.has(diffId)) throw new ImageNotFoundError(`layer ${diffId}`);
    }
    const id = this.blobs.put(bytes);
    const existing = this.get(id);
    if (existing && (existing.parent === options.parent || !options.parent)) return existing;
    const record: ImageRecord = { ...existing, id, stored: existing?.stored ?? this.clock().toISOString() };
    if (options.parent) record.parent = options.parent;
    this.writeRecord(record);
    return { ...record };
  }

  /** The image a name, reference, full id or unique id prefix names; undefined when none. */
  lookup(nameOrId: string): ImageRecord | undefined {
    const full = nameOrId.startsWith('sha256:') ? nameOrId : `sha256:${nameOrId}`;
    if (isDigest(full)) {
      const record = this.get(full);
      if (record) return record;
    }
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(nameOrId);
    } catch {
      ref = undefined;
    }
    if (ref) {
      const key = ref.digest
        ? formatReference({ domain: ref.domain, path: ref.path, digest: ref.digest })
        : formatReference(ref);
      const id = this.references.get(key);
      if (id) return this.get(id);
    }
    const prefix = nameOrId.startsWith('sha256:') ? nameOrId.slice(7) : nameOrId;
    if (/^[a-f0-9]{1,64}$/.test(prefix)) {
      const matches = [...this.records.keys()].filter((id) => id.startsWith(`sha256:${prefix}`));
      if (matches.length > 1) {
        throw new ImageError('IMAGE_NOT_FOUND', `short id ${prefix} is ambiguous`, {
          hint: 'give more digits of the image id',
        });
      }
      if (matches[0]) return this.get(matches[0]);
    }
    return undefined;
  }

  /** Like lookup, but ImageNotFoundError when nothing matches. */
  resolve(nameOrId: string): ImageRecord {
    const record = this.lookup(nameOrId);
    if (!record) throw new ImageNotFoundError(nameOrId);
    return record;
  }

  /** Tags an image (`repo[:tag]`, default `latest`); returns the normalised reference. */
  tag(imageId: string, target: string): string {
    const ref = formatReference(parseTagReference(target));
    if (!this.get(imageId)) throw new ImageNotFoundError(imageId);
    this.references.set(ref, imageId);
    this.touchTagTime(imageId);
    return ref;
  }

  /** Records `repository@digest` (the manifest digest a pull or push saw) for an image. */
  addDigestReference(imageId: string, ref: ImageReference, manifestDigest: string): string {
    const key = formatReference({ domain: ref.domain, path: ref.path, digest: manifestDigest });
    this.references.set(key, imageId);
    return key;
  }

  /** Repo tags and repo digests of an image, familiar and sorted (as the API shows them). */
  names(imageId: string): { repoTags: string[]; repoDigests: string[] } {
    const repoTags: string[] = [];
    const repoDigests: string[] = [];
    for (const ref of this.references.referencesOf(imageId)) {
      (ref.includes('@') ? repoDigests : repoTags).push(familiarize(ref));
    }
    return { repoTags, repoDigests };
  }

  /** Images whose parent is `imageId`. */
  children(imageId: string): string[] {
    return this.list()
      .filter((r) => r.parent === imageId)
      .map((r) => r.id);
  }

  /** Deletes an image record, its config blob and every reference to it (layers stay for gc). */
  deleteImage(imageId: string): void {
    for (const ref of this.references.referencesOf(imageId)) this.references.delete(ref);
    this.records.delete(imageId);
    try {
      unlinkSync(this.recordPath(imageId));
    } catch {
      // already gone
    }
    this.blobs.delete(imageId);
    this.configs.delete(imageId);
  }

  /**
   * Removes layers no image (and no entry of `keepLayers`, e.g. container snapshots) uses,
   * blobs that are not an image config, and stale partial downloads (with `ingest`).
   */
  collectGarbage(options: { keepLayers?: Iterable<string>; ingest?: boolean } = {}): GarbageResult {
    const records = this.list();
    const usedLayers = new Set(options.keepLayers ?? []);
    for (const record of records) for (const diffId of this.diffIds(record.id)) usedLayers.add(diffId);
    const result: GarbageResult = { layers: [], blobs: [], reclaimed: 0 };
    for (const layer of this.layers.list()) {
      if (usedLayers.has(layer.diffId) || this.layers.isHeld(layer.diffId)) continue;
      this.layers.remove(layer.diffId);
      result.layers.push(layer.diffId);
      result.reclaimed += layer.size;
    }
    const configs = new Set(records.map((r) => r.id));
    for (const digest of this.blobs.list()) {
      if (configs.has(digest)) continue;
      this.blobs.delete(digest);
      result.blobs.push(digest);
    }
    if (options.ingest) {
      const dir = join(this.root, 'ingest');
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true, recursive: true });
    }
    return result;
  }

  private touchTagTime(imageId: string): void {
    const record = this.get(imageId);
    if (!record) throw new ImageNotFoundError(imageId);
    record.lastTagTime = this.clock().toISOString();
    this.writeRecord(record);
  }

  private writeRecord(record: ImageRecord): void {
    writeJsonAtomic(this.recordPath(record.id), record);
    this.records.set(record.id, { ...record });
  }

  private recordPath(id: string): string {
    return join(this.recordsDir, `${digestHex(id)}.json`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
