/**
 * GET /system/df in dockerd's shape: images with their shared size (bytes of layers another
 * image also uses) and container counts, the total of unique layers, containers with the size
 * of their writable layer, volumes with their usage, and an empty build cache.
 */
import type { DaemonContext } from '../daemon-context.js';
import { directorySize } from '../volumes/directory-size.js';

/** The answer of GET /system/df. */
export async function diskUsage(ctx: DaemonContext): Promise<Record<string, unknown>> {
  const summaries = ctx.containers.summaries();
  const users = new Map<string, number>();
  for (const c of summaries) users.set(c.imageId, (users.get(c.imageId) ?? 0) + 1);
  const store = ctx.images.store;
  const layerUsers = new Map<string, number>();
  for (const record of store.list()) {
    for (const diffId of new Set(store.diffIds(record.id)))
      layerUsers.set(diffId, (layerUsers.get(diffId) ?? 0) + 1);
  }
  const layerSize = (diffId: string) => store.layers.get(diffId)?.size ?? 0;
  const images = ctx.images.list({ all: true, containers: (id) => users.get(id) ?? 0 }).map((image) => ({
    ...image,
    SharedSize: [...new Set(store.diffIds(image.Id))]
      .filter((d) => (layerUsers.get(d) ?? 0) > 1)
      .reduce((sum, d) => sum + layerSize(d), 0),
  }));
  const layersSize = [...layerUsers.keys()].reduce((sum, d) => sum + layerSize(d), 0);
  const containers = ctx.containers.diskUsage
    ? await ctx.containers.diskUsage()
    : summaries.map((c) => {
        const sizeRw = writableSize(ctx, c.id);
        return {
          Id: c.id,
          Names: [`/${c.name}`],
          Image: c.imageId,
          ImageID: c.imageId,
          Command: '',
          Created: 0,
          State: c.running ? 'running' : 'exited',
          Status: c.running ? 'Up' : 'Exited',
          SizeRw: sizeRw,
          SizeRootFs: sizeRw + (store.get(c.imageId) ? store.size(c.imageId) : 0),
          Labels: {},
          Mounts: c.volumes.map((name) => ({ Type: 'volume', Name: name })),
        };
      });
  const volumes = ctx.volumes.list().Volumes.map((v) => ({ ...v, UsageData: ctx.volumes.usage(v.Name) }));
  return {
    LayersSize: layersSize,
    Images: images,
    Containers: containers,
    Volumes: volumes,
    BuildCache: [],
    BuilderSize: 0,
  };
}

function writableSize(ctx: DaemonContext, id: string): number {
  try {
    return directorySize(ctx.images.snapshots.paths(id).upperDir);
  } catch {
    return 0;
  }
}
