/**
 * POST /containers/create: validates the body, merges the image's config, chooses volumes
 * (named ones created on demand, anonymous ones made), prepares the root file system snapshot
 * and writes the record. Either all of it happens or none: a failure undoes what was done.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { badRequest } from '../api/api-error.js';
import type { ImageService } from '../images/image-service.js';
import type { NetworkManager } from '../network/network-manager.js';
import type { VolumeManager } from '../volumes/volume-manager.js';
import type { ContainerStore } from './container-store.js';
import {
  type ContainerRecord,
  type CreateRequest,
  type EndpointRequest,
  type MountRecord,
  ZERO_TIME,
} from './container-types.js';
import { normalizeHostConfig } from './host-config.js';
import { mergeConfig } from './merge-config.js';
import { planMounts } from './mount-plan.js';

export interface CreateContainerDeps {
  images: ImageService;
  volumes: VolumeManager;
  networks: NetworkManager;
  store: ContainerStore;
  /** Resolves `container:<name>` modes to ids (404 when unknown). */
  resolveContainer: (ref: string) => string;
  /** The mounts of a container named in VolumesFrom (404 when unknown). */
  mountsOf: (ref: string) => MountRecord[];
  hostHostname: string;
  /** What the host's cgroups can limit (dockerd warns at create about the rest). */
  host: { swapLimit: boolean; blkioWeight: boolean };
  now: () => Date;
}

export interface CreateContainerInput {
  id: string;
  name: string;
  request: CreateRequest;
}

/** Creates the container's record (not yet running); returns it with Docker's `Warnings`. */
export async function createContainer(
  deps: CreateContainerDeps,
  input: CreateContainerInput,
): Promise<{ record: ContainerRecord; warnings: string[] }> {
  const { request, id } = input;
  const imageName = request.Image ?? '';
  if (imageName === '') throw badRequest('Config.Image is required');
  const image = deps.images.inspect(imageName);
  const hostConfig = normalizeHostConfig(request.HostConfig);
  const merged = mergeConfig({
    request,
    image: image.Config ?? {},
    imageName,
    id,
    hostHostname: deps.hostHostname,
  });
  const networks = planNetworks(deps, hostConfig.NetworkMode ?? 'default', request, id);
  const mounts = planMounts(
    hostConfig,
    merged.config.Volumes ?? null,
    volumesFrom(deps, hostConfig.VolumesFrom ?? []),
  );
  const apiMounts = new Map((hostConfig.Mounts ?? []).map((m) => [m.Target ?? '', m]));

  const undo: (() => Promise<void> | void)[] = [];
  // The directory first: one left without a record tells a restarted daemon what to clean.
  mkdirSync(deps.store.files(id).dir, { recursive: true, mode: 0o711 });
  try {
    for (const mount of mounts) {
      if (mount.type === 'bind') {
        if (!existsSync(mount.source)) {
          const api = apiMounts.get(mount.destination);
          if (mount.fromMountApi && !api?.BindOptions?.CreateMountpoint) {
            throw badRequest(
              `invalid mount config for type "bind": bind source path does not exist: ${mount.source}`,
            );
          }
          // As dockerd does for -v: a missing host directory is made.
          mkdirSync(mount.source, { recursive: true, mode: 0o755 });
        }
        continue;
      }
      if (mount.type !== 'volume') continue;
      const options = apiMounts.get(mount.destination)?.VolumeOptions;
      let existed = false;
      if (mount.source !== '') {
        try {
          deps.volumes.get(mount.source);
          existed = true;
        } catch {
          existed = false;
        }
      }
      const volume = deps.volumes.create({
        ...(mount.source ? { Name: mount.source } : {}),
        ...(options?.Labels ? { Labels: options.Labels } : {}),
        ...(options?.DriverConfig?.Options ? { DriverOpts: options.DriverConfig.Options } : {}),
      });
      const name = volume.Name;
      if (!existed) undo.push(() => deps.volumes.remove(name, { force: true }));
      mount.source = name;
      deps.volumes.acquire(name, id);
      undo.push(() => deps.volumes.release(name, id));
      // dockerd fills a new volume from the image at create (once in the volume's life)
      if (!mount.noCopy) {
        const target = mount.destination;
        await deps.volumes.populateFromImage(name, (dest) =>
          deps.images.copyToVolume(image.Id, target, dest),
        );
      }
    }
    deps.images.snapshots.prepare(id, image.Id);
    undo.push(() => deps.images.snapshots.remove(id));
    const record: ContainerRecord = {
      version: 1,
      id,
      name: input.name,
      created: deps.now().toISOString(),
      image: image.Id,
      path: merged.path,
      args: merged.args,
      config: merged.config,
      hostConfig,
      networks,
      mounts,
      state: {
        running: false,
        paused: false,
        restarting: false,
        pid: 0,
        exitCode: 0,
        error: '',
        oomKilled: false,
        startedAt: ZERO_TIME,
        finishedAt: ZERO_TIME,
        restartCount: 0,
        manuallyStopped: false,
      },
    };
    deps.store.save(record);
    return { record, warnings: createWarnings(deps, hostConfig) };
  } catch (error) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {});
    deps.store.remove(id);
    throw error;
  }
}

