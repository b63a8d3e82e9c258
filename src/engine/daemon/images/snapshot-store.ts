/**
 * Container root file systems: an overlay of the image's unpacked layers (shared, read-only),
 * a small per-container init layer (the mount points Docker's init layer has, so the runtime's
 * bind mounts of /etc/hosts and friends never show up as changes) and a private upper dir.
 * Preparing one is a few mkdirs and one JSON record; mounting is one `mount`; nothing is copied.
 * Layout: `<store root>/snapshots/<id>/{upper,work,merged,init,snapshot.json}`.
 */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import { directoryTar } from './directory-tar.js';
import { ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import type { LayerRecord } from './layer-store.js';
import { LayerView, type ViewLayer } from './layer-view.js';
import { isMountPoint, mountOverlay, unmountOverlay } from './overlay-mount.js';
import { type Change, upperChanges } from './upper-changes.js';

/** The record of one snapshot. */
export interface Snapshot {
  id: string;
  /** The image it was prepared from, if any. */
  image?: string;
  /** Diff ids of its lower layers, bottom first. */
  layers: string[];
  /** Whether it has an init layer. */
  init: boolean;
  created: string;
}

/** Where a snapshot's parts are, absolute (GET /containers/{id}/json GraphDriver.Data). */
export interface SnapshotPaths {
  mergedDir: string;
  upperDir: string;
  workDir: string;
  /** Lower dirs, top first (the init layer first when there is one). */
  lowerDirs: string[];
}

export interface PrepareOptions {
  /** Layers to use instead of an image's (the builder's intermediate stacks), bottom first. */
  layers?: string[];
  /** Add the init layer (default true). */
  init?: boolean;
}

// The mount points of Docker's init layer: dirs, empty files, and /etc/mtab's symlink.
const INIT_DIRS = ['dev/pts', 'dev/shm', 'proc', 'sys'];
const INIT_FILES = ['.dockerenv', 'etc/resolv.conf', 'etc/hosts', 'etc/hostname', 'dev/console'];

/** Snapshots of one image store. */
export class SnapshotStore {
  private readonly dir: string;

  constructor(private readonly images: ImageStore) {
    this.dir = join(images.root, 'snapshots');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Creates a snapshot of `imageId` (or of no layers: `FROM scratch`) for container `id`. */
  prepare(id: string, imageId: string | undefined, options: PrepareOptions = {}): Snapshot {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id)) {
      throw new ImageError('IMAGE_REFERENCE_INVALID', `invalid snapshot id ${JSON.stringify(id)}`, {
        hint: 'use the container id',
      });
    }
    if (this.get(id))
      throw new ImageError('SNAPSHOT_EXISTS', `snapshot ${id} already exists`, { hint: 'remove it first' });
    const layers = options.layers ?? (imageId ? this.images.diffIds(this.images.resolve(imageId).id) : []);
    for (const diffId of layers) this.images.layers.require(diffId);
    const root = join(this.dir, id);
    const temp = `${root}.tmp`;
    rmSync(temp, { recursive: true, force: true });
    for (const part of ['upper', 'work', 'merged'])
      mkdirSync(join(temp, part), { recursive: true, mode: 0o755 });
    const init = options.init ?? true;
    if (init) makeInitLayer(join(temp, 'init'));
    const snapshot: Snapshot = { id, layers, init, created: this.images.clock().toISOString() };
    if (imageId) snapshot.image = this.images.resolve(imageId).id;
    writeJsonAtomic(join(temp, 'snapshot.json'), snapshot);
    renameSync(temp, root);
    return snapshot;
  }

  get(id: string): Snapshot | undefined {
    if (id.includes('/') || id.startsWith('.')) return undefined;
    return readJson<Snapshot>(join(this.dir, id, 'snapshot.json'));
  }

  list(): Snapshot[] {
    return readdirSync(this.dir)
      .filter((name) => !name.endsWith('.tmp'))
      .map((name) => this.get(name))
      .filter((s): s is Snapshot => s !== undefined);
  }

  /** Every layer some snapshot stacks on (to keep them from garbage collection). */
  usedLayers(): Set<string> {
    return new Set(this.list().flatMap((s) => s.layers));
  }

  paths(id: string): SnapshotPaths {
    const snapshot = this.require(id);
    const root = join(this.dir, id);
    const lowerDirs = [...snapshot.layers].reverse().map((d) => this.images.layers.diffDir(d));
    if (snapshot.init) lowerDirs.unshift(join(root, 'init'));
    return {
      mergedDir: join(root, 'merged'),
      upperDir: join(root, 'upper'),
      workDir: join(root, 'work'),
      lowerDirs,
    };
  }

  /** Mounts the snapshot (idempotent); returns the merged dir, the container's root file system. */
  async mount(id: string): Promise<string> {
    const snapshot = this.require(id);
    const paths = this.paths(id);
    if (isMountPoint(paths.mergedDir)) return paths.mergedDir;
    const rel = `snapshots/${id}`;
    const lower = [...snapshot.layers].reverse().map((d) => this.images.layers.linkPath(d));
    if (snapshot.init) lower.unshift(`${rel}/init`);
    if (lower.length === 0) lower.push('layers/.empty');
    this.images.layers.emptyDir();
    await mountOverlay({
      tools: this.images.tools,
      cwd: this.images.root,
      lower,
      upper: `${rel}/upper`,
      work: `${rel}/work`,
      target: paths.mergedDir,
    });
    return paths.mergedDir;
  }

  async unmount(id: string): Promise<void> {
    this.require(id);
    await unmountOverlay(this.images.tools, this.paths(id).mergedDir);
  }

  isMounted(id: string): boolean {
    return this.get(id) !== undefined && isMountPoint(this.paths(id).mergedDir);
  }

  /** Unmounts and deletes a snapshot (its upper dir: the container's changes). */
  async remove(id: string): Promise<void> {
    if (!this.get(id)) return;
    await this.unmount(id);
    const root = join(this.dir, id);
    const trash = join(this.dir, `.${id}.removing.tmp`);
    renameSync(root, trash);
    rmSync(trash, { recursive: true, force: true });
  }

  /** The container's changes relative to its image (GET /containers/{id}/changes). */
  async changes(id: string): Promise<Change[]> {
    const paths = this.paths(id);
    const attrs = await this.images.tools.readXattrs(paths.upperDir, '^trusted\\.overlay\\.opaque$');
    const opaque = new Set<string>();
    for (const [path, values] of attrs) {
      if (values.get('trusted.overlay.opaque')?.toString() !== 'y') continue;
      opaque.add(path === paths.upperDir ? '' : path.slice(paths.upperDir.length + 1));
    }
    return upperChanges({ upper: paths.upperDir, lower: this.lowerView(id), opaque });
  }

  /** The container's changes as a layer tar stream (whiteouts in `.wh.` form). */
  async *diffTar(id: string): AsyncGenerator<Buffer> {
    const upper = this.paths(id).upperDir;
    const xattrs = await this.images.tools.readXattrs(upper, '-');
    yield* directoryTar({ dir: upper, overlay: true, xattrs });
  }

  /** Stores the container's changes as a layer (for commit and build steps). */
  async commitLayer(id: string): Promise<LayerRecord> {
    return this.images.layers.register(this.diffTar(id));
  }

  /** The merged view of the snapshot's lower layers (image + init), read without mounting. */
  lowerView(id: string): LayerView {
    const snapshot = this.require(id);
    const layers: ViewLayer[] = [...snapshot.layers].reverse().map((diffId) => ({
      dir: this.images.layers.diffDir(diffId),
      opaque: new Set(this.images.layers.require(diffId).opaqueDirs),
    }));
    if (snapshot.init) layers.unshift({ dir: join(this.dir, id, 'init'), opaque: new Set() });
    return new LayerView(layers);
  }

  private require(id: string): Snapshot {
    const snapshot = this.get(id);
    if (!snapshot) {
      throw new ImageError('SNAPSHOT_NOT_FOUND', `no snapshot for container ${id}`, {
        hint: 'the container was removed, or its file system was never prepared',
      });
    }
    return snapshot;
  }
}

function makeInitLayer(dir: string): void {
  mkdirSync(dir, { mode: 0o755 });
  for (const sub of INIT_DIRS) mkdirSync(join(dir, sub), { recursive: true, mode: 0o755 });
  for (const file of INIT_FILES) {
    mkdirSync(join(dir, file, '..'), { recursive: true, mode: 0o755 });
    closeSync(openSync(join(dir, file), 'w', 0o755));
  }
  symlinkSync('/proc/mounts', join(dir, 'etc', 'mtab'));
}
