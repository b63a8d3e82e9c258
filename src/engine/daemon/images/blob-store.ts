/**
 * Content-addressed blobs (image configs, and layer blobs while a pull is in flight) under
 * `<root>/blobs/sha256/<hex>`. A blob is written to a temporary file, checked against its
 * digest, fsynced and renamed into place, so a present blob is always whole and correct.
 * Partial downloads live under `<root>/ingest/` (blob-ingest.ts) until verified.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import { BlobIngest } from './blob-ingest.js';
import { digestHex, sha256Digest } from './digest.js';
import { DigestMismatchError, ImageNotFoundError } from './errors.js';

/** The blob store; every path derives from `root`. */
export class BlobStore {
  private readonly dir: string;
  private readonly ingestDir: string;

  constructor(root: string) {
    this.dir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
  }

  path(digest: string): string {
    return join(this.dir, digestHex(digest));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  /** Size in bytes, or undefined when absent. */
  size(digest: string): number | undefined {
    try {
      return statSync(this.path(digest)).size;
    } catch {
      return undefined;
    }
  }

  /** The bytes of a blob, checked against its digest; ImageNotFoundError when absent. */
  get(digest: string): Buffer {
    let data: Buffer;
    try {
      data = readFileSync(this.path(digest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImageNotFoundError(`blob ${digest}`);
      throw error;
    }
    const actual = sha256Digest(data);
    if (actual !== digest) throw new DigestMismatchError(`blob ${digest}`, digest, actual);
    return data;
  }

  getJson<T>(digest: string): T {
    return JSON.parse(this.get(digest).toString('utf8')) as T;
  }

  /** Stores bytes; with `expected`, refuses them unless they hash to it. Returns the digest. */
  put(data: string | Buffer, expected?: string): string {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256Digest(bytes);
    if (expected !== undefined && expected !== digest)
      throw new DigestMismatchError('blob', expected, digest);
    if (!this.has(digest)) writeFileAtomic(this.path(digest), bytes, 0o600);
    return digest;
  }

  delete(digest: string): void {
    try {
      unlinkSync(this.path(digest));
    } catch {
      // already gone
    }
  }

  /** Every stored digest. */
  list(): string[] {
    return readdirSync(this.dir)
      .filter((name) => /^[a-f0-9]{64}$/.test(name))
      .map((hex) => `sha256:${hex}`);
  }

  /** Opens (or resumes) the download of a blob; see BlobIngest. */
  async ingest(digest: string): Promise<BlobIngest> {
    return BlobIngest.open(join(this.ingestDir, `${digestHex(digest)}.partial`), digest);
  }

  /** The partial-download file of a blob, whether or not it exists. */
  ingestPath(digest: string): string {
    return join(this.ingestDir, `${digestHex(digest)}.partial`);
  }
}
