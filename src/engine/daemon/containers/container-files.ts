/**
 * The container's files from the host: archive stat, get and put (`docker cp`), export and
 * changes. A running container is reached through /proc/<pid>/root, so its tmpfs mounts and
 * volumes are seen as it sees them; a stopped one through its (mounted) root file system and
 * its binds and volumes.
 */
import { directoryTar } from '../images/directory-tar.js';
import type { Change } from '../images/upper-changes.js';
import { extractArchive } from './archive-in.js';
import { archivePath, type PathStat, statContainerPath } from './archive-out.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import type { ContainerFsView } from './container-paths.js';

const ARCHIVE_USER = 'archive';

/** How to reach the container's files now, and what to undo afterwards. */
async function fsView(
  core: ContainerCore,
  live: LiveContainer,
): Promise<{ view: ContainerFsView; release: () => Promise<void> }> {
  const { ctx } = core;
  const r = live.record;
  const rt = core.runtimeState(live);
  if ((rt?.status === 'running' || rt?.status === 'paused') && rt.pid) {
    return { view: { root: `/proc/${rt.pid}/root`, mounts: [] }, release: async () => {} };
  }
  const root = await ctx.images.snapshots.mount(r.id);
  const user = `${ARCHIVE_USER}-${r.id.slice(0, 12)}`;
  const mounted: string[] = [];
  const mounts: ContainerFsView['mounts'] = [];
  for (const m of r.mounts) {
    if (m.type === 'bind') mounts.push({ target: m.destination, source: m.source, readOnly: m.readOnly });
    else if (m.type === 'volume') {
      const v = await ctx.volumes.mount(m.source, user);
      mounted.push(m.source);
      mounts.push({ target: m.destination, source: v.path, readOnly: m.readOnly || v.readOnly });
    }
  }
  return {
    view: { root, mounts },
    release: async () => {
      for (const name of mounted) await ctx.volumes.unmount(name, user).catch(() => {});
    },
  };
}

/** HEAD /containers/{id}/archive. */
export async function statPath(core: ContainerCore, live: LiveContainer, path: string): Promise<PathStat> {
  const { view, release } = await fsView(core, live);
  try {
    return statContainerPath(view, path, live.record.name).stat;
  } finally {
    await release();
  }
}

/** GET /containers/{id}/archive: the stat (checked first, for a clean 404) and the tar. */
export async function getArchive(
  core: ContainerCore,
  live: LiveContainer,
  path: string,
): Promise<{ stat: PathStat; tar: AsyncGenerator<Buffer> }> {
  const { view, release } = await fsView(core, live);
  let stat: PathStat;
  try {
    stat = statContainerPath(view, path, live.record.name).stat;
  } catch (error) {
    await release();
    throw error;
  }
  core.publish(live, 'archive-path');
  const tar = (async function* () {
    try {
      yield* archivePath(view, path, live.record.name);
    } finally {
      await release();
    }
  })();
  return { stat, tar };
}

/** PUT /containers/{id}/archive. */
export async function putArchive(
  core: ContainerCore,
  live: LiveContainer,
  path: string,
  source: AsyncIterable<Buffer>,
  options: { noOverwriteDirNonDir: boolean },
): Promise<void> {
  const { view, release } = await fsView(core, live);
  try {
    await extractArchive({
      view,
      path,
      source,
      noOverwriteDirNonDir: options.noOverwriteDirNonDir,
      readonlyRootfs: live.record.hostConfig.ReadonlyRootfs === true,
      containerName: live.record.name,
    });
  } finally {
    await release();
  }
  core.publish(live, 'extract-to-dir');
}

/** GET /containers/{id}/export: the root file system (without volumes) as a tar. */
export async function exportContainer(
  core: ContainerCore,
  live: LiveContainer,
): Promise<AsyncGenerator<Buffer>> {
  const dir = await core.ctx.images.snapshots.mount(live.record.id);
  core.publish(live, 'export');
  return directoryTar({ dir });
}

/** GET /containers/{id}/changes. */
export function containerChanges(core: ContainerCore, live: LiveContainer): Promise<Change[]> {
  return core.ctx.images.snapshots.changes(live.record.id);
}
