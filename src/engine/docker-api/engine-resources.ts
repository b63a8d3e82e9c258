/** Networks, volumes and the one-snapshot `observe` over the Docker Engine API. */
import { Labels } from '../../model/labels.js';
import type { ObservedImage, ObservedState } from '../../model/observed.js';
import type {
  ContainerNetworkAttachment,
  NetworkCreateSpec,
  ResourceNames,
  VolumeCreateSpec,
} from '../engine.js';
import { NotFoundError } from '../engine.js';
import { endpointSettings } from './create-body.js';
import { segment } from './docker-client.js';
import { apiVersionOf, type EngineContext } from './engine-context.js';
import { inspectImage } from './engine-images.js';
import {
  type ContainerSummary,
  containerFromSummary,
  networkFromSummary,
  volumeFromSummary,
} from './parse-container.js';

/** dev's build cache key on images it built. */
export const BUILD_HASH_LABEL = 'dev.build-hash';

/**
 * One snapshot of a project: containers (stopped ones too), networks and volumes by the
 * project label, and the given images by reference; one list call per kind, all in parallel,
 * then the named networks and volumes the lists did not hold (external ones carry no label).
 */
export async function observeProject(
  ctx: EngineContext,
  project: string,
  images: string[],
  names: ResourceNames = {},
): Promise<ObservedState> {
  const filters = { label: [`${Labels.project}=${project}`] };
  const [containers, networks, volumes, found] = await Promise.all([
    ctx.client.json<ContainerSummary[]>({
      path: '/containers/json',
      query: { all: true, filters },
      operation: 'list containers of project',
      resource: project,
    }),
    ctx.client.json<Parameters<typeof networkFromSummary>[0][]>({
      path: '/networks',
      query: { filters },
      operation: 'list networks of project',
      resource: project,
    }),
    ctx.client.json<{ Volumes?: Parameters<typeof volumeFromSummary>[0][] | null }>({
      path: '/volumes',
      query: { filters },
      operation: 'list volumes of project',
      resource: project,
    }),
    Promise.all([...new Set(images)].map(async (ref) => [ref, await inspectImage(ctx, ref)] as const)),
  ]);
  const observedImages: Record<string, ObservedImage> = {};
  for (const [ref, image] of found) {
    if (!image) continue;
    const buildHash = image.labels[BUILD_HASH_LABEL];
    observedImages[ref] = { ref, id: image.id, ...(buildHash ? { buildHash } : {}) };
  }
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  const labelled = {
    networks: networks.map(networkFromSummary),
    volumes: (volumes.Volumes ?? []).map(volumeFromSummary),
  };
  const [namedNetworks, namedVolumes] = await Promise.all([
    lookUpByName(ctx, 'networks', names.networks ?? [], labelled.networks, networkFromSummary),
    lookUpByName(ctx, 'volumes', names.volumes ?? [], labelled.volumes, volumeFromSummary),
  ]);
  return {
    project,
    containers: containers.map(containerFromSummary).sort(byName),
    networks: [...labelled.networks, ...namedNetworks].sort(byName),
    volumes: [...labelled.volumes, ...namedVolumes].sort(byName),
    images: observedImages,
  };
}