/** dockerd's warnings for limits this host cannot apply. */
function createWarnings(deps: CreateContainerDeps, h: CreateRequest['HostConfig'] & object): string[] {
  const warnings: string[] = [];
  if ((h.Memory ?? 0) > 0 && !deps.host.swapLimit) {
    warnings.push(
      'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
    );
  }
  if ((h.BlkioWeight ?? 0) > 0 && !deps.host.blkioWeight) {
    warnings.push(
      'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.',
    );
  }
  return warnings;
}

/** `container[:ro|rw]`: that container's binds and volumes, read-only or not as asked (else as there). */
function volumesFrom(deps: CreateContainerDeps, specs: string[]): MountRecord[] {
  const out: MountRecord[] = [];
  for (const spec of specs) {
    const [ref = '', mode = ''] = spec.split(':');
    if (mode !== '' && mode !== 'ro' && mode !== 'rw')
      throw badRequest(`invalid mode for volumes-from: ${mode}`);
    for (const m of deps.mountsOf(ref)) {
      if (m.type === 'tmpfs' || out.some((o) => o.destination === m.destination)) continue;
      const readOnly = mode === 'ro' ? true : mode === 'rw' ? false : m.readOnly;
      const { anonymous: _anonymous, fromMountApi: _api, ...rest } = m;
      out.push({ ...rest, readOnly });
    }
  }
  return out;
}

/** The networks to join, NetworkMode's first; 404 for unknown networks. */
function planNetworks(
  deps: CreateContainerDeps,
  mode: string,
  request: CreateRequest,
  id: string,
): Record<string, EndpointRequest> {
  // The docker CLI names the default network `default` in EndpointsConfig too.
  const given: Record<string, EndpointRequest> = {};
  for (const [name, endpoint] of Object.entries(request.NetworkingConfig?.EndpointsConfig ?? {})) {
    given[name === 'default' ? 'bridge' : name] = endpoint ?? {};
  }
  if (mode === 'host' || mode === 'none') return { [mode]: {} };
  if (mode.startsWith('container:')) {
    deps.resolveContainer(mode.slice('container:'.length));
    return {};
  }
  const primary = mode === 'default' ? 'bridge' : mode;
  const out: Record<string, EndpointRequest> = {};
  const entries: [string, EndpointRequest][] = [[primary, given[primary] ?? {}]];
  for (const [name, endpoint] of Object.entries(given))
    if (name !== primary) entries.push([name, endpoint ?? {}]);
  for (const [ref, endpoint] of entries) {
    const network = deps.networks.find(ref);
    const userDefined = !['bridge', 'host', 'none'].includes(network.name);
    const aliases = [...(endpoint.Aliases ?? [])];
    if (!userDefined && aliases.length > 0) {
      throw badRequest('network-scoped alias is supported only for containers in user defined networks');
    }
    // dockerd 20.10 adds the short id, so containers resolve each other by it too.
    if (userDefined && !aliases.includes(id.slice(0, 12))) aliases.push(id.slice(0, 12));
    out[network.name] = { ...endpoint, Aliases: aliases.length > 0 ? aliases : null, NetworkID: network.id };
  }
  return out;
}
