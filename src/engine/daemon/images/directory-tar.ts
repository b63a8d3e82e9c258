/**
 * A tar stream of a directory tree, in lexical order (as Go's filepath.Walk, so output is
 * deterministic). For an overlay upper dir (`overlay: true`) whiteout devices become `.wh.<name>`
 * files and opaque directories get a `.wh..wh..opq` entry, which is how a container's changes
 * become a layer (`docker commit`, build steps) in the format every engine reads.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from './errors.js';
import { isWhiteout } from './layer-view.js';
import { encodeTarHeader, TAR_END, type TarWriteEntry, tarPadding } from './tar-writer.js';

export interface DirectoryTarOptions {
  dir: string;
  /** Convert overlayfs whiteouts and opaque dirs to their tar form. */
  overlay?: boolean;
  /** Extended attributes by absolute path (one `getfattr --dump` of the tree). */
  xattrs?: Map<string, Map<string, Buffer>>;
}

const KEPT_XATTR = /^(user\.|security\.(?!selinux$))/;

/** The tar of `dir`'s contents (the root itself is not an entry), ending with the two zero blocks. */
export async function* directoryTar(options: DirectoryTarOptions): AsyncGenerator<Buffer> {
  const links = new Map<string, string>();
  yield* walk(options, '', links);
  yield TAR_END;
}

async function* walk(
  options: DirectoryTarOptions,
  rel: string,
  links: Map<string, string>,
): AsyncGenerator<Buffer> {
  const names = (await readdir(join(options.dir, rel))).sort();
  for (const name of names) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const abs = join(options.dir, path);
    const stats = await lstat(abs);
    const attrs = options.xattrs?.get(abs);
    const base = {
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      mtime: Math.floor(stats.mtimeMs / 1000),
    };
    if (options.overlay && isWhiteout(stats)) {
      const whiteout = rel === '' ? `.wh.${name}` : `${rel}/.wh.${name}`;
      yield encodeTarHeader({ ...base, name: whiteout, type: 'file', mode: 0o600 });
      continue;
    }
    const xattrs = keptXattrs(attrs);
    if (stats.isDirectory()) {
      yield encodeTarHeader({ ...base, name: `${path}/`, type: 'directory', xattrs });
      if (options.overlay && attrs?.get('trusted.overlay.opaque')?.toString() === 'y') {
        yield encodeTarHeader({
          ...base,
          name: `${path}/.wh..wh..opq`,
          type: 'file',
          mode: base.mode & 0o777,
        });
      }
      yield* walk(options, path, links);
      continue;
    }
    if (stats.isSymbolicLink()) {
      yield encodeTarHeader({ ...base, name: path, type: 'symlink', linkname: await readlink(abs) });
      continue;
    }
    if (stats.isFile()) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = stats.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        yield encodeTarHeader({ ...base, name: path, type: 'hardlink', linkname: first });
        continue;
      }
      if (stats.nlink > 1) links.set(key, path);
      yield encodeTarHeader({ ...base, name: path, type: 'file', size: stats.size, xattrs });
      yield* readExactly(abs, stats.size);
      yield tarPadding(stats.size);
      continue;
    }
    const device: TarWriteEntry['type'] | undefined = stats.isCharacterDevice()
      ? 'char'
      : stats.isBlockDevice()
        ? 'block'
        : stats.isFIFO()
          ? 'fifo'
          : undefined;
    if (!device) continue; // sockets have no tar form
    yield encodeTarHeader({
      ...base,
      name: path,
      type: device,
      devmajor: major(stats.rdev),
      devminor: minor(stats.rdev),
    });
  }
}

async function* readExactly(path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(left, 256 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) {
        throw new ImageError('IMAGE_ARCHIVE_INVALID', `${path} shrank while it was archived`, {
          hint: 'pause the container while committing it',
        });
      }
      left -= bytesRead;
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function keptXattrs(attrs: Map<string, Buffer> | undefined): Map<string, Buffer> | undefined {
  if (!attrs) return undefined;
  const kept = new Map([...attrs].filter(([name]) => KEPT_XATTR.test(name)));
  return kept.size > 0 ? kept : undefined;
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
function major(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & ~0xff);
}