/** The named networks or volumes not among those already found: inspected one by one (absent ones skipped). */
async function lookUpByName<T extends { name: string }, R>(
  ctx: EngineContext,
  kind: 'networks' | 'volumes',
  names: string[],
  found: T[],
  parse: (raw: R) => T,
): Promise<T[]> {
  const have = new Set(found.map((f) => f.name));
  const wanted = [...new Set(names)].filter((n) => !have.has(n));
  const results = await Promise.all(
    wanted.map(async (name): Promise<T | undefined> => {
      try {
        return parse(
          await ctx.client.json<R>({
            path: `/${kind}/${segment(name)}`,
            operation: `inspect ${kind === 'networks' ? 'network' : 'volume'}`,
            resource: name,
          }),
        );
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    }),
  );
  const out: T[] = [];
  for (const r of results) if (r !== undefined) out.push(r as T);
  return out;
}

/** POST /networks/create; resolves with the network id. */
export async function createNetwork(
  ctx: EngineContext,
  name: string,
  config: NetworkCreateSpec,
): Promise<string> {
  const ipam = config.ipam;
  const created = await ctx.client.json<{ Id: string }>({
    method: 'POST',
    path: '/networks/create',
    body: {
      Name: name,
      CheckDuplicate: true,
      ...(config.driver ? { Driver: config.driver } : {}),
      ...(config.driverOpts && Object.keys(config.driverOpts).length > 0
        ? { Options: config.driverOpts }
        : {}),
      ...(config.internal ? { Internal: true } : {}),
      ...(config.attachable ? { Attachable: true } : {}),
      ...(config.enableIpv6 ? { EnableIPv6: true } : {}),
      ...(ipam && (ipam.driver || ipam.config?.length || ipam.options)
        ? {
            IPAM: {
              Driver: ipam.driver || 'default',
              Config: (ipam.config ?? []).map((c) => ({
                ...(c.subnet ? { Subnet: c.subnet } : {}),
                ...(c.gateway ? { Gateway: c.gateway } : {}),
                ...(c.ipRange ? { IPRange: c.ipRange } : {}),
                ...(c.auxAddresses ? { AuxiliaryAddresses: c.auxAddresses } : {}),
              })),
              ...(ipam.options ? { Options: ipam.options } : {}),
            },
          }
        : {}),
      Labels: config.labels,
    },
    operation: 'create network',
    resource: name,
  });
  return created.Id;
}

/** DELETE /networks/{name}. */
export async function removeNetwork(ctx: EngineContext, name: string): Promise<void> {
  await ctx.client.call({
    method: 'DELETE',
    path: `/networks/${segment(name)}`,
    operation: 'remove network',
    resource: name,
  });
}

/** POST /networks/{network}/connect with the attachment's aliases and addresses. */
export async function connectNetwork(
  ctx: EngineContext,
  network: string,
  container: string,
  attachment: ContainerNetworkAttachment,
): Promise<void> {
  await ctx.client.call({
    method: 'POST',
    path: `/networks/${segment(network)}/connect`,
    body: { Container: container, EndpointConfig: endpointSettings(attachment, {}, apiVersionOf(ctx)) },
    operation: 'connect container',
    resource: `${container} to network ${network}`,
  });
}

/** POST /networks/{network}/disconnect. */
export async function disconnectNetwork(
  ctx: EngineContext,
  network: string,
  container: string,
  force?: boolean,
): Promise<void> {
  await ctx.client.call({
    method: 'POST',
    path: `/networks/${segment(network)}/disconnect`,
    body: { Container: container, Force: force ?? false },
    operation: 'disconnect container',
    resource: `${container} from network ${network}`,
  });
}

/** POST /volumes/create. */
export async function createVolume(
  ctx: EngineContext,
  name: string,
  config: VolumeCreateSpec,
): Promise<void> {
  await ctx.client.call({
    method: 'POST',
    path: '/volumes/create',
    body: {
      Name: name,
      ...(config.driver ? { Driver: config.driver } : {}),
      ...(config.driverOpts && Object.keys(config.driverOpts).length > 0
        ? { DriverOpts: config.driverOpts }
        : {}),
      Labels: config.labels,
    },
    operation: 'create volume',
    resource: name,
  });
}

/** DELETE /volumes/{name}. */
export async function removeVolume(ctx: EngineContext, name: string, force?: boolean): Promise<void> {
  await ctx.client.call({
    method: 'DELETE',
    path: `/volumes/${segment(name)}`,
    query: { force: force || undefined },
    operation: 'remove volume',
    resource: name,
  });
}
