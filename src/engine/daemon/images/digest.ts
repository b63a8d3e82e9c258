/**
 * sha256 digests as the OCI image-spec writes them (`sha256:<64 hex>`), and the chain ids
 * that name a stack of layers.
 */
import { createHash } from 'node:crypto';
import { ImageError } from './errors.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** True for a well-formed `sha256:<64 lowercase hex>` digest. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Checks a digest from outside (a manifest, an archive, a URL); returns its hex part. */
export function digestHex(digest: string): string {
  if (!DIGEST.test(digest)) {
    throw new ImageError('IMAGE_REFERENCE_INVALID', `invalid digest ${JSON.stringify(digest)}`, {
      hint: 'only sha256 digests (sha256: followed by 64 lowercase hex digits) are supported',
    });
  }
  return digest.slice(7);
}

/** The digest of bytes already in memory. */
export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Chain ids of a layer stack: ChainID(L0) = DiffID(L0) and
 * ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)), one per layer, bottom first.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let previous: string | undefined;
  for (const diffId of diffIds) {
    previous = previous === undefined ? diffId : sha256Digest(`${previous} ${diffId}`);
    out.push(previous);
  }
  return out;
}

/** The first 12 hex digits of a digest or id, as Docker shows ids. */
export function shortId(digestOrHex: string): string {
  const hex = digestOrHex.startsWith('sha256:') ? digestOrHex.slice(7) : digestOrHex;
  return hex.slice(0, 12);
}
