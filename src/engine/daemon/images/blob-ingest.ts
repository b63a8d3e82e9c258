/**
 * A resumable download of one blob: bytes are appended to `<hex>.partial`; reopening it after an
 * interrupted fetch re-hashes what is there and continues from that offset (an HTTP Range
 * request). `verify()` checks the digest; nothing unverified is ever unpacked.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm, stat } from 'node:fs/promises';
import { DigestMismatchError } from './errors.js';

/** One blob being downloaded. */
export class BlobIngest {
  private constructor(
    readonly path: string,
    readonly digest: string,
    private handle: FileHandle | undefined,
    private hash: Hash,
    /** Bytes already in the file. */
    public offset: number,
  ) {}

  /** Opens the partial file, creating it, and hashes what it already holds. */
  static async open(path: string, digest: string): Promise<BlobIngest> {
    const hash = createHash('sha256');
    let offset = 0;
    try {
      offset = (await stat(path)).size;
    } catch {
      offset = 0;
    }
    if (offset > 0) {
      for await (const chunk of createReadStream(path, { end: offset - 1 })) hash.update(chunk as Buffer);
    }
    const handle = await open(path, 'a', 0o600);
    return new BlobIngest(path, digest, handle, hash, offset);
  }

  async write(chunk: Buffer): Promise<void> {
    if (!this.handle) throw new Error('ingest closed');
    await this.handle.write(chunk);
    this.hash.update(chunk);
    this.offset += chunk.length;
  }

  /** Starts over from byte 0 (the server ignored the Range request). */
  async restart(): Promise<void> {
    if (!this.handle) throw new Error('ingest closed');
    await this.handle.truncate(0);
    this.hash = createHash('sha256');
    this.offset = 0;
  }

  /** Closes the file and checks the digest; on mismatch the partial file is removed. */
  async verify(): Promise<void> {
    await this.close();
    const actual = `sha256:${this.hash.copy().digest('hex')}`;
    if (actual !== this.digest) {
      await rm(this.path, { force: true });
      throw new DigestMismatchError(`blob ${this.digest}`, this.digest, actual);
    }
  }

  /** Closes the file, keeping what was written for a later resume. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) {
      await handle.sync().catch(() => {});
      await handle.close();
    }
  }

  /** Closes and deletes the partial file. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}
