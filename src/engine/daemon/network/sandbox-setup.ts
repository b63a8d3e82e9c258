/**
 * Setting up and tearing down a container's sandbox: the netns, one veth per network into its
 * bridge (created with the network's first endpoint), addresses and default route, published
 * ports, DNS; then the firewall and aardvark-dns follow the new state. A failed setup undoes
 * what it did. Teardown removes everything the sandbox put on the host, and bridges left empty.
 */
import { isIP } from 'node:net';
import { macForAddress } from './ipam.js';
import { foreignDnatPorts, parseIptablesSave } from './iptables-save.js';
import {
  type BridgeLink,
  hostSetupCommands,
  hostTeardownCommands,
  namespaceSetupCommands,
} from './link-commands.js';
import { NetworkError } from './network-errors.js';
import type {
  EndpointRecord,
  NetworkRecord,
  PortBinding,
  SandboxRecord,
  SandboxResult,
  SandboxSpec,
} from './network-types.js';
import { resolvePorts } from './port-allocator.js';
import { normalizePortRequests } from './port-requests.js';
import { netnsName, newEndpoint, type SandboxContext, syncHost } from './sandbox-context.js';
import { sandboxResult } from './sandbox-files.js';
import { primaryEndpoint } from './state-view.js';

/** Sets up the sandbox for `spec` (idempotent: an existing one is returned as is). */
export async function setUpSandbox(context: SandboxContext, spec: SandboxSpec): Promise<SandboxResult> {
  const { state } = context;
  const existing = state.sandboxes[spec.containerId];
  if (existing) return result(context, existing, []);
  const sandbox = baseRecord(spec);
  const mode = spec.networkMode || 'bridge';
  const warnings: string[] = [];

  if (mode === 'host') {
    sandbox.mode = 'host';
    if (spec.ports?.length) warnings.push('published ports are discarded when using host network mode');
    return commit(context, sandbox, warnings);
  }
  if (mode.startsWith('container:')) {
    const wanted = mode.slice('container:'.length);
    const target = Object.values(state.sandboxes).find((s) => s.containerId === wanted || s.name === wanted);
    if (!target?.netnsPath) {
      throw new NetworkError(
        'NETWORK_SANDBOX_NOT_FOUND',
        `container ${wanted} has no network namespace to share`,
        {
          hint: 'start that container first',
        },
      );
    }
    sandbox.mode = 'container';
    sandbox.sharedWith = target.containerId;
    sandbox.netnsPath = target.netnsPath;
    return commit(context, sandbox, warnings);
  }

  const netns = netnsName(context, spec.containerId);
  if (mode === 'none') {
    sandbox.mode = 'none';
    if (spec.ports?.length) warnings.push('published ports are discarded when using network mode none');
    await context.links.hostBatch([...staleLines(context, netns, []), `netns add ${netns}`]);
    try {
      await context.links.namespaceBatch(netns, ['link set lo up']);
    } catch (error) {
      await context.links.hostBatch([`netns del ${netns}`], true);
      throw error;
    }
    sandbox.netnsPath = context.links.netnsPath(netns);
    return commit(context, sandbox, warnings);
  }

  // bridge mode: the default network, or the networks asked for (network_mode naming the first)
  const attachments = spec.networks?.length
    ? spec.networks
    : [{ network: mode === 'default' ? 'bridge' : mode }];
  const endpoints: EndpointRecord[] = [];
  const networks: NetworkRecord[] = [];
  for (const attachment of attachments) {
    const network = context.findNetwork(attachment.network);
    if (networks.some((n) => n.id === network.id)) continue;
    const interfaceName = `eth${endpoints.length}`;
    endpoints.push(newEndpoint(context, { sandbox, network, attachment, interfaceName, pending: endpoints }));
    networks.push(network);
  }
  sandbox.endpoints = endpoints;
  sandbox.ports = await publishPorts(context, sandbox, spec, warnings);

  const bridges = networks.filter((n) => !context.links.linkExists(n.bridge ?? '')).map(bridgeLink);
  const veths = endpoints.map((e, i) => ({
    hostInterface: e.hostInterface,
    containerInterface: e.interface,
    mac: e.mac,
    bridge: networks[i]?.bridge ?? '',
    mtu: networks[i]?.mtu,
  }));
  try {
    const stale = staleLines(context, netns, endpoints);
    await context.links.hostBatch([
      ...stale,
      ...hostSetupCommands({ netns, createNetns: true, bridges, veths }),
    ]);
    for (const bridge of bridges) context.links.prepareBridge(bridge.name);
    const primary = primaryEndpoint(sandbox, state);
    await context.links.namespaceBatch(
      netns,
      namespaceSetupCommands({
        loopback: true,
        addresses: endpoints.map((e) => ({
          interface: e.interface,
          address: e.ipv4,
          prefixLength: e.prefixLength,
        })),
        defaultRoute: primary ? { gateway: primary.gateway, interface: primary.interface } : undefined,
      }),
    );
    sandbox.netnsPath = context.links.netnsPath(netns);
    for (const [i, network] of networks.entries()) network.lastAddress = endpoints[i]?.ipv4;
    state.sandboxes[sandbox.containerId] = sandbox;
    context.save();
    warnings.push(
      ...(await syncHost(
        context,
        endpoints.map((endpoint) => ({ sandbox, endpoint })),
      )),
    );
  } catch (error) {
    delete state.sandboxes[sandbox.containerId];
    context.save();
    const emptied = bridges.map((b) => b.name);
    await context.links.hostBatch(
      hostTeardownCommands({
        hostInterfaces: endpoints.map((e) => e.hostInterface),
        bridges: emptied,
        netns,
      }),
      true,
    );
    await syncHost(context).catch(() => undefined);
    throw error;
  }
  return result(context, sandbox, warnings);
}

