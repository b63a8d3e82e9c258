/**
 * What a container holds under a path, read from the archive API's tar stream (no tools
 * needed in the image): names, kinds, sizes and mtimes, and a content hash for the files the
 * caller asks about (those whose size matches the host's but whose mtime does not).
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../engine/engine.js';

export interface ContainerEntry {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Whole seconds, as tar keeps them. */
  mtimeSec: number;
  linkTarget?: string;
  /** sha256 of the content, when asked for. */
  hash?: string;
}

/** Entries under `path` keyed by path relative to it (`''` is `path` itself); undefined when absent. */
export async function readContainerTree(
  engine: Engine,
  id: string,
  path: string,
  wantHash: (rel: string, size: number, mtimeSec: number) => boolean = () => false,
): Promise<Map<string, ContainerEntry> | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.getArchive(id, path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENGINE_NOT_FOUND') return undefined;
    throw error;
  }
  const { extract } = await import('tar-stream');
  const ex = extract();
  const entries = new Map<string, ContainerEntry>();
  const reading = (async () => {
    for await (const entry of ex) {
      const h = entry.header;
      // The archive names everything under the last segment of `path`.
      const rel = h.name.replace(/\/+$/, '').split('/').slice(1).join('/');
      const kind =
        h.type === 'file' || h.type === 'contiguous-file'
          ? 'file'
          : h.type === 'directory'
            ? 'directory'
            : h.type === 'symlink'
              ? 'symlink'
              : 'other';
      const mtimeSec = Math.floor((h.mtime?.getTime() ?? 0) / 1000);
      const size = h.size ?? 0;
      const e: ContainerEntry = { kind, size, mtimeSec, ...(h.linkname ? { linkTarget: h.linkname } : {}) };
      if (kind === 'file' && wantHash(rel, size, mtimeSec)) {
        const hash = createHash('sha256');
        for await (const chunk of entry) hash.update(chunk as Buffer);
        e.hash = hash.digest('hex');
      } else {
        entry.resume();
      }
      entries.set(rel, e);
    }
  })();
  (stream as NodeJS.ReadableStream).pipe(ex as unknown as NodeJS.WritableStream);
  await reading;
  return entries;
}
