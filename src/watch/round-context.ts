/** What a round of a service's work shares with the watch session, and small helpers of rounds. */
import type { Engine } from '../engine/engine.js';
import type { Project } from '../model/project.js';
import type { ContainerIndex, IndexedContainer } from './container-index.js';
import { containerOwner } from './container-owner.js';
import type { SyncTarget } from './container-sync.js';
import type { Clock } from './debounce.js';
import type { ManifestStore } from './manifest-store.js';
import type { ChangedPath, CompiledRule } from './rules.js';
import type { Owner, SendEntry } from './sync-tar.js';
import type { WatchEvent } from './watch-events.js';
import type { WatchHost } from './watch-host.js';

/** What rounds share with the session. */
export interface RoundContext {
  engine: Engine;
  project: () => Project;
  rules: () => CompiledRule[];
  index: ContainerIndex;
  host: WatchHost;
  manifest: ManifestStore;
  owners: Map<string, Promise<Owner>>;
  canRemove: Map<string, boolean>;
  /** Containers dev restarts itself: their next start needs no catch-up. */
  selfRestarts: Set<string>;
  /** Services already told that their image cannot delete. */
  warnedNoRemove: Set<string>;
  /** Services already told that they have no running container (until one runs). */
  warnedNoContainer: Set<string>;
  /** The latest sent state of each host path whose settle check is pending. */
  lastSent: Map<string, SendEntry>;
  emit: (event: WatchEvent) => void;
  /** Paths to look at again (the settle check). */
  recheck: (paths: ChangedPath[]) => void;
  clock: Clock;
  settleMs: number;
}

/** The containers as sync targets, each with the owner its files get (looked up once). */
export async function targetsOf(ctx: RoundContext, containers: IndexedContainer[]): Promise<SyncTarget[]> {
  const user = (service: string) => ctx.project().services[service]?.user;
  return Promise.all(
    containers.map(async (c) => {
      let owner = ctx.owners.get(c.id);
      if (!owner) {
        owner = containerOwner(ctx.engine, c.id, user(c.service)).catch(() => ({ uid: 0, gid: 0 }));
        ctx.owners.set(c.id, owner);
      }
      return { id: c.id, name: c.name, owner: await owner };
    }),
  );
}

/** Says once per service that deletions cannot be done. */
export function warnNoRemove(ctx: RoundContext, service: string, names: string[], count: number): void {
  if (names.length === 0 || ctx.warnedNoRemove.has(service)) return;
  ctx.warnedNoRemove.add(service);
  ctx.emit({
    kind: 'warning',
    message: `${service}: ${count} deleted path(s) stay in ${names.join(', ')}: the image has no rm`,
    hint: 'deletions need `rm` in the image (the archive API cannot delete); rebuild or restart to drop them',
  });
}

/** An Error from whatever was thrown. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
