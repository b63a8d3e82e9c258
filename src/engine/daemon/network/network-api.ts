/**
 * Networks and endpoints in the Docker Engine API's shapes: GET /networks, GET /networks/{id},
 * and a container's `NetworkSettings`. Pure.
 */
import type { EndpointRecord, NetworkRecord, SandboxRecord } from './network-types.js';
import { toApiPorts } from './port-requests.js';

export interface ApiNetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

export interface ApiNetwork {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: {
    Driver: string;
    Options: Record<string, string> | null;
    Config: {
      Subnet: string;
      Gateway: string;
      IPRange?: string;
      AuxiliaryAddresses?: Record<string, string>;
    }[];
  };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, ApiNetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** GET /networks/{id}; `withContainers` false gives the list form (Docker leaves Containers empty there). */
export function toApiNetwork(
  network: NetworkRecord,
  sandboxes: SandboxRecord[],
  withContainers = true,
): ApiNetwork {
  const containers: Record<string, ApiNetworkContainer> = {};
  if (withContainers) {
    for (const sandbox of sandboxes) {
      const endpoint = sandbox.endpoints.find((e) => e.networkId === network.id);
      if (!endpoint) continue;
      containers[sandbox.containerId] = {
        Name: sandbox.name,
        EndpointID: endpoint.endpointId,
        MacAddress: endpoint.mac,
        IPv4Address: `${endpoint.ipv4}/${endpoint.prefixLength}`,
        IPv6Address: '',
      };
    }
  }
  const config = network.ipam
    ? [
        {
          Subnet: network.ipam.subnet,
          Gateway: network.ipam.gateway,
          ...(network.ipam.ipRange ? { IPRange: network.ipam.ipRange } : {}),
          ...(Object.keys(network.ipam.auxAddresses).length > 0
            ? { AuxiliaryAddresses: network.ipam.auxAddresses }
            : {}),
        },
      ]
    : [];
  return {
    Name: network.name,
    Id: network.id,
    Created: network.created,
    Scope: 'local',
    Driver: network.driver,
    EnableIPv6: false,
    IPAM: {
      Driver: network.ipam?.driver ?? 'default',
      Options: network.ipam?.options ?? null,
      Config: config,
    },
    Internal: network.internal,
    Attachable: network.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: network.options,
    Labels: network.labels,
  };
}

/** One entry of `NetworkSettings.Networks`. */
export interface ApiEndpointSettings {
  IPAMConfig: { IPv4Address: string } | null;
  Links: null;
  Aliases: string[] | null;
  MacAddress: string;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DriverOpts: null;
  DNSNames: string[] | null;
}

/** An endpoint as `NetworkSettings.Networks[name]` shows it; `dnsNames` as the network resolves them. */
export function toApiEndpointSettings(endpoint: EndpointRecord, dnsNames: string[]): ApiEndpointSettings {
  return {
    IPAMConfig: endpoint.staticIpv4 ? { IPv4Address: endpoint.ipv4 } : null,
    Links: null,
    Aliases: endpoint.aliases.length > 0 ? endpoint.aliases : null,
    MacAddress: endpoint.mac,
    NetworkID: endpoint.networkId,
    EndpointID: endpoint.endpointId,
    Gateway: endpoint.gateway,
    IPAddress: endpoint.ipv4,
    IPPrefixLen: endpoint.prefixLength,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DriverOpts: null,
    DNSNames: dnsNames.length > 0 ? dnsNames : null,
  };
}

/** The network half of a container's `NetworkSettings` while its sandbox is up. */
export interface ApiNetworkSettings {
  SandboxKey: string;
  Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  Networks: Record<string, ApiEndpointSettings>;
}

/** `NetworkSettings` for a sandbox; `networks` maps ids to records (for names); `exposed` lists `80/tcp` keys. */
export function toApiNetworkSettings(
  sandbox: SandboxRecord,
  networks: Record<string, NetworkRecord>,
  dnsNamesOf: (endpoint: EndpointRecord) => string[],
  exposed: string[] = [],
): ApiNetworkSettings {
  const result: Record<string, ApiEndpointSettings> = {};
  for (const endpoint of sandbox.endpoints) {
    const network = networks[endpoint.networkId];
    if (network) result[network.name] = toApiEndpointSettings(endpoint, dnsNamesOf(endpoint));
  }
  return { SandboxKey: sandbox.netnsPath ?? '', Ports: toApiPorts(sandbox.ports, exposed), Networks: result };
}
