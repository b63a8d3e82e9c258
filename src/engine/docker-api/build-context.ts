/**
 * A build context as the tar stream POST /build takes, made as the docker CLI makes it: files
 * under the context directory less those `.dockerignore` excludes (the Dockerfile and
 * `.dockerignore` are always sent), owned by root, streamed file by file. A Dockerfile outside
 * the context, or `dockerfile_inline`, is added under a generated name.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { BuildConfig } from '../../model/build.js';

/** What to send to POST /build. */
export interface BuildContext {
  /** The tar stream; absent for a remote context. */
  body?: Readable;
  /** The `dockerfile` parameter: a path inside the tar (or the remote). */
  dockerfile: string;
  /** The `remote` parameter: a git or http URL the engine fetches itself. */
  remote?: string;
}

/** Whether a build context is a URL the engine fetches (git or http), rather than a directory. */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|git@|github\.com\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

/** Prepares the context of a build; the tar is produced lazily as the engine reads it. */
export async function packBuildContext(build: BuildConfig): Promise<BuildContext> {
  if (isRemoteContext(build.context)) {
    return { remote: build.context, dockerfile: build.dockerfile ?? 'Dockerfile' };
  }
  const root = resolve(build.context);
  const extra: { name: string; content: Buffer }[] = [];
  let dockerfile: string;
  if (build.dockerfile_inline !== undefined) {
    const content = Buffer.from(build.dockerfile_inline);
    dockerfile = `.dockerfile.${shortHash(content)}`;
    extra.push({ name: dockerfile, content });
  } else {
    const path = resolve(root, build.dockerfile ?? 'Dockerfile');
    const inside = relative(root, path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      const content = await readFile(path);
      dockerfile = `.dockerfile.${shortHash(content)}`;
      extra.push({ name: dockerfile, content });
    } else {
      dockerfile = inside.split(sep).join('/');
    }
  }
  const patterns = await readDockerignore(root);
  // A CommonJS module whose export is also its own `default`.
  const ignore = (await import('@balena/dockerignore')).default.default;
  const matcher = ignore().add(patterns);
  const always = new Set([dockerfile, '.dockerignore']);
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const { pack } = await import('tar-stream');
  const tar = pack();
  const skip = new Set(extra.map((e) => e.name));
  const excluded = (rel: string) => !always.has(rel) && matcher.ignores(rel);
  void (async () => {
    try {
      await addDirectory(tar, root, '', { excluded, hasExceptions, skip });
      for (const e of extra)
        await entry(tar, { name: e.name, mode: 0o644, size: e.content.length }, e.content);
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  return { body: Readable.from(tar), dockerfile };
}

/** The `.dockerignore` patterns of a context directory, comments and blank lines dropped. */
export async function readDockerignore(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(root, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const body = (negated ? line.slice(1) : line).trim().replace(/^\/+/, '');
      return negated ? `!${body}` : body;
    });
}

type TarPack = import('tar-stream').Pack;
type TarHeaders = Partial<import('tar-stream').Header> & { name: string };

interface WalkOptions {
  excluded: (rel: string) => boolean;
  hasExceptions: boolean;
  skip: Set<string>;
}

async function addDirectory(tar: TarPack, root: string, dir: string, options: WalkOptions): Promise<void> {
  const names = (await readdir(join(root, dir))).sort();
  for (const name of names) {
    const rel = dir === '' ? name : `${dir}/${name}`;
    if (options.skip.has(rel)) continue;
    const full = join(root, rel);
    const stat = await lstat(full);
    const out = options.excluded(rel);
    if (stat.isDirectory()) {
      // An excluded directory is still walked when an exception (`!pattern`) may re-include a file in it.
      if (out && !options.hasExceptions) continue;
      if (!out) await entry(tar, header(rel, stat, 'directory'));
      await addDirectory(tar, root, rel, options);
      continue;
    }
    if (out) continue;
    if (stat.isSymbolicLink()) {
      await entry(tar, { ...header(rel, stat, 'symlink'), linkname: await readlink(full) });
    } else if (stat.isFile()) {
      await fileEntry(tar, { ...header(rel, stat, 'file'), size: stat.size }, full);
    }
    // Sockets, fifos and devices are not sent, as the docker CLI does not send them.
  }
}

function header(name: string, stat: { mode: number; mtime: Date }, type: TarHeaders['type']): TarHeaders {
  return { name, type, mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0 };
}

function entry(tar: TarPack, headers: TarHeaders, content?: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    if (content) tar.entry(headers, content, (error) => (error ? fail(error) : done()));
    else tar.entry(headers, (error) => (error ? fail(error) : done()));
  });
}

function fileEntry(tar: TarPack, headers: TarHeaders, path: string): Promise<void> {
  return new Promise((done, fail) => {
    const sink = tar.entry(headers, (error) => (error ? fail(error) : done()));
    const source = createReadStream(path);
    source.on('error', (error) => {
      sink.destroy(error);
      fail(error);
    });
    source.pipe(sink);
  });
}

function shortHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}
