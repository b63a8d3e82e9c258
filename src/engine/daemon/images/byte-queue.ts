/** A byte queue over an async iterator of chunks: exact reads for headers, zero-copy passes for payloads. */

/** Buffers chunks from an async iterator so headers can be read whole and payloads passed on. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;
  private ended = false;

  constructor(private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>) {}

  async ensure(n: number): Promise<boolean> {
    while (this.length < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const value = next.value;
      const chunk = Buffer.isBuffer(value)
        ? value
        : typeof value === 'string'
          ? Buffer.from(value)
          : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    return this.length >= n;
  }

  /** Exactly n bytes (ensure first). */
  take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return this.takeUpTo(n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) filled += this.takeUpTo(n - filled).copy(out, filled);
    return out;
  }

  /** Up to n bytes from the first buffered chunk, without copying. */
  takeUpTo(n: number): Buffer {
    const first = this.chunks[0];
    if (!first) return Buffer.alloc(0);
    if (first.length <= n) {
      this.chunks.shift();
      this.length -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(n);
    this.length -= n;
    return first.subarray(0, n);
  }
}
