/**
 * DELETE /images/{name} and POST /images/prune with dockerd's rules: removing a tag only
 * untags while other names remain; removing by id untags everything when all names are in one
 * repository; children and running containers block deletion always, names and stopped
 * containers unless forced; untagged parents are pruned after; layers no image or container
 * still uses are deleted. Which containers use an image is the caller's knowledge (`usedBy`).
 */
import { chainIds, shortId } from './digest.js';
import { ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import { familiarize, formatReference, parseReference, repositoryName } from './reference.js';

/** A container using an image. */
export interface ImageUser {
  container: string;
  running: boolean;
}

export interface RemoveImageOptions {
  force?: boolean;
  /** Do not delete untagged parents (`noprune`). */
  noPrune?: boolean;
  /** Containers using an image; none when not given. */
  usedBy?: (imageId: string) => ImageUser[];
  /** Layers to keep although no image uses them (container snapshots). */
  keepLayers?: () => Iterable<string>;
}

/** One line of the delete response. */
export type ImageDeleteItem = { Untagged: string } | { Deleted: string };

/** Removes an image or one of its names; ImageError IMAGE_CONFLICT (409) as dockerd refuses. */
export function removeImage(
  store: ImageStore,
  nameOrId: string,
  options: RemoveImageOptions = {},
): ImageDeleteItem[] {
  const record = store.resolve(nameOrId);
  const id = record.id;
  const items: ImageDeleteItem[] = [];
  const users = options.usedBy?.(id) ?? [];
  let refs = store.references.referencesOf(id);
  const byId = isIdPrefix(id, nameOrId);
  let quiet = false;
  if (!byId) {
    const given = normalise(nameOrId);
    if (users.length > 0 && refs.length === 1 && !options.force) {
      throw conflict(
        `unable to remove repository reference "${nameOrId}" (must force) - container ${shortId(users[0]!.container)} is using its referenced image ${shortId(id)}`,
      );
    }
    untag(store, given, items);
    refs = store.references.referencesOf(id);
    if (!given.includes('@')) {
      const repo = repositoryName(parseReference(given));
      const tagsLeft = refs.some((r) => !r.includes('@') && repositoryName(parseReference(r)) === repo);
      if (!tagsLeft) {
        for (const r of refs.filter((r) => r.includes('@') && r.startsWith(`${repo}@`)))
          untag(store, r, items);
      }
    }
    refs = store.references.referencesOf(id);
    if (refs.length > 0) return items;
    quiet = true;
  } else if (isSingleReference(refs)) {
    checkConflicts(store, id, users, { hard: true, soft: !options.force, references: false });
    for (const ref of refs) untag(store, ref, items);
  }
  deleteHelper(store, id, items, {
    force: options.force ?? false,
    prune: !options.noPrune,
    quiet,
    users,
    options,
  });
  return items;
}

export interface PruneImagesOptions extends Pick<RemoveImageOptions, 'usedBy' | 'keepLayers'> {
  /** Prune every unused image, not only dangling ones (`dangling=false`). */
  all?: boolean;
  /** Only images created before this time. */
  until?: Date;
  /** `label` / `label!` filters: `key` or `key=value`. */
  labels?: string[];
  notLabels?: string[];
}

export interface PruneImagesResult {
  ImagesDeleted: ImageDeleteItem[];
  SpaceReclaimed: number;
}

/** POST /images/prune: unused images, then layers and blobs nothing uses any more. */
export function pruneImages(store: ImageStore, options: PruneImagesOptions = {}): PruneImagesResult {
  const deleted: ImageDeleteItem[] = [];
  const before = new Map(store.layers.list().map((l) => [l.diffId, l.size]));
  for (const record of store.list()) {
    if (!store.get(record.id)) continue; // pruned with a child already
    if (store.children(record.id).length > 0) continue;
    const refs = store.references.referencesOf(record.id);
    if (!options.all && refs.some((r) => !r.includes('@'))) continue;
    if ((options.usedBy?.(record.id) ?? []).length > 0) continue;
    const config = store.config(record.id);
    if (options.until && config.created && Date.parse(config.created) >= options.until.getTime()) continue;
    const labels = config.config?.Labels ?? {};
    if (options.labels && !options.labels.every((f) => hasLabel(labels, f))) continue;
    if (options.notLabels?.some((f) => hasLabel(labels, f))) continue;
    try {
      for (const ref of refs) untag(store, ref, deleted);
      deleteHelper(store, record.id, deleted, {
        force: false,
        prune: true,
        quiet: false,
        users: [],
        options,
      });
    } catch (error) {
      if (!(error instanceof ImageError && error.code === 'IMAGE_CONFLICT')) throw error;
    }
  }
  store.collectGarbage({ keepLayers: options.keepLayers?.(), ingest: true });
  let reclaimed = 0;
  for (const [diffId, size] of before) if (!store.layers.has(diffId)) reclaimed += size;
  return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed };
}

