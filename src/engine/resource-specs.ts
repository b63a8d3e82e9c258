/**
 * Create requests for a project's networks and volumes, labelled as Docker Compose labels
 * them, so `docker compose down` and `dev down` both recognise them.
 */
import { COMPOSE_COMPAT_VERSION, Labels } from '../model/labels.js';
import type { NetworkConfig, Project, VolumeConfig } from '../model/project.js';
import type { NetworkCreateSpec, VolumeCreateSpec } from './engine.js';

/** The create request of network `key` of the project. */
export function networkCreateSpec(
  project: Project,
  key: string,
  config: NetworkConfig | undefined,
): NetworkCreateSpec {
  const spec: NetworkCreateSpec = {
    labels: {
      ...(config?.labels ?? {}),
      [Labels.project]: project.name,
      [Labels.network]: key,
      [Labels.version]: COMPOSE_COMPAT_VERSION,
    },
  };
  if (config?.driver) spec.driver = config.driver;
  if (config?.driver_opts) spec.driverOpts = config.driver_opts;
  if (config?.internal) spec.internal = true;
  if (config?.attachable) spec.attachable = true;
  if (config?.enable_ipv6) spec.enableIpv6 = true;
  if (config?.ipam) {
    spec.ipam = {
      ...(config.ipam.driver ? { driver: config.ipam.driver } : {}),
      ...(config.ipam.options ? { options: config.ipam.options } : {}),
      config: (config.ipam.config ?? []).map((pool) => ({
        ...(pool.subnet ? { subnet: pool.subnet } : {}),
        ...(pool.gateway ? { gateway: pool.gateway } : {}),
        ...(pool.ip_range ? { ipRange: pool.ip_range } : {}),
        ...(pool.aux_addresses ? { auxAddresses: pool.aux_addresses } : {}),
      })),
    };
  }
  return spec;
}

/** The create request of volume `key` of the project. */
export function volumeCreateSpec(
  project: Project,
  key: string,
  config: VolumeConfig | undefined,
): VolumeCreateSpec {
  const spec: VolumeCreateSpec = {
    labels: {
      ...(config?.labels ?? {}),
      [Labels.project]: project.name,
      [Labels.volume]: key,
      [Labels.version]: COMPOSE_COMPAT_VERSION,
    },
  };
  if (config?.driver) spec.driver = config.driver;
  if (config?.driver_opts) spec.driverOpts = config.driver_opts;
  return spec;
}
