/**
 * Address management inside one network: a static address is checked, otherwise the next free
 * one after the last handed out (round-robin, as Docker does, so a just-freed address is not
 * reused by the next container while stale ARP and conntrack entries may still point at it).
 */
import { cidrContains, cidrLast, formatIpv4, type Ipv4Cidr, parseCidr, parseIpv4 } from './ipv4.js';
import { NetworkError } from './network-errors.js';
import type { NetworkIpam } from './network-types.js';

export interface AllocateAddressOptions {
  ipam: NetworkIpam;
  /** Addresses held by endpoints of the network. */
  used: Iterable<string>;
  /** A static address asked for. */
  requested?: string;
  /** The last address handed out. */
  last?: string;
  /** Network name, for messages. */
  network: string;
}

/** An address for a new endpoint; throws when the requested one is taken or outside the subnet, or none is free. */
export function allocateAddress(options: AllocateAddressOptions): string {
  const subnet = mustParse(options.ipam.subnet);
  const taken = reservedAddresses(options.ipam, subnet);
  for (const address of options.used) {
    const value = parseIpv4(address);
    if (value !== undefined) taken.add(value);
  }
  if (options.requested) return checkRequested(options, subnet, taken);

  const range = options.ipam.ipRange ? mustParse(options.ipam.ipRange) : subnet;
  const first = Math.max(range.base, subnet.base);
  const last = Math.min(cidrLast(range), cidrLast(subnet));
  const count = last - first + 1;
  const previous = options.last ? parseIpv4(options.last) : undefined;
  const start = previous !== undefined && previous >= first && previous < last ? previous + 1 - first : 0;
  for (let i = 0; i < count; i++) {
    const candidate = first + ((start + i) % count);
    if (!taken.has(candidate)) return formatIpv4(candidate);
  }
  throw new NetworkError(
    'NETWORK_POOL_EXHAUSTED',
    `no available IPv4 address on network ${options.network}`,
    {
      hint: 'disconnect containers from the network or recreate it with a larger subnet',
    },
  );
}

/** Docker's style of MAC address: 02:42 followed by the four bytes of the IPv4 address. */
export function macForAddress(address: string): string {
  const value = parseIpv4(address) ?? 0;
  const bytes = [2, 0x42, value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function checkRequested(options: AllocateAddressOptions, subnet: Ipv4Cidr, taken: Set<number>): string {
  const requested = options.requested ?? '';
  const value = parseIpv4(requested);
  if (value === undefined || !cidrContains(subnet, value)) {
    throw new NetworkError(
      'NETWORK_INVALID',
      `address ${requested} is not in subnet ${options.ipam.subnet} of network ${options.network}`,
      { hint: 'pick an ipv4_address inside the network subnet' },
    );
  }
  if (taken.has(value)) {
    throw new NetworkError(
      'NETWORK_ADDRESS_IN_USE',
      `address ${requested} is already in use on network ${options.network}`,
      { hint: 'pick another ipv4_address, or leave it out to get a free one' },
    );
  }
  return requested;
}

function reservedAddresses(ipam: NetworkIpam, subnet: Ipv4Cidr): Set<number> {
  const reserved = new Set<number>();
  if (subnet.prefix < 31) {
    reserved.add(subnet.base);
    reserved.add(cidrLast(subnet));
  }
  const gateway = parseIpv4(ipam.gateway);
  if (gateway !== undefined) reserved.add(gateway);
  for (const address of Object.values(ipam.auxAddresses)) {
    const value = parseIpv4(address);
    if (value !== undefined) reserved.add(value);
  }
  return reserved;
}

function mustParse(text: string): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new NetworkError('NETWORK_INVALID', `invalid subnet ${text}`, { hint: 'use a.b.c.d/n' });
  return cidr;
}
