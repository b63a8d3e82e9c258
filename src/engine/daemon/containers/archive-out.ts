/**
 * GET and HEAD /containers/{id}/archive: what is at a container path (the stat dockerd puts
 * in X-Docker-Container-Path-Stat, with Go's FileMode bits) and a tar of it, entries named
 * after the requested path's last element as dockerd rebases them (`/tmp/dir` → `dir/...`,
 * `/tmp/dir/.` → `./...`). Mounts under the path are followed into their sources.
 */
import { lstatSync, type Stats } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { ApiError } from '../api/api-error.js';
import { encodeTarHeader, TAR_END, tarPadding } from '../images/tar-writer.js';
import { type ContainerFsView, hostPathOf, resolveInContainer } from './container-paths.js';

/** Docker's PathStat. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** Go's os.FileMode type bits. */
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHAR = 2 ** 21;
const GO_STICKY = 2 ** 20;

/** The container path (its last element not followed) and its stat; 404 when missing. */
export function statContainerPath(
  view: ContainerFsView,
  path: string,
  containerName: string,
): { host: string; container: string; stat: PathStat; stats: Stats } {
  const base = lastElement(path);
  let container: string;
  if (base === '' || base === '.') container = resolveInContainer(view, path, true).container;
  else {
    const parent = resolveInContainer(view, posix.dirname(posix.join('/', path)), true);
    container = posix.join(parent.container, base);
  }
  const host = hostPathOf(view, container);
  let stats: Stats;
  try {
    stats = lstatSync(host);
  } catch {
    throw new ApiError(404, `Could not find the file ${path} in container ${containerName}`);
  }
  let linkTarget = '';
  if (stats.isSymbolicLink()) linkTarget = resolveInContainer(view, container, true).container;
  return {
    host,
    container,
    stats,
    stat: {
      name: base === '' ? posix.basename(posix.join('/', path)) || '/' : base,
      size: stats.size,
      mode: goFileMode(stats),
      mtime: stats.mtime.toISOString(),
      linkTarget,
    },
  };
}

/** The stat as the header carries it (base64 of the JSON). */
export function encodePathStat(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

/** The tar of `path` in the container. */
export async function* archivePath(
  view: ContainerFsView,
  path: string,
  containerName: string,
): AsyncGenerator<Buffer> {
  const target = statContainerPath(view, path, containerName);
  const rebase = target.stat.name === '/' ? '.' : target.stat.name;
  const links = new Map<string, string>();
  yield* entry(view, target.container, target.host, rebase, links);
  yield TAR_END;
}

async function* entry(
  view: ContainerFsView,
  containerPath: string,
  hostPath: string,
  name: string,
  links: Map<string, string>,
): AsyncGenerator<Buffer> {
  let stats: Stats;
  try {
    stats = lstatSync(hostPath);
  } catch {
    return; // gone meanwhile
  }
  const base = {
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
  if (stats.isDirectory()) {
    yield encodeTarHeader({ ...base, name: `${name}/`, type: 'directory' });
    for (const child of (await readdir(hostPath)).sort()) {
      const childContainer = posix.join(containerPath, child);
      yield* entry(view, childContainer, hostPathOf(view, childContainer), `${name}/${child}`, links);
    }
    return;
  }
  if (stats.isSymbolicLink()) {
    yield encodeTarHeader({ ...base, name, type: 'symlink', linkname: await readlink(hostPath) });
    return;
  }
  if (!stats.isFile()) return; // devices, fifos and sockets stay where they are
  const key = `${stats.dev}:${stats.ino}`;
  const first = stats.nlink > 1 ? links.get(key) : undefined;
  if (first !== undefined) {
    yield encodeTarHeader({ ...base, name, type: 'hardlink', linkname: first });
    return;
  }
  if (stats.nlink > 1) links.set(key, name);
  yield* fileEntry(hostPath, name, base, stats.size);
}

async function* fileEntry(
  hostPath: string,
  name: string,
  base: { mode: number; uid: number; gid: number; mtime: number },
  size: number,
): AsyncGenerator<Buffer> {
  const handle = await open(hostPath, 'r');
  try {
    yield encodeTarHeader({ ...base, name, type: 'file', size });
    let left = size;
    const buffer = Buffer.alloc(Math.min(Math.max(size, 1), 256 * 1024));
    while (left > 0) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, left), null);
      if (bytesRead === 0) break;
      yield Buffer.from(buffer.subarray(0, bytesRead));
      left -= bytesRead;
    }
    // A file that shrank while being read is padded to the size its header announced.
    if (left > 0) yield Buffer.alloc(left);
    yield tarPadding(size);
  } finally {
    await handle.close();
  }
}

/** Go's os.FileMode of a file. */
export function goFileMode(stats: Stats): number {
  let mode = stats.mode & 0o777;
  if (stats.isDirectory()) mode += GO_DIR;
  else if (stats.isSymbolicLink()) mode += GO_SYMLINK;
  else if (stats.isFIFO()) mode += GO_PIPE;
  else if (stats.isSocket()) mode += GO_SOCKET;
  else if (stats.isCharacterDevice()) mode += GO_DEVICE + GO_CHAR;
  else if (stats.isBlockDevice()) mode += GO_DEVICE;
  if (stats.mode & 0o4000) mode += GO_SETUID;
  if (stats.mode & 0o2000) mode += GO_SETGID;
  if (stats.mode & 0o1000) mode += GO_STICKY;
  return mode;
}

/** `/tmp/dir/` → '' (the directory itself), `/tmp/dir/.` → '.', `/tmp/a` → 'a'. */
function lastElement(path: string): string {
  if (path.endsWith('/')) return '';
  const parts = path.split('/');
  return parts[parts.length - 1] ?? '';
}
