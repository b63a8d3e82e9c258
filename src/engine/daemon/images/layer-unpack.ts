/**
 * Unpacks one layer tar into a directory usable as an overlayfs lower dir, safely:
 * - names with `..`, absolute names, hard links leaving the layer are refused;
 * - nothing is ever written through a symlink: a parent that is a symlink is refused, and an
 *   existing entry is unlinked (never opened) before it is replaced;
 * - symlinks are stored as written (absolute targets too: they resolve inside the container);
 * - device nodes and FIFOs are skipped (listed in the result): containers get /dev from the runtime;
 * - `.wh.<name>` becomes a whiteout device, `.wh..wh..opq` the `trusted.overlay.opaque=y` xattr;
 * - owners, modes (setuid included), mtimes and `security.capability`/`user.*` xattrs are kept.
 * File system calls are synchronous on purpose: each is one short syscall, and the event loop
 * still turns between input chunks; a promise per chmod would double the unpack time.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { cleanEntryPath } from './entry-path.js';
import { ImageError, UnsafeArchiveError } from './errors.js';
import type { FsTools, XattrItem } from './fs-tools.js';
import { readTar, type TarHeader } from './tar-reader.js';
import { TarSplitWriter } from './tar-split.js';
import type { WhiteoutMaker } from './whiteout-maker.js';

export interface UnpackLayerOptions {
  /** The uncompressed layer tar. */
  source: AsyncIterable<Buffer | Uint8Array>;
  /** An existing empty directory to unpack into. */
  dir: string;
  /** Where to write the tar-split record of the stream. */
  splitPath: string;
  /** Where payload files replaced later in the same tar are moved, so the tar can be rebuilt. */
  dupsDir: string;
  tools: FsTools;
  whiteouts: WhiteoutMaker;
  /** Apply the tar's uid/gid (needs root); default: when running as root. */
  preserveOwnership?: boolean;
}

export interface UnpackLayerResult {
  /** sha256 of the uncompressed tar stream. */
  diffId: string;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Bytes of file content and symlink targets (hard links once), as Docker reports a layer's size. */
  size: number;
  /** Directories marked opaque, relative to the layer root ('' is the root). */
  opaqueDirs: string[];
  /** Payload index → path relative to the layer record dir, for payloads moved aside. */
  relocations: Record<string, string>;
  /** Entries skipped: device nodes, FIFOs, unknown types. */
  skipped: string[];
}

const KEPT_XATTR = /^(user\.|security\.(?!selinux$))/;

/** Unpacks `source` into `dir`; on error the caller removes `dir` (it may be half written). */
export async function unpackLayer(options: UnpackLayerOptions): Promise<UnpackLayerResult> {
  const hash = createHash('sha256');
  let tarSize = 0;
  const counted = (async function* () {
    for await (const chunk of options.source) {
      hash.update(chunk);
      tarSize += chunk.length;
      yield chunk as Buffer;
    }
  })();
  const split = new TarSplitWriter(options.splitPath);
  const state = new UnpackState(options);
  try {
    for await (const entry of readTar(counted, { onRaw: (bytes) => split.raw(bytes) })) {
      const header = entry.header;
      const target = await state.place(header);
      if (target === undefined) continue;
      const index = split.file(target.rel, header.size);
      state.refs.set(target.rel, index);
      try {
        for await (const chunk of entry.body) writeAll(target.fd, chunk);
      } finally {
        closeSync(target.fd);
      }
      state.finishFile(target.abs, header);
    }
    await split.close();
  } catch (error) {
    split.abort();
    throw error;
  }
  await state.finish();
  return {
    diffId: `sha256:${hash.digest('hex')}`,
    tarSize,
    size: state.size,
    opaqueDirs: [...state.opaque].sort(),
    relocations: state.relocations,
    skipped: state.skipped,
  };
}

interface FileTarget {
  rel: string;
  abs: string;
  fd: number;
}

class UnpackState {
  readonly refs = new Map<string, number>();
  readonly relocations: Record<string, string> = {};
  readonly opaque = new Set<string>();
  readonly skipped: string[] = [];
  size = 0;
  private readonly dirs = new Set<string>(['']);
  private readonly dirTimes = new Map<string, number>();
  private xattrs: XattrItem[] = [];
  private readonly owners: boolean;

  constructor(private readonly options: UnpackLayerOptions) {
    this.owners = options.preserveOwnership ?? process.getuid?.() === 0;
  }

