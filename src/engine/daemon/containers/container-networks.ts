/**
 * `network connect` and `network disconnect` of a container (for the network routes): a
 * running container's sandbox changes through the network part and its /etc/hosts is
 * rewritten; a stopped one only changes its record, joined at its next start. Both publish the
 * network's `connect`/`disconnect` events as dockerd does.
 */
import { ApiError, badRequest } from '../api/api-error.js';
import type { ContainerCore, LiveContainer } from './container-core.js';
import type { EndpointRequest } from './container-types.js';

function networkMode(live: LiveContainer): string {
  return live.record.hostConfig.NetworkMode || 'default';
}

/** Connects the container to `network` (name, id or prefix). */
export async function connectNetwork(
  core: ContainerCore,
  live: LiveContainer,
  network: string,
  endpoint: EndpointRequest = {},
): Promise<void> {
  await core.locked(live, async () => {
    const { networks } = core.ctx;
    const net = networks.find(network);
    const r = live.record;
    const mode = networkMode(live);
    if (mode === 'host' || mode.startsWith('container:') || net.name === 'host') {
      throw badRequest(
        'container sharing network namespace with another container or host cannot be connected to any other network',
      );
    }
    if (mode === 'none' || net.name === 'none') {
      throw badRequest(
        'container cannot be connected to multiple networks with one of the networks in private (none) mode',
      );
    }
    if (r.networks[net.name]) {
      throw new ApiError(403, `endpoint with name ${r.name} already exists in network ${net.name}`);
    }
    const userDefined = !['bridge', 'host', 'none'].includes(net.name);
    const aliases = [...(endpoint.Aliases ?? [])];
    if (!userDefined && aliases.length > 0) {
      throw badRequest('network-scoped alias is supported only for containers in user defined networks');
    }
    if (userDefined && !aliases.includes(r.id.slice(0, 12))) aliases.push(r.id.slice(0, 12));
    if (core.isRunning(live) && networks.sandbox(r.id)) {
      await networks.connectContainer(r.id, {
        network: net.name,
        aliases,
        ...(endpoint.IPAMConfig?.IPv4Address ? { ipv4Address: endpoint.IPAMConfig.IPv4Address } : {}),
        ...(endpoint.MacAddress ? { macAddress: endpoint.MacAddress } : {}),
      });
      rewriteHosts(core, r.id);
    }
    r.networks[net.name] = { ...endpoint, Aliases: aliases.length > 0 ? aliases : null, NetworkID: net.id };
    core.save(live);
    core.ctx.events.publish('network', 'connect', net.id, {
      container: r.id,
      name: net.name,
      type: net.driver,
    });
  });
}

/** Disconnects the container from `network`. */
export async function disconnectNetwork(
  core: ContainerCore,
  live: LiveContainer,
  network: string,
  force = false,
): Promise<void> {
  await core.locked(live, async () => {
    const { networks } = core.ctx;
    const r = live.record;
    let name: string;
    let id = '';
    let driver = '';
    try {
      const net = networks.find(network);
      name = net.name;
      id = net.id;
      driver = net.driver;
    } catch (error) {
      if (!force) throw error;
      name = network;
    }
    if (!r.networks[name]) {
      if (force) return;
      throw badRequest(`container ${r.id} is not connected to network ${name}`);
    }
    const mode = networkMode(live);
    if (name === 'host' || mode === 'host') {
      throw badRequest('container cannot be disconnected from host network or connected to host network');
    }
    if (core.isRunning(live) && networks.sandbox(r.id)) {
      await networks.disconnectContainer(r.id, name, force);
      rewriteHosts(core, r.id);
    }
    delete r.networks[name];
    core.save(live);
    if (id) core.ctx.events.publish('network', 'disconnect', id, { container: r.id, name, type: driver });
  });
}

/** The sandbox's /etc files after a change of networks. */
function rewriteHosts(core: ContainerCore, id: string): void {
  const sandbox = core.ctx.networks.sandbox(id);
  if (!sandbox) return;
  core.store.writeEtcFiles(id, {
    hosts: sandbox.hosts,
    hostname: sandbox.hostnameFile,
    resolvConf: sandbox.resolvConf,
  });
}
