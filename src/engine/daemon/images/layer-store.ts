/**
 * Unpacked layers, each once, keyed by diff id (the sha256 of its uncompressed tar): an
 * overlayfs lower dir does not depend on the layers under it, so one directory serves every
 * image that has the layer. Layout under `<root>/`:
 *   layers/<hex>/diff/          the unpacked layer (an overlay lower dir)
 *   layers/<hex>/layer.json     LayerRecord
 *   layers/<hex>/tar-split.gz   what rebuilds the original tar (tar-split.ts)
 *   l/<LINK>                    short symlink → ../layers/<hex>/diff, so a mount's option string
 *                               stays under one page with many layers (as Docker's overlay2)
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../state/atomic-file.js';
import { type DecompressOptions, decompressStream } from './decompress.js';
import { digestHex } from './digest.js';
import { DigestMismatchError, ImageNotFoundError } from './errors.js';
import type { FsTools } from './fs-tools.js';
import { unpackLayer } from './layer-unpack.js';
import { rebuildTar } from './tar-split.js';
import { WhiteoutMaker } from './whiteout-maker.js';

/** A compressed form of a layer known to exist in a registry (or locally), for push and pull. */
export interface LayerSource {
  digest: string;
  mediaType: string;
  size: number;
  /** Registry host (`docker.io`, `127.0.0.1:5000`) and repository it was seen in. */
  registry?: string;
  repository?: string;
}

/** What the store knows of one unpacked layer. */
export interface LayerRecord {
  diffId: string;
  /** Bytes of file content (Docker's layer size). */
  size: number;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Short link name under `<root>/l/`. */
  link: string;
  created: string;
  opaqueDirs: string[];
  relocations: Record<string, string>;
  /** Device nodes and FIFOs that were not unpacked. */
  skipped: string[];
  sources: LayerSource[];
}

export interface LayerStoreOptions {
  /** The store root (`<engine root>/images`). */
  root: string;
  tools: FsTools;
  decompress?: DecompressOptions;
  clock?: () => Date;
}

export interface RegisterLayerOptions {
  /** When known (pull, load): the unpacked stream must hash to it, and a concurrent unpack is shared. */
  expectedDiffId?: string;
  /** The compressed blob this came from, remembered for push. */
  source?: LayerSource;
  /** Bytes of (compressed) input consumed so far. */
  onProgress?: (bytes: number) => void;
}

const LINK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The layer store; all paths derive from `root`. */
export class LayerStore {
  readonly root: string;
  private readonly tools: FsTools;
  private readonly whiteouts: WhiteoutMaker;
  private readonly clock: () => Date;
  private records: Map<string, LayerRecord> | undefined;
  private bySource: Map<string, string> | undefined;
  private readonly inflight = new Map<string, Promise<LayerRecord>>();
  private readonly holds = new Map<string, number>();

  constructor(private readonly options: LayerStoreOptions) {
    this.root = options.root;
    this.tools = options.tools;
    this.clock = options.clock ?? (() => new Date());
    this.whiteouts = new WhiteoutMaker(join(options.root, 'layers', '.whiteout'), options.tools);
    mkdirSync(join(this.root, 'layers'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.root, 'l'), { recursive: true, mode: 0o700 });
    // Loaded now, so leftovers of an interrupted earlier run are cleared before any unpack starts.
    this.load();
  }

  /** How compressed layers are inflated (external tool paths). */
  get decompressOptions(): DecompressOptions | undefined {
    return this.options.decompress;
  }

  has(diffId: string): boolean {
    return this.load().has(diffId);
  }

  get(diffId: string): LayerRecord | undefined {
    return this.load().get(diffId);
  }

  /** The record, or ImageNotFoundError. */
  require(diffId: string): LayerRecord {
    const record = this.get(diffId);
    if (!record) throw new ImageNotFoundError(`layer ${diffId}`);
    return record;
  }

  list(): LayerRecord[] {
    return [...this.load().values()];
  }

  /** The unpacked directory of a layer. */
  diffDir(diffId: string): string {
    return join(this.root, 'layers', digestHex(diffId), 'diff');
  }

  /** The layer's short path relative to `root` (`l/ABC...`), for mount options. */
  linkPath(diffId: string): string {
    return `l/${this.require(diffId).link}`;
  }