interface DeleteContext {
  force: boolean;
  prune: boolean;
  /** Stop silently on a conflict (pruning parents after the image itself went). */
  quiet: boolean;
  users: ImageUser[];
  options: Pick<RemoveImageOptions, 'usedBy' | 'keepLayers'>;
}

function deleteHelper(store: ImageStore, id: string, items: ImageDeleteItem[], context: DeleteContext): void {
  try {
    checkConflicts(store, id, context.users, {
      hard: true,
      soft: !context.force,
      references: !context.force,
    });
  } catch (error) {
    if (context.quiet) return;
    throw error;
  }
  const parent = store.get(id)?.parent;
  const diffIds = store.diffIds(id);
  for (const ref of store.references.referencesOf(id)) untag(store, ref, items);
  store.deleteImage(id);
  items.push({ Deleted: id });
  const used = new Set(context.options.keepLayers?.() ?? []);
  for (const other of store.list()) for (const d of store.diffIds(other.id)) used.add(d);
  const chains = chainIds(diffIds);
  diffIds.forEach((diffId, i) => {
    if (used.has(diffId) || store.layers.isHeld(diffId) || !store.layers.has(diffId)) return;
    store.layers.remove(diffId);
    items.push({ Deleted: chains[i]! });
  });
  if (!context.prune || !parent || !store.get(parent)) return;
  const parentUsers = context.options.usedBy?.(parent) ?? [];
  deleteHelper(store, parent, items, { ...context, force: false, quiet: true, users: parentUsers });
}

function checkConflicts(
  store: ImageStore,
  id: string,
  users: ImageUser[],
  mask: { hard: boolean; soft: boolean; references: boolean },
): void {
  const short = shortId(id);
  if (mask.hard && store.children(id).length > 0) {
    throw conflict(`unable to delete ${short} (cannot be forced) - image has dependent child images`);
  }
  const running = users.find((u) => u.running);
  if (mask.hard && running) {
    throw conflict(
      `unable to delete ${short} (cannot be forced) - image is being used by running container ${shortId(running.container)}`,
    );
  }
  if (mask.soft && mask.references && store.references.referencesOf(id).length > 0) {
    throw conflict(
      `unable to delete ${short} (must be forced) - image is referenced in multiple repositories`,
    );
  }
  const stopped = users.find((u) => !u.running);
  if (mask.soft && stopped) {
    throw conflict(
      `unable to delete ${short} (must be forced) - image is being used by stopped container ${shortId(stopped.container)}`,
    );
  }
}

function untag(store: ImageStore, ref: string, items: ImageDeleteItem[]): void {
  if (store.references.delete(ref)) items.push({ Untagged: familiarize(ref) });
}

function normalise(name: string): string {
  const ref = parseReference(name);
  return formatReference(ref.digest ? { domain: ref.domain, path: ref.path, digest: ref.digest } : ref);
}

/** dockerd treats a name as an id when it is a prefix of the id (and not a known name). */
function isIdPrefix(id: string, name: string): boolean {
  const hex = name.startsWith('sha256:') ? name.slice(7) : name;
  return /^[a-f0-9]+$/.test(hex) && id.slice(7).startsWith(hex);
}

/** dockerd's rule: one tag (plus digests of that same repository) counts as one reference. */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const repo = (r: string) => repositoryName(parseReference(r, { defaultTag: false }));
  const canonical = new Set<string>();
  let single: string | undefined;
  for (const ref of refs) {
    if (ref.includes('@')) canonical.add(repo(ref));
    else if (single === undefined) single = ref;
    else return false;
  }
  return canonical.size === 1 && canonical.has(repo(single ?? refs[0]!));
}

function hasLabel(labels: Record<string, string>, filter: string): boolean {
  const equals = filter.indexOf('=');
  if (equals < 0) return filter in labels;
  return labels[filter.slice(0, equals)] === filter.slice(equals + 1);
}

function conflict(message: string): ImageError {
  return new ImageError('IMAGE_CONFLICT', `conflict: ${message}`, {
    hint: 'remove the containers or child images first, or force it where allowed',
  });
}
