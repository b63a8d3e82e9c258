/**
 * Downloads one blob into the store's ingest area, resumably: bytes already there (from an
 * interrupted fetch, in this pull or an earlier one) are re-hashed and the rest is asked for
 * with a Range request; a dropped connection is retried from where it stopped. The digest is
 * checked before anyone reads the file.
 */
import type { BlobStore } from '../blob-store.js';
import { ImageError, RegistryError } from '../errors.js';
import type { Descriptor } from '../image-types.js';
import { throttled } from '../progress.js';
import type { RegistryClient } from './registry-client.js';

export interface DownloadBlobOptions {
  client: RegistryClient;
  blobs: BlobStore;
  descriptor: Descriptor;
  /** Bytes downloaded so far (including resumed ones). */
  onProgress?: (current: number) => void;
  /** How many times a broken transfer is resumed (default 5). */
  retries?: number;
  signal?: AbortSignal;
}

/** Downloads and verifies a blob; returns the path of the verified file (in the ingest dir). */
export async function downloadBlob(options: DownloadBlobOptions): Promise<string> {
  const { client, descriptor } = options;
  const ingest = await options.blobs.ingest(descriptor.digest);
  const report = throttled((current) => options.onProgress?.(current));
  const retries = options.retries ?? 5;
  try {
    for (let attempt = 0; ; attempt++) {
      if (ingest.offset === descriptor.size) break;
      if (ingest.offset > descriptor.size) await ingest.restart();
      try {
        const res = await client.fetchBlob(descriptor.digest, ingest.offset);
        if (res.status !== 206 && ingest.offset > 0) await ingest.restart(); // Range ignored: start over
        for await (const chunk of res.body ?? []) {
          const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          if (ingest.offset + bytes.length > descriptor.size) {
            throw new ImageError(
              'IMAGE_DIGEST_MISMATCH',
              `blob ${descriptor.digest} is larger than its ${descriptor.size} bytes`,
              {
                hint: 'the registry sent other content than the manifest names',
              },
            );
          }
          await ingest.write(bytes);
          report(ingest.offset);
        }
        report(ingest.offset, true);
        if (ingest.offset === descriptor.size) break;
        throw new RegistryError('REGISTRY_ERROR', `blob ${descriptor.digest} ended early`, res.status);
      } catch (error) {
        if (options.signal?.aborted || !retriable(error) || attempt >= retries) throw error;
        // resume from ingest.offset on the next round
      }
    }
    await ingest.verify();
  } catch (error) {
    await ingest.close();
    throw error;
  }
  return ingest.path;
}

/** Network failures and 5xx answers are worth a resume; digest and auth failures are not. */
function retriable(error: unknown): boolean {
  if (error instanceof RegistryError) {
    const status = error.httpStatus;
    return status === 0 || status >= 500 || status === 200 || status === 206;
  }
  if (error instanceof ImageError) return false;
  // undici reports a connection dropped mid-body as a TypeError ("terminated")
  return error instanceof TypeError || typeof (error as NodeJS.ErrnoException).code === 'string';
}
