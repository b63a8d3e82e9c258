/** Images over the Docker Engine API: pull, push, build (classic builder), inspect, list, tag, remove. */
import type { BuildSpec, OnProgress } from '../engine.js';
import { EngineError, NotFoundError } from '../engine.js';
import { packBuildContext } from './build-context.js';
import { imageSegment } from './docker-client.js';
import type { EngineContext } from './engine-context.js';
import { familiarName, pullParameters, splitRepoTag } from './image-ref.js';
import { followProgress } from './json-stream.js';
import { registryAuthHeader, registryConfigHeader } from './registry-auth.js';

/** GET /images/{ref}/json; undefined when the engine does not have it. */
export async function inspectImage(
  ctx: EngineContext,
  ref: string,
): Promise<{ id: string; labels: Record<string, string> } | undefined> {
  try {
    const image = await ctx.client.json<{ Id: string; Config?: { Labels?: Record<string, string> | null } }>({
      path: `/images/${imageSegment(ref)}/json`,
      operation: 'inspect image',
      resource: ref,
    });
    return { id: image.Id, labels: image.Config?.Labels ?? {} };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** POST /images/create, with the registry's credentials; fails on an error in the progress stream. */
export async function pullImage(ctx: EngineContext, ref: string, onProgress?: OnProgress): Promise<void> {
  const res = await ctx.client.send({
    method: 'POST',
    path: '/images/create',
    query: pullParameters(ref),
    headers: { 'X-Registry-Auth': await registryAuthHeader(ref, ctx.auth) },
    operation: 'pull image',
    resource: ref,
  });
  await followProgress(res, { operation: 'pull image', resource: ref }, onProgress);
}

/** POST /images/{name}/push, with the registry's credentials. */
export async function pushImage(ctx: EngineContext, ref: string, onProgress?: OnProgress): Promise<void> {
  const { repo, tag } = splitRepoTag(ref);
  const res = await ctx.client.send({
    method: 'POST',
    path: `/images/${imageSegment(repo)}/push`,
    query: { tag },
    headers: { 'X-Registry-Auth': await registryAuthHeader(ref, ctx.auth) },
    operation: 'push image',
    resource: ref,
  });
  await followProgress(res, { operation: 'push image', resource: ref }, onProgress);
}

/** POST /build with the context streamed as tar; resolves with the new image id. */
export async function buildImage(
  ctx: EngineContext,
  spec: BuildSpec,
  onProgress?: OnProgress,
): Promise<string> {
  const b = spec.build;
  const op = { operation: 'build image', resource: spec.tag };
  for (const [feature, used] of [
    ['build ssh', Boolean(b.ssh?.length)],
    ['build secrets', Boolean(b.secrets?.length)],
    ['additional_contexts', Object.keys(b.additional_contexts ?? {}).length > 0],
    ['several build platforms', (b.platforms?.length ?? 0) > 1],
  ] as const) {
    if (used) {
      throw new EngineError(
        'ENGINE_UNSUPPORTED',
        op.operation,
        op.resource,
        `${feature} need BuildKit, which dev does not drive yet`,
        {
          hint: `build the image with \`docker buildx bake\` or remove ${feature} from the compose file`,
        },
      );
    }
  }
  const context = await packBuildContext(b);
  const tags = [...new Set([spec.tag, ...(b.tags ?? [])])];
  const hosts = b.extra_hosts?.map((h) => h.replace('=', ':'));
  const ulimits = Object.entries(b.ulimits ?? {}).map(([Name, u]) =>
    typeof u === 'number' ? { Name, Soft: u, Hard: u } : { Name, Soft: u.soft, Hard: u.hard },
  );
  const labels = { ...b.labels, ...spec.labels };
  const registryConfig = registryConfigHeader(ctx.auth);
  const res = await ctx.client.send({
    method: 'POST',
    path: '/build',
    query: {
      t: tags,
      dockerfile: context.dockerfile,
      remote: context.remote,
      buildargs: b.args && Object.keys(b.args).length > 0 ? b.args : undefined,
      target: b.target,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      cachefrom: b.cache_from?.length ? JSON.stringify(b.cache_from) : undefined,
      pull: (spec.pull ?? b.pull) ? true : undefined,
      nocache: (spec.noCache ?? b.no_cache) ? true : undefined,
      networkmode: b.network,
      // Docker repeats the parameter; Podman reads one JSON list.
      extrahosts: hosts?.length ? (ctx.info.kind === 'podman' ? JSON.stringify(hosts) : hosts) : undefined,
      shmsize: b.shm_size,
      platform: b.platforms?.[0],
      isolation: b.isolation,
      ulimits: ulimits.length > 0 ? JSON.stringify(ulimits) : undefined,
      rm: true,
      // A failed step's container would otherwise stay behind.
      forcerm: true,
    },
    ...(context.body ? { body: context.body } : {}),
    headers: {
      'Content-Type': 'application/x-tar',
      ...(registryConfig ? { 'X-Registry-Config': registryConfig } : {}),
    },
    ...op,
  });
  let built: string | undefined;
  const aux = await followProgress(res, op, onProgress, (message) => {
    const m = message.stream ? /Successfully built ([0-9a-f]{12,64})/.exec(message.stream) : null;
    if (m) built = m[1];
  });
  const fromAux = aux
    .map((a) => a.ID)
    .filter((id): id is string => typeof id === 'string')
    .pop();
  if (fromAux) return fromAux;
  const image = await inspectImage(ctx, spec.tag);
  if (image) return image.id;
  if (built) return built;
  throw new EngineError(
    'ENGINE_BUILD_NO_IMAGE',
    op.operation,
    op.resource,
    'the build finished without an image',
  );
}

/** GET /images/json, by label. */
export async function listImages(
  ctx: EngineContext,
  labels?: string[],
): Promise<{ id: string; tags: string[]; size: number; created: number }[]> {
  const list = await ctx.client.json<
    { Id: string; RepoTags?: string[] | null; Size?: number; Created?: number }[]
  >({
    path: '/images/json',
    query: { filters: labels?.length ? { label: labels } : undefined },
    operation: 'list',
    resource: 'images',
  });
  return list.map((i) => ({
    id: i.Id,
    tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>').map(familiarName),
    size: i.Size ?? 0,
    created: i.Created ?? 0,
  }));
}

/** POST /images/{source}/tag. */
export async function tagImage(ctx: EngineContext, source: string, target: string): Promise<void> {
  const { repo, tag } = splitRepoTag(target);
  await ctx.client.call({
    method: 'POST',
    path: `/images/${imageSegment(source)}/tag`,
    query: { repo, tag },
    operation: 'tag image',
    resource: `${source} as ${target}`,
  });
}

/** DELETE /images/{ref}. */
export async function removeImage(ctx: EngineContext, ref: string, force?: boolean): Promise<void> {
  await ctx.client.call({
    method: 'DELETE',
    path: `/images/${imageSegment(ref)}`,
    query: { force: force || undefined },
    operation: 'remove image',
    resource: ref,
  });
}