  /** An always-empty directory, for overlays that need one more lower dir. */
  emptyDir(): string {
    const dir = join(this.root, 'layers', '.empty');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /**
   * Keeps layers from garbage collection until the returned release is called: a pull or
   * load registers layers before the image naming them exists.
   */
  hold(diffIds: Iterable<string>): () => void {
    const held = [...diffIds];
    for (const d of held) this.holds.set(d, (this.holds.get(d) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const d of held) {
        const count = (this.holds.get(d) ?? 1) - 1;
        if (count <= 0) this.holds.delete(d);
        else this.holds.set(d, count);
      }
    };
  }

  /** True while some pull or load holds the layer. */
  isHeld(diffId: string): boolean {
    return this.holds.has(diffId);
  }

  /** The diff id of a layer by the digest of a compressed blob it came from. */
  findBySource(digest: string): string | undefined {
    this.load();
    return this.bySource?.get(digest);
  }

  /**
   * Unpacks a layer tar (plain or compressed) once; a second register of the same content
   * returns the existing record, and concurrent registers with the same expected diff id share one unpack.
   */
  async register(
    source: AsyncIterable<Buffer | Uint8Array>,
    options: RegisterLayerOptions = {},
  ): Promise<LayerRecord> {
    const expected = options.expectedDiffId;
    if (expected) {
      const existing = this.get(expected);
      if (existing) return this.noteSource(existing, options.source);
      const running = this.inflight.get(expected);
      if (running) return this.noteSource(await running, options.source);
      const work = this.unpack(source, options).finally(() => this.inflight.delete(expected));
      this.inflight.set(expected, work);
      return work;
    }
    return this.unpack(source, options);
  }

  /** Remembers another compressed form of a layer. */
  noteSource(record: LayerRecord, source: LayerSource | undefined): LayerRecord {
    if (!source) return record;
    const same = (s: LayerSource) =>
      s.digest === source.digest && s.registry === source.registry && s.repository === source.repository;
    if (record.sources.some(same)) return record;
    record.sources = [...record.sources, source];
    writeJsonAtomic(join(this.root, 'layers', digestHex(record.diffId), 'layer.json'), record);
    this.bySource?.set(source.digest, record.diffId);
    return record;
  }

  /** The layer's original tar, rebuilt and checked against its diff id as it streams. */
  async *tarStream(diffId: string): AsyncGenerator<Buffer> {
    const record = this.require(diffId);
    const dir = join(this.root, 'layers', digestHex(diffId));
    const hash = createHash('sha256');
    for await (const chunk of rebuildTar({
      splitPath: join(dir, 'tar-split.gz'),
      diffDir: join(dir, 'diff'),
      relocations: record.relocations,
      baseDir: dir,
    })) {
      hash.update(chunk);
      yield chunk;
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== diffId) throw new DigestMismatchError(`rebuilt layer ${diffId}`, diffId, actual);
  }

  /** Deletes a layer's directory and link; callers make sure nothing uses it. */
  remove(diffId: string): void {
    const record = this.get(diffId);
    if (!record) return;
    const dir = join(this.root, 'layers', digestHex(diffId));
    try {
      unlinkSync(join(this.root, 'l', record.link));
    } catch {
      // already gone
    }
    // Rename first so a crash mid-delete never leaves a half layer under its real name.
    const trash = join(this.root, 'layers', `.trash-${randomBytes(6).toString('hex')}`);
    renameSync(dir, trash);
    rmSync(trash, { recursive: true, force: true });
    this.records?.delete(diffId);
    for (const source of record.sources) this.bySource?.delete(source.digest);
  }

  private async unpack(
    source: AsyncIterable<Buffer | Uint8Array>,
    options: RegisterLayerOptions,
  ): Promise<LayerRecord> {
    const temp = mkdtempSync(join(this.root, 'layers', '.tmp-'));
    try {
      mkdirSync(join(temp, 'diff'), { mode: 0o755 });
      const counted = options.onProgress ? countBytes(source, options.onProgress) : source;
      const result = await unpackLayer({
        source: decompressStream(counted, this.options.decompress),
        dir: join(temp, 'diff'),
        splitPath: join(temp, 'tar-split.gz'),
        dupsDir: join(temp, 'dups'),
        tools: this.tools,
        whiteouts: this.whiteouts,
      });
      if (options.expectedDiffId && result.diffId !== options.expectedDiffId) {
        throw new DigestMismatchError('layer', options.expectedDiffId, result.diffId);
      }
      const existing = this.get(result.diffId);
      if (existing) {
        rmSync(temp, { recursive: true, force: true });
        return this.noteSource(existing, options.source);
      }
      const hex = digestHex(result.diffId);
      const link = this.newLink();
      const record: LayerRecord = {
        diffId: result.diffId,
        size: result.size,
        tarSize: result.tarSize,
        link,
        created: this.clock().toISOString(),
        opaqueDirs: result.opaqueDirs,
        relocations: result.relocations,
        skipped: result.skipped,
        sources: options.source ? [options.source] : [],
      };
      writeJsonAtomic(join(temp, 'layer.json'), record);
      symlinkSync(`../layers/${hex}/diff`, join(this.root, 'l', link));
      try {
        renameSync(temp, join(this.root, 'layers', hex));
      } catch (error) {
        unlinkSync(join(this.root, 'l', link));
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
        // Another process finished the same layer first: use theirs.
        rmSync(temp, { recursive: true, force: true });
        this.records = undefined;
        return this.noteSource(this.require(result.diffId), options.source);
      }
      this.load().set(record.diffId, record);
      for (const s of record.sources) this.bySource?.set(s.digest, record.diffId);
      return record;
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }

  private newLink(): string {
    for (;;) {
      const bytes = randomBytes(26);
      let link = '';
      for (const byte of bytes) link += LINK_ALPHABET[byte & 31];
      if (!existsSync(join(this.root, 'l', link))) return link;
    }
  }

  private load(): Map<string, LayerRecord> {
    if (this.records) return this.records;
    const records = new Map<string, LayerRecord>();
    const bySource = new Map<string, string>();
    const base = join(this.root, 'layers');
    for (const name of readdirSync(base)) {
      if (name.startsWith('.')) {
        // leftovers of an interrupted unpack or delete
        if (name.startsWith('.tmp-') || name.startsWith('.trash-'))
          rmSync(join(base, name), { recursive: true, force: true });
        continue;
      }
      const record = readJson<LayerRecord>(join(base, name, 'layer.json'));
      if (!record) continue;
      records.set(record.diffId, record);
      for (const s of record.sources) bySource.set(s.digest, record.diffId);
    }
    this.records = records;
    this.bySource = bySource;
    return records;
  }
}

async function* countBytes(
  source: AsyncIterable<Buffer | Uint8Array>,
  onProgress: (bytes: number) => void,
): AsyncGenerator<Buffer | Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    onProgress(total);
    yield chunk;
  }
}
