/**
 * Layer and archive decompression chosen by the stream's magic bytes, as Docker does (media
 * types lie): plain tar passes through, gzip is inflated by zlib, zstd/xz/bzip2 by the system's
 * `zstd`/`xz`/`bzip2` when installed (Node 20's zlib has no zstd), else a clear error.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ImageError } from './errors.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

export interface DecompressOptions {
  /** Binary paths for the external decompressors; defaults are looked up on PATH. */
  zstd?: string;
  xz?: string;
  bzip2?: string;
  /** Called once the compression is known. */
  onDetect?: (compression: Compression) => void;
}

/** Detects the compression of the first bytes of a stream. */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a)
    return 'xz';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  return 'none';
}

/** The decompressed bytes of `source`, whatever its compression. */
export async function* decompressStream(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: DecompressOptions = {},
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < 6) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  const compression = detectCompression(Buffer.concat(head));
  options.onDetect?.(compression);
  const whole = (async function* () {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    }
  })();
  if (compression === 'none') {
    yield* whole;
    return;
  }
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    const feeding = pipeline(Readable.from(whole), gunzip).catch((error) => {
      gunzip.destroy(error);
    });
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (error) {
      throw new ImageError(
        'IMAGE_ARCHIVE_INVALID',
        `cannot inflate gzip stream: ${(error as Error).message}`,
        {
          hint: 'the layer or archive is corrupt or truncated',
          cause: error,
        },
      );
    } finally {
      gunzip.destroy();
      await feeding;
    }
    return;
  }
  yield* externalDecompress(whole, compression, options);
}

async function* externalDecompress(
  source: AsyncIterable<Buffer>,
  compression: Exclude<Compression, 'none' | 'gzip'>,
  options: DecompressOptions,
): AsyncGenerator<Buffer> {
  const bin = options[compression] ?? compression;
  const child = spawn(bin, ['-d', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exit.catch(() => {}); // awaited below; a spawn failure must not count as unhandled meanwhile
  const unsupported = (cause?: unknown) =>
    new ImageError('IMAGE_UNSUPPORTED', `${compression} compressed layers need the ${bin} program`, {
      hint: `install it (apt-get install ${compression === 'bzip2' ? 'bzip2' : compression === 'xz' ? 'xz-utils' : 'zstd'}), or use gzip or plain tar`,
      cause,
    });
  const feeding = pipeline(Readable.from(source), child.stdin).catch(() => {});
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exit;
    if (code !== 0) {
      throw new ImageError(
        'IMAGE_ARCHIVE_INVALID',
        `${bin} failed: ${Buffer.concat(stderr).toString().trim().split('\n')[0] ?? ''}`,
        { hint: 'the layer or archive is corrupt or truncated' },
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw unsupported(error);
    throw error;
  } finally {
    child.kill();
    await feeding;
    await exit.catch(() => {});
  }
}
