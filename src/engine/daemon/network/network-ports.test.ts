/**
 * Published ports, as root: tcp and udp, on all host addresses and on 127.0.0.1, fixed,
 * ephemeral and from a range, reached from the host and from a container (hairpin); conflicts
 * refused before anything is made; rules survive a daemon restart without doubling.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkManager } from './network-manager.js';
import type { SandboxResult } from './network-types.js';
import { probeHostPort } from './port-allocator.js';
import { hostLeftovers, NetnsProbe, networkTestsUnavailable } from './testing/netns-probe.js';

const AARDVARK = '/usr/lib/podman/aardvark-dns';
const unavailable = networkTestsUnavailable(['ip', 'iptables-restore', 'iptables-save', AARDVARK]);
if (unavailable) console.warn(`skipping published port tests: ${unavailable}`);

const tag = randomBytes(2).toString('hex');
const options = {
  chainPrefix: `DVP${tag.toUpperCase()}`,
  netnsPrefix: `dvp${tag}`,
  pools: [{ base: '10.124.0.0/16', size: 24 }],
  binaries: { aardvarkDns: AARDVARK },
};
const id = (): string => randomBytes(32).toString('hex');
const hostAddress =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '';

describe.skipIf(unavailable !== undefined)('published ports (root)', () => {
  let root: string;
  let manager: NetworkManager;
  let probe: NetnsProbe;
  let server: SandboxResult;
  let neighbour: SandboxResult;
  let blocker: Server;
  const ports = { all: 0, local: 0, rangeStart: 0, blocked: 0 };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dev-ports-'));
    probe = new NetnsProbe(join(root, 'probe'));
    manager = new NetworkManager({ root, ...options });
    await manager.createNetwork({ Name: 'app' });
    ports.all = await freePort();
    ports.local = await freePort();
    ports.rangeStart = await freePort();
    // a host process holds the first port of the range: the range must skip it
    blocker = await listen(ports.rangeStart);
    ports.blocked = ports.rangeStart;
    server = await manager.setUpContainer({
      containerId: id(),
      name: 'app-server-1',
      networks: [{ network: 'app' }],
      ports: [
        { containerPort: 8080, hostPort: String(ports.all) },
        { containerPort: 8080, protocol: 'udp' },
        { containerPort: 8080, hostIp: '127.0.0.1', hostPort: ports.local },
        { containerPort: 8080, hostPort: `${ports.rangeStart}-${ports.rangeStart + 2}` },
      ],
    });
    neighbour = await manager.setUpContainer({
      containerId: id(),
      name: 'app-neighbour-1',
      networks: [{ network: 'app' }],
    });
    await probe.serve(server.netnsPath, 8080, 'server');
  });

  afterAll(async () => {
    probe?.cleanup();
    blocker?.close();
    if (manager) {
      for (const containerId of manager.sandboxIds()) await manager.tearDownContainer(containerId);
      await manager.firewall.remove();
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('reports every binding with the host port chosen', () => {
    const [all, udp, local, ranged] = server.ports;
    expect(all).toEqual({ protocol: 'tcp', hostIp: '0.0.0.0', hostPort: ports.all, containerPort: 8080 });
    expect(udp?.protocol).toBe('udp');
    expect(udp?.hostPort).toBeGreaterThan(1023);
    expect(local).toEqual({
      protocol: 'tcp',
      hostIp: '127.0.0.1',
      hostPort: ports.local,
      containerPort: 8080,
    });
    expect(ranged?.hostPort).toBe(ports.rangeStart + 1);
    const settings = manager.networkSettings(server.containerId, ['9000/tcp']);
    expect(settings?.Ports['8080/tcp']).toContainEqual({
      HostIp: '127.0.0.1',
      HostPort: String(ports.local),
    });
    expect(settings?.Ports['8080/udp']).toEqual([{ HostIp: '0.0.0.0', HostPort: String(udp?.hostPort) }]);
    expect(settings?.Ports['9000/tcp']).toBeNull();
  });

  it('reaches a port published on all addresses from the host, by loopback and by the host address', () => {
    const gateway = manager.find('app').ipam?.gateway;
    // 127.0.0.1 is rewritten to the gateway on the way in (route_localnet + masquerade)
    expect(probe.run(undefined, { op: 'tcp', host: '127.0.0.1', port: ports.all })).toEqual({
      ok: true,
      data: `server ${gateway}`,
    });
    expect(probe.run(undefined, { op: 'tcp', host: hostAddress, port: ports.all })).toMatchObject({
      ok: true,
    });
    expect(probe.run(undefined, { op: 'tcp', host: '127.0.0.1', port: ports.rangeStart + 1 })).toMatchObject({
      ok: true,
    });
  });

  it('reaches a udp port chosen by the engine', () => {
    const udp = server.ports[1]?.hostPort;
    expect(probe.run(undefined, { op: 'udp', host: '127.0.0.1', port: udp })).toMatchObject({ ok: true });
    expect(probe.run(undefined, { op: 'udp', host: hostAddress, port: udp })).toMatchObject({ ok: true });
  });

  it('publishes a 127.0.0.1 port on loopback only', () => {
    expect(probe.run(undefined, { op: 'tcp', host: '127.0.0.1', port: ports.local })).toMatchObject({
      ok: true,
    });
    expect(probe.run(undefined, { op: 'tcp', host: hostAddress, port: ports.local, timeout: 800 }).ok).toBe(
      false,
    );
  });

  it('lets a container reach a published port of its own network through the host (hairpin)', () => {
    const reply = probe.run(neighbour.netnsPath, { op: 'tcp', host: hostAddress, port: ports.all });
    expect(reply).toEqual({ ok: true, data: `server ${manager.find('app').ipam?.gateway}` });
  });

  it('refuses a port held by a host process or another container, before making anything', async () => {
    const taken = await manager
      .setUpContainer({
        containerId: id(),
        name: 'late',
        networks: [{ network: 'app' }],
        ports: [{ containerPort: 80, hostPort: ports.blocked }],
      })
      .catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: 'NETWORK_PORT_IN_USE', status: 409 });
    expect((taken as Error).message).toContain(`0.0.0.0:${ports.blocked}/tcp`);

    const containerId = id();
    const ours = await manager
      .setUpContainer({
        containerId,
        name: 'late',
        networks: [{ network: 'app' }],
        ports: [{ containerPort: 80, hostIp: '127.0.0.1', hostPort: ports.all }],
      })
      .catch((error: unknown) => error);
    expect(ours).toMatchObject({ code: 'NETWORK_PORT_IN_USE' });
    expect((ours as Error).message).toContain('published by another container');
    expect(manager.sandbox(containerId)).toBeUndefined();
    expect(
      hostLeftovers({ links: [], netns: `dvp${tag}-${containerId.slice(0, 12)}`, chains: 'no-such-chain' }),
    ).toEqual([]);
  });

  it('keeps ports working across a daemon restart, without doubling rules', async () => {
    const before = ourRules();
    const restarted = new NetworkManager({ root, ...options });
    expect(await restarted.restore()).toEqual({ dropped: [] });
    expect(ourRules()).toEqual(before);
    expect(probe.run(undefined, { op: 'tcp', host: '127.0.0.1', port: ports.all })).toMatchObject({
      ok: true,
    });
  });

  it('forgets, on restore, a sandbox whose netns vanished while the daemon was away', async () => {
    const gone = await manager.setUpContainer({
      containerId: id(),
      name: 'gone',
      networks: [{ network: 'app' }],
    });
    execFileSync('ip', ['netns', 'del', (gone.netnsPath ?? '').split('/').pop() ?? '']);
    const restarted = new NetworkManager({ root, ...options });
    expect(await restarted.restore()).toEqual({ dropped: [gone.containerId] });
    expect(restarted.sandbox(gone.containerId)).toBeUndefined();
    expect(restarted.inspect('app').Containers[gone.containerId]).toBeUndefined();
    manager = restarted;
  });

  it('frees the ports and removes the rules when the containers go', async () => {
    const veths = [server, neighbour].flatMap((s) => s.endpoints.map((e) => e.hostInterface));
    const bridge = manager.find('app').bridge ?? '';
    for (const containerId of manager.sandboxIds()) await manager.tearDownContainer(containerId);
    expect(probe.run(undefined, { op: 'tcp', host: '127.0.0.1', port: ports.all, timeout: 800 }).ok).toBe(
      false,
    );
    expect(await probeHostPort('tcp', '0.0.0.0', ports.all)).toBe(ports.all);
    expect(
      hostLeftovers({ links: [bridge, ...veths], netns: `dvp${tag}-`, chains: options.chainPrefix }),
    ).toEqual([]);
  });
});

function ourRules(): string[] {
  const text = execFileSync('iptables-save', [], { encoding: 'utf8' });
  return text
    .split('\n')
    .filter((line) => line.includes(options.chainPrefix))
    .sort();
}

async function freePort(): Promise<number> {
  const port = await probeHostPort('tcp', '0.0.0.0', 0);
  if (port === 'busy') throw new Error('no free port');
  return port;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '0.0.0.0', () => resolve(server));
  });
}
