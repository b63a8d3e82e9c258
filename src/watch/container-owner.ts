/**
 * Who should own synced files in a container: the service's `user` (numbers as written, names
 * looked up in the container's /etc/passwd and /etc/group through the archive API), else root.
 * Docker Compose gets the same effect from the archive API's copyUIDGID flag.
 */
import type { Engine } from '../engine/engine.js';
import type { Owner } from './sync-tar.js';

const ROOT: Owner = { uid: 0, gid: 0 };

/** The owner for files synced into container `id` of a service running as `user`. */
export async function containerOwner(engine: Engine, id: string, user: string | undefined): Promise<Owner> {
  if (!user) return ROOT;
  const [name = '', group] = user.split(':');
  const numericUser = /^\d+$/.test(name) ? Number(name) : undefined;
  const numericGroup = group !== undefined && /^\d+$/.test(group) ? Number(group) : undefined;
  if (numericUser !== undefined && (group === undefined || numericGroup !== undefined)) {
    return { uid: numericUser, gid: numericGroup ?? numericUser };
  }
  const passwd = parseColonFile(await readContainerFile(engine, id, '/etc/passwd'));
  const entry = passwd.find((f) => f[0] === name || f[2] === name);
  const uid = numericUser ?? (entry ? Number(entry[2]) : 0);
  let gid = numericGroup ?? (entry ? Number(entry[3]) : uid);
  if (group !== undefined && numericGroup === undefined) {
    const groups = parseColonFile(await readContainerFile(engine, id, '/etc/group'));
    const g = groups.find((f) => f[0] === group);
    if (g) gid = Number(g[2]);
  }
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : ROOT;
}

/** One regular file of a container (through a tar of it), or undefined when absent. */
export async function readContainerFile(
  engine: Engine,
  id: string,
  path: string,
): Promise<Buffer | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.getArchive(id, path);
  } catch {
    return undefined;
  }
  const { extract } = await import('tar-stream');
  const ex = extract();
  let content: Buffer | undefined;
  const done = (async () => {
    for await (const entry of ex) {
      if (content === undefined && entry.header.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        content = Buffer.concat(chunks);
      } else entry.resume();
    }
  })();
  (stream as NodeJS.ReadableStream & { pipe: (d: unknown) => unknown }).pipe(ex);
  await done.catch(() => undefined);
  return content;
}

function parseColonFile(content: Buffer | undefined): string[][] {
  if (!content) return [];
  return content
    .toString('utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}
