/**
 * Real networking, as root: network namespaces play containers on bridges this engine makes,
 * with aardvark-dns for names and iptables for NAT and isolation. Skips without root or tools.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkManager } from './network-manager.js';
import type { SandboxResult } from './network-types.js';
import { hostLeftovers, NetnsProbe, networkTestsUnavailable } from './testing/netns-probe.js';

const AARDVARK = '/usr/lib/podman/aardvark-dns';
const unavailable = networkTestsUnavailable(['ip', 'iptables-restore', 'iptables-save', AARDVARK]);
if (unavailable) console.warn(`skipping network sandbox tests: ${unavailable}`);

const tag = randomBytes(2).toString('hex');
const options = {
  chainPrefix: `DVT${tag.toUpperCase()}`,
  netnsPrefix: `dvt${tag}`,
  pools: [{ base: '10.123.0.0/16', size: 24 }],
  binaries: { aardvarkDns: AARDVARK },
};
const id = (): string => randomBytes(32).toString('hex');
const hasBusybox = networkTestsUnavailable(['busybox']) === undefined;
if (!hasBusybox) console.warn('skipping the ping test: busybox is not installed');

describe.skipIf(unavailable !== undefined)('network sandboxes (root)', () => {
  let root: string;
  let manager: NetworkManager;
  let probe: NetnsProbe;
  const outside = { netns: `dvt${tag}-out`, host: `dvto${tag}`, address: '198.18.7.2' };
  let web: SandboxResult;
  let client: SandboxResult;
  let stranger: SandboxResult;
  const bridges: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dev-net-'));
    probe = new NetnsProbe(join(root, 'probe'));
    manager = new NetworkManager({ root, ...options });
    // a namespace beyond the host stands for the internet: reachable only through NAT
    execFileSync('ip', ['-batch', '-'], {
      input: [
        `netns add ${outside.netns}`,
        `link add ${outside.host} type veth peer name eth0 netns ${outside.netns}`,
        `addr add 198.18.7.1/30 dev ${outside.host}`,
        `link set ${outside.host} up`,
      ].join('\n'),
    });
    execFileSync('ip', ['-n', outside.netns, '-batch', '-'], {
      input: `addr add ${outside.address}/30 dev eth0\nlink set eth0 up\nlink set lo up\n`,
    });
    await probe.serve(`/run/netns/${outside.netns}`, 7000, 'outside');

    await manager.createNetwork({ Name: 'front', Labels: { tier: 'front' } });
    await manager.createNetwork({ Name: 'back' });
    await manager.createNetwork({ Name: 'vault', Internal: true });
    for (const name of ['front', 'back', 'vault']) bridges.push(manager.find(name).bridge ?? '');
    web = await manager.setUpContainer({
      containerId: id(),
      name: 'proj-web-1',
      hostname: 'web',
      networks: [{ network: 'front', aliases: ['web'] }],
      extraHosts: ['gw.local:host-gateway', 'db.example=10.0.0.9'],
    });
    client = await manager.setUpContainer({
      containerId: id(),
      name: 'proj-client-1',
      networks: [{ network: 'front' }],
    });
    stranger = await manager.setUpContainer({
      containerId: id(),
      name: 'proj-stranger-1',
      networks: [{ network: 'back' }],
    });
    for (const sandbox of [web, client, stranger])
      probe.useResolvConf(sandbox.netnsPath ?? '', sandbox.resolvConf);
    await probe.serve(web.netnsPath, 8080, 'web');
  });

  afterAll(async () => {
    probe?.cleanup();
    execFileSync('ip', ['-force', '-batch', '-'], {
      input: `link del ${outside.host}\nnetns del ${outside.netns}\n`,
    });
    if (manager) {
      for (const containerId of manager.sandboxIds()) await manager.tearDownContainer(containerId);
      await manager.firewall.remove();
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('gives the runtime a netns, resolv.conf and hosts', () => {
    expect(web.netnsPath).toBe(`/run/netns/dvt${tag}-${web.containerId.slice(0, 12)}`);
    const front = manager.find('front');
    expect(web.resolvConf).toContain(`nameserver ${front.ipam?.gateway}`);
    expect(web.hosts).toContain('127.0.0.1\tlocalhost');
    expect(web.hosts).toContain(`${front.ipam?.gateway}\tgw.local`);
    expect(web.hosts).toContain('10.0.0.9\tdb.example');
    expect(web.hosts).toContain(`${web.endpoints[0]?.ipv4}\tweb`);
    expect(web.hostnameFile).toBe('web\n');
  });

  it('lets containers of one network reach each other by address and by name', () => {
    const address = web.endpoints[0]?.ipv4 ?? '';
    expect(probe.run(client.netnsPath, { op: 'tcp', host: address, port: 8080 })).toMatchObject({ ok: true });
    for (const name of ['web', 'proj-web-1', web.containerId.slice(0, 12)]) {
      expect(probe.run(client.netnsPath, { op: 'lookup', name })).toEqual({ ok: true, addresses: [address] });
    }
    const byName = probe.run(client.netnsPath, { op: 'tcp', host: 'web', port: 8080 });
    expect(byName).toEqual({ ok: true, data: `web ${client.endpoints[0]?.ipv4}` });
  });

  it.skipIf(!hasBusybox)('answers ping inside a network', () => {
    const ping = [
      'netns',
      'exec',
      basenameOf(client),
      'busybox',
      'ping',
      '-c',
      '1',
      '-W',
      '2',
      web.endpoints[0]?.ipv4 ?? '',
    ];
    execFileSync('ip', ping, { stdio: 'ignore' });
  });

  it('keeps other networks out: no route to the containers, no names', () => {
    const address = web.endpoints[0]?.ipv4 ?? '';
    expect(probe.run(stranger.netnsPath, { op: 'tcp', host: address, port: 8080, timeout: 800 }).ok).toBe(
      false,
    );
    expect(probe.run(stranger.netnsPath, { op: 'lookup', name: 'web' }).ok).toBe(false);
    // not even by asking the other network's DNS server directly
    const frontGateway = manager.find('front').ipam?.gateway;
    probe.useResolvConf(
      stranger.netnsPath ?? '',
      `nameserver ${frontGateway}\noptions timeout:1 attempts:1\n`,
    );
    expect(probe.run(stranger.netnsPath, { op: 'lookup', name: 'web' }).ok).toBe(false);
    probe.useResolvConf(stranger.netnsPath ?? '', stranger.resolvConf);
  });

  it('masquerades traffic leaving the host', () => {
    const reply = probe.run(client.netnsPath, { op: 'tcp', host: outside.address, port: 7000 });
    // the outside sees the host's address on its link, not the container's
    expect(reply).toEqual({ ok: true, data: 'outside 198.18.7.1' });
  });

  it('gives internal networks no way out', async () => {
    const vaulted = await manager.setUpContainer({
      containerId: id(),
      name: 'proj-vault-1',
      networks: [{ network: 'vault' }],
    });
    const peer = await manager.setUpContainer({
      containerId: id(),
      name: 'proj-vault-2',
      networks: [{ network: 'vault' }],
    });
    try {
      expect(
        probe.run(vaulted.netnsPath, { op: 'tcp', host: outside.address, port: 7000, timeout: 800 }).ok,
      ).toBe(false);
      await probe.serve(peer.netnsPath, 9000, 'peer');
      expect(probe.run(vaulted.netnsPath, { op: 'tcp', host: peer.endpoints[0]?.ipv4, port: 9000 }).ok).toBe(
        true,
      );
    } finally {
      await manager.tearDownContainer(vaulted.containerId);
      await manager.tearDownContainer(peer.containerId);
    }
  });

  it('connects and disconnects a running container', async () => {
    const address = web.endpoints[0]?.ipv4 ?? '';
    const { endpoint } = await manager.connectContainer(stranger.containerId, {
      network: 'front',
      aliases: ['late'],
    });
    expect(endpoint.interface).toBe('eth1');
    expect(probe.run(stranger.netnsPath, { op: 'tcp', host: address, port: 8080 })).toMatchObject({
      ok: true,
    });
    expect(probe.run(client.netnsPath, { op: 'lookup', name: 'late' })).toEqual({
      ok: true,
      addresses: [endpoint.ipv4],
    });
    expect(manager.inspect('front').Containers[stranger.containerId]?.IPv4Address).toBe(
      `${endpoint.ipv4}/24`,
    );

    await manager.disconnectContainer(stranger.containerId, 'front');
    expect(probe.run(stranger.netnsPath, { op: 'tcp', host: address, port: 8080, timeout: 800 }).ok).toBe(
      false,
    );
    expect(probe.run(client.netnsPath, { op: 'lookup', name: 'late' }).ok).toBe(false);
    expect(manager.inspect('front').Containers[stranger.containerId]).toBeUndefined();
  });

  it('puts a container without networks on the default bridge, with the host resolvers and NAT', async () => {
    const plain = await manager.setUpContainer({ containerId: id(), name: 'plain' });
    try {
      const bridge = manager.find('bridge');
      expect(plain.endpoints.map((e) => e.networkId)).toEqual([bridge.id]);
      // Docker's default bridge has no embedded DNS: the host's resolvers, minus loopback ones
      expect(plain.resolvConf).not.toContain(`nameserver ${bridge.ipam?.gateway}`);
      expect(probe.run(plain.netnsPath, { op: 'tcp', host: outside.address, port: 7000 })).toEqual({
        ok: true,
        data: 'outside 198.18.7.1',
      });
    } finally {
      await manager.tearDownContainer(plain.containerId);
    }
  });

  it('honours a static address and forwards other names to the container dns servers', async () => {
    const upstream = await fakeUpstream('127.0.0.77', 'upstream.test', '203.0.113.7');
    const front = manager.find('front');
    const address = front.ipam?.subnet.replace(/0\/24$/, '200') ?? '';
    const fixedOne = await manager.setUpContainer({
      containerId: id(),
      name: 'fixed',
      networks: [{ network: 'front', ipv4Address: address }],
      dns: ['127.0.0.77'],
    });
    try {
      expect(fixedOne.endpoints[0]?.ipv4).toBe(address);
      expect(fixedOne.endpoints[0]?.mac).toBe(macOf(address));
      probe.useResolvConf(fixedOne.netnsPath ?? '', fixedOne.resolvConf);
      expect(await probe.runAsync(fixedOne.netnsPath, { op: 'lookup', name: 'upstream.test' })).toEqual({
        ok: true,
        addresses: ['203.0.113.7'],
      });
      expect(probe.run(fixedOne.netnsPath, { op: 'lookup', name: 'web' })).toEqual({
        ok: true,
        addresses: [web.endpoints[0]?.ipv4],
      });
      const taken = await manager
        .setUpContainer({
          containerId: id(),
          name: 'clash',
          networks: [{ network: 'front', ipv4Address: address }],
        })
        .catch((error: unknown) => error);
      expect(taken).toMatchObject({ code: 'NETWORK_ADDRESS_IN_USE' });
    } finally {
      await manager.tearDownContainer(fixedOne.containerId);
      upstream.close();
    }
  });

  it('runs host, none and container network modes', async () => {
    const host = await manager.setUpContainer({ containerId: id(), name: 'on-host', networkMode: 'host' });
    const none = await manager.setUpContainer({ containerId: id(), name: 'alone', networkMode: 'none' });
    const sidecar = await manager.setUpContainer({
      containerId: id(),
      name: 'sidecar',
      networkMode: `container:${web.containerId}`,
    });
    try {
      expect(host.netnsPath).toBeUndefined();
      expect(host.endpoints).toEqual([]);
      expect(none.netnsPath).toBe(`/run/netns/dvt${tag}-${none.containerId.slice(0, 12)}`);
      const links = execFileSync('ip', ['-n', basenameOf(none), '-o', 'link'], { encoding: 'utf8' });
      expect(links.trim().split('\n')).toHaveLength(1);
      expect(
        probe.run(none.netnsPath, { op: 'tcp', host: outside.address, port: 7000, timeout: 500 }).ok,
      ).toBe(false);
      expect(sidecar.netnsPath).toBe(web.netnsPath);
      expect(sidecar.hosts).toBe(web.hosts);
    } finally {
      for (const sandbox of [host, none, sidecar]) await manager.tearDownContainer(sandbox.containerId);
    }
    expect(hostLeftovers({ links: [], netns: basenameOf(none), chains: 'no-such-chain' })).toEqual([]);
  });

  it('is seen again by a new manager on the same state root', () => {
    const again = new NetworkManager({ root, ...options });
    const front = again.inspect('front');
    expect(Object.keys(front.Containers).sort()).toEqual([web.containerId, client.containerId].sort());
    expect(front.Containers[web.containerId]).toMatchObject({
      Name: 'proj-web-1',
      IPv4Address: `${web.endpoints[0]?.ipv4}/24`,
    });
    expect(again.sandbox(client.containerId)?.netnsPath).toBe(client.netnsPath);
    expect(again.list({ label: ['tier=front'] }).map((n) => n.Name)).toEqual(['front']);
  });

  it('leaves nothing on the host once the containers are gone', async () => {
    for (const sandbox of [web, client, stranger]) await manager.tearDownContainer(sandbox.containerId);
    await manager.removeNetwork('front');
    await manager.removeNetwork('back');
    await manager.removeNetwork('vault');
    const veths = [web, client, stranger].flatMap((s) => s.endpoints.map((e) => e.hostInterface));
    const leftovers = hostLeftovers({
      links: [...bridges, ...veths],
      netns: `dvt${tag}-`,
      chains: options.chainPrefix,
    });
    expect(leftovers.filter((l) => !l.includes(`${outside.netns}`))).toEqual([]);
    expect(manager.dns.runningPid()).toBeUndefined();
  });
});

function macOf(address: string): string {
  return ['02', '42', ...address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

/** A DNS server answering one A record (and NXDOMAIN otherwise), standing for an upstream resolver. */
async function fakeUpstream(address: string, name: string, answer: string): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const question = query.subarray(12);
    const end = question.indexOf(0) + 5;
    const asked = [];
    for (let i = 0; question[i] !== 0; i += (question[i] ?? 0) + 1)
      asked.push(question.subarray(i + 1, i + 1 + (question[i] ?? 0)).toString());
    const found = asked.join('.') === name;
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(found ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(found ? 1 : 0, 6);
    // no authority or additional records (the query's EDNS record is not echoed)
    header.writeUInt32BE(0, 8);
    const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer.split('.').map(Number)]);
    socket.send(
      Buffer.concat([header, question.subarray(0, end), ...(found ? [record] : [])]),
      peer.port,
      peer.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(53, address, resolve));
  return socket;
}

function basenameOf(sandbox: SandboxResult): string {
  return (sandbox.netnsPath ?? '').split('/').pop() ?? '';
}
