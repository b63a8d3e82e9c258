/**
 * Picks a subnet for a new network from address pools, skipping every block in use: other
 * networks of this engine, the host's routes and reserved blocks (dockerd's 172.17.0.0/16).
 */
import { cidrSize, cidrsOverlap, type Ipv4Cidr, parseCidr } from './ipv4.js';
import { NetworkError } from './network-errors.js';

/** A pool: a base block split into subnets of `size` prefix length (10.89.0.0/16 in /24s). */
export interface SubnetPool {
  base: string;
  size: number;
}

/** The default pool: 256 /24 networks. */
export const DEFAULT_POOLS: SubnetPool[] = [{ base: '10.89.0.0/16', size: 24 }];

/** dockerd's default bridge: never allocated even when docker0 is down and unrouted. */
export const DEFAULT_RESERVED = ['172.17.0.0/16'];

export interface AllocateSubnetOptions {
  pools: SubnetPool[];
  /** Blocks taken: this engine's networks, host routes, reserved blocks. */
  used: Ipv4Cidr[];
}

/** The first subnet of the pools overlapping nothing in `used`; throws when the pools are exhausted. */
export function allocateSubnet(options: AllocateSubnetOptions): Ipv4Cidr {
  for (const pool of options.pools) {
    const base = parseCidr(pool.base);
    if (!base || pool.size < base.prefix || pool.size > 30) {
      throw new NetworkError('NETWORK_INVALID', `invalid address pool ${pool.base} split in /${pool.size}`, {
        hint: 'a pool is a CIDR block and a prefix length between its own and 30',
      });
    }
    const step = 2 ** (32 - pool.size);
    for (let offset = 0; offset < cidrSize(base); offset += step) {
      const candidate = { base: base.base + offset, prefix: pool.size };
      if (!options.used.some((taken) => cidrsOverlap(taken, candidate))) return candidate;
    }
  }
  const pools = options.pools.map((p) => `${p.base} (/${p.size})`).join(', ');
  throw new NetworkError(
    'NETWORK_POOL_EXHAUSTED',
    `could not find an available, non-overlapping IPv4 address pool among ${pools}`,
    { hint: 'remove unused networks (`docker network prune`) or give the network an explicit subnet' },
  );
}
