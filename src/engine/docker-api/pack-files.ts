/** Files (injected secrets and configs) as a tar to extract at `/` in a container. */
import type { ContainerFile } from '../engine.js';

/** A tar holding each file at its absolute target (parents are created by the engine). */
export async function packFiles(files: ContainerFile[]): Promise<Buffer> {
  const { pack } = await import('tar-stream');
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    tar.on('data', (chunk) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
  for (const file of files) {
    const content = Buffer.from(file.content);
    tar.entry(
      {
        name: file.target.replace(/^\/+/, ''),
        size: content.length,
        mode: file.mode ?? 0o444,
        uid: file.uid ?? 0,
        gid: file.gid ?? 0,
        mtime: new Date(0),
      },
      content,
    );
  }
  tar.finalize();
  return done;
}
