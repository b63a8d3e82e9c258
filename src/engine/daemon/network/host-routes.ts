/**
 * The host's IPv4 routes, read from /proc/net/route (no process spawned), so subnet allocation
 * can skip blocks already routed somewhere: dockerd's bridges, VPNs, the LAN.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { formatIpv4, type Ipv4Cidr, parseCidr } from './ipv4.js';

/** Routed blocks of the main table, without the default route. */
export function readHostRoutes(path = '/proc/net/route'): Ipv4Cidr[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseProcRoutes(text);
}

/** Parses /proc/net/route: addresses are hex in the kernel's (little-endian on x86) byte order. */
export function parseProcRoutes(text: string): Ipv4Cidr[] {
  const routes: Ipv4Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const destination = fields[1];
    const mask = fields[7];
    if (destination === undefined || mask === undefined) continue;
    const prefix = popCount(hexToAddress(mask));
    if (prefix === 0) continue;
    const cidr = parseCidr(`${formatIpv4(hexToAddress(destination))}/${prefix}`);
    if (cidr) routes.push(cidr);
  }
  return routes;
}

function hexToAddress(hex: string): number {
  // the kernel prints the 32-bit value in host byte order
  const bytes = Buffer.from(hex.padStart(8, '0'), 'hex');
  return endianness() === 'LE' ? bytes.readUInt32LE(0) : bytes.readUInt32BE(0);
}

function popCount(value: number): number {
  let count = 0;
  for (let v = value >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) count++;
  return count;
}
