/**
 * What the host must look like for a given state: which networks are live (have endpoints),
 * the firewall rules and the aardvark-dns files. Pure: the manager applies the result.
 */
import { aardvarkConfigText, type DnsEntry, dnsNamesFor } from './aardvark-config.js';
import type { FirewallForward, FirewallNetwork } from './firewall-rules.js';
import type { EndpointRecord, NetworkRecord, NetworkState, SandboxRecord } from './network-types.js';

/** Bridge networks with at least one endpoint, in creation order. */
export function liveNetworks(state: NetworkState): NetworkRecord[] {
  const used = new Set(Object.values(state.sandboxes).flatMap((s) => s.endpoints.map((e) => e.networkId)));
  return Object.values(state.networks)
    .filter((n) => n.driver === 'bridge' && used.has(n.id))
    .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

/** The endpoint with the default route and published ports: the first on a non-internal network. */
export function primaryEndpoint(sandbox: SandboxRecord, state: NetworkState): EndpointRecord | undefined {
  return sandbox.endpoints.find((e) => state.networks[e.networkId]?.internal === false);
}

/** Networks and port forwards for the firewall. */
export function firewallSpec(state: NetworkState): {
  networks: FirewallNetwork[];
  forwards: FirewallForward[];
} {
  const networks = liveNetworks(state).flatMap((n) =>
    n.bridge && n.ipam
      ? [
          {
            bridge: n.bridge,
            subnet: n.ipam.subnet,
            gateway: n.ipam.gateway,
            internal: n.internal,
            masquerade: n.masquerade,
            dns: n.dns,
          },
        ]
      : [],
  );
  const forwards: FirewallForward[] = [];
  for (const sandbox of sortedSandboxes(state)) {
    const endpoint = primaryEndpoint(sandbox, state);
    if (!endpoint) continue;
    for (const port of sandbox.ports) {
      forwards.push({
        protocol: port.protocol,
        hostIp: port.hostIp,
        hostPort: port.hostPort,
        containerIp: endpoint.ipv4,
        containerPort: port.containerPort,
      });
    }
  }
  return { networks, forwards };
}

/** aardvark-dns files (network id → text) for live networks with DNS. */
export function dnsFiles(state: NetworkState): Map<string, string> {
  const files = new Map<string, string>();
  for (const network of liveNetworks(state)) {
    if (!network.dns || !network.ipam) continue;
    const entries: DnsEntry[] = [];
    for (const sandbox of sortedSandboxes(state)) {
      const endpoint = sandbox.endpoints.find((e) => e.networkId === network.id);
      if (!endpoint) continue;
      entries.push({
        containerId: sandbox.containerId,
        ipv4: endpoint.ipv4,
        names: endpointDnsNames(sandbox, endpoint),
        dnsServers: sandbox.dnsServers,
      });
    }
    files.set(network.id, aardvarkConfigText(network.ipam.gateway, entries));
  }
  return files;
}

/** The names an endpoint resolves by on its network. */
export function endpointDnsNames(sandbox: SandboxRecord, endpoint: EndpointRecord): string[] {
  return dnsNamesFor({ id: sandbox.containerId, name: sandbox.name }, endpoint.aliases);
}

function sortedSandboxes(state: NetworkState): SandboxRecord[] {
  return Object.values(state.sandboxes).sort((a, b) => a.containerId.localeCompare(b.containerId));
}
