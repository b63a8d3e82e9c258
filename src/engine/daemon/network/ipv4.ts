/**
 * IPv4 addresses and CIDR blocks as unsigned 32-bit numbers: parsing, formatting, containment
 * and overlap. Pure; the network part uses nothing else to reason about addresses.
 */

/** A CIDR block: `base` is the network address (host bits cleared). */
export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

/** Parses dotted-quad IPv4; undefined when the text is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Formats a 32-bit number as dotted-quad. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** The netmask of a prefix length as a 32-bit number. */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n` (host bits are cleared); undefined when invalid. A bare address is a /32. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  const prefix = prefixText === undefined ? 32 : /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > 32) return undefined;
  return { base: (ip & prefixMask(prefix)) >>> 0, prefix };
}

/** `a.b.c.d/n`. */
export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The last address of the block (broadcast for prefixes below 31). */
export function cidrLast(cidr: Ipv4Cidr): number {
  return cidr.base + cidrSize(cidr) - 1;
}

/** Whether `ip` lies in the block. */
export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.base && ip <= cidrLast(cidr);
}

/** Whether two blocks share any address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base <= cidrLast(b) && b.base <= cidrLast(a);
}
