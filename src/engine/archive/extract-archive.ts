/**
 * A container's tar stream written to the host (`cp` out of a container): entries land under
 * `destination`, the archive's top-level name optionally renamed, and nothing is ever written
 * outside it (`..`, absolute names and writes through symlinks are refused).
 */
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DevError } from '../../model/errors.js';

export interface ExtractOptions {
  /** Replace the first path segment of every entry (`cp web:/app ./copy` names the root `copy`). */
  rename?: { from: string; to: string };
}

/** Extracts `tar` into the directory `destination` (created if missing). */
export async function extractArchive(
  tar: NodeJS.ReadableStream,
  destination: string,
  options: ExtractOptions = {},
): Promise<void> {
  const { extract } = await import('tar-stream');
  const ex = extract();
  await mkdir(destination, { recursive: true });
  const done = (async () => {
    for await (const entry of ex) {
      const h = entry.header;
      const name = renamed(h.name, options.rename);
      const target = safeJoin(destination, name);
      await refuseSymlinkParents(destination, target);
      if (h.type === 'directory') {
        await mkdir(target, { recursive: true, mode: h.mode ?? 0o755 });
        entry.resume();
      } else if (h.type === 'symlink') {
        await rm(target, { force: true });
        await symlink(h.linkname ?? '', target);
        entry.resume();
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        await mkdir(dirname(target), { recursive: true });
        await rm(target, { force: true });
        await pipeline(entry, createWriteStream(target, { mode: h.mode ?? 0o644 }));
        if (h.mtime) await utimes(target, h.mtime, h.mtime);
      } else {
        entry.resume();
      }
    }
  })();
  await Promise.all([pipeline(tar as NodeJS.ReadableStream, ex), done]);
}

function renamed(name: string, rename: ExtractOptions['rename']): string {
  const clean = name.replace(/^\.?\/+/, '');
  if (!rename) return clean;
  const [first, ...rest] = clean.split('/');
  return first === rename.from ? [rename.to, ...rest].join('/') : clean;
}

function safeJoin(root: string, name: string): string {
  const path = normalize(join(root, name));
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) {
    throw new DevError('ARCHIVE_UNSAFE', `refusing archive entry "${name}": it points outside ${root}`);
  }
  return path;
}

/** A parent that is a symlink could lead the write outside the destination. */
async function refuseSymlinkParents(root: string, target: string): Promise<void> {
  let dir = dirname(target);
  while (dir.length > root.length) {
    const info = await lstat(dir).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      throw new DevError('ARCHIVE_UNSAFE', `refusing to write through the symlink ${dir}`);
    }
    dir = dirname(dir);
  }
}
