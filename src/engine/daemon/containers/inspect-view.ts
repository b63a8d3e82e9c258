/**
 * GET /containers/{id}/json in API 1.41's shape, and the parts the list shares with it
 * (Mounts, NetworkSettings.Networks). Pure: the service gathers the live parts.
 */
import type { ApiEndpointSettings, ApiNetworkSettings } from '../network/network-api.js';
import { type ContainerStateView, stateObject } from './container-status.js';
import type { ContainerFiles } from './container-store.js';
import type { ContainerRecord } from './container-types.js';

/** What inspect shows beyond the record. */
export interface InspectParts {
  record: ContainerRecord;
  state: ContainerStateView;
  files: ContainerFiles;
  logPath: string;
  /** The sandbox's settings while it runs. */
  network: ApiNetworkSettings | undefined;
  /** Host directory of a volume. */
  volumePath: (name: string) => string;
  graph?: { lowerDirs: string[]; mergedDir: string; upperDir: string; workDir: string };
  execIds: string[];
  sizes?: { rw: number; rootFs: number };
}

/** The inspect document. */
export function inspectView(p: InspectParts): Record<string, unknown> {
  const r = p.record;
  const networks = endpointsView(r, p.network);
  const bridge = p.network?.Networks.bridge;
  return {
    Id: r.id,
    Created: r.created,
    Path: r.path,
    Args: r.args,
    State: stateObject(p.state),
    Image: r.image,
    ResolvConfPath: p.files.resolvConf,
    HostnamePath: p.files.hostname,
    HostsPath: p.files.hosts,
    LogPath: p.logPath,
    Name: `/${r.name}`,
    RestartCount: r.state.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: p.execIds.length > 0 ? p.execIds : null,
    HostConfig: r.hostConfig,
    GraphDriver: {
      Name: 'overlay2',
      Data: p.graph
        ? {
            LowerDir: p.graph.lowerDirs.join(':'),
            MergedDir: p.graph.mergedDir,
            UpperDir: p.graph.upperDir,
            WorkDir: p.graph.workDir,
          }
        : null,
    },
    ...(p.sizes ? { SizeRw: p.sizes.rw, SizeRootFs: p.sizes.rootFs } : {}),
    Mounts: mountsView(r, p.volumePath),
    Config: r.config,
    NetworkSettings: {
      Bridge: '',
      SandboxID: p.network ? r.id : '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: p.network?.Ports ?? {},
      SandboxKey: p.network?.SandboxKey ?? '',
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: bridge?.EndpointID ?? '',
      Gateway: bridge?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: bridge?.IPAddress ?? '',
      IPPrefixLen: bridge?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: bridge?.MacAddress ?? '',
      Networks: networks,
    },
  };
}

/** `Mounts`: binds, volumes and Mount-API tmpfs (HostConfig.Tmpfs is not listed, as in Docker). */
export function mountsView(
  r: ContainerRecord,
  volumePath: (name: string) => string,
): Record<string, unknown>[] {
  return r.mounts
    .filter((m) => m.type !== 'tmpfs' || m.fromMountApi)
    .map((m) => {
      if (m.type === 'volume') {
        return {
          Type: 'volume',
          Name: m.source,
          Source: volumePath(m.source),
          Destination: m.destination,
          Driver: 'local',
          Mode: m.mode,
          RW: !m.readOnly,
          Propagation: '',
        };
      }
      return {
        Type: m.type,
        Source: m.source,
        Destination: m.destination,
        Mode: m.type === 'tmpfs' ? '' : m.mode,
        RW: !m.readOnly,
        Propagation: m.propagation,
      };
    });
}

/** `NetworkSettings.Networks`: the recorded endpoints, overlaid with the live ones while running. */
export function endpointsView(
  r: ContainerRecord,
  live: ApiNetworkSettings | undefined,
): Record<string, ApiEndpointSettings> {
  const out: Record<string, ApiEndpointSettings> = {};
  for (const [name, e] of Object.entries(r.networks)) {
    out[name] = {
      IPAMConfig: e.IPAMConfig?.IPv4Address ? { IPv4Address: e.IPAMConfig.IPv4Address } : null,
      Links: null,
      Aliases: e.Aliases?.length ? [...e.Aliases] : null,
      MacAddress: '',
      NetworkID: e.NetworkID ?? '',
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DriverOpts: null,
      DNSNames: null,
    };
  }
  for (const [name, e] of Object.entries(live?.Networks ?? {})) {
    if (r.networks[name] !== undefined || Object.keys(r.networks).length === 0) out[name] = e;
  }
  return out;
}
