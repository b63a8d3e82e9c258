/**
 * The files a container gets from its sandbox: /etc/resolv.conf, /etc/hosts, /etc/hostname.
 */
import { buildHostsFile, parseExtraHosts } from './hosts-file.js';
import type { NetworkState, SandboxRecord, SandboxResult } from './network-types.js';
import { buildResolvConf, type ResolvConf } from './resolv-conf.js';
import { primaryEndpoint } from './state-view.js';

export interface SandboxFilesOptions {
  state: NetworkState;
  hostResolvConf: ResolvConf;
  hostHosts: string;
}

/** The runtime's view of a sandbox: netns path and file contents. */
export function sandboxResult(
  sandbox: SandboxRecord,
  options: SandboxFilesOptions,
  warnings: string[] = [],
): SandboxResult {
  const files = sandboxFiles(sandbox, options);
  return {
    containerId: sandbox.containerId,
    netnsPath: sandbox.netnsPath,
    ...files,
    endpoints: sandbox.endpoints.map((e) => ({ ...e, aliases: [...e.aliases] })),
    ports: sandbox.ports.map((p) => ({ ...p })),
    warnings,
  };
}

function sandboxFiles(
  sandbox: SandboxRecord,
  options: SandboxFilesOptions,
): { resolvConf: string; hosts: string; hostnameFile: string } {
  const { state } = options;
  const hostnameFile = `${sandbox.hostname}\n`;
  const dnsChoice = { dns: sandbox.dnsServers, dnsSearch: sandbox.dnsSearch, dnsOptions: sandbox.dnsOptions };
  const primary = primaryEndpoint(sandbox, state) ?? sandbox.endpoints[0];
  const defaultGateway = Object.values(state.networks).find((n) => n.name === 'bridge')?.ipam?.gateway;
  const extraHosts = parseExtraHosts(sandbox.extraHosts, primary?.gateway ?? defaultGateway);
  const identity = { hostname: sandbox.hostname, domainname: sandbox.domainname, extraHosts };

  if (sandbox.mode === 'host') {
    return {
      resolvConf: buildResolvConf({ host: options.hostResolvConf, mode: 'host', ...dnsChoice }),
      hosts: buildHostsFile({ ...identity, base: options.hostHosts }),
      hostnameFile,
    };
  }
  if (sandbox.mode === 'container') {
    const target = sandbox.sharedWith ? state.sandboxes[sandbox.sharedWith] : undefined;
    if (target && target.containerId !== sandbox.containerId) {
      return { ...sandboxFiles(target, options), hostnameFile: `${target.hostname}\n` };
    }
  }
  const embeddedServers = [
    ...new Set(sandbox.endpoints.filter((e) => state.networks[e.networkId]?.dns).map((e) => e.gateway)),
  ];
  return {
    resolvConf: buildResolvConf({
      host: options.hostResolvConf,
      mode: embeddedServers.length > 0 ? 'embedded' : 'isolated',
      embeddedServers,
      ...dnsChoice,
    }),
    hosts: buildHostsFile({ ...identity, address: primary?.ipv4 }),
    hostnameFile,
  };
}