/** Tears the sandbox down; nothing of it stays on the host. A missing sandbox is not an error. */
export async function tearDownSandbox(context: SandboxContext, containerId: string): Promise<void> {
  const { state } = context;
  const sandbox = state.sandboxes[containerId];
  if (!sandbox) return;
  delete state.sandboxes[containerId];
  context.save();
  if (sandbox.mode === 'host' || sandbox.mode === 'container') return;
  const stillUsed = new Set(
    Object.values(state.sandboxes).flatMap((s) => s.endpoints.map((e) => e.networkId)),
  );
  const bridges = sandbox.endpoints
    .filter((e) => !stillUsed.has(e.networkId))
    .flatMap((e) => state.networks[e.networkId]?.bridge ?? []);
  await context.links.hostBatch(
    hostTeardownCommands({
      hostInterfaces: sandbox.endpoints.map((e) => e.hostInterface),
      bridges,
      netns: netnsName(context, containerId),
    }),
    true,
  );
  await syncHost(context);
}

/** The link spec of a network's bridge. */
export function bridgeLink(network: NetworkRecord): BridgeLink {
  const gateway = network.ipam?.gateway ?? '';
  return {
    name: network.bridge ?? '',
    mac: macForAddress(gateway),
    gateway,
    prefixLength: Number(network.ipam?.subnet.split('/')[1] ?? 24),
    mtu: network.mtu,
  };
}

async function publishPorts(
  context: SandboxContext,
  sandbox: SandboxRecord,
  spec: SandboxSpec,
  warnings: string[],
): Promise<PortBinding[]> {
  if (!spec.ports?.length) return [];
  const primary = primaryEndpoint(sandbox, context.state);
  const network = primary ? context.state.networks[primary.networkId] : undefined;
  if (!network) {
    warnings.push('published ports are discarded: the container is on internal networks only');
    return [];
  }
  const requests = normalizePortRequests(spec.ports, network.hostBindingIpv4);
  const tables = parseIptablesSave(await context.firewall.saveText());
  const taken = Object.values(context.state.sandboxes).flatMap((s) => s.ports);
  return resolvePorts({
    requests,
    taken,
    foreign: foreignDnatPorts(tables, context.firewall.prefix),
    probe: context.probe,
  });
}

/** Leftovers of a sandbox that was never torn down (a crash, `kill -9`): removed before reuse of the names. */
function staleLines(context: SandboxContext, netns: string, endpoints: EndpointRecord[]): string[] {
  const lines = endpoints
    .filter((e) => context.links.linkExists(e.hostInterface))
    .map((e) => `link del ${e.hostInterface}`);
  if (context.links.netnsExists(netns)) lines.push(`netns del ${netns}`);
  return lines;
}

function baseRecord(spec: SandboxSpec): SandboxRecord {
  const dns = spec.dns ?? [];
  for (const server of dns) {
    if (isIP(server) === 0) {
      throw new NetworkError('NETWORK_INVALID', `invalid DNS server ${server}`, {
        hint: 'dns: takes IP addresses',
      });
    }
  }
  return {
    containerId: spec.containerId,
    name: spec.name.replace(/^\//, ''),
    hostname: spec.hostname || spec.containerId.slice(0, 12),
    mode: 'bridge',
    endpoints: [],
    ports: [],
    dnsServers: dns,
    dnsSearch: spec.dnsSearch ?? [],
    dnsOptions: spec.dnsOptions ?? [],
    extraHosts: spec.extraHosts ?? [],
    ...(spec.domainname ? { domainname: spec.domainname } : {}),
  };
}

function commit(context: SandboxContext, sandbox: SandboxRecord, warnings: string[]): SandboxResult {
  context.state.sandboxes[sandbox.containerId] = sandbox;
  context.save();
  return result(context, sandbox, warnings);
}

function result(context: SandboxContext, sandbox: SandboxRecord, warnings: string[]): SandboxResult {
  return sandboxResult(
    sandbox,
    { state: context.state, hostResolvConf: context.hostResolvConf(), hostHosts: context.hostHosts() },
    warnings,
  );
}
