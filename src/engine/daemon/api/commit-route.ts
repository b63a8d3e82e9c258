/**
 * POST /commit: a container's changes as a new image. The container part says which container
 * and what its config is (ContainersView.commitSource); the image part writes the layer and the
 * image. A running container is paused meanwhile (unless `pause=false`), as dockerd does.
 */
import type { DaemonContext } from '../daemon-context.js';
import type { ContainerConfig } from '../images/image-types.js';
import { familiarize } from '../images/reference.js';
import { ApiError, badRequest, notFound } from './api-error.js';
import { queryBool, readJson, sendJson } from './http-io.js';
import type { Router } from './router.js';

/** Registers POST /commit. */
export function registerCommitRoute(router: Router, ctx: DaemonContext): void {
  router.on('POST', '/commit', async ({ req, res, query }) => {
    const container = query.get('container');
    if (!container) throw badRequest('no container given to commit');
    const config = await readJson<ContainerConfig>(req);
    if (!ctx.containers.commitSource)
      throw new ApiError(501, 'committing containers is not supported by this version of the bundled engine');
    const source = ctx.containers.commitSource(container);
    if (!source) throw notFound(`No such container: ${container}`);
    const repo = query.get('repo');
    const reference = repo ? `${repo}:${query.get('tag') || 'latest'}` : undefined;
    const pause =
      source.running && queryBool(query, 'pause', true) && runtimeStatus(ctx, source.id) === 'running';
    if (pause) await ctx.runtime.pause(source.id);
    let result: Awaited<ReturnType<DaemonContext['images']['commitContainer']>>;
    try {
      result = await ctx.images.commitContainer({
        containerId: source.id,
        containerConfig: source.config,
        config,
        changes: query
          .getAll('changes')
          .flatMap((c) => c.split('\n'))
          .filter((c) => c.trim() !== ''),
        author: query.get('author') ?? '',
        comment: query.get('comment') ?? '',
        ...(reference ? { reference } : {}),
      });
    } finally {
      if (pause) await ctx.runtime.resume(source.id);
    }
    const name = ctx.containers.summaries().find((c) => c.id === source.id)?.name ?? '';
    ctx.events.publish('container', 'commit', source.id, {
      name,
      comment: query.get('comment') ?? '',
      imageID: result.image.id,
      imageRef: result.reference ? familiarize(result.reference) : '',
    });
    sendJson(res, 201, { Id: result.image.id });
  });
}

function runtimeStatus(ctx: DaemonContext, id: string): string | undefined {
  try {
    return ctx.runtime.state(id).status;
  } catch {
    return undefined;
  }
}