  /** Creates everything but a regular file's content; for a regular file returns its open fd. */
  async place(header: TarHeader): Promise<FileTarget | undefined> {
    const rel = cleanEntryPath(header.name);
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') {
        this.ensureDir(parent, header.name);
        this.opaque.add(parent);
      } else if (!base.startsWith('.wh..wh.')) {
        const name = base.slice(4);
        if (name === '' || name === '.' || name === '..') {
          throw new UnsafeArchiveError(header.name, 'whiteout of an invalid name');
        }
        const hidden = parent === '' ? name : `${parent}/${name}`;
        this.ensureDir(parent, header.name);
        this.removeExisting(hidden);
        await this.options.whiteouts.create(this.abs(hidden));
      }
      return undefined;
    }
    if (rel === '') {
      // The layer root keeps the store's own mode, as Docker does.
      if (header.type !== 'directory')
        throw new UnsafeArchiveError(header.name, 'the root is not a directory');
      return undefined;
    }
    if (
      header.type === 'char' ||
      header.type === 'block' ||
      header.type === 'fifo' ||
      header.type === 'other'
    ) {
      this.skipped.push(rel);
      return undefined;
    }
    this.ensureDir(parent, header.name);
    const abs = this.abs(rel);
    const existing = lstatOrUndefined(abs);
    if (existing && !(existing.isDirectory() && header.type === 'directory')) this.removeExisting(rel);
    switch (header.type) {
      case 'directory':
        if (!existing?.isDirectory()) mkdirSync(abs, { mode: 0o700 });
        this.dirs.add(rel);
        this.applyOwnerMode(abs, header);
        this.dirTimes.set(rel, header.mtime);
        this.collectXattrs(abs, header);
        return undefined;
      case 'symlink':
        symlinkSync(header.linkname, abs);
        // Docker's size counts a symlink's lstat size: its target's length
        this.size += Buffer.byteLength(header.linkname);
        if (this.owners) lchownSync(abs, header.uid, header.gid);
        lutimesSync(abs, header.mtime, header.mtime);
        return undefined;
      case 'hardlink': {
        const source = this.hardlinkSource(header);
        linkSync(source, abs);
        return undefined;
      }
      case 'file': {
        const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
        const fd = openSync(abs, flags, 0o600);
        this.size += header.size;
        return { rel, abs, fd };
      }
    }
  }

  finishFile(abs: string, header: TarHeader): void {
    this.applyOwnerMode(abs, header);
    lutimesSync(abs, header.mtime, header.mtime);
    this.collectXattrs(abs, header);
  }

  async finish(): Promise<void> {
    const items = [...this.xattrs];
    for (const dir of [...this.opaque].sort()) {
      items.push({ path: this.abs(dir), name: 'trusted.overlay.opaque', value: Buffer.from('y') });
    }
    await this.options.tools.setXattrs(items);
    // Deepest first: setting a directory's time must come after every change inside it.
    const dirs = [...this.dirTimes].sort((a, b) => depth(b[0]) - depth(a[0]));
    for (const [rel, mtime] of dirs) lutimesSync(this.abs(rel), mtime, mtime);
  }

  private abs(rel: string): string {
    return rel === '' ? this.options.dir : join(this.options.dir, rel);
  }

  /** Makes `rel` a real directory, creating missing parents; refuses symlinks and files on the way. */
  private ensureDir(rel: string, entry: string): void {
    if (this.dirs.has(rel)) return;
    let path = '';
    for (const part of rel.split('/')) {
      path = path === '' ? part : `${path}/${part}`;
      if (this.dirs.has(path)) continue;
      const stat = lstatOrUndefined(this.abs(path));
      if (!stat) mkdirSync(this.abs(path), { mode: 0o755 });
      else if (stat.isSymbolicLink()) {
        throw new UnsafeArchiveError(
          entry,
          `its parent ${path} is a symlink (writing through symlinks is refused)`,
        );
      } else if (!stat.isDirectory()) {
        throw new UnsafeArchiveError(entry, `its parent ${path} is not a directory`);
      }
      this.dirs.add(path);
    }
  }

  private hardlinkSource(header: TarHeader): string {
    const rel = cleanEntryPath(header.linkname, 'hard link target');
    if (rel === '') throw new UnsafeArchiveError(header.name, 'hard link to the layer root');
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    let path = '';
    for (const part of parent === '' ? [] : parent.split('/')) {
      path = path === '' ? part : `${path}/${part}`;
      const stat = lstatOrUndefined(this.abs(path));
      if (stat?.isSymbolicLink()) {
        throw new UnsafeArchiveError(header.name, `hard link target goes through the symlink ${path}`);
      }
    }
    const stat = lstatOrUndefined(this.abs(rel));
    if (!stat) {
      throw new ImageError('IMAGE_ARCHIVE_INVALID', `hard link ${header.name} points to missing ${rel}`, {
        hint: 'a hard link must name a file earlier in the same layer',
      });
    }
    if (stat.isDirectory()) throw new UnsafeArchiveError(header.name, 'hard link to a directory');
    return this.abs(rel);
  }

  /** Unlinks whatever is at `rel`; payloads recorded under it are moved aside first. */
  private removeExisting(rel: string): void {
    const abs = this.abs(rel);
    if (!lstatOrUndefined(abs)) return;
    for (const [path, index] of this.refs) {
      if (path !== rel && !path.startsWith(`${rel}/`)) continue;
      mkdirSync(this.options.dupsDir, { recursive: true, mode: 0o700 });
      const name = `dups/${index}`;
      renameSync(this.abs(path), join(this.options.dupsDir, String(index)));
      this.relocations[String(index)] = name;
      this.refs.delete(path);
    }
    rmSync(abs, { recursive: true, force: true });
    for (const dir of this.dirs) if (dir === rel || dir.startsWith(`${rel}/`)) this.dirs.delete(dir);
    for (const dir of this.dirTimes.keys())
      if (dir === rel || dir.startsWith(`${rel}/`)) this.dirTimes.delete(dir);
    for (const o of this.opaque) if (o === rel || o.startsWith(`${rel}/`)) this.opaque.delete(o);
    this.xattrs = this.xattrs.filter((x) => x.path !== abs && !x.path.startsWith(`${abs}/`));
  }

  private applyOwnerMode(abs: string, header: TarHeader): void {
    // chown first: it clears setuid/setgid bits, which chmod then sets.
    if (this.owners) lchownSync(abs, header.uid, header.gid);
    chmodSync(abs, header.mode & 0o7777);
  }

  private collectXattrs(abs: string, header: TarHeader): void {
    for (const [name, value] of header.xattrs) {
      // trusted.overlay.* from a tar could forge overlay metadata: only our own conversion sets it.
      if (KEPT_XATTR.test(name)) this.xattrs.push({ path: abs, name, value });
    }
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function depth(rel: string): number {
  return rel === '' ? 0 : rel.split('/').length;
}
