/**
 * Detach keys (`ctrl-p,ctrl-q` unless the client names others): dockerd watches an attached
 * terminal's input for the sequence and detaches the client, leaving the container running.
 * The keys themselves are not passed on; a partial match that does not complete is.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { badRequest } from '../../api/api-error.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** `ctrl-p,ctrl-q` → [16, 17]; 400 for an invalid spec, as dockerd answers. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((key) => {
    const k = key.trim().toLowerCase();
    if (k.length === 1) return k.charCodeAt(0);
    const ctrl = /^ctrl-([a-z@[\\\]^_])$/.exec(k);
    if (!ctrl?.[1]) throw badRequest(`Invalid detach keys (${spec}) provided`);
    const c = ctrl[1];
    return c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64;
  });
}

/** Passes input through until the keys come; then emits `detach` and ends. */
export class DetachKeyFilter extends Transform {
  private matched = 0;
  private detached = false;

  constructor(private readonly keys: number[]) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.detached) {
      done();
      return;
    }
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched += 1;
        if (this.matched === this.keys.length) {
          this.detached = true;
          if (out.length > 0) this.push(Buffer.from(out));
          this.emit('detach');
          done();
          return;
        }
        continue;
      }
      // a sequence that did not complete is input after all
      out.push(...this.keys.slice(0, this.matched));
      this.matched = byte === this.keys[0] ? 1 : 0;
      if (this.matched === 0) out.push(byte);
    }
    if (out.length > 0) this.push(Buffer.from(out));
    done();
  }
}
