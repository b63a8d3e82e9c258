/**
 * Gathers the live parts of a container (runtime state, sandbox, snapshot paths, sizes) for
 * the inspect and list views.
 */
import { directorySize } from '../volumes/directory-size.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import { inspectView } from './inspect-view.js';
import { byCreatedDesc, checkFilters, type ListParts, matchesFilters, summaryView } from './list-view.js';

function sizes(core: ContainerCore, live: LiveContainer): { rw: number; rootFs: number } {
  try {
    const paths = core.ctx.images.snapshots.paths(live.record.id);
    const rw = directorySize(paths.upperDir);
    const image = core.ctx.images.inspect(live.record.image);
    return { rw, rootFs: rw + image.Size };
  } catch {
    return { rw: 0, rootFs: 0 };
  }
}

function logPath(core: ContainerCore, live: LiveContainer): string {
  const rt = core.runtimeState(live);
  return rt?.logPath ?? '';
}

/** GET /containers/{id}/json. */
export function inspectContainer(
  core: ContainerCore,
  live: LiveContainer,
  withSize = false,
): Record<string, unknown> {
  const r = live.record;
  const state = core.state(live);
  const { ctx } = core;
  let graph: ReturnType<typeof ctx.images.snapshots.paths> | undefined;
  try {
    graph = ctx.images.snapshots.paths(r.id);
  } catch {
    graph = undefined;
  }
  return inspectView({
    record: r,
    state,
    files: core.store.files(r.id),
    logPath: logPath(core, live),
    network: state.running
      ? ctx.networks.networkSettings(r.id, Object.keys(r.config.ExposedPorts ?? {}))
      : undefined,
    volumePath: (name) => ctx.volumes.dataPath(name),
    ...(graph ? { graph } : {}),
    execIds: core.execs.idsOf(r.id),
    ...(withSize ? { sizes: sizes(core, live) } : {}),
  });
}

export interface ListQuery {
  all: boolean;
  limit: number;
  size: boolean;
  filters: Record<string, string[]>;
}

/** GET /containers/json. */
export function listContainers(core: ContainerCore, query: ListQuery): Record<string, unknown>[] {
  checkFilters(query.filters);
  const { ctx } = core;
  const now = core.now();
  const all =
    query.all ||
    query.limit > 0 ||
    (query.filters.status?.length ?? 0) > 0 ||
    (query.filters.exited?.length ?? 0) > 0;
  const imageNames = new Map<string, string[]>();
  const namesOf = (imageId: string) => {
    let names = imageNames.get(imageId);
    if (!names) {
      try {
        const image = ctx.images.inspect(imageId);
        names = [...image.RepoTags, ...image.RepoTags.map((t) => t.replace(/:latest$/, ''))];
      } catch {
        names = [];
      }
      imageNames.set(imageId, names);
    }
    return names;
  };
  const lookup = {
    createdOf: (ref: string) => {
      try {
        return core.get(ref).record.created;
      } catch {
        return undefined;
      }
    },
    networkIds: () => [],
  };
  const out: Record<string, unknown>[] = [];
  const lives = [...core.live.values()]
    .filter((l) => !l.removed)
    .sort((a, b) => byCreatedDesc(a.record, b.record));
  for (const live of lives) {
    const r = live.record;
    const state = core.state(live);
    if (!all && !state.running && !state.restarting) continue;
    const parts: ListParts = {
      record: r,
      state,
      network: state.running
        ? ctx.networks.networkSettings(r.id, Object.keys(r.config.ExposedPorts ?? {}))
        : undefined,
      volumePath: (name) => ctx.volumes.dataPath(name),
      imageNames: [...namesOf(r.image), r.config.Image ?? ''],
      ...(query.size ? { sizes: sizes(core, live) } : {}),
    };
    if (!matchesFilters(parts, query.filters, lookup)) continue;
    out.push(summaryView(parts, now));
    if (query.limit > 0 && out.length >= query.limit) break;
  }
  return out;
}
