/**
 * The image shapes of the Docker Engine API (v1.41): GET /images/json (list), GET
 * /images/{name}/json (inspect) and GET /images/{name}/history, built from the store.
 */
import { join } from 'node:path';
import { fullContainerConfig } from './container-config.js';
import { digestHex } from './digest.js';
import { ImageError } from './errors.js';
import type { ImageStore } from './image-store.js';
import type { ContainerConfig } from './image-types.js';
import { familiarName, parseReference } from './reference.js';

/** One entry of GET /images/json. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

/** GET /images/{name}/json. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: ContainerConfig;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

/** One entry of GET /images/{name}/history, newest first. */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface ListImagesOptions {
  /** Also show intermediate images (untagged images that have children). */
  all?: boolean;
  /** Docker's filters: dangling, label, reference, before, since. */
  filters?: Record<string, string[]>;
  /** Number of containers using an image (`Containers`); -1 when not given, as Docker does. */
  containers?: (imageId: string) => number;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** GET /images/json: images newest first, filtered as Docker filters them. */
export function listImages(store: ImageStore, options: ListImagesOptions = {}): ImageSummary[] {
  const filters = options.filters ?? {};
  for (const key of Object.keys(filters)) {
    if (!['dangling', 'label', 'reference', 'before', 'since'].includes(key)) {
      throw new ImageError('IMAGE_REFERENCE_INVALID', `invalid filter '${key}'`, {
        hint: 'supported image filters: dangling, label, reference, before, since',
      });
    }
  }
  const dangling = filters.dangling?.[0];
  const before = filters.before?.[0] ? createdOf(store, store.resolve(filters.before[0]).id) : undefined;
  const since = filters.since?.[0] ? createdOf(store, store.resolve(filters.since[0]).id) : undefined;
  const out: ImageSummary[] = [];
  for (const record of store.list()) {
    const config = store.config(record.id);
    const names = store.names(record.id);
    const untagged = names.repoTags.length === 0 && names.repoDigests.length === 0;
    if (dangling === 'true' && !(names.repoTags.length === 0)) continue;
    if (dangling === 'false' && names.repoTags.length === 0) continue;
    const created = createdOf(store, record.id);
    if (before !== undefined && created >= before) continue;
    if (since !== undefined && created <= since) continue;
    const labels = config.config?.Labels ?? null;
    if (filters.label && !filters.label.every((f) => matchesLabel(labels, f))) continue;
    let repoTags = names.repoTags;
    if (filters.reference) {
      repoTags = repoTags.filter((t) => filters.reference!.some((p) => matchesReference(t, p)));
      if (repoTags.length === 0) continue;
    }
    if (untagged) {
      if (!options.all && store.children(record.id).length > 0) continue;
    }
    const size = store.size(record.id);
    out.push({
      Containers: options.containers ? options.containers(record.id) : -1,
      Created: Math.floor(created / 1000),
      Id: record.id,
      Labels: labels,
      ParentId: record.parent ?? '',
      RepoDigests: untagged ? ['<none>@<none>'] : names.repoDigests,
      RepoTags: untagged ? ['<none>:<none>'] : repoTags,
      SharedSize: -1,
      Size: size,
      VirtualSize: size,
    });
  }
  return out.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
}

/** GET /images/{name}/json. */
export function inspectImage(store: ImageStore, nameOrId: string): ImageInspect {
  const record = store.resolve(nameOrId);
  const config = store.config(record.id);
  const names = store.names(record.id);
  const diffIds = store.diffIds(record.id);
  const size = store.size(record.id);
  const out: ImageInspect = {
    Id: record.id,
    RepoTags: names.repoTags,
    RepoDigests: names.repoDigests,
    Parent: record.parent ?? '',
    Comment: config.comment ?? '',
    Created: config.created ?? ZERO_TIME,
    Container: config.container ?? '',
    ContainerConfig: fullContainerConfig(config.container_config),
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Config: fullContainerConfig(config.config),
    Architecture: config.architecture,
    Os: config.os,
    Size: size,
    VirtualSize: size,
    GraphDriver: { Name: 'overlay2', Data: graphDriverData(store, diffIds) },
    RootFS: { Type: 'layers', Layers: diffIds },
    Metadata: { LastTagTime: record.lastTagTime ?? ZERO_TIME },
  };
  if (config.variant) out.Variant = config.variant;
  if (config['os.version']) out.OsVersion = config['os.version'];
  return out;
}

/** GET /images/{name}/history: one item per history entry, newest first. */
export function imageHistory(store: ImageStore, nameOrId: string): ImageHistoryItem[] {
  const record = store.resolve(nameOrId);
  const config = store.config(record.id);
  const diffIds = config.rootfs.diff_ids;
  const items: ImageHistoryItem[] = [];
  let layer = 0;
  for (const entry of config.history ?? []) {
    let size = 0;
    if (!entry.empty_layer) {
      const diffId = diffIds[layer++];
      size = diffId ? (store.layers.get(diffId)?.size ?? 0) : 0;
    }
    items.unshift({
      Comment: entry.comment ?? '',
      Created: entry.created ? Math.floor(Date.parse(entry.created) / 1000) : 0,
      CreatedBy: entry.created_by ?? '',
      Id: '<missing>',
      Size: size,
      Tags: null,
    });
  }
  // Local parents name the entries they cover; the rest came from a registry: <missing>.
  let id: string | undefined = record.id;
  for (const item of items) {
    if (!id) break;
    item.Id = id;
    const tags = store.names(id).repoTags;
    item.Tags = tags.length > 0 ? tags : null;
    id = store.get(id)?.parent;
  }
  return items;
}

function graphDriverData(store: ImageStore, diffIds: string[]): Record<string, string> {
  const top = diffIds[diffIds.length - 1];
  if (!top) return {};
  const dir = join(store.root, 'layers', digestHex(top));
  const data: Record<string, string> = {
    MergedDir: join(dir, 'merged'),
    UpperDir: join(dir, 'diff'),
    WorkDir: join(dir, 'work'),
  };
  const lower = diffIds
    .slice(0, -1)
    .reverse()
    .map((d) => store.layers.diffDir(d));
  if (lower.length > 0) data.LowerDir = lower.join(':');
  return data;
}

function createdOf(store: ImageStore, id: string): number {
  const created = store.config(id).created;
  const time = created ? Date.parse(created) : Number.NaN;
  return Number.isNaN(time) ? 0 : time;
}

function matchesLabel(labels: Record<string, string> | null, filter: string): boolean {
  const equals = filter.indexOf('=');
  const key = equals < 0 ? filter : filter.slice(0, equals);
  if (!labels || !(key in labels)) return false;
  return equals < 0 || labels[key] === filter.slice(equals + 1);
}

/** Docker's reference filter: a glob over `name` or `name:tag` (path.Match semantics, `*` not crossing `/`). */
function matchesReference(familiarTag: string, pattern: string): boolean {
  const glob = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  const colon = familiarTag.lastIndexOf(':');
  const name = colon > familiarTag.lastIndexOf('/') ? familiarTag.slice(0, colon) : familiarTag;
  if (glob.test(familiarTag) || glob.test(name)) return true;
  try {
    return glob.test(familiarName(parseReference(name, { defaultTag: false })));
  } catch {
    return false;
  }
}
