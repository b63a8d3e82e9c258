/**
 * The host side of a sync: each changed path looked at once (a file, link or directory to
 * send, or gone: to delete), then one tar of everything to send, named by container path, for
 * the engine's archive API at `/`. Small files are read whole, so a file written meanwhile
 * cannot make the tar's sizes lie; the settle check (see sync-session) catches such writes.
 */
import { createReadStream } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { produceTar, type TarPack } from '../engine/archive/produce-tar.js';
import type { SyncItem } from './rules.js';

/** Files up to this size are read into memory; larger ones are streamed. */
const READ_WHOLE = 4 * 1024 * 1024;
/** A tar up to this size is built in memory and sent to every container as is. */
const BUFFERED_TAR = 16 * 1024 * 1024;

/** A host entry to copy, as seen when the sync started. */
export interface SendEntry {
  hostPath: string;
  containerPath: string;
  kind: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtimeMs: number;
  ino: number;
  linkTarget?: string;
}

/** What a sync sends and deletes. */
export interface PreparedSync {
  /** Sorted by container path, so directories come before what they hold. */
  send: SendEntry[];
  /** Container paths whose host path is gone, without those inside another one listed. */
  remove: string[];
}

/** Who owns what the tar creates in the container. */
export interface Owner {
  uid: number;
  gid: number;
}

/** Looks at each item's host path. */
export async function prepareSync(items: Iterable<SyncItem>): Promise<PreparedSync> {
  const send: SendEntry[] = [];
  const gone: string[] = [];
  await Promise.all(
    [...items].map(async (item) => {
      const info = await lstat(item.hostPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
        throw error;
      });
      if (!info) {
        gone.push(item.containerPath);
        return;
      }
      const kind = info.isSymbolicLink()
        ? 'symlink'
        : info.isDirectory()
          ? 'directory'
          : info.isFile()
            ? 'file'
            : undefined;
      // Sockets, fifos and devices are not copied (docker cp skips them too).
      if (!kind) return;
      send.push({
        hostPath: item.hostPath,
        containerPath: item.containerPath,
        kind,
        size: kind === 'file' ? info.size : 0,
        mode: info.mode & 0o7777,
        mtimeMs: info.mtimeMs,
        ino: info.ino,
        ...(kind === 'symlink' ? { linkTarget: await readlink(item.hostPath) } : {}),
      });
    }),
  );
  send.sort((a, b) => (a.containerPath < b.containerPath ? -1 : a.containerPath > b.containerPath ? 1 : 0));
  return { send, remove: outermost(gone) };
}

/** Paths without those under another one in the list. */
export function outermost(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const out: string[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && (p === last || p.startsWith(last.endsWith('/') ? last : `${last}/`))) continue;
    out.push(p);
  }
  return out;
}

/** A tar for `putArchive(id, '/', …)`; a Buffer when small (reusable for several containers). */
export async function packSync(send: SendEntry[], owner: Owner): Promise<Buffer | (() => Promise<Readable>)> {
  const total = send.reduce((n, e) => n + e.size + 512, 0);
  if (total <= BUFFERED_TAR) {
    const tar = await writeTar(send, owner);
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  return () => writeTar(send, owner);
}

/** Reads ahead this many small files: one at a time, 10,000 files wait on 40,000 thread-pool hops. */
const READ_AHEAD = 64;

async function writeTar(send: SendEntry[], owner: Owner): Promise<Readable> {
  const reads = new Map<number, Promise<Buffer | undefined>>();
  const contentOf = (i: number): Promise<Buffer | undefined> | undefined => {
    for (let j = i; j < Math.min(send.length, i + READ_AHEAD); j++) {
      const e = send[j] as SendEntry;
      if (!reads.has(j) && e.kind === 'file' && e.size <= READ_WHOLE) {
        // The file may have changed or gone since it was looked at: send what it holds now.
        reads.set(
          j,
          readFile(e.hostPath).catch(() => undefined),
        );
      }
    }
    const read = reads.get(i);
    reads.delete(i);
    return read;
  };
  return produceTar(async (tar) => {
    for (const [i, e] of send.entries()) await addEntry(tar, e, owner, contentOf(i));
  });
}

type Pack = TarPack;

async function addEntry(
  tar: Pack,
  e: SendEntry,
  owner: Owner,
  read: Promise<Buffer | undefined> | undefined,
): Promise<void> {
  const header = {
    name: e.containerPath.replace(/^\/+/, ''),
    mode: e.mode,
    mtime: new Date(e.mtimeMs),
    uid: owner.uid,
    gid: owner.gid,
  };
  if (e.kind === 'directory') return entry(tar, { ...header, type: 'directory' });
  if (e.kind === 'symlink') return entry(tar, { ...header, type: 'symlink', linkname: e.linkTarget ?? '' });
  if (read) {
    const content = await read;
    if (content === undefined) return;
    return entry(tar, { ...header, type: 'file', size: content.length }, content);
  }
  await new Promise<void>((resolve, reject) => {
    const sink = tar.entry({ ...header, type: 'file', size: e.size }, (error) =>
      error ? reject(error) : resolve(),
    );
    createReadStream(e.hostPath, { start: 0, end: e.size - 1 })
      .on('error', reject)
      .pipe(sink);
  });
}

function entry(tar: Pack, header: Parameters<Pack['entry']>[0], content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (error?: Error | null) => (error ? reject(error) : resolve());
    if (content) tar.entry(header, content, cb);
    else tar.entry(header, cb);
  });
}
