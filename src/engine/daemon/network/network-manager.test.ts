/**
 * Network records without touching the host: create, inspect, list, remove, prune, the
 * predefined networks, persistence and subnet allocation (host routes read from a fake /proc,
 * and, as root, from a real link).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkManager, type NetworkManagerOptions } from './network-manager.js';

let root: string;
let counter = 0;
const fixed = (): Partial<NetworkManagerOptions> => ({
  clock: () => new Date('2024-05-01T10:00:00.000Z'),
  randomHex: (bytes) => (++counter).toString(16).padEnd(bytes * 2, 'a'),
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dev-netrec-'));
  counter = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A fake /proc with only the routes given (as /proc/net/route lines). */
function fakeProc(routes: string[]): string {
  const proc = join(root, 'proc');
  mkdirSync(join(proc, 'net'), { recursive: true });
  writeFileSync(
    join(proc, 'net/route'),
    ['Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask', ...routes].join('\n'),
  );
  return proc;
}

describe('NetworkManager records', () => {
  it('has bridge, host and none, like Docker', () => {
    const manager = new NetworkManager({ root, procRoot: fakeProc([]), ...fixed() });
    const names = manager.list().map((n) => `${n.Name}:${n.Driver}`);
    expect(names).toEqual(['bridge:bridge', 'host:host', 'none:null']);
    const bridge = manager.inspect('bridge');
    expect(bridge.IPAM.Config).toEqual([{ Subnet: '10.89.0.0/24', Gateway: '10.89.0.1' }]);
    expect(bridge.Options['com.docker.network.bridge.default_bridge']).toBe('true');
  });

  it('creates a network in the Docker API shape and finds it by name, id and id prefix', async () => {
    const manager = new NetworkManager({ root, procRoot: fakeProc([]), ...fixed() });
    const { Id } = await manager.createNetwork({
      Name: 'proj_default',
      Driver: 'bridge',
      Labels: { 'com.docker.compose.project': 'proj' },
      IPAM: {
        Config: [
          { Subnet: '172.30.5.0/24', IPRange: '172.30.5.128/25', AuxiliaryAddresses: { r: '172.30.5.2' } },
        ],
      },
      Options: { 'com.docker.network.driver.mtu': '1400' },
    });
    expect(manager.inspect('proj_default')).toEqual({
      Name: 'proj_default',
      Id,
      Created: '2024-05-01T10:00:00.000Z',
      Scope: 'local',
      Driver: 'bridge',
      EnableIPv6: false,
      IPAM: {
        Driver: 'default',
        Options: {},
        Config: [
          {
            Subnet: '172.30.5.0/24',
            Gateway: '172.30.5.1',
            IPRange: '172.30.5.128/25',
            AuxiliaryAddresses: { r: '172.30.5.2' },
          },
        ],
      },
      Internal: false,
      Attachable: false,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: {},
      Options: { 'com.docker.network.driver.mtu': '1400' },
      Labels: { 'com.docker.compose.project': 'proj' },
    });
    expect(manager.find(Id).name).toBe('proj_default');
    expect(manager.find(Id.slice(0, 64 - 2)).name).toBe('proj_default');
    expect(manager.find(Id).bridge).toBe(`dv-${Id.slice(0, 12)}`);
  });

  it('refuses duplicate names, overlapping subnets, other drivers and predefined removal', async () => {
    const manager = new NetworkManager({ root, procRoot: fakeProc([]), ...fixed() });
    await manager.createNetwork({ Name: 'a', IPAM: { Config: [{ Subnet: '10.200.0.0/16' }] } });
    await expect(manager.createNetwork({ Name: 'a' })).rejects.toMatchObject({
      code: 'NETWORK_EXISTS',
      status: 409,
    });
    await expect(
      manager.createNetwork({ Name: 'b', IPAM: { Config: [{ Subnet: '10.200.3.0/24' }] } }),
    ).rejects.toThrow(/Pool overlaps with other one on this address space \(network a/);
    await expect(manager.createNetwork({ Name: 'c', Driver: 'overlay' })).rejects.toThrow(
      'plugin "overlay" not found',
    );
    await expect(manager.createNetwork({ Name: 'd', Driver: 'host' })).rejects.toMatchObject({ status: 403 });
    await expect(manager.createNetwork({ Name: 'bad name' })).rejects.toMatchObject({
      code: 'NETWORK_INVALID',
    });
    await expect(
      manager.createNetwork({
        Name: 'e',
        IPAM: { Config: [{ Subnet: '10.201.0.0/24', Gateway: '10.9.9.9' }] },
      }),
    ).rejects.toThrow(/gateway 10.9.9.9 is outside subnet/);
    await expect(manager.removeNetwork('bridge')).rejects.toThrow(
      'bridge is a pre-defined network and cannot be removed',
    );
    await expect(manager.removeNetwork('nope')).rejects.toMatchObject({
      code: 'NETWORK_NOT_FOUND',
      status: 404,
    });
  });

  it('allocates subnets around host routes, reserved blocks and its own networks', async () => {
    // 10.89.0.0/24 (little-endian hex 0000590A) and 10.89.2.0/23 are routed on the host
    const proc = fakeProc([
      'eth1\t0000590A\t00000000\t0001\t0\t0\t0\t00FFFFFF',
      'vpn0\t0002590A\t00000000\t0001\t0\t0\t0\t00FEFFFF',
    ]);
    const manager = new NetworkManager({ root, procRoot: proc, reserved: ['10.89.4.0/24'], ...fixed() });
    expect(manager.find('bridge').ipam?.subnet).toBe('10.89.1.0/24');
    await manager.createNetwork({ Name: 'x' });
    expect(manager.find('x').ipam?.subnet).toBe('10.89.5.0/24');
    const explicit = await manager.createNetwork({
      Name: 'y',
      IPAM: { Config: [{ Subnet: '10.89.3.0/24' }] },
    });
    expect(explicit.Warning).toBe(
      'subnet 10.89.3.0/24 overlaps 10.89.2.0/23, routed on the host or reserved',
    );
  });

  it('lists with filters and prunes unused custom networks', async () => {
    const manager = new NetworkManager({ root, procRoot: fakeProc([]), ...fixed() });
    await manager.createNetwork({ Name: 'proj_default', Labels: { 'com.docker.compose.project': 'proj' } });
    await manager.createNetwork({
      Name: 'proj_back',
      Labels: { 'com.docker.compose.project': 'proj', keep: '1' },
    });
    await manager.createNetwork({ Name: 'other' });
    expect(manager.list({ label: ['com.docker.compose.project=proj'] }).map((n) => n.Name)).toEqual([
      'proj_back',
      'proj_default',
    ]);
    expect(manager.list({ name: ['proj'] }).map((n) => n.Name)).toEqual(['proj_back', 'proj_default']);
    expect(manager.list({ type: { builtin: true } }).map((n) => n.Name)).toEqual(['bridge', 'host', 'none']);
    expect(manager.list({ dangling: ['true'] }).map((n) => n.Name)).toEqual([
      'other',
      'proj_back',
      'proj_default',
    ]);
    expect(() => manager.list({ colour: ['red'] })).toThrow("invalid filter 'colour'");
    expect(await manager.pruneNetworks({ 'label!': ['keep'] })).toEqual({
      NetworksDeleted: ['other', 'proj_default'],
    });
    expect(manager.list().map((n) => n.Name)).toEqual(['bridge', 'host', 'none', 'proj_back']);
  });

  it('persists: a new manager on the same root sees the same networks', async () => {
    const first = new NetworkManager({ root, procRoot: fakeProc([]), ...fixed() });
    const { Id } = await first.createNetwork({ Name: 'kept', Internal: true });
    const second = new NetworkManager({ root, procRoot: fakeProc([]) });
    expect(second.inspect('kept')).toEqual(first.inspect('kept'));
    expect(second.inspect('kept').Internal).toBe(true);
    expect(second.list().map((n) => n.Id)).toEqual(first.list().map((n) => n.Id));
    expect(second.find(Id).name).toBe('kept');
  });
});

const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('subnet allocation on the real host (root)', () => {
  it('skips a subnet routed on the host', async () => {
    const link = `dvq${randomBytes(2).toString('hex')}`;
    execFileSync('ip', ['-batch', '-'], {
      input: `link add ${link} type bridge\naddr add 10.125.0.1/24 dev ${link}\nlink set ${link} up\n`,
    });
    try {
      const manager = new NetworkManager({ root, pools: [{ base: '10.125.0.0/16', size: 24 }] });
      expect(manager.find('bridge').ipam?.subnet).toBe('10.125.1.0/24');
      await manager.createNetwork({ Name: 'next' });
      expect(manager.find('next').ipam?.subnet).toBe('10.125.2.0/24');
    } finally {
      execFileSync('ip', ['link', 'del', link]);
    }
  });
});
