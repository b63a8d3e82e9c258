/**
 * Connecting a running container to one more network and disconnecting it from one
 * (`docker network connect/disconnect`). The default route moves to the next non-internal
 * network when the network carrying it goes; published ports follow the primary endpoint.
 */
import { hostSetupCommands, hostTeardownCommands, namespaceSetupCommands } from './link-commands.js';
import { NetworkError } from './network-errors.js';
import type { EndpointRecord, NetworkAttachment, SandboxRecord } from './network-types.js';
import { netnsName, newEndpoint, type SandboxContext, syncHost } from './sandbox-context.js';
import { bridgeLink } from './sandbox-setup.js';
import { primaryEndpoint } from './state-view.js';

/** Attaches a set-up container to a network; returns the new endpoint and warnings. */
export async function connectEndpoint(
  context: SandboxContext,
  containerId: string,
  attachment: NetworkAttachment,
): Promise<{ endpoint: EndpointRecord; warnings: string[] }> {
  const sandbox = requireBridgeSandbox(context, containerId);
  const network = context.findNetwork(attachment.network);
  if (sandbox.endpoints.some((e) => e.networkId === network.id)) {
    throw new NetworkError(
      'NETWORK_ALREADY_CONNECTED',
      `endpoint with name ${sandbox.name} already exists in network ${network.name}`,
      { hint: 'the container is already connected to that network' },
    );
  }
  const taken = new Set(sandbox.endpoints.map((e) => e.interface));
  let index = 0;
  while (taken.has(`eth${index}`)) index++;
  const endpoint = newEndpoint(context, {
    sandbox,
    network,
    attachment,
    interfaceName: `eth${index}`,
    pending: [],
  });
  const netns = netnsName(context, containerId);
  const bridges = context.links.linkExists(network.bridge ?? '') ? [] : [bridgeLink(network)];
  const veth = {
    hostInterface: endpoint.hostInterface,
    containerInterface: endpoint.interface,
    mac: endpoint.mac,
    bridge: network.bridge ?? '',
    mtu: network.mtu,
  };
  const hadPrimary = primaryEndpoint(sandbox, context.state) !== undefined;
  try {
    await context.links.hostBatch(hostSetupCommands({ netns, createNetns: false, bridges, veths: [veth] }));
    for (const bridge of bridges) context.links.prepareBridge(bridge.name);
    const route =
      !hadPrimary && !network.internal
        ? { gateway: endpoint.gateway, interface: endpoint.interface }
        : undefined;
    await context.links.namespaceBatch(
      netns,
      namespaceSetupCommands({
        loopback: false,
        addresses: [
          { interface: endpoint.interface, address: endpoint.ipv4, prefixLength: endpoint.prefixLength },
        ],
        defaultRoute: route,
      }),
    );
  } catch (error) {
    const emptied = bridges.map((b) => b.name);
    await context.links.hostBatch(
      hostTeardownCommands({ hostInterfaces: [endpoint.hostInterface], bridges: emptied }),
      true,
    );
    throw error;
  }
  sandbox.endpoints.push(endpoint);
  network.lastAddress = endpoint.ipv4;
  context.save();
  const warnings = await syncHost(context, [{ sandbox, endpoint }]);
  return { endpoint, warnings };
}

/** Detaches a set-up container from a network; `force` makes a missing attachment a no-op. */
export async function disconnectEndpoint(
  context: SandboxContext,
  containerId: string,
  networkName: string,
  force = false,
): Promise<void> {
  const sandbox = context.state.sandboxes[containerId];
  const network = context.findNetwork(networkName);
  const endpoint = sandbox?.endpoints.find((e) => e.networkId === network.id);
  if (!sandbox || !endpoint) {
    if (force) return;
    throw new NetworkError(
      'NETWORK_NOT_CONNECTED',
      `container ${containerId.slice(0, 12)} is not connected to network ${network.name}`,
      {
        hint: 'list its networks with `docker inspect`',
      },
    );
  }
  const wasPrimary = primaryEndpoint(sandbox, context.state) === endpoint;
  sandbox.endpoints = sandbox.endpoints.filter((e) => e !== endpoint);
  context.save();
  const stillUsed = Object.values(context.state.sandboxes).some((s) =>
    s.endpoints.some((e) => e.networkId === network.id),
  );
  const bridges = !stillUsed && network.bridge ? [network.bridge] : [];
  await context.links.hostBatch(
    hostTeardownCommands({ hostInterfaces: [endpoint.hostInterface], bridges }),
    true,
  );
  const next = wasPrimary ? primaryEndpoint(sandbox, context.state) : undefined;
  if (next) {
    await context.links.namespaceBatch(
      netnsName(context, containerId),
      namespaceSetupCommands({
        loopback: false,
        addresses: [],
        defaultRoute: { gateway: next.gateway, interface: next.interface },
      }),
    );
  }
  await syncHost(context);
}

function requireBridgeSandbox(context: SandboxContext, containerId: string): SandboxRecord {
  const sandbox = context.state.sandboxes[containerId];
  if (!sandbox) {
    throw new NetworkError(
      'NETWORK_SANDBOX_NOT_FOUND',
      `container ${containerId.slice(0, 12)} has no network sandbox`,
      {
        hint: 'connect a stopped container by changing its config; its networks are set up when it starts',
      },
    );
  }
  if (sandbox.mode !== 'bridge') {
    throw new NetworkError(
      'NETWORK_INVALID',
      `container ${sandbox.name} uses network mode ${sandbox.mode} and cannot be connected to other networks`,
      { hint: 'only containers on bridge networks join more networks' },
    );
  }
  return sandbox;
}
