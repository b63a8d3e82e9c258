/**
 * `ip -batch` lines for a sandbox: one batch runs in the host's namespace (netns, bridge, veth
 * pair), one inside the container's (addresses, routes). Two spawns attach a container to any
 * number of networks. Pure: the manager runs them.
 */

export interface BridgeLink {
  name: string;
  /** A fixed MAC: without one the bridge takes its lowest port's, changing as containers come and go. */
  mac: string;
  gateway: string;
  prefixLength: number;
  mtu?: number;
}

export interface VethLink {
  /** Host end, enslaved to `bridge`. */
  hostInterface: string;
  /** Container end, created straight inside the netns. */
  containerInterface: string;
  mac: string;
  bridge: string;
  mtu?: number;
}

export interface HostSetupOptions {
  /** Netns name under /run/netns; `createNetns` adds it first. */
  netns: string;
  createNetns: boolean;
  /** Bridges to create (networks getting their first endpoint). */
  bridges: BridgeLink[];
  veths: VethLink[];
}

/** Host-side lines: `netns add`, bridges with their gateway address, veth pairs into the netns. */
export function hostSetupCommands(options: HostSetupOptions): string[] {
  const lines: string[] = [];
  if (options.createNetns) lines.push(`netns add ${options.netns}`);
  for (const bridge of options.bridges) {
    lines.push(`link add name ${bridge.name} address ${bridge.mac}${mtu(bridge.mtu)} type bridge`);
    lines.push(`addr add ${bridge.gateway}/${bridge.prefixLength} dev ${bridge.name}`);
    lines.push(`link set ${bridge.name} up`);
  }
  for (const veth of options.veths) {
    lines.push(
      `link add name ${veth.hostInterface}${mtu(veth.mtu)} type veth peer name ${veth.containerInterface}` +
        ` address ${veth.mac}${mtu(veth.mtu)} netns ${options.netns}`,
    );
    lines.push(`link set ${veth.hostInterface} master ${veth.bridge}`);
    lines.push(`link set ${veth.hostInterface} up`);
  }
  return lines;
}

export interface NamespaceSetupOptions {
  loopback: boolean;
  addresses: { interface: string; address: string; prefixLength: number }[];
  /** The default route to set (replacing any), when the container gets one. */
  defaultRoute?: { gateway: string; interface: string };
}

/** Lines run with `ip -n <netns>`: loopback up, addresses, interfaces up, the default route. */
export function namespaceSetupCommands(options: NamespaceSetupOptions): string[] {
  const lines: string[] = [];
  if (options.loopback) lines.push('link set lo up');
  for (const address of options.addresses) {
    lines.push(`addr add ${address.address}/${address.prefixLength} dev ${address.interface}`);
    lines.push(`link set ${address.interface} up`);
  }
  if (options.defaultRoute) {
    lines.push(
      `route replace default via ${options.defaultRoute.gateway} dev ${options.defaultRoute.interface}`,
    );
  }
  return lines;
}

export interface HostTeardownOptions {
  /** Host ends to delete; deleting one deletes its peer in the container. */
  hostInterfaces: string[];
  /** Bridges whose last endpoint leaves. */
  bridges: string[];
  /** Netns to delete (the whole sandbox goes). */
  netns?: string;
}

/** Host-side lines undoing a setup; meant for `ip -force -batch` so one missing link does not stop the rest. */
export function hostTeardownCommands(options: HostTeardownOptions): string[] {
  const lines = options.hostInterfaces.map((name) => `link del ${name}`);
  for (const bridge of options.bridges) lines.push(`link del ${bridge}`);
  if (options.netns) lines.push(`netns del ${options.netns}`);
  return lines;
}

function mtu(value: number | undefined): string {
  return value ? ` mtu ${value}` : '';
}
