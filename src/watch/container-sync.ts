/**
 * The container side of a sync: deletions first, then one tar through the engine's archive API
 * (no `tar` needed in the image). The archive API cannot delete, so deletions run `rm -rf` as
 * root in the container, as Docker Compose does; an image without `rm` (distroless) keeps the
 * deleted files, and the caller is told so once.
 */
import { Writable } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import { type Owner, type PreparedSync, packSync } from './sync-tar.js';

/** A container to sync, with the owner its synced files get. */
export interface SyncTarget {
  id: string;
  name: string;
  owner: Owner;
}

export interface ApplySyncOptions {
  engine: Engine;
  targets: SyncTarget[];
  prepared: PreparedSync;
  /** Container id → false once `rm` was found missing: deletions are then skipped. */
  canRemove: Map<string, boolean>;
}

export interface ApplySyncResult {
  failed: { container: string; error: Error }[];
  /** Containers that could not delete (no `rm` in the image). */
  noRemove: string[];
  /** Paths deleted (in the container that deleted most). */
  removed: number;
}

/** Up to this many deletions are first looked up, so that a path that never reached the container costs no exec. */
const LOOK_FIRST = 16;

/** Applies one prepared sync to every target, in parallel; never throws. */
export async function applySync(o: ApplySyncOptions): Promise<ApplySyncResult> {
  const result: ApplySyncResult = { failed: [], noRemove: [], removed: 0 };
  const byOwner = new Map<string, Promise<Buffer | (() => Promise<NodeJS.ReadableStream>)>>();
  const tarFor = (owner: Owner) => {
    const key = `${owner.uid}:${owner.gid}`;
    let tar = byOwner.get(key);
    if (!tar) {
      tar = packSync(o.prepared.send, owner);
      byOwner.set(key, tar);
    }
    return tar;
  };
  await Promise.all(
    o.targets.map(async (t) => {
      try {
        const remove = await present(o.engine, t.id, o.prepared.remove);
        if (remove.length > 0 && o.canRemove.get(t.id) !== false) {
          if (await removeInContainer(o.engine, t.id, remove))
            result.removed = Math.max(result.removed, remove.length);
          else {
            o.canRemove.set(t.id, false);
            result.noRemove.push(t.name);
          }
        } else if (remove.length > 0) {
          result.noRemove.push(t.name);
        }
        if (o.prepared.send.length > 0) {
          const tar = await tarFor(t.owner);
          await o.engine.putArchive(t.id, '/', typeof tar === 'function' ? await tar() : tar);
        }
      } catch (error) {
        result.failed.push({
          container: t.name,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }),
  );
  return result;
}

/** The paths that exist in the container (all of them, unlooked, past LOOK_FIRST). */
async function present(engine: Engine, id: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0 || paths.length > LOOK_FIRST) return paths;
  const found = await Promise.all(paths.map((p) => engine.statPath(id, p).catch(() => ({}))));
  return paths.filter((_, i) => found[i] !== undefined);
}

/** `rm -rf -- paths` as root; false when the image has no `rm`; throws when rm fails otherwise. */
async function removeInContainer(engine: Engine, id: string, paths: string[]): Promise<boolean> {
  let stderr = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      if (stderr.length < 4096) stderr += String(chunk);
      done();
    },
  });
  let code: number;
  try {
    code = await engine.exec(id, {
      command: ['rm', '-rf', '--', ...paths],
      user: '0',
      stdout: sink,
      stderr: sink,
    });
  } catch (error) {
    if (/executable file not found|no such file or directory/i.test(String((error as Error).message)))
      return false;
    throw error;
  }
  if (code === 126 || code === 127) return false;
  if (code !== 0)
    throw new Error(`rm -rf in the container exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}`);
  return true;
}
