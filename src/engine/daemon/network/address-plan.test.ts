import { describe, expect, it } from 'vitest';
import { parseProcRoutes } from './host-routes.js';
import { allocateAddress, macForAddress } from './ipam.js';
import { cidrsOverlap, formatCidr, parseCidr, parseIpv4 } from './ipv4.js';
import type { NetworkIpam } from './network-types.js';
import { allocateSubnet } from './subnet-pool.js';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(text);
  return parsed;
};

describe('ipv4', () => {
  it('parses, clears host bits and compares blocks', () => {
    expect(parseIpv4('10.89.0.256')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
    expect(formatCidr(cidr('10.89.3.7/24'))).toBe('10.89.3.0/24');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(cidrsOverlap(cidr('10.89.0.0/16'), cidr('10.89.200.0/24'))).toBe(true);
    expect(cidrsOverlap(cidr('10.89.0.0/24'), cidr('10.89.1.0/24'))).toBe(false);
  });
});

describe('allocateSubnet', () => {
  const pools = [{ base: '10.89.0.0/16', size: 24 }];

  it('takes the first /24 no network, route or reserved block overlaps', () => {
    const used = [cidr('10.89.0.0/24'), cidr('10.89.1.128/25'), cidr('10.89.2.0/23')];
    expect(formatCidr(allocateSubnet({ pools, used }))).toBe('10.89.4.0/24');
  });

  it('says so when the pools are exhausted', () => {
    expect(() => allocateSubnet({ pools, used: [cidr('10.0.0.0/8')] })).toThrow(
      /non-overlapping IPv4 address pool/,
    );
  });

  it('reads the host routes from /proc/net/route, without the default route', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    expect(parseProcRoutes(text).map(formatCidr)).toEqual(['172.17.0.0/16', '192.0.2.0/24']);
  });
});

describe('allocateAddress', () => {
  const ipam: NetworkIpam = {
    driver: 'default',
    options: {},
    subnet: '10.89.5.0/29',
    gateway: '10.89.5.1',
    auxAddresses: { router: '10.89.5.2' },
    userSubnet: false,
  };

  it('skips network, broadcast, gateway and auxiliary addresses, going round-robin', () => {
    expect(allocateAddress({ ipam, used: [], network: 'n' })).toBe('10.89.5.3');
    expect(allocateAddress({ ipam, used: ['10.89.5.3'], network: 'n' })).toBe('10.89.5.4');
    // after .6 it wraps to the lowest free address, not to .7 (broadcast)
    expect(allocateAddress({ ipam, used: ['10.89.5.4'], last: '10.89.5.6', network: 'n' })).toBe('10.89.5.3');
    expect(allocateAddress({ ipam, used: [], last: '10.89.5.3', network: 'n' })).toBe('10.89.5.4');
  });

  it('honours a static address and refuses a taken or foreign one', () => {
    expect(allocateAddress({ ipam, used: [], requested: '10.89.5.6', network: 'n' })).toBe('10.89.5.6');
    expect(() =>
      allocateAddress({ ipam, used: ['10.89.5.6'], requested: '10.89.5.6', network: 'n' }),
    ).toThrow(/already in use/);
    expect(() => allocateAddress({ ipam, used: [], requested: '10.89.5.1', network: 'n' })).toThrow(
      /already in use/,
    );
    expect(() => allocateAddress({ ipam, used: [], requested: '10.89.6.2', network: 'n' })).toThrow(
      /not in subnet/,
    );
  });

  it('allocates from the ip range only, and reports exhaustion', () => {
    const ranged = { ...ipam, subnet: '10.89.5.0/24', ipRange: '10.89.5.128/30' };
    expect(allocateAddress({ ipam: ranged, used: [], network: 'n' })).toBe('10.89.5.128');
    const full = ['10.89.5.3', '10.89.5.4', '10.89.5.5', '10.89.5.6'];
    expect(() => allocateAddress({ ipam, used: full, network: 'n' })).toThrow(
      /no available IPv4 address on network n/,
    );
  });

  it('derives MACs from addresses as Docker does', () => {
    expect(macForAddress('172.18.0.2')).toBe('02:42:ac:12:00:02');
  });
});
