/**
 * Tar-split: what a layer's tar had besides file contents (headers, padding, trailer), kept as
 * a small gzip file beside the unpacked directory, so the exact original tar (same digest, the
 * layer's diff id) can be rebuilt for `docker save` and push without storing the tar twice.
 * Docker keeps the same kind of record (vbatts/tar-split); this format is our own:
 *   'R' u32le length, bytes            raw stream bytes
 *   'F' u32le length, path, u64le size  payload of `size` bytes read from <diff>/<path>
 */
import { createReadStream, createWriteStream, constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { ImageError } from './errors.js';

const FLUSH_AT = 64 * 1024;
// Records go to zlib in batches: each write is a thread-pool job, one per file would dominate.
const BATCH_AT = 256 * 1024;

/** Writes a tar-split file while a layer is unpacked. */
export class TarSplitWriter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private files = 0;
  private batch: Buffer[] = [];
  private batchLength = 0;
  private readonly gzip = createGzip({ level: 6 });
  private readonly done: Promise<void>;

  constructor(path: string) {
    const out = createWriteStream(path, { mode: 0o600 });
    this.gzip.pipe(out);
    this.done = finished(out);
    // close() awaits it; until then a failure must not count as an unhandled rejection
    this.done.catch(() => {});
  }

  /** Bytes of the stream that are not file payload. */
  raw(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    if (this.pendingLength >= FLUSH_AT) this.flush();
  }

  /** A payload of `size` bytes that lives at `path` in the unpacked directory; returns its index. */
  file(path: string, size: number): number {
    this.flush();
    const name = Buffer.from(path);
    const head = Buffer.alloc(5);
    head.writeUInt8(0x46, 0);
    head.writeUInt32LE(name.length, 1);
    const tail = Buffer.alloc(8);
    tail.writeBigUInt64LE(BigInt(size));
    this.emit(Buffer.concat([head, name, tail]));
    return this.files++;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.flush();
    this.drain();
    this.gzip.end();
    await this.done;
  }

  /** Closes without caring about errors (on a failed unpack). */
  abort(): void {
    this.gzip.destroy();
  }

  private flush(): void {
    if (this.pendingLength === 0) return;
    const head = Buffer.alloc(5);
    head.writeUInt8(0x52, 0);
    head.writeUInt32LE(this.pendingLength, 1);
    this.emit(Buffer.concat([head, ...this.pending]));
    this.pending = [];
    this.pendingLength = 0;
  }

  private emit(record: Buffer): void {
    this.batch.push(record);
    this.batchLength += record.length;
    if (this.batchLength >= BATCH_AT) this.drain();
  }

  private drain(): void {
    if (this.batchLength === 0) return;
    this.gzip.write(Buffer.concat(this.batch));
    this.batch = [];
    this.batchLength = 0;
  }
}

export interface RebuildTarOptions {
  /** The tar-split file. */
  splitPath: string;
  /** The unpacked layer directory the payloads are read from. */
  diffDir: string;
  /** Payload index → path (relative to `baseDir`) for payloads moved aside during unpack. */
  relocations?: Record<string, string>;
  /** Directory the relocations are relative to. */
  baseDir?: string;
}

/** Rebuilds the layer's original tar stream, chunk by chunk. */
export async function* rebuildTar(options: RebuildTarOptions): AsyncGenerator<Buffer> {
  const input = createReadStream(options.splitPath).pipe(createGunzip());
  let buffer: Buffer = Buffer.alloc(0);
  let index = 0;
  const need = async (iterator: AsyncIterator<Buffer>, n: number): Promise<boolean> => {
    while (buffer.length < n) {
      const next = await iterator.next();
      if (next.done) return false;
      buffer = buffer.length === 0 ? next.value : Buffer.concat([buffer, next.value]);
    }
    return true;
  };
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    if (!(await need(iterator, 5))) {
      if (buffer.length > 0) throw corrupt(options.splitPath);
      return;
    }
    const kind = buffer[0];
    const length = buffer.readUInt32LE(1);
    if (kind === 0x52) {
      buffer = buffer.subarray(5);
      let left = length;
      while (left > 0) {
        if (!(await need(iterator, 1))) throw corrupt(options.splitPath);
        const take = Math.min(left, buffer.length);
        yield buffer.subarray(0, take);
        buffer = buffer.subarray(take);
        left -= take;
      }
    } else if (kind === 0x46) {
      if (!(await need(iterator, 5 + length + 8))) throw corrupt(options.splitPath);
      const path = buffer.toString('utf8', 5, 5 + length);
      const size = Number(buffer.readBigUInt64LE(5 + length));
      buffer = buffer.subarray(5 + length + 8);
      const moved = options.relocations?.[String(index)];
      const file = moved ? join(options.baseDir ?? options.diffDir, moved) : join(options.diffDir, path);
      index++;
      yield* readPayload(file, size);
    } else throw corrupt(options.splitPath);
  }
}

async function* readPayload(path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(left, 1024 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) throw changed(path);
      left -= bytesRead;
      yield chunk.subarray(0, bytesRead);
    }
    const probe = Buffer.alloc(1);
    if ((await handle.read(probe, 0, 1, null)).bytesRead !== 0) throw changed(path);
  } finally {
    await handle.close();
  }
}

function corrupt(path: string): ImageError {
  return new ImageError('IMAGE_ARCHIVE_INVALID', `layer record ${path} is corrupt`, {
    hint: 'remove the image and pull or load it again',
  });
}

function changed(path: string): ImageError {
  return new ImageError('IMAGE_ARCHIVE_INVALID', `layer file ${path} changed on disk since it was unpacked`, {
    hint: 'layer directories must not be modified; remove the image and pull or load it again',
  });
}
