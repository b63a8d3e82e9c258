/** A tar stream that an async producer fills entry by entry, read by the engine as it goes. */
import type { Readable } from 'node:stream';

export type TarPack = import('tar-stream').Pack;

/** Starts `fill` on a new tar pack and returns the stream; a failure of `fill` errors the stream. */
export async function produceTar(fill: (tar: TarPack) => Promise<void>): Promise<Readable> {
  const { pack } = await import('tar-stream');
  const tar = pack();
  void (async () => {
    try {
      await fill(tar);
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  // tar-stream's packs are streamx streams: readable like node's for every consumer here.
  return tar as unknown as Readable;
}
