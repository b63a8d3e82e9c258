/**
 * Network records from create requests (validated as Docker validates them, with a subnet
 * allocated when none is given) and the predefined `bridge`, `host` and `none`. Pure: ids,
 * time and the host's routes come in.
 */
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  type Ipv4Cidr,
  parseCidr,
  parseIpv4,
} from './ipv4.js';
import { NetworkError } from './network-errors.js';
import type { NetworkCreateRequest, NetworkIpam, NetworkRecord } from './network-types.js';
import { allocateSubnet, type SubnetPool } from './subnet-pool.js';

export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
const MTU_OPTION = 'com.docker.network.driver.mtu';
const MASQUERADE_OPTION = 'com.docker.network.bridge.enable_ip_masquerade';
const HOST_BINDING_OPTION = 'com.docker.network.bridge.host_binding_ipv4';

export interface NetworkContext {
  id: string;
  created: string;
  existing: NetworkRecord[];
  /** Blocks to avoid besides existing networks: host routes and reserved blocks. */
  avoid: Ipv4Cidr[];
  pools: SubnetPool[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A bridge network record for a create request; throws NetworkError for anything Docker would refuse. */
export function buildNetworkRecord(request: NetworkCreateRequest, context: NetworkContext): NetworkRecord {
  const name = request.Name ?? '';
  if (!NAME.test(name)) {
    throw invalid(
      `invalid network name ${JSON.stringify(name)}`,
      'names start with a letter or digit, then [a-zA-Z0-9_.-]',
    );
  }
  if (context.existing.some((n) => n.name === name)) {
    throw new NetworkError('NETWORK_EXISTS', `network with name ${name} already exists`, {
      hint: 'pick another name, or remove the existing network first',
    });
  }
  const driver = request.Driver || 'bridge';
  if (driver === 'host' || driver === 'null') {
    throw new NetworkError('NETWORK_PREDEFINED', `only one instance of "${driver}" network is allowed`, {
      hint: 'use the predefined network of that driver',
    });
  }
  if (driver !== 'bridge')
    throw invalid(`plugin "${driver}" not found`, 'the dev engine has the bridge driver only');
  if (request.EnableIPv6)
    throw invalid('IPv6 networks are not supported by the dev engine', 'leave enable_ipv6 off');
  if (request.Ingress) throw invalid('ingress networks need swarm mode', 'leave ingress off');

  const options = { ...(request.Options ?? {}) };
  const bridge = options[BRIDGE_NAME_OPTION] || `dv-${context.id.slice(0, 12)}`;
  if (bridge.length > 15 || !/^[a-zA-Z0-9_.-]+$/.test(bridge)) {
    throw invalid(`invalid bridge name ${bridge}`, 'Linux interface names have at most 15 characters');
  }
  if (context.existing.some((n) => n.bridge === bridge)) {
    throw new NetworkError('NETWORK_EXISTS', `bridge ${bridge} is used by another network`, {
      hint: `pick another ${BRIDGE_NAME_OPTION}`,
    });
  }
  const mtu = options[MTU_OPTION] ? Number(options[MTU_OPTION]) : undefined;
  if (mtu !== undefined && (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)) {
    throw invalid(`invalid MTU ${options[MTU_OPTION]}`, 'an MTU is an integer between 68 and 65535');
  }
  const hostBinding = options[HOST_BINDING_OPTION] || '0.0.0.0';
  if (parseIpv4(hostBinding) === undefined)
    throw invalid(`invalid ${HOST_BINDING_OPTION} ${hostBinding}`, 'use an IPv4 address');

  return {
    id: context.id,
    name,
    driver: 'bridge',
    created: context.created,
    predefined: false,
    labels: { ...(request.Labels ?? {}) },
    options,
    internal: request.Internal === true,
    attachable: request.Attachable === true,
    dns: true,
    ipam: buildIpam(request, context),
    bridge,
    ...(mtu !== undefined ? { mtu } : {}),
    masquerade: options[MASQUERADE_OPTION] !== 'false',
    hostBindingIpv4: hostBinding,
  };
}

function buildIpam(request: NetworkCreateRequest, context: NetworkContext): NetworkIpam {
  const ipamDriver = request.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default')
    throw invalid(`IPAM driver "${ipamDriver}" not found`, 'use the default IPAM driver');
  const configs = (request.IPAM?.Config ?? []).filter((c) => !(c.Subnet ?? '').includes(':'));
  if (configs.length > 1) throw invalid('more than one IPv4 subnet', 'give a network one IPv4 subnet');
  const config = configs[0] ?? {};
  const taken = context.existing.flatMap((n) => (n.ipam ? [mustCidr(n.ipam.subnet, 'subnet')] : []));

  let subnet: Ipv4Cidr;
  if (config.Subnet) {
    subnet = mustCidr(config.Subnet, 'subnet');
    const clash = context.existing.find(
      (n) => n.ipam && cidrsOverlap(mustCidr(n.ipam.subnet, 'subnet'), subnet),
    );
    if (clash) {
      throw new NetworkError(
        'NETWORK_SUBNET_OVERLAP',
        `Pool overlaps with other one on this address space (network ${clash.name}, ${clash.ipam?.subnet})`,
        { hint: 'pick a subnet no other network uses' },
      );
    }
  } else {
    subnet = allocateSubnet({ pools: context.pools, used: [...taken, ...context.avoid] });
  }
  const gateway = config.Gateway ? mustAddress(config.Gateway, 'gateway') : subnet.base + 1;
  mustContain(subnet, gateway, 'gateway');
  const ipRange = config.IPRange ? mustCidr(config.IPRange, 'ip range') : undefined;
  if (ipRange && !cidrsOverlap(ipRange, subnet))
    throw invalid(`ip range ${config.IPRange} is outside the subnet`, 'pick a range inside the subnet');
  const aux = config.AuxiliaryAddresses ?? {};
  for (const address of Object.values(aux))
    mustContain(subnet, mustAddress(address, 'auxiliary address'), 'auxiliary address');
  return {
    driver: 'default',
    options: { ...(request.IPAM?.Options ?? {}) },
    subnet: formatCidr(subnet),
    gateway: formatIpv4(gateway),
    ...(ipRange ? { ipRange: formatCidr(ipRange) } : {}),
    auxAddresses: { ...aux },
    userSubnet: Boolean(config.Subnet),
  };
}

export interface PredefinedContext {
  ids: { bridge: string; host: string; none: string };
  created: string;
  existing: NetworkRecord[];
  avoid: Ipv4Cidr[];
  pools: SubnetPool[];
  /** A fixed subnet for the default bridge; else allocated. */
  defaultSubnet?: string;
}

/** Docker's three predefined networks; `bridge` has no embedded DNS, as in Docker. */
export function predefinedNetworks(context: PredefinedContext): NetworkRecord[] {
  const request: NetworkCreateRequest = {
    Name: 'bridge',
    IPAM: context.defaultSubnet ? { Config: [{ Subnet: context.defaultSubnet }] } : undefined,
  };
  const bridge = buildNetworkRecord(request, { ...context, id: context.ids.bridge });
  bridge.predefined = true;
  bridge.dns = false;
  bridge.options = {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    [MASQUERADE_OPTION]: 'true',
    [HOST_BINDING_OPTION]: '0.0.0.0',
    [BRIDGE_NAME_OPTION]: bridge.bridge ?? '',
    [MTU_OPTION]: '1500',
  };
  const plain = (id: string, name: string, driver: 'host' | 'null'): NetworkRecord => ({
    id,
    name,
    driver,
    created: context.created,
    predefined: true,
    labels: {},
    options: {},
    internal: false,
    attachable: false,
    dns: false,
    masquerade: false,
    hostBindingIpv4: '0.0.0.0',
  });
  return [bridge, plain(context.ids.host, 'host', 'host'), plain(context.ids.none, 'none', 'null')];
}

function mustCidr(text: string, what: string): Ipv4Cidr {
  const cidr = text.includes('/') ? parseCidr(text) : undefined;
  if (!cidr) throw invalid(`invalid ${what} ${text}`, 'use a.b.c.d/n');
  return cidr;
}

function mustAddress(text: string, what: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw invalid(`invalid ${what} ${text}`, 'use an IPv4 address');
  return value;
}

function mustContain(subnet: Ipv4Cidr, address: number, what: string): void {
  if (!cidrContains(subnet, address)) {
    throw invalid(
      `${what} ${formatIpv4(address)} is outside subnet ${formatCidr(subnet)}`,
      `pick a ${what} inside the subnet`,
    );
  }
}

function invalid(message: string, hint: string): NetworkError {
  return new NetworkError('NETWORK_INVALID', message, { hint });
}
