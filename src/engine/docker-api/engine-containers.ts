/** Container lifecycle over the Docker Engine API: create (with networks and files), inspect, list, stop, remove. */
import type { ObservedContainer } from '../../model/observed.js';
import type { ContainerDetails, ContainerFilter, ContainerMount, ContainerSpec } from '../engine.js';
import { NotFoundError } from '../engine.js';
import { createContainerBody, endpointSettings } from './create-body.js';
import { imageSegment, segment } from './docker-client.js';
import { apiVersionOf, type EngineContext } from './engine-context.js';
import { packFiles } from './pack-files.js';
import {
  type ContainerInspect,
  type ContainerSummary,
  containerFromInspect,
  containerFromSummary,
} from './parse-container.js';

/** Creates the container, connects its other networks and writes its files; returns its id. */
export async function createContainer(ctx: EngineContext, spec: ContainerSpec): Promise<string> {
  const resolved = spec.inheritVolumesFrom ? await withInheritedVolumes(ctx, spec) : spec;
  const apiVersion = apiVersionOf(ctx);
  const { body, laterNetworks } = createContainerBody(resolved, { apiVersion, readFile: ctx.readFile });
  const created = await ctx.client.json<{ Id: string }>({
    method: 'POST',
    path: '/containers/create',
    query: { name: spec.name, platform: spec.config.platform },
    body,
    operation: 'create container',
    resource: spec.name,
  });
  try {
    for (const network of laterNetworks) {
      await ctx.client.call({
        method: 'POST',
        path: `/networks/${segment(network.name)}/connect`,
        body: { Container: created.Id, EndpointConfig: endpointSettings(network, spec, apiVersion) },
        operation: 'connect container',
        resource: `${spec.name} to network ${network.name}`,
      });
    }
    if (spec.files?.length) await putFiles(ctx, created.Id, spec);
  } catch (error) {
    // A container missing a network or a file would look up to date to the next plan: take it away.
    await removeContainer(ctx, created.Id, { force: true, volumes: true }).catch(() => {});
    throw error;
  }
  return created.Id;
}

/** GET /containers/{id}/json; undefined when there is no such container. */
export async function inspectContainer(
  ctx: EngineContext,
  id: string,
): Promise<ContainerDetails | undefined> {
  const raw = await inspectRaw(ctx, id);
  return raw ? containerFromInspect(raw) : undefined;
}

/** The raw inspect answer; undefined on 404. */
export async function inspectRaw(ctx: EngineContext, id: string): Promise<ContainerInspect | undefined> {
  try {
    return await ctx.client.json<ContainerInspect>({
      path: `/containers/${segment(id)}/json`,
      operation: 'inspect container',
      resource: id,
    });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** GET /containers/json with label and name filters. */
export async function listContainers(
  ctx: EngineContext,
  filter: ContainerFilter,
): Promise<ObservedContainer[]> {
  const filters: Record<string, string[]> = {};
  if (filter.labels?.length) filters.label = filter.labels;
  if (filter.names?.length) filters.name = filter.names;
  const list = await ctx.client.json<ContainerSummary[]>({
    path: '/containers/json',
    query: { all: filter.all ?? false, filters },
    operation: 'list',
    resource: 'containers',
  });
  return list.map(containerFromSummary);
}

/** POST /containers/{id}/{action}; 304 (already in that state) is success. */
export async function containerAction(
  ctx: EngineContext,
  id: string,
  action: 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'rename',
  query: Record<string, string | number | undefined> = {},
): Promise<void> {
  await ctx.client.call({
    method: 'POST',
    path: `/containers/${segment(id)}/${action}`,
    query,
    accept: [304],
    operation: `${action} container`,
    resource: id,
  });
}

/** DELETE /containers/{id}. */
export async function removeContainer(
  ctx: EngineContext,
  id: string,
  options: { force?: boolean; volumes?: boolean } = {},
): Promise<void> {
  await ctx.client.call({
    method: 'DELETE',
    path: `/containers/${segment(id)}`,
    query: { force: options.force || undefined, v: options.volumes || undefined },
    operation: 'remove container',
    resource: id,
  });
}

/** POST /containers/{id}/wait: the exit code once the condition holds. */
export async function waitContainer(
  ctx: EngineContext,
  id: string,
  condition: 'not-running' | 'next-exit' | 'removed' = 'not-running',
): Promise<number> {
  const result = await ctx.client.json<{ StatusCode?: number; Error?: { Message?: string } | null }>({
    method: 'POST',
    path: `/containers/${segment(id)}/wait`,
    query: { condition },
    operation: 'wait for container',
    resource: id,
  });
  return result.StatusCode ?? 0;
}

/** GET /containers/{id}/top. */
export async function topContainer(
  ctx: EngineContext,
  id: string,
  psArgs?: string,
): Promise<{ titles: string[]; processes: string[][] }> {
  const top = await ctx.client.json<{ Titles?: string[]; Processes?: string[][] | null }>({
    path: `/containers/${segment(id)}/top`,
    query: { ps_args: psArgs },
    operation: 'list processes of container',
    resource: id,
  });
  return { titles: top.Titles ?? [], processes: top.Processes ?? [] };
}

/**
 * Reuses the replaced container's anonymous volumes: those at a target the spec mounts an
 * anonymous volume on, and those of the image's own VOLUMEs, as Compose does on recreate.
 */
async function withInheritedVolumes(ctx: EngineContext, spec: ContainerSpec): Promise<ContainerSpec> {
  const old = await inspectRaw(ctx, spec.inheritVolumesFrom ?? '');
  if (!old) return spec;
  const image = await ctx.client
    .json<{ Config?: { Volumes?: Record<string, unknown> | null } }>({
      path: `/images/${imageSegment(spec.image)}/json`,
      operation: 'inspect image',
      resource: spec.image,
    })
    .catch(() => undefined);
  const imageVolumes = new Set(Object.keys(image?.Config?.Volumes ?? {}));
  const mounts: ContainerMount[] = spec.mounts.map((m) => ({ ...m }));
  for (const m of old.Mounts ?? []) {
    if (m.Type !== 'volume' || !m.Name || !m.Destination) continue;
    const same = mounts.find((x) => x.target === m.Destination);
    if (same) {
      if (same.type === 'volume' && !same.source) same.source = m.Name;
    } else if (imageVolumes.has(m.Destination)) {
      mounts.push({
        type: 'volume',
        source: m.Name,
        target: m.Destination,
        ...(m.RW === false ? { readOnly: true } : {}),
      });
    }
  }
  return { ...spec, mounts };
}

async function putFiles(ctx: EngineContext, id: string, spec: ContainerSpec): Promise<void> {
  const tar = await packFiles(spec.files ?? []);
  await ctx.client.call({
    method: 'PUT',
    path: `/containers/${segment(id)}/archive`,
    query: { path: '/' },
    body: tar,
    headers: { 'Content-Type': 'application/x-tar' },
    operation: 'write files into container',
    resource: spec.name,
  });
}
