/**
 * What sandbox operations need from the manager: the state (mutated in place, then saved),
 * the host's links, firewall and DNS, and the edges (randomness, host files, port probe).
 */
import { createHash } from 'node:crypto';
import type { AardvarkDns } from './aardvark-dns.js';
import type { HostLinks } from './host-links.js';
import { allocateAddress, macForAddress } from './ipam.js';
import type { IptablesFirewall } from './iptables-firewall.js';
import { NetworkError } from './network-errors.js';
import type {
  EndpointRecord,
  NetworkAttachment,
  NetworkRecord,
  NetworkState,
  SandboxRecord,
} from './network-types.js';
import type { PortProbe } from './port-allocator.js';
import type { ResolvConf } from './resolv-conf.js';
import { dnsFiles, endpointDnsNames, firewallSpec } from './state-view.js';

export interface SandboxContext {
  state: NetworkState;
  /** Persists `state`. */
  save(): void;
  links: HostLinks;
  firewall: IptablesFirewall;
  dns: AardvarkDns;
  /** Netns names are `<prefix>-<container id 12>`. */
  netnsPrefix: string;
  randomHex(bytes: number): string;
  probe?: PortProbe;
  hostResolvConf(): ResolvConf;
  hostHosts(): string;
  /** A network by name, id or unique id prefix; throws when there is none. */
  findNetwork(idOrName: string): NetworkRecord;
}

/** Netns name of a container. */
export function netnsName(context: SandboxContext, containerId: string): string {
  return `${context.netnsPrefix}-${containerId.slice(0, 12)}`;
}

/** A new endpoint on `network` (not yet stored): address, MAC, interface names and id. */
export function newEndpoint(
  context: SandboxContext,
  options: {
    sandbox: SandboxRecord;
    network: NetworkRecord;
    attachment: NetworkAttachment;
    interfaceName: string;
    /** Endpoints allocated in the same operation, not yet in the state. */
    pending: EndpointRecord[];
  },
): EndpointRecord {
  const { network, attachment } = options;
  if (network.driver !== 'bridge' || !network.ipam || !network.bridge) {
    throw new NetworkError(
      'NETWORK_INVALID',
      `container cannot be connected to network ${network.name} (${network.driver})`,
      {
        hint: 'use network_mode: host or none instead of attaching to those networks',
      },
    );
  }
  const used = [...Object.values(context.state.sandboxes).flatMap((s) => s.endpoints), ...options.pending]
    .filter((e) => e.networkId === network.id)
    .map((e) => e.ipv4);
  const ipv4 = allocateAddress({
    ipam: network.ipam,
    used,
    requested: attachment.ipv4Address || undefined,
    last: network.lastAddress,
    network: network.name,
  });
  const mac = attachment.macAddress || macForAddress(ipv4);
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) {
    throw new NetworkError('NETWORK_INVALID', `invalid MAC address ${mac}`, {
      hint: 'write MACs as aa:bb:cc:dd:ee:ff',
    });
  }
  const digest = createHash('sha256').update(`${options.sandbox.containerId}/${network.id}`).digest('hex');
  return {
    networkId: network.id,
    endpointId: context.randomHex(32),
    interface: options.interfaceName,
    hostInterface: `dve${digest.slice(0, 12)}`,
    ipv4,
    prefixLength: Number(network.ipam.subnet.split('/')[1]),
    gateway: network.ipam.gateway,
    mac: mac.toLowerCase(),
    aliases: [...new Set((attachment.aliases ?? []).filter(Boolean))],
    staticIpv4: Boolean(attachment.ipv4Address),
  };
}

/**
 * Brings the firewall and aardvark-dns in line with the state, then waits until aardvark
 * answers for `added` endpoints (a reload takes a moment); returns warnings for names it did not.
 */
export async function syncHost(
  context: SandboxContext,
  added: { sandbox: SandboxRecord; endpoint: EndpointRecord }[] = [],
): Promise<string[]> {
  const spec = firewallSpec(context.state);
  await context.firewall.apply(spec.networks, spec.forwards);
  await context.dns.sync(dnsFiles(context.state));
  const warnings: string[] = [];
  for (const { sandbox, endpoint } of added) {
    const network = context.state.networks[endpoint.networkId];
    const name = endpointDnsNames(sandbox, endpoint)[0];
    if (!network?.dns || !name) continue;
    if (!(await context.dns.waitForName(endpoint.gateway, name, endpoint.ipv4))) {
      warnings.push(`aardvark-dns did not answer for ${name} on network ${network.name} in time`);
    }
  }
  return warnings;
}
