/**
 * PUT /containers/{id}/archive: a tar unpacked into a directory of the container. Every entry
 * is placed by resolving its parent in the scope of the container, so `..`, absolute names and
 * symlinks (in the tar or already in the container) cannot reach outside it. Owners, modes and
 * times are kept; device nodes and FIFOs are skipped (Node cannot make them).
 */
import {
  chmodSync,
  closeSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { posix } from 'node:path';
import { ApiError, badRequest } from '../api/api-error.js';
import { readTar } from '../images/tar-reader.js';
import { type ContainerFsView, resolveInContainer } from './container-paths.js';

export interface ExtractOptions {
  view: ContainerFsView;
  /** The directory to unpack into (a container path). */
  path: string;
  source: AsyncIterable<Buffer>;
  /** Refuse to replace a directory with a non-directory or the reverse. */
  noOverwriteDirNonDir?: boolean;
  /** The container's root file system is read-only (only writable mounts may be written). */
  readonlyRootfs?: boolean;
  containerName: string;
}

/** Unpacks; 404 when the directory is missing, 400 when it is not one, 403 when read-only. */
export async function extractArchive(options: ExtractOptions): Promise<void> {
  const { view } = options;
  const dest = resolveInContainer(view, options.path, true);
  let isDir = false;
  try {
    isDir = lstatSync(dest.host).isDirectory();
  } catch {
    throw new ApiError(404, `Could not find the file ${options.path} in container ${options.containerName}`);
  }
  if (!isDir) throw badRequest('extraction point is not a directory');
  const inMount = view.mounts.some(
    (m) => dest.container === m.target || dest.container.startsWith(`${m.target}/`),
  );
  if (dest.readOnly || (options.readonlyRootfs && !inMount)) {
    throw new ApiError(403, 'container rootfs is marked read-only');
  }
  const dirTimes: [string, number][] = [];
  for await (const { header, body } of readTar(options.source)) {
    const rel = posix.normalize(`/${header.name}`).replace(/\/+$/, '');
    if (rel === '/' && header.type === 'directory') continue;
    const parent = resolveInContainer(view, posix.join(dest.container, posix.dirname(rel)), true);
    mkdirSync(parent.host, { recursive: true });
    const target = posix.join(parent.host, posix.basename(rel));
    const existing = lstatOrUndefined(target);
    if (options.noOverwriteDirNonDir && existing) {
      const wantDir = header.type === 'directory';
      if (existing.isDirectory() !== wantDir) {
        throw badRequest(
          `cannot overwrite ${existing.isDirectory() ? 'directory' : 'non-directory'} ${rel} with ${wantDir ? 'directory' : 'non-directory'}`,
        );
      }
    }
    switch (header.type) {
      case 'directory':
        if (existing && !existing.isDirectory()) rmSync(target, { force: true });
        mkdirSync(target, { recursive: true });
        chmodSync(target, header.mode & 0o7777);
        dirTimes.push([target, header.mtime]);
        break;
      case 'file': {
        if (existing && (existing.isDirectory() || existing.isSymbolicLink()))
          rmSync(target, { recursive: true, force: true });
        const fd = openSync(target, 'w', header.mode & 0o7777);
        try {
          for await (const chunk of body) writeAll(fd, chunk);
        } finally {
          closeSync(fd);
        }
        chmodSync(target, header.mode & 0o7777);
        break;
      }
      case 'symlink':
        if (existing) rmSync(target, { recursive: true, force: true });
        symlinkSync(header.linkname, target);
        break;
      case 'hardlink': {
        const source = resolveInContainer(
          view,
          posix.join(dest.container, posix.normalize(`/${header.linkname}`)),
          false,
        );
        if (existing) rmSync(target, { recursive: true, force: true });
        linkSync(source.host, target);
        break;
      }
      default:
        continue; // devices and FIFOs; an unread body is skipped by the reader
    }
    try {
      lchownSync(target, header.uid, header.gid);
    } catch {
      // not root: keep our own
    }
    if (header.type !== 'directory' && header.type !== 'hardlink')
      lutimesSync(target, header.mtime, header.mtime);
  }
  for (const [dir, mtime] of dirTimes.reverse()) lutimesSync(dir, mtime, mtime);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset);
}
