/**
 * Host files as a tar stream for a container's archive API (`cp`, watch's sync): each entry's
 * host path and its name in the archive; directories are walked, symlinks kept as links,
 * owners root unless asked to keep them. The tar is produced as the engine reads it.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { produceTar, type TarPack } from './produce-tar.js';

export interface PackEntry {
  /** Path on the host. */
  hostPath: string;
  /** Name inside the archive (relative, `/`-separated). */
  name: string;
}

export interface PackOptions {
  /** Keep the host's uid/gid (`cp -a`); default: root. */
  keepOwners?: boolean;
  /** Follow a symlink given as an entry itself (`cp -L`); links inside directories stay links. */
  followLinks?: boolean;
}

/** A tar of the entries (directories recursively). */
export async function packPaths(entries: PackEntry[], options: PackOptions = {}): Promise<Readable> {
  return produceTar(async (tar) => {
    for (const entry of entries) await addPath(tar, entry.hostPath, entry.name, options, true);
  });
}

type Pack = TarPack;

async function addPath(
  tar: Pack,
  hostPath: string,
  name: string,
  o: PackOptions,
  top: boolean,
): Promise<void> {
  const info = top && o.followLinks ? await stat(hostPath) : await lstat(hostPath);
  const owner = o.keepOwners ? { uid: info.uid, gid: info.gid } : { uid: 0, gid: 0 };
  const header = { name, mode: info.mode & 0o7777, mtime: info.mtime, ...owner };
  if (info.isSymbolicLink()) {
    await write(tar, { ...header, type: 'symlink', linkname: await readlink(hostPath) });
  } else if (info.isDirectory()) {
    await write(tar, { ...header, type: 'directory' });
    for (const child of (await readdir(hostPath)).sort()) {
      await addPath(tar, join(hostPath, child), `${name}/${child}`, o, false);
    }
  } else if (info.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const sink = tar.entry({ ...header, type: 'file', size: info.size }, (error) =>
        error ? reject(error) : resolve(),
      );
      createReadStream(hostPath).on('error', reject).pipe(sink);
    });
  }
  // Sockets, fifos and devices are not copied, as the docker CLI does not copy them either.
}

function write(tar: Pack, header: Parameters<Pack['entry']>[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry(header, (error) => (error ? reject(error) : resolve()));
  });
}
