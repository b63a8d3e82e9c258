/** Tar streams in tests: read one into a map, or make one from a few files. */
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';

/** Entry name (leading `./` and `/` dropped) → content; directories map to empty buffers. */
export async function readTar(stream: NodeJS.ReadableStream): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = extract();
  Readable.from(stream as AsyncIterable<Buffer>).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    out.set(entry.header.name.replace(/^\.?\//, '').replace(/\/$/, ''), Buffer.concat(chunks));
  }
  return out;
}

/** A tar of the given files (name → content). */
export async function makeTar(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name, mode: 0o644 }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
